"""Mentoring's background work: a daily beat job that fans out one task per reminder."""

from core.jobs import fan_out, retrying_task
from core.tenancy import across_institutions, in_institution, institution_id_of

from . import selectors, services
from .models import Relationship


@retrying_task
def send_reminders():
    """Daily (beat): requests waiting 5 working days (to the mentor) and active mentoring with no
    meeting for 8 weeks (to both); one task per relationship, each in its own institution."""
    with across_institutions():
        waiting = fan_out(remind_waiting_request, selectors.requests_waiting_due())
        check_ins = fan_out(remind_check_in, selectors.check_ins_due())
    return {"waiting": waiting, "check_ins": check_ins}


@retrying_task
def remind_waiting_request(relationship_id):
    institution_id = institution_id_of(Relationship, relationship_id)
    if institution_id is None:
        return 0
    with in_institution(institution_id):
        return services.request_remind_waiting(relationship_id=relationship_id)


@retrying_task
def remind_check_in(relationship_id):
    institution_id = institution_id_of(Relationship, relationship_id)
    if institution_id is None:
        return 0
    with in_institution(institution_id):
        return services.relationship_remind_check_in(relationship_id=relationship_id)
