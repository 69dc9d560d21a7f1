"""Daily beat jobs of programmes: each finds due work across institutions and fans out one task per item.

A beat job runs across institutions (it decides who gets work, with the due-work queries in
`selectors`) and fans out with `core.jobs.fan_out`; each fanned-out task takes an id and
enters the institution of that row before calling a service. The outbox's idempotency keys
(and ManagerNotice's unique row) make a second run, a retry or two workers at once send
nothing twice. Every task retries for real (`retrying_task`).
"""

from datetime import timedelta

from django.utils import timezone

from core.jobs import fan_out, retrying_task
from core.tenancy import across_institutions, in_institution, institution_id_of

from . import selectors, services
from .models import Cohort, DigestSubscription, Event, Session


def _in_institution_of(model, pk):
    """Enter the institution of the row a fanned-out task works on."""
    return in_institution(institution_id_of(model, pk))


@retrying_task
def notify_managers_of_open_cohorts():
    """Daily (4B): for each cohort that opened in the last 3 days, tell eligible staff's managers."""
    with across_institutions():
        return fan_out(notify_managers_of_cohort, selectors.cohorts_opened_recently(timezone.localdate()))


@retrying_task
def notify_managers_of_cohort(cohort_id):
    with _in_institution_of(Cohort, cohort_id):
        return services.cohort_notify_managers(cohort_id=cohort_id)


@retrying_task
def remind_window_closing():
    """Daily: cohorts closing within 3 days remind eligible staff who have not applied (once each)."""
    with across_institutions():
        return fan_out(remind_window_closing_for_cohort, selectors.cohorts_closing_soon(timezone.localdate()))


@retrying_task
def remind_window_closing_for_cohort(cohort_id):
    with _in_institution_of(Cohort, cohort_id):
        return services.cohort_remind_window_closing(cohort_id=cohort_id)


@retrying_task
def remind_endorsements_waiting():
    """Daily: remind line managers of applications waiting more than 3 working days (once each)."""
    with across_institutions():
        return services.remind_endorsements_waiting(applications=selectors.endorsements_waiting())


@retrying_task
def remind_sessions_tomorrow():
    """Daily: remind participants of each session that starts tomorrow (local time)."""
    with across_institutions():
        return fan_out(
            remind_session_participants, selectors.sessions_starting_on(timezone.localdate() + timedelta(days=1))
        )


@retrying_task
def remind_session_participants(session_id):
    with _in_institution_of(Session, session_id):
        return services.session_remind_participants(session_id=session_id)


@retrying_task
def remind_events_tomorrow():
    """Daily: remind everyone holding a place at an event that starts tomorrow (local time)."""
    with across_institutions():
        return fan_out(remind_event_registered, selectors.events_starting_on(timezone.localdate() + timedelta(days=1)))


@retrying_task
def remind_event_registered(event_id):
    with _in_institution_of(Event, event_id):
        return services.event_remind_registered(event_id=event_id)


@retrying_task
def send_bulletin_digests():
    """Weekly (Mondays): one digest task per subscriber; the outbox key names the ISO week, so a
    second run in the same week sends nothing."""
    with across_institutions():
        return fan_out(send_bulletin_digest, selectors.digest_subscriptions())


@retrying_task
def send_bulletin_digest(subscription_id):
    with _in_institution_of(DigestSubscription, subscription_id):
        return services.digest_send(subscription_id=subscription_id)
