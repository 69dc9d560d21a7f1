"""Promotions' background work: the daily notices and reminders in bulk, and the promotions due
fanned out one task each (each writes career history in its own transaction)."""

from datetime import date

from django.utils import timezone

from core.jobs import fan_out, retrying_task
from core.tenancy import across_institutions, in_institution, institution_id_of

from . import selectors, services
from .models import Application


@retrying_task
def send_daily(on=None):
    """Daily (beat): managers told of open rounds (once each), rounds opening within 14 days,
    submission deadlines within 7 days, supporting statements waiting 5 working days; across
    institutions, in bulk. `on` (an ISO date) stands in for today in tests."""
    today = date.fromisoformat(on) if on else timezone.localdate()
    with across_institutions():
        return {
            "opened": services.managers_notify_of_rounds(rounds=selectors.rounds_open(today)),
            "opening_soon": services.remind_rounds_opening_soon(rounds=selectors.rounds_opening_soon(today)),
            "deadlines": services.remind_deadlines(applications=selectors.deadlines_due(today)),
            "support": services.remind_support_waiting(applications=selectors.support_waiting_due(today)),
        }


@retrying_task
def apply_due_promotions():
    """Daily (beat): write promotions whose effective date has come into career history."""
    with across_institutions():
        return fan_out(apply_promotion, selectors.promotions_due(timezone.localdate()))


def _in_round_scope(model, pk, call):
    institution_id = institution_id_of(model, pk)
    if institution_id is None:
        return 0
    with in_institution(institution_id):
        return call()


@retrying_task
def apply_promotion(application_id):
    def apply():
        event = services.application_apply_grade(application_id=application_id)
        return event.pk if event else None

    return _in_round_scope(Application, application_id, apply)
