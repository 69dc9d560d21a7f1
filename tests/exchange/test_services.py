from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from exchange import selectors, services
from exchange.forms import FeedbackForm
from exchange.models import ExchangeFeedback, ExchangePlacement, PlacementTransition
from notifications.models import Notification
from tests.factories import staff

from .conftest import placement_in_state

State = ExchangePlacement.State
pytestmark = pytest.mark.django_db


def request(offer, visitor):
    return services.placement_request(offer=offer, visitor=visitor, hopes_to_learn="Crystallography", by=visitor.user)


def test_applying_records_the_request_and_asks_both_line_managers(offer, technician, manager, host_manager):
    placement = request(offer, technician)

    placement.refresh_from_db()
    assert placement.state == State.REQUESTED
    assert list(placement.transitions.values_list("event", "to_state", "by")) == [
        ("requested", State.REQUESTED, technician.user.pk)
    ]
    asked = set(Notification.objects.filter(kind="exchange.approval_requested").values_list("recipient", flat=True))
    assert asked == {manager.user.pk, host_manager.user.pk}


def test_a_visitor_from_the_hosts_own_division_is_refused(offer, institution, other_division, host_manager):
    colleague = staff(institution, division=other_division, line_manager=host_manager)

    with pytest.raises(ValidationError, match="between divisions"):
        request(offer, colleague)
    assert not ExchangePlacement.objects.exists()


def test_staff_of_another_institution_cannot_join_the_pilot(offer, outsider):
    assert not services.visitor_institution_allowed(round=offer.round, visitor=outsider)
    with pytest.raises(ValidationError, match="own institution"):
        request(offer, outsider)


def test_applying_twice_to_the_same_offer_is_refused(offer, technician):
    request(offer, technician)
    with pytest.raises(ValidationError, match="already applied"):
        request(offer, technician)
    assert ExchangePlacement.objects.count() == 1


def test_applying_after_the_round_closed_is_refused(offer, technician):
    offer.round.closes_on = timezone.localdate() - timedelta(days=1)
    offer.round.opens_on = offer.round.closes_on - timedelta(days=5)
    offer.round.save()
    with pytest.raises(ValidationError, match="closed"):
        request(offer, technician)


def test_the_placement_is_approved_only_when_both_managers_approved(offer, technician, manager, host_manager, host):
    placement = request(offer, technician)

    services.placement_approve(placement=placement, by=manager.user)
    placement.refresh_from_db()
    assert placement.state == State.REQUESTED
    assert placement.visitor_manager_approved_by == manager
    assert placement.visitor_manager_approved_at is not None

    services.placement_approve(placement=placement, by=host_manager.user)
    placement.refresh_from_db()
    assert placement.state == State.APPROVED
    assert placement.host_manager_approved_by == host_manager
    events = list(placement.transitions.values_list("event", flat=True))
    assert events == ["requested", "visitor_manager_approved", "host_manager_approved", "approved"]
    told = set(Notification.objects.filter(kind="exchange.placement_approved").values_list("recipient", flat=True))
    assert told == {technician.user.pk, host.user.pk}


def test_manager_cannot_approve_for_someone_who_is_not_their_report(offer, technician, institution):
    placement = request(offer, technician)
    stranger = staff(institution)
    with pytest.raises(PermissionDenied):
        services.placement_approve(placement=placement, by=stranger.user)
    placement.refresh_from_db()
    assert placement.visitor_manager_approved_at is None and placement.host_manager_approved_at is None


def test_a_programme_manager_approves_for_a_side_without_a_line_manager(offer, technician, host, programme_manager):
    host.line_manager = None
    host.save()
    placement = request(offer, technician)
    assert services.sides_to_approve(placement=placement, user=programme_manager.user) == ["host"]
    services.placement_approve(placement=placement, by=programme_manager.user)
    placement.refresh_from_db()
    assert placement.host_manager_approved_by == programme_manager


def test_places_are_never_exceeded_when_the_last_approval_comes_in(
    offer, technician, manager, host_manager, institution, division
):
    rival = staff(institution, division=division, line_manager=manager)
    first, second = request(offer, technician), request(offer, rival)
    for placement in (first, second):
        services.placement_approve(placement=placement, by=manager.user)
    services.placement_approve(placement=first, by=host_manager.user)

    with pytest.raises(ValidationError, match="no place left"):
        services.placement_approve(placement=second, by=host_manager.user)

    second.refresh_from_db()
    assert second.state == State.REQUESTED
    assert second.host_manager_approved_at is None  # nothing half-saved
    assert ExchangePlacement.objects.filter(offer=offer).taking_a_place().count() == 1


def test_declining_needs_a_reason_and_tells_the_visitor(offer, technician, host_manager):
    placement = request(offer, technician)
    with pytest.raises(ValidationError):
        services.placement_decline(placement=placement, by=host_manager.user, reason="  ")

    services.placement_decline(placement=placement, by=host_manager.user, reason="Facility closed in March")

    placement.refresh_from_db()
    assert placement.state == State.DECLINED
    assert placement.transitions.get(event="declined").reason == "Facility closed in March"
    note = Notification.objects.get(kind="exchange.placement_declined")
    assert note.recipient == technician.user and note.context["reason"] == "Facility closed in March"


def test_the_return_visit_must_come_after_the_first_visit(offer, technician):
    placement = placement_in_state(offer, technician, State.APPROVED)
    day = timezone.localdate()
    with pytest.raises(ValidationError, match="after"):
        services.placement_schedule(placement=placement, host_day=day, visitor_day=day, by=technician.user)
    placement.refresh_from_db()
    assert placement.state == State.APPROVED and placement.host_day is None


def test_both_days_recorded_make_feedback_due(offer, technician):
    placement = placement_in_state(offer, technician, State.APPROVED)
    today = timezone.localdate()
    services.placement_schedule(
        placement=placement,
        host_day=today - timedelta(days=7),
        visitor_day=today - timedelta(days=2),
        by=technician.user,
    )
    services.placement_record_day(placement=placement, day="host_day", by=technician.user)
    placement.refresh_from_db()
    assert placement.state == State.SCHEDULED and placement.host_day_done_at is not None

    services.placement_record_day(placement=placement, day="visitor_day", by=technician.user)
    placement.refresh_from_db()
    assert placement.state == State.DAYS_RECORDED
    assert placement.both_days_done_on == today - timedelta(days=2)
    assert list(placement.transitions.values_list("event", flat=True)) == [
        "scheduled",
        "host_day_recorded",
        "visitor_day_recorded",
    ]


def test_a_day_in_the_future_cannot_be_recorded_as_done(offer, technician):
    placement = placement_in_state(offer, technician, State.APPROVED)
    today = timezone.localdate()
    services.placement_schedule(
        placement=placement,
        host_day=today + timedelta(days=1),
        visitor_day=today + timedelta(days=8),
        by=technician.user,
    )
    with pytest.raises(ValidationError, match="once it happened"):
        services.placement_record_day(placement=placement, day="host_day", by=technician.user)
    placement.refresh_from_db()
    assert placement.host_day_done_at is None


def feedback_form(**overrides):
    data = {
        "rating": 5,
        "went_well": "Saw the beamline",
        "to_improve": "More notice",
        "reflection": "I will try vapour diffusion",
        "would_recommend": "on",
        **overrides,
    }
    form = FeedbackForm(data)
    assert form.is_valid(), form.errors
    return form


def test_the_exchange_completes_when_both_sides_gave_feedback(offer, technician, host):
    placement = placement_in_state(offer, technician, State.DAYS_RECORDED)
    services.feedback_give(placement=placement, author=technician, form=feedback_form())
    placement.refresh_from_db()
    assert placement.state == State.DAYS_RECORDED

    services.feedback_give(placement=placement, author=host, form=feedback_form(rating=4))
    placement.refresh_from_db()
    assert placement.state == State.COMPLETED
    assert set(placement.feedback.values_list("role", "rating")) == {("visitor", 5), ("host", 4)}
    assert PlacementTransition.objects.filter(placement=placement, event="completed").count() == 1


def test_only_the_pair_gives_feedback_and_only_once(offer, technician, manager):
    placement = placement_in_state(offer, technician, State.DAYS_RECORDED)
    with pytest.raises(PermissionDenied):
        services.feedback_give(placement=placement, author=manager, form=feedback_form())
    services.feedback_give(placement=placement, author=technician, form=feedback_form())
    with pytest.raises(ValidationError, match="already"):
        services.feedback_give(placement=placement, author=technician, form=feedback_form())
    assert ExchangeFeedback.objects.count() == 1


def test_feedback_reminders_go_once_to_each_person_still_owing_feedback(offer, technician, host):
    placement = placement_in_state(offer, technician, State.DAYS_RECORDED)
    services.feedback_give(placement=placement, author=host, form=feedback_form())

    assert list(selectors.feedback_reminders_due()) == [placement]
    assert services.placement_remind_feedback(placement_id=placement.pk) == 1
    assert services.placement_remind_feedback(placement_id=placement.pk) == 0

    reminders = Notification.objects.filter(kind="exchange.feedback_reminder")
    assert list(reminders.values_list("recipient", "idempotency_key")) == [
        (technician.user.pk, f"exchange.feedback_reminder:{placement.pk}:{technician.pk}")
    ]


def test_no_feedback_reminder_on_the_day_of_the_second_visit(offer, technician):
    placement = placement_in_state(offer, technician, State.DAYS_RECORDED, days_ago=3)
    assert placement.both_days_done_on == timezone.localdate()
    assert list(selectors.feedback_reminders_due()) == []


def test_cancelling_needs_a_reason_and_frees_the_place(offer, technician):
    placement = placement_in_state(offer, technician, State.APPROVED)
    services.placement_cancel(placement=placement, by=technician.user, reason="Moved to another lab")
    placement.refresh_from_db()
    assert placement.state == State.CANCELLED
    assert ExchangePlacement.objects.filter(offer=offer).taking_a_place().count() == 0
    assert placement.transitions.get().reason == "Moved to another lab"


def test_programme_managers_are_asked_for_a_side_without_a_line_manager(
    offer, technician, host, manager, programme_manager
):
    host.line_manager = None
    host.save()
    request(offer, technician)
    asked = set(Notification.objects.filter(kind="exchange.approval_requested").values_list("recipient", flat=True))
    assert asked == {manager.user.pk, programme_manager.user.pk}
