from core.jobs import retrying_task
from core.tenancy import across_institutions, in_institution

from . import selectors, services


@retrying_task
def send_welcome_messages():
    """Daily (beat): welcome each new starter on a welcomed grade. Running twice sends nothing twice.

    Reads the due starters across institutions, then queues each welcome inside its
    person's institution. Returns how many were queued now (a repeat finds them queued).
    """
    with across_institutions():
        due = list(selectors.welcome_due())
    sent = 0
    for profile in due:
        with in_institution(profile.institution_id):
            if services.welcome_send(profile=profile) is not None:
                sent += 1
    return sent
