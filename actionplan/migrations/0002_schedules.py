from django.db import migrations

# Beat jobs of the action plan; times are editable afterwards in the admin (Periodic tasks).
# (name, task, minute, hour, day_of_month, month_of_year)
SCHEDULES = [
    ("Action plan: record success-measure snapshots", "actionplan.tasks.record_all_snapshots", "0", "5", "1", "*"),
    ("Action plan: remind owners of due progress updates", "actionplan.tasks.send_update_reminders", "30", "7", "*", "*"),
    ("Action plan: monthly digest for programme managers", "actionplan.tasks.send_monthly_digests", "0", "8", "1", "*"),
    (
        "Action plan: quarterly success-measure report to owners",
        "actionplan.tasks.send_quarterly_reports",
        "0",
        "9",
        "1",
        "1,4,7,10",
    ),
]


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, minute, hour, day, month in SCHEDULES:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=minute,
            hour=hour,
            day_of_week="*",
            day_of_month=day,
            month_of_year=month,
            timezone="Europe/London",
        )
        PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "crontab": crontab})


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=[s[0] for s in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("actionplan", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
