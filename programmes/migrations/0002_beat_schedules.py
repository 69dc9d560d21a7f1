from django.db import migrations

# Daily beat jobs this app owns; times are editable afterwards in the admin (Periodic tasks).
SCHEDULES = [
    (
        "Tell line managers of programmes opening (4B)",
        "programmes.tasks.notify_managers_of_open_cohorts",
        "15",
        "7",
    ),
    ("Remind eligible staff that applications close soon", "programmes.tasks.remind_window_closing", "30", "8"),
    (
        "Remind managers of applications waiting for endorsement",
        "programmes.tasks.remind_endorsements_waiting",
        "0",
        "9",
    ),
    ("Remind participants of tomorrow's sessions", "programmes.tasks.remind_sessions_tomorrow", "0", "16"),
]


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, minute, hour in SCHEDULES:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=minute, hour=hour, day_of_week="*", day_of_month="*", month_of_year="*", timezone="Europe/London"
        )
        PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "crontab": crontab})


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=[s[0] for s in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
