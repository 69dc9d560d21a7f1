from celery import shared_task

from . import services


@shared_task(max_retries=3, retry_backoff=True)
def send_welcome_messages():
    """Daily (beat): welcome each new starter on a welcomed grade. Running twice sends nothing twice."""
    sent = 0
    for profile in services.welcome_due():
        if services.welcome_send(profile=profile) is not None:
            sent += 1
    return sent
