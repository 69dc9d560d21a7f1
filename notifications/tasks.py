from core.jobs import fan_out, retrying_task
from core.tenancy import across_institutions, in_institution

from . import selectors, services
from .models import Notification

MAX_ATTEMPTS = 6


@retrying_task(bind=True, max_retries=MAX_ATTEMPTS - 1, acks_late=True)
def deliver_notification(self, notification_id):
    """Send one outbox row; retry with exponential backoff if the mail server fails.

    Two kinds of retry share the task's MAX_ATTEMPTS - 1 retries: a database or disk hiccup
    (core.jobs.RETRYABLE, retried by Celery), and a mail server that refused the message
    (DeliveryError: the row is back in PENDING; retried here with a longer backoff, then
    given up as FAILED when the retries are spent). A row left SENDING is never retried: the
    claim refuses it, and it waits on the administrators' "Messages not sent" page.
    """
    institution_id = Notification._base_manager.filter(pk=notification_id).values_list("institution", flat=True).first()
    with in_institution(institution_id):  # the institution's own message texts
        try:
            services.notification_deliver(notification_id)
        except services.DeliveryError as error:
            if self.request.retries >= self.max_retries:
                services.notification_give_up(notification_id, error)
                return
            raise self.retry(exc=error, countdown=min(30 * 2**self.request.retries, 600)) from error


@retrying_task
def deliver_pending_notifications():
    """Queue delivery of rows still pending a minute after creation (a lost task, Redis down, a crash).

    Beat runs it every minute (notifications migration 0004); the claim in
    `notification_deliver` makes a row sent by both its own task and the sweep go out once.
    """
    with across_institutions():  # a beat scan of every institution's outbox
        return fan_out(deliver_notification, selectors.pending_for_redelivery(max_attempts=MAX_ATTEMPTS)[:500])
