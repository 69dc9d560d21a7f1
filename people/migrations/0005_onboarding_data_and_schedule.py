from django.db import migrations
from django.db.models import Q
from django.utils import timezone

SCHEDULE = (
    "Remind line managers of confirmations waiting 5 working days",
    "people.tasks.remind_manager_confirmations",
    "30",
    "7",
)


def forwards(apps, schema_editor):
    """Records HR already kept count as complete, and each gets its starting career event.

    Sign-ups with nothing recorded are left to onboarding. The starting event is an import
    dated at the start date (or today when unknown), so "grade on date" has a first row.
    """
    StaffProfile = apps.get_model("people", "StaffProfile")
    CareerEvent = apps.get_model("people", "CareerEvent")
    now = timezone.now()
    recorded = StaffProfile._base_manager.filter(
        Q(grade__isnull=False) | Q(job_family__isnull=False) | Q(division__isnull=False) | Q(line_manager__isnull=False)
    )
    recorded.filter(onboarded_at__isnull=True).update(onboarded_at=now)
    have_events = CareerEvent._base_manager.values("person_id")
    events = [
        CareerEvent(
            person_id=profile.pk,
            effective_date=profile.start_date or timezone.localdate(),
            cause="import",
            grade_id=profile.grade_id,
            job_family_id=profile.job_family_id,
            division_id=profile.division_id,
            line_manager_id=profile.line_manager_id,
            contract_type=profile.contract_type,
            note="The record as it stood when career history began.",
            recorded_at=now,
        )
        for profile in recorded.exclude(pk__in=have_events).iterator()
    ]
    CareerEvent._base_manager.bulk_create(events, batch_size=500)

    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    name, task, minute, hour = SCHEDULE
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute=minute, hour=hour, day_of_week="*", day_of_month="*", month_of_year="*", timezone="Europe/London"
    )
    PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "crontab": crontab})


def backwards(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=SCHEDULE[0]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0004_onboarding_career_history"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
