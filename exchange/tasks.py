from celery import shared_task
from django.db import OperationalError

from . import services

# A lost database connection is worth retrying; anything else is a bug to see in the logs.
RETRY = {"autoretry_for": (OperationalError,), "max_retries": 3, "retry_backoff": True}


@shared_task(**RETRY)
def send_feedback_reminders():
    """Daily (beat): find exchanges whose second day is past with feedback missing, and fan out."""
    due = services.feedback_reminders_due()
    for placement_id in due:
        remind_feedback.delay(placement_id)
    return len(due)


@shared_task(**RETRY)
def remind_feedback(placement_id):
    """Remind the host and the visitor of one placement who have not given feedback (once each)."""
    return services.placement_remind_feedback(placement_id=placement_id)
