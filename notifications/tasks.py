from celery import shared_task
from django.utils import timezone

from . import services
from .models import Notification

MAX_ATTEMPTS = 6


@shared_task(bind=True, max_retries=MAX_ATTEMPTS - 1, acks_late=True)
def deliver_notification(self, notification_id):
    """Send one outbox row; retry with exponential backoff if the mail server fails."""
    try:
        services.notification_deliver(notification_id)
    except services.DeliveryError as error:
        if self.request.retries >= self.max_retries:
            services.notification_give_up(notification_id, error)
            return
        raise self.retry(exc=error, countdown=min(30 * 2**self.request.retries, 600)) from error


@shared_task(max_retries=3, retry_backoff=True)
def deliver_pending_notifications():
    """Queue delivery of rows still pending a minute after creation (a lost task or a crash)."""
    cutoff = timezone.now() - timezone.timedelta(minutes=1)
    ids = list(
        Notification.objects.filter(
            status=Notification.Status.PENDING, created_at__lt=cutoff, attempts__lt=MAX_ATTEMPTS
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:500]
    )
    for pk in ids:
        deliver_notification.delay(pk)
    return len(ids)
