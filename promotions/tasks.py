"""Promotions' background work: daily beat jobs that decide who gets work and fan out one task each."""

from django.utils import timezone

from core.jobs import fan_out, retrying_task
from core.tenancy import across_institutions, in_institution, institution_id_of

from . import selectors, services
from .models import Application, Round


@retrying_task
def send_daily():
    """Daily (beat): managers told of open rounds (once each), rounds opening within 14 days,
    submission deadlines within 7 days, supporting statements waiting 5 working days."""
    today = timezone.localdate()
    with across_institutions():
        return {
            "opened": fan_out(notify_managers_of_round, selectors.rounds_open(today)),
            "opening_soon": fan_out(remind_round_opening_soon, selectors.rounds_opening_soon(today)),
            "deadlines": fan_out(remind_deadline, selectors.deadlines_due(today)),
            "support": fan_out(remind_support, selectors.support_waiting_due(today)),
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
def notify_managers_of_round(round_id):
    return _in_round_scope(Round, round_id, lambda: services.round_notify_managers(round_id=round_id))


@retrying_task
def remind_round_opening_soon(round_id):
    return _in_round_scope(Round, round_id, lambda: services.round_remind_opening_soon(round_id=round_id))


@retrying_task
def remind_deadline(application_id):
    return _in_round_scope(
        Application, application_id, lambda: services.application_remind_deadline(application_id=application_id)
    )


@retrying_task
def remind_support(application_id):
    return _in_round_scope(
        Application, application_id, lambda: services.application_remind_support(application_id=application_id)
    )


@retrying_task
def apply_promotion(application_id):
    def apply():
        event = services.application_apply_grade(application_id=application_id)
        return event.pk if event else None

    return _in_round_scope(Application, application_id, apply)
