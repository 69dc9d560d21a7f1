from celery import shared_task

from . import services


@shared_task(max_retries=3, retry_backoff=True)
def send_feedback_reminders():
    """Daily (beat): find exchanges whose second day is past with feedback missing, and fan out."""
    due = services.feedback_reminders_due()
    for placement_id in due:
        remind_feedback.delay(placement_id)
    return len(due)


@shared_task(max_retries=3, retry_backoff=True)
def remind_feedback(placement_id):
    """Remind the host and the visitor of one placement who have not given feedback (once each)."""
    return services.placement_remind_feedback(placement_id=placement_id)
