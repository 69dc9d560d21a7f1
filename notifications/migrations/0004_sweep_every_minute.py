"""deliver_pending_notifications runs every minute (it ran every 10): a message whose task could
not be queued (Redis down) goes out within a minute of Redis returning. Idempotent: the task
is matched by its dotted name, whatever the row is called."""

from django.db import migrations

TASK = "notifications.tasks.deliver_pending_notifications"
NAME = "Deliver notifications whose task was lost"


def _set_minute(apps, minute):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute=minute, hour="*", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Europe/London"
    )
    if not PeriodicTask.objects.filter(task=TASK).exists():
        PeriodicTask.objects.create(name=NAME, task=TASK, crontab=crontab)
    PeriodicTask.objects.filter(task=TASK).update(crontab=crontab, interval=None)


def every_minute(apps, schema_editor):
    _set_minute(apps, "*")


def every_ten_minutes(apps, schema_editor):
    _set_minute(apps, "*/10")


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0003_message_texts_and_stuck_index"),
        ("people", "0002_groups_and_schedules"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(every_minute, every_ten_minutes)]
