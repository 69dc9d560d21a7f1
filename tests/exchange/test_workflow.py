"""The placement workflow (core.workflow), who may make each move (exchange/rules.py), and the
outbox rows written in the same transaction as the move they announce."""

from datetime import timedelta

import pytest
import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from core.workflow import NEW, TransitionRecord
from exchange import services
from exchange.models import ExchangePlacement, PlacementTransition
from notifications.models import Notification
from tests.conftest import client_for
from tests.factories import staff

from .conftest import placement_in_state

State = ExchangePlacement.State
pytestmark = pytest.mark.django_db


# --- The workflow, written once -----------------------------------------------------------------


def test_the_workflow_allows_exactly_the_moves_the_pilot_had_plus_a_recorded_approval():
    workflow = ExchangePlacement.workflow
    assert {state: workflow.targets(state) for state in [NEW, *State.values]} == {
        NEW: {State.REQUESTED},
        State.REQUESTED: {State.REQUESTED, State.APPROVED, State.DECLINED, State.CANCELLED},
        State.APPROVED: {State.SCHEDULED, State.CANCELLED},
        State.SCHEDULED: {State.SCHEDULED, State.DAYS_RECORDED, State.CANCELLED},
        State.DAYS_RECORDED: {State.COMPLETED},
        State.COMPLETED: set(),
        State.DECLINED: set(),
        State.CANCELLED: set(),
    }
    assert all(move.perm and not move.portal for move in workflow.moves.values())


def test_the_placement_history_is_a_core_transition_record_with_the_step_named():
    assert issubclass(PlacementTransition, TransitionRecord)
    assert PlacementTransition._meta.db_table == "exchange_placementtransition"
    assert ExchangePlacement._meta.get_field("transitions").related_model is PlacementTransition


def test_every_step_of_an_exchange_is_recorded_with_who_and_from_which_state(offer, technician, manager, host_manager):
    placement = services.placement_request(offer=offer, visitor=technician, hopes_to_learn="X", by=technician.user)
    services.placement_approve(placement=placement, by=manager.user)
    services.placement_approve(placement=placement, by=host_manager.user)
    today = timezone.localdate()
    services.placement_schedule(
        placement=placement,
        host_day=today - timedelta(days=9),
        visitor_day=today - timedelta(days=2),
        by=technician.user,
    )

    steps = list(placement.transitions.values_list("event", "from_state", "to_state", "by"))
    assert steps == [
        ("requested", "", State.REQUESTED, technician.user.pk),
        ("visitor_manager_approved", State.REQUESTED, State.REQUESTED, manager.user.pk),
        ("host_manager_approved", State.REQUESTED, State.REQUESTED, host_manager.user.pk),
        ("approved", State.REQUESTED, State.APPROVED, host_manager.user.pk),
        ("scheduled", State.APPROVED, State.SCHEDULED, technician.user.pk),
    ]
    placement.refresh_from_db()
    assert placement.state == State.SCHEDULED


def test_nobody_applies_on_someone_elses_behalf(offer, technician, manager):
    with pytest.raises(PermissionDenied):
        services.placement_request(offer=offer, visitor=technician, hopes_to_learn="X", by=manager.user)
    assert not ExchangePlacement.objects.exists()
    assert not Notification.objects.exists()


def test_a_colleague_outside_the_pair_cannot_schedule_record_or_cancel_through_the_services(
    offer, technician, institution
):
    placement = placement_in_state(offer, technician, State.APPROVED)
    colleague = staff(institution).user
    today = timezone.localdate()
    with pytest.raises(PermissionDenied):
        services.placement_schedule(
            placement=placement, host_day=today - timedelta(days=3), visitor_day=today, by=colleague
        )
    with pytest.raises(PermissionDenied):
        services.placement_cancel(placement=placement, by=colleague, reason="Not mine to cancel")
    placement.refresh_from_db()
    assert (placement.state, placement.host_day) == (State.APPROVED, None)
    assert not placement.transitions.exists()


def test_a_manager_who_already_approved_cannot_decline_afterwards(offer, technician, manager):
    placement = placement_in_state(offer, technician, State.REQUESTED)
    services.placement_approve(placement=placement, by=manager.user)
    with pytest.raises(PermissionDenied):
        services.placement_decline(placement=placement, by=manager.user, reason="Changed my mind")
    placement.refresh_from_db()
    assert placement.state == State.REQUESTED


def test_a_finished_exchange_cannot_be_cancelled(offer, technician):
    placement = placement_in_state(offer, technician, State.COMPLETED)
    with pytest.raises(ValidationError, match="cannot be cancelled"):
        services.placement_cancel(placement=placement, by=technician.user, reason="Too late")
    placement.refresh_from_db()
    assert placement.state == State.COMPLETED


# --- Who may do what (exchange/rules.py) ---------------------------------------------------------


@pytest.fixture
def people(technician, host, manager, host_manager, programme_manager, institution):
    return {
        "visitor": technician,
        "host": host,
        "visitor's manager": manager,
        "host's manager": host_manager,
        "programme manager": programme_manager,
        "colleague": staff(institution),
    }


@pytest.mark.parametrize(
    "state, perm, allowed",
    [
        (State.REQUESTED, "exchange.approve_placement", {"visitor's manager", "host's manager"}),
        (State.REQUESTED, "exchange.decline_placement", {"visitor's manager", "host's manager"}),
        (State.APPROVED, "exchange.schedule_placement", {"visitor", "host", "programme manager"}),
        (State.COMPLETED, "exchange.schedule_placement", set()),
        (State.SCHEDULED, "exchange.organise_placement", {"visitor", "host", "programme manager"}),
        (State.APPROVED, "exchange.cancel_placement", {"visitor", "host", "programme manager"}),
        (State.DAYS_RECORDED, "exchange.cancel_placement", set()),
        (State.DAYS_RECORDED, "exchange.give_feedback", {"visitor", "host"}),
    ],
)
def test_who_may_move_a_placement(state, perm, allowed, offer, technician, people):
    placement = ExchangePlacement.objects.with_people().get(pk=placement_in_state(offer, technician, state).pk)
    assert {name for name, person in people.items() if rules.has_perm(perm, person.user, placement)} == allowed


def test_a_programme_manager_approves_and_declines_only_for_a_side_without_a_line_manager(
    offer, technician, host, programme_manager
):
    placement = placement_in_state(offer, technician, State.REQUESTED)
    assert not rules.has_perm("exchange.decline_placement", programme_manager.user, placement)
    host.line_manager = None
    host.save()
    placement = ExchangePlacement.objects.with_people().get(pk=placement.pk)
    assert rules.has_perm("exchange.approve_placement", programme_manager.user, placement)
    assert rules.has_perm("exchange.decline_placement", programme_manager.user, placement)


def test_only_programme_managers_see_the_new_round_and_edit_round_buttons(
    exchange_round, technician, programme_manager
):
    new_round = reverse("exchange:round_create")
    edit_round = reverse("exchange:round_edit", args=[exchange_round.pk])
    for person, shown in ((technician, False), (programme_manager, True)):
        index = client_for(person).get(reverse("exchange:index")).content.decode()
        round_page = client_for(person).get(exchange_round.get_absolute_url()).content.decode()
        assert (new_round in index, edit_round in round_page) == (shown, shown), person


def test_the_edit_offer_button_is_for_the_host_and_programme_managers(offer, host, technician, programme_manager):
    edit = reverse("exchange:offer_edit", args=[offer.pk])
    for person, shown in ((host, True), (programme_manager, True), (technician, False)):
        assert (edit in client_for(person).get(offer.get_absolute_url()).content.decode()) == shown, person


# --- Outbox rows in the transaction of the move ---------------------------------------------------
# execute=False is a crash between the commit and the on-commit callbacks: the message must
# already be in the outbox, waiting for the delivery sweep, not lost with the callback.


def test_a_request_leaves_its_approval_messages_in_the_outbox_even_if_the_commit_callbacks_never_run(
    offer, technician, manager, host_manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.placement_request(offer=offer, visitor=technician, hopes_to_learn="X", by=technician.user)

    asked = Notification.objects.filter(kind="exchange.approval_requested")
    assert set(asked.values_list("recipient", flat=True)) == {manager.user.pk, host_manager.user.pk}
    assert len(callbacks) == 2  # only the deliveries wait for the commit


def test_the_approval_message_is_in_the_outbox_even_if_the_commit_callbacks_never_run(
    offer, technician, host, manager, host_manager, django_capture_on_commit_callbacks
):
    placement = placement_in_state(offer, technician, State.REQUESTED)
    services.placement_approve(placement=placement, by=manager.user)
    with django_capture_on_commit_callbacks(execute=False):
        services.placement_approve(placement=placement, by=host_manager.user)

    told = Notification.objects.filter(kind="exchange.placement_approved")
    assert set(told.values_list("recipient", flat=True)) == {technician.user.pk, host.user.pk}


def test_the_decline_message_is_in_the_outbox_even_if_the_commit_callbacks_never_run(
    offer, technician, manager, django_capture_on_commit_callbacks
):
    placement = placement_in_state(offer, technician, State.REQUESTED)
    with django_capture_on_commit_callbacks(execute=False):
        services.placement_decline(placement=placement, by=manager.user, reason="Short-staffed")

    note = Notification.objects.get(kind="exchange.placement_declined")
    assert (note.recipient, note.context["reason"]) == (technician.user, "Short-staffed")


def test_the_feedback_reminders_are_in_the_outbox_even_if_the_commit_callbacks_never_run(
    offer, technician, host, django_capture_on_commit_callbacks
):
    placement = placement_in_state(offer, technician, State.DAYS_RECORDED)
    with django_capture_on_commit_callbacks(execute=False):
        assert services.placement_remind_feedback(placement_id=placement.pk) == 2

    reminded = Notification.objects.filter(kind="exchange.feedback_reminder")
    assert set(reminded.values_list("recipient", flat=True)) == {technician.user.pk, host.user.pk}


def test_a_refused_approval_leaves_no_message_behind(offer, technician, manager, host_manager, institution, division):
    rival = staff(institution, division=division, line_manager=manager)
    first = placement_in_state(offer, technician, State.APPROVED)
    second = placement_in_state(offer, rival, State.REQUESTED)
    services.placement_approve(placement=second, by=manager.user)
    with pytest.raises(ValidationError, match="no place left"):
        services.placement_approve(placement=second, by=host_manager.user)
    assert first.state == State.APPROVED
    assert not Notification.objects.filter(kind="exchange.placement_approved").exists()
    assert list(second.transitions.values_list("event", flat=True)) == ["visitor_manager_approved"]
