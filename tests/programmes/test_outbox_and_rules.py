"""Outbox rows are written in the transaction that makes the change (a crash between the commit
and the on-commit callbacks loses no message); the workflow and permissions are written once."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from core.jobs import RETRYABLE
from core.workflow import NEW, TransitionRecord
from notifications.models import Notification
from people import roles
from programmes import rules, services, tasks
from programmes.forms import CohortForm
from programmes.models import Application, ApplicationTransition, Cohort
from tests.factories import staff
from tests.programmes.conftest import make_application

State = Application.State
pytestmark = pytest.mark.django_db


@pytest.fixture
def crash_after_commit(django_capture_on_commit_callbacks):
    """Commit, then never run the on-commit callbacks: the process died in between."""
    return lambda: django_capture_on_commit_callbacks(execute=False)


def _outbox(kind, recipient):
    return Notification.objects.filter(kind=kind, recipient=recipient.user)


def test_submitting_writes_the_endorsement_request_before_the_commit(cohort, technician, manager, crash_after_commit):
    with crash_after_commit():
        application = services.application_submit(cohort=cohort, applicant=technician, statement="Please")
    row = _outbox("programmes.endorsement_requested", manager).get()
    assert row.idempotency_key == f"programmes.endorsement_requested:{application.pk}"


def test_a_first_come_place_on_submitting_writes_the_status_message_before_the_commit(
    cohort, outsider, institution, crash_after_commit
):
    institution.partners.add(outsider.institution)
    cohort.programme.open_to_partners = True
    cohort.programme.needs_endorsement = False  # an event: the place is given on submitting
    cohort.programme.save()
    Cohort.objects.filter(pk=cohort.pk).update(selection=Cohort.Selection.FIRST_COME, min_level=None, max_level=None)
    cohort.refresh_from_db()
    with crash_after_commit():
        application = services.application_submit(cohort=cohort, applicant=outsider, statement="Please")
    assert application.state == State.ACCEPTED
    assert application.transitions.last().by is None  # the portal gave the place
    assert _outbox("programmes.application_status", outsider).get().context["status"] == "Accepted"


@pytest.mark.parametrize(
    ("service", "kwargs", "status"),
    [
        ("application_endorse", {}, "Waiting for selection"),
        ("application_decline_endorsement", {"reason": "Not now"}, "Not endorsed by the line manager"),
    ],
)
def test_the_line_managers_decision_writes_the_status_message_before_the_commit(
    service, kwargs, status, submitted, manager, technician, crash_after_commit
):
    with crash_after_commit():
        getattr(services, service)(application=submitted, by=manager.user, **kwargs)
    assert _outbox("programmes.application_status", technician).get().context["status"] == status


@pytest.mark.parametrize(
    ("service", "status"),
    [
        ("application_accept", "Accepted"),
        ("application_waitlist", "On the waiting list"),
        ("application_decline", "Declined"),
    ],
)
def test_the_programme_managers_decision_writes_the_status_message_before_the_commit(
    service, status, cohort, technician, programme_manager, crash_after_commit
):
    application = make_application(cohort, technician, State.ENDORSED)
    with crash_after_commit():
        getattr(services, service)(application=application, by=programme_manager.user)
    assert _outbox("programmes.application_status", technician).get().context["status"] == status
    application.refresh_from_db()
    assert application.state == application.transitions.last().to_state


def test_a_withdrawal_writes_the_freed_place_offer_before_the_commit(
    cohort, technician, institution, crash_after_commit
):
    cohort.capacity = 1
    cohort.save()
    held = make_application(cohort, technician, State.ACCEPTED)
    waiting = make_application(cohort, staff(institution, grade=technician.grade), State.WAITLISTED)
    with crash_after_commit():
        services.application_withdraw(application=held, by=technician.user)
    assert _outbox("programmes.place_offered", waiting.applicant).exists()
    assert waiting.transitions.last().by is None


def test_more_places_on_a_cohort_write_the_offers_before_the_commit(
    cohort, technician, programme_manager, institution, crash_after_commit
):
    cohort.capacity = 1
    cohort.save()
    make_application(cohort, technician, State.ACCEPTED)
    waiting = make_application(cohort, staff(institution, grade=technician.grade), State.WAITLISTED)
    data = {
        "name": cohort.name,
        "starts_on": cohort.starts_on,
        "ends_on": cohort.ends_on,
        "capacity": 2,
        "opens_on": cohort.opens_on,
        "closes_on": cohort.closes_on,
        "selection": cohort.selection,
        "waiting_list": "on",
        "min_level": 3,
        "max_level": 3,
    }
    form = CohortForm(data, instance=cohort, institution=institution)
    assert form.is_valid(), form.errors
    with crash_after_commit():
        services.cohort_save(form=form, programme=cohort.programme, by=programme_manager.user)
    waiting.refresh_from_db()
    assert waiting.state == State.ACCEPTED
    assert _outbox("programmes.place_offered", waiting.applicant).exists()


def test_the_manager_notice_writes_its_message_with_the_notice(cohort, technician, manager, crash_after_commit):
    with crash_after_commit():
        assert services.cohort_notify_managers(cohort_id=cohort.pk) == 1
    assert _outbox("programmes.cohort_opened_manager", manager).exists()


# --- The workflow, written once -------------------------------------------------------------------


def test_the_transition_log_is_a_core_transition_record():
    assert issubclass(ApplicationTransition, TransitionRecord)
    assert ApplicationTransition._meta.db_table == "programmes_applicationtransition"


def test_only_first_come_places_and_freed_places_are_moved_by_the_portal_itself():
    portal = {(m.source, m.target) for m in Application.workflow.moves.values() if m.portal}
    assert portal == {
        (State.ENDORSED, State.ACCEPTED),
        (State.ENDORSED, State.WAITLISTED),
        (State.ENDORSED, State.DECLINED),
        (State.WAITLISTED, State.ACCEPTED),
    }
    assert Application.workflow.targets(NEW) == {State.AWAITING_ENDORSEMENT, State.ENDORSED}
    for final in (State.ENDORSEMENT_DECLINED, State.DECLINED, State.WITHDRAWN, State.COMPLETED):
        assert Application.workflow.targets(final) == set()


def test_every_move_names_a_permission_that_exists():
    import rules as django_rules

    for move in Application.workflow.moves.values():
        assert move.perm and django_rules.perm_exists(move.perm), move


def test_who_may_make_each_move(endorsed, technician, manager, programme_manager, outsider):
    may = Application.workflow.may
    assert may(programme_manager.user, endorsed, State.ACCEPTED)
    assert not may(manager.user, endorsed, State.ACCEPTED)
    assert not may(outsider.user, endorsed, State.ACCEPTED)
    assert may(technician.user, endorsed, State.WITHDRAWN)
    assert not may(programme_manager.user, endorsed, State.WITHDRAWN)
    assert not may(manager.user, endorsed, State.ENDORSED)  # already endorsed: no such move


def test_require_helpers_refuse_with_a_403_message(endorsed, technician, manager, other_institution):
    foreign_pm = staff(other_institution, groups=[roles.PROGRAMME_MANAGER])
    with pytest.raises(PermissionDenied, match="programme managers of the programme's institution"):
        rules.require_decide(foreign_pm.user, endorsed)
    with pytest.raises(PermissionDenied, match="Only the applicant can withdraw"):
        rules.require_withdraw(manager.user, endorsed)
    with pytest.raises(PermissionDenied, match="Only programme managers run programmes"):
        rules.require_run_programmes(technician.user)
    with pytest.raises(PermissionDenied, match="for line managers"):
        rules.require_see_team_applications(technician.user)
    rules.require_see_team_applications(manager.user)


def test_a_refused_move_changes_nothing_and_records_nothing(endorsed, technician):
    before = endorsed.transitions.count()
    with pytest.raises(PermissionDenied):
        services.application_accept(application=endorsed, by=technician.user)
    endorsed.refresh_from_db()
    assert endorsed.state == State.ENDORSED and endorsed.transitions.count() == before


def test_a_status_change_touches_last_changed(endorsed, programme_manager):
    Application.objects.filter(pk=endorsed.pk).update(updated_at=timezone.now() - timedelta(days=3))
    services.application_accept(application=endorsed, by=programme_manager.user)
    endorsed.refresh_from_db()
    assert endorsed.updated_at > timezone.now() - timedelta(minutes=1)


# --- Tasks ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "notify_managers_of_open_cohorts",
        "notify_managers_of_cohort",
        "remind_window_closing",
        "remind_window_closing_for_cohort",
        "remind_endorsements_waiting",
        "remind_sessions_tomorrow",
        "remind_session_participants",
        "remind_events_tomorrow",
        "remind_event_registered",
        "send_bulletin_digests",
        "send_bulletin_digest",
    ],
)
def test_every_task_retries_database_hiccups_for_real(name):
    task = getattr(tasks, name)
    assert tuple(task.autoretry_for) == RETRYABLE
    assert task.max_retries == 3


def test_a_move_the_workflow_does_not_list_is_refused_in_words(endorsed, technician, programme_manager):
    from django.core.exceptions import ValidationError

    services.application_withdraw(application=endorsed, by=technician.user)
    with pytest.raises(ValidationError) as refused:
        services.application_accept(application=endorsed, by=programme_manager.user)
    assert refused.value.messages == ["An application that is “Withdrawn” cannot become “Accepted”."]
