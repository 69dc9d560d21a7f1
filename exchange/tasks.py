"""The exchange pilot's background work: a daily beat job that fans out one task per placement."""

from core.jobs import fan_out, retrying_task
from core.tenancy import across_institutions, in_institution, institution_id_of

from . import selectors, services
from .models import ExchangePlacement


@retrying_task
def send_feedback_reminders():
    """Daily (beat): find exchanges whose second day is past with feedback missing, and fan out.

    Scans every institution (a beat job has no institution of its own); each placement's
    reminder then runs inside that placement's institution.
    """
    # The queryset itself is built across institutions too: a scoped manager refuses even to
    # start a query outside a scope.
    with across_institutions():
        return fan_out(remind_feedback, selectors.feedback_reminders_due())


@retrying_task
def remind_feedback(placement_id):
    """Remind the host and the visitor of one placement who have not given feedback (once each)."""
    institution_id = institution_id_of(ExchangePlacement, placement_id)
    if institution_id is None:
        return 0
    with in_institution(institution_id):
        return services.placement_remind_feedback(placement_id=placement_id)
