"""Registration's background work: a daily beat job that fans out one task per reminder."""

from django.utils import timezone

from core.jobs import fan_out, retrying_task
from core.tenancy import across_institutions, in_institution, institution_id_of
from people.models import StaffProfile

from . import selectors, services
from .models import Journey


@retrying_task
def send_reminders():
    """Daily (beat): renewal fees due in 30 days, open journeys with no progress for 90 days,
    supporters who have not agreed after 10 days, and (from 1 December) registered people who have
    not declared the year's CPD; one task per row, each in its own institution."""
    year = timezone.localdate().year
    with across_institutions():
        renewals = fan_out(remind_renewal, selectors.renewals_due())
        stalled = fan_out(remind_stalled, selectors.stalled_due())
        supporters = fan_out(remind_supporter, selectors.supporters_waiting_due())
        declarations = 0
        for person_id in selectors.cpd_declarations_due():
            remind_cpd_declaration.delay(person_id, year)
            declarations += 1
    return {"renewals": renewals, "stalled": stalled, "supporters": supporters, "declarations": declarations}


def _in_scope_of(journey_id, service):
    institution_id = institution_id_of(Journey, journey_id)
    if institution_id is None:
        return 0
    with in_institution(institution_id):
        return service(journey_id=journey_id)


@retrying_task
def remind_renewal(journey_id):
    return _in_scope_of(journey_id, services.journey_remind_renewal)


@retrying_task
def remind_stalled(journey_id):
    return _in_scope_of(journey_id, services.journey_remind_stalled)


@retrying_task
def remind_supporter(journey_id):
    return _in_scope_of(journey_id, services.journey_remind_supporter)


@retrying_task
def remind_cpd_declaration(person_id, year):
    institution_id = institution_id_of(StaffProfile, person_id)
    if institution_id is None:
        return 0
    with in_institution(institution_id):
        return int(services.person_remind_cpd_declaration(person_id=person_id, year=year) is not None)
