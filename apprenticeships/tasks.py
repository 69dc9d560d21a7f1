"""Apprenticeships' background work: a daily beat job that fans out one task per apprenticeship."""

from core.jobs import fan_out, retrying_task
from core.tenancy import across_institutions, in_institution, institution_id_of

from . import selectors, services
from .models import Apprenticeship


@retrying_task
def send_reminders():
    """Daily (beat): reviews due or overdue, off-the-job hours behind, planned ends approaching and
    destinations missing; one task per apprenticeship, each in its own institution."""
    with across_institutions():
        sent = fan_out(send_reminders_for, selectors.reminders_due())
    return {"apprenticeships": sent}


@retrying_task
def send_reminders_for(apprenticeship_id):
    institution_id = institution_id_of(Apprenticeship, apprenticeship_id)
    if institution_id is None:
        return 0
    with in_institution(institution_id):
        return services.reminders_send(apprenticeship_id=apprenticeship_id)
