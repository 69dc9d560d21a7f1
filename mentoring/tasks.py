"""Mentoring's background work: a daily beat job that puts its reminders in the outbox in bulk."""

from core.jobs import retrying_task
from core.tenancy import across_institutions

from . import selectors, services


@retrying_task
def send_reminders():
    """Daily (beat): requests waiting 5 working days (to the mentor) and active mentoring with no
    meeting for 8 weeks (to both), across institutions, each message in its person's institution."""
    with across_institutions():
        waiting = services.remind_waiting_requests(relationships=selectors.requests_waiting_due().with_people())
        check_ins = services.remind_check_ins(relationships=selectors.check_ins_due().with_people())
    return {"waiting": waiting, "check_ins": check_ins}
