"""Apprenticeships' background work: a daily beat job that puts its reminders in the outbox in bulk."""

from core.jobs import retrying_task
from core.tenancy import across_institutions

from . import selectors, services


@retrying_task
def send_reminders():
    """Daily (beat): reviews due or overdue, off-the-job hours behind, planned ends approaching,
    destinations missing and reviews waiting for the provider, across institutions, each message
    in its apprenticeship's institution."""
    with across_institutions():
        sent = services.reminders_send(apprenticeships=selectors.reminders_due())
    return {"apprenticeships": sent}
