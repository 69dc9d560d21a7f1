"""Registration's background work: a daily beat job that puts its reminders in the outbox in bulk."""

from datetime import date

from django.utils import timezone

from core.jobs import retrying_task
from core.tenancy import across_institutions

from . import selectors, services


@retrying_task
def send_reminders(on=None):
    """Daily (beat): renewal fees due in 30 days, open journeys with no progress for 90 days,
    supporters who have not agreed after 10 days, and (from 1 December) registered people who have
    not declared the year's CPD; across institutions, each message in its recipient's institution.
    `on` (an ISO date) stands in for today in tests."""
    today = date.fromisoformat(on) if on else timezone.localdate()
    with across_institutions():
        return {
            "renewals": services.remind_renewals_due(journeys=selectors.renewals_due(today=today)),
            "stalled": services.remind_stalled_journeys(journeys=selectors.stalled_due(today=today), today=today),
            "supporters": services.remind_supporters_waiting(journeys=selectors.supporters_waiting_due(today=today)),
            "declarations": services.remind_cpd_declarations(
                journeys=selectors.cpd_declarations_due(today=today), year=today.year
            ),
        }
