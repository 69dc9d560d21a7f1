"""Daily beat jobs of programmes: each finds due work in the database and fans out one task per item.

The outbox's idempotency keys (and ManagerNotice's unique row) make a second run, a retry or two
workers at once send nothing twice.
"""

from datetime import datetime, time, timedelta

from celery import shared_task
from django.utils import timezone

from . import services
from .models import Cohort, Session


@shared_task(max_retries=3, retry_backoff=True)
def notify_managers_of_open_cohorts():
    """Daily (4B): for each cohort that opened in the last 3 days, tell eligible staff's managers."""
    today = timezone.localdate()
    cohort_ids = list(
        Cohort.objects.filter(
            opens_on__lte=today,
            opens_on__gte=today - timedelta(days=services.MANAGER_NOTICE_DAYS),
            closes_on__gte=today,
        ).values_list("pk", flat=True)
    )
    for cohort_id in cohort_ids:
        notify_managers_of_cohort.delay(cohort_id)
    return len(cohort_ids)


@shared_task(max_retries=3, retry_backoff=True)
def notify_managers_of_cohort(cohort_id):
    return services.cohort_notify_managers(cohort_id=cohort_id)


@shared_task(max_retries=3, retry_backoff=True)
def remind_window_closing():
    """Daily: cohorts closing within 3 days remind eligible staff who have not applied (once each)."""
    today = timezone.localdate()
    cohort_ids = list(
        Cohort.objects.filter(
            opens_on__lte=today,
            closes_on__gte=today,
            closes_on__lte=today + timedelta(days=services.WINDOW_CLOSING_DAYS),
        ).values_list("pk", flat=True)
    )
    for cohort_id in cohort_ids:
        remind_window_closing_for_cohort.delay(cohort_id)
    return len(cohort_ids)


@shared_task(max_retries=3, retry_backoff=True)
def remind_window_closing_for_cohort(cohort_id):
    return services.cohort_remind_window_closing(cohort_id=cohort_id)


@shared_task(max_retries=3, retry_backoff=True)
def remind_endorsements_waiting():
    """Daily: remind line managers of applications waiting more than 3 working days (once each)."""
    sent = 0
    for application in services.endorsements_waiting():
        if services.application_remind_endorsement(application=application) is not None:
            sent += 1
    return sent


@shared_task(max_retries=3, retry_backoff=True)
def remind_sessions_tomorrow():
    """Daily: remind participants of each session that starts tomorrow (local time)."""
    tomorrow = timezone.localdate() + timedelta(days=1)
    start = timezone.make_aware(datetime.combine(tomorrow, time.min))
    session_ids = list(
        Session.objects.filter(starts_at__gte=start, starts_at__lt=start + timedelta(days=1)).values_list(
            "pk", flat=True
        )
    )
    for session_id in session_ids:
        remind_session_participants.delay(session_id)
    return len(session_ids)


@shared_task(max_retries=3, retry_backoff=True)
def remind_session_participants(session_id):
    return services.session_remind_participants(session_id=session_id)
