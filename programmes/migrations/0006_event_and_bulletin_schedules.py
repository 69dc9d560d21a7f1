from django.db import migrations

# Beat jobs for events and the bulletin; times are editable afterwards in the admin (Periodic tasks).
SCHEDULES = [
    ("Remind registrants of tomorrow's events", "programmes.tasks.remind_events_tomorrow", "5", "16", "*"),
    # Mondays; the outbox key names the ISO week, so a second run that week sends nothing.
    ("Send the bulletin's weekly digest (1F)", "programmes.tasks.send_bulletin_digests", "0", "7", "1"),
]


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, minute, hour, day_of_week in SCHEDULES:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=minute,
            hour=hour,
            day_of_week=day_of_week,
            day_of_month="*",
            month_of_year="*",
            timezone="Europe/London",
        )
        PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "crontab": crontab})


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=[s[0] for s in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0005_events_and_bulletin"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
