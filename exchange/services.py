"""Writes for the exchange pilot: every state change of an offer or placement happens here.

A placement moves only through `core.workflow.transition` along `ExchangePlacement.workflow`,
which checks the actor's permission (exchange/rules.py), locks the row and records the step;
outbox rows are written in the same transaction as the move they announce.
"""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core.workflow import transition
from notifications.services import notification_enqueue
from people import roles
from people.models import Institution, StaffProfile

from . import notifications as kinds
from .models import ExchangeFeedback, ExchangeOffer, ExchangePlacement, ExchangeRound, PlacementTransition
from .rules import sides_to_approve

State = ExchangePlacement.State

__all__ = [
    "DAYS",
    "feedback_give",
    "offer_save",
    "placement_approve",
    "placement_cancel",
    "placement_decline",
    "placement_record_day",
    "placement_remind_feedback",
    "placement_request",
    "placement_schedule",
    "round_save",
    "sides_to_approve",
    "visitor_institution_allowed",
    "visitor_refusal",
]


# --- Who may take part ------------------------------------------------------------------------


def visitor_institution_allowed(*, round: ExchangeRound, visitor: StaffProfile) -> bool:
    """Return whether staff of the visitor's institution may take part in this round.

    The one place that decides it: the pilot is for the round's own institution only. Opening
    the exchange to partner institutions later means also admitting, when
    `round.open_to_partners` is set, staff of `round.institution.partners` here (and showing
    such rounds to them in `selectors.rounds_visible_to`, inside `in_institutions([...])`).
    """
    return visitor.institution_id == round.institution_id


def visitor_refusal(*, offer: ExchangeOffer, visitor: StaffProfile, today: date | None = None) -> str:
    """Return why this visitor may not apply to this offer, or "" if they may."""
    today = today or timezone.localdate()
    round = offer.round
    if not visitor_institution_allowed(round=round, visitor=visitor):
        return "This exchange is open to staff of its own institution only."
    if visitor.pk == offer.host_id:
        return "You cannot apply to your own offer."
    if not round.is_open(today):
        return f"Applications for {round} are closed (open {round.opens_on:%-d %b} to {round.closes_on:%-d %b %Y})."
    if visitor.division_id is None:
        return "Your division is not recorded, so we cannot check the exchange is across divisions. Ask HR to add it."
    if visitor.division_id == offer.host.division_id:
        return (
            f"The exchange is between divisions: {offer.host} is in your division ({offer.host.division}). "
            "Choose a host from another division."
        )
    if offer.placements.filter(visitor=visitor, state__in=ExchangePlacement.ACTIVE_STATES).exists():
        return "You have already applied to this offer."
    if ExchangePlacement.objects.filter(offer=offer).taking_a_place().count() >= offer.places:
        return "This offer's places are all taken."
    return ""


# --- Rounds and offers ------------------------------------------------------------------------


def round_save(*, form: forms.ModelForm, institution: Institution) -> ExchangeRound:
    """Save a programme manager's round form for their institution."""
    with transaction.atomic():
        round = form.save(commit=False)
        round.institution = institution
        round.save()
        return round


def offer_save(*, form: forms.ModelForm, round: ExchangeRound, host: StaffProfile) -> ExchangeOffer:
    """Save a host's offer form (new or edited) in a round that is open."""
    if not round.is_open():
        raise ValidationError(f"{round} is not taking offers now.")
    with transaction.atomic():
        offer = form.save(commit=False)
        offer.round = round
        offer.host = host
        offer.save()
        return offer


# --- Placements -------------------------------------------------------------------------------


def _transition(
    placement: ExchangePlacement,
    to: str,
    *,
    event: str,
    by: Any,
    reason: str = "",
    update_fields: Iterable[str] = (),
) -> PlacementTransition:
    """Move the placement with `core.workflow.transition` and name the step in its history.

    The exchange's history names each step (`event`: which manager approved, which day was
    recorded), which a from/to pair alone cannot say.
    """
    record = transition(placement, to, by=by, reason=reason, update_fields=update_fields, record={"event": event})
    assert isinstance(record, PlacementTransition)
    return record


def _context(placement: ExchangePlacement) -> dict[str, str]:
    offer = placement.offer
    return {
        "visitor": str(placement.visitor),
        "visitor_division": str(placement.visitor.division or ""),
        "host": str(offer.host),
        "host_division": str(offer.host.division or ""),
        "facility": offer.facility_or_team,
        "round": str(offer.round),
    }


def placement_request(
    *, offer: ExchangeOffer, visitor: StaffProfile, hopes_to_learn: str, by: Any
) -> ExchangePlacement:
    """Apply to an offer; ask both line managers to approve.

    Raises ValidationError with the reason when the visitor may not apply (same division,
    other institution, own offer, round closed, offer full, already applied), and
    PermissionDenied when `by` applies for someone else.
    """
    with transaction.atomic():
        # Lock the offer so two applications cannot both pass the "already applied" check.
        offer = (
            ExchangeOffer.objects.select_for_update(of=("self",))
            .select_related("round", "host__division")
            .get(pk=offer.pk)
        )
        refusal = visitor_refusal(offer=offer, visitor=visitor)
        if refusal:
            raise ValidationError(refusal)
        placement = ExchangePlacement(offer=offer, visitor=visitor, hopes_to_learn=hopes_to_learn)
        _transition(placement, State.REQUESTED, event="requested", by=by)
        context = _context(placement)
        link = placement.get_absolute_url()
        # Both line managers (the host may work at a partner institution) in one query, with their user.
        managers = StaffProfile._base_manager.select_related("user").in_bulk(
            [pk for pk in (visitor.line_manager_id, offer.host.line_manager_id) if pk]
        )
        for report in (visitor, offer.host):
            # A programme manager approves for someone without a line manager, so nobody waits forever.
            approvers = (
                [managers[report.line_manager_id]]
                if report.line_manager_id
                else _programme_managers(offer.round.institution)
            )
            for approver in approvers:
                notification_enqueue(
                    recipient=approver.user,
                    institution=offer.round.institution,
                    kind=kinds.APPROVAL_REQUESTED.key,
                    idempotency_key=f"exchange.approval_requested:{placement.pk}:{approver.pk}",
                    context={**context, "report": str(report)},
                    link=link,
                )
        return placement


def _programme_managers(institution: Institution) -> list[StaffProfile]:
    return list(
        StaffProfile.objects.for_institution(institution)
        .current()
        .filter(user__is_active=True, user__groups__name__in=[roles.PROGRAMME_MANAGER, roles.INSTITUTION_ADMIN])
        .select_related("user")
        .distinct()
    )


def placement_approve(*, placement: ExchangePlacement, by: Any) -> ExchangePlacement:
    """Give every approval the user `by` may give; once both are in, take a place.

    Places are never exceeded: the offer row is locked while the taken places are counted.
    Raises PermissionDenied when `by` has nothing to approve, ValidationError when full.
    """
    with transaction.atomic():
        offer = ExchangeOffer.objects.select_for_update(of=("self",)).get(pk=placement.offer_id)
        placement = ExchangePlacement.objects.select_for_update(of=("self",)).with_people().get(pk=placement.pk)
        sides = sides_to_approve(placement=placement, user=by)
        if not sides:
            raise PermissionDenied("You have no approval to give on this exchange.")
        now = timezone.now()
        for side in sides:
            setattr(placement, f"{side}_manager_approved_by", by.profile)
            setattr(placement, f"{side}_manager_approved_at", now)
            _transition(
                placement,
                State.REQUESTED,
                event=f"{side}_manager_approved",
                by=by,
                update_fields=[f"{side}_manager_approved_by", f"{side}_manager_approved_at"],
            )
        if placement.visitor_manager_approved_at and placement.host_manager_approved_at:
            if ExchangePlacement.objects.filter(offer=offer).taking_a_place().count() >= offer.places:
                raise ValidationError(
                    f"{offer.host}'s offer has no place left ({offer.places} taken), so this request cannot be "
                    "approved. Decline it with a reason instead."
                )
            _transition(placement, State.APPROVED, event="approved", by=by)
            context = _context(placement)
            for person in placement.participants:
                notification_enqueue(
                    recipient=person.user,
                    institution=offer.round.institution,
                    kind=kinds.PLACEMENT_APPROVED.key,
                    idempotency_key=f"exchange.placement_approved:{placement.pk}:{person.pk}",
                    context=context,
                    link=placement.get_absolute_url(),
                )
        return placement


def placement_decline(*, placement: ExchangePlacement, by: Any, reason: str) -> ExchangePlacement:
    """Decline a request as one of the managers asked to approve it; the reason is required.

    Raises PermissionDenied (from the workflow) when `by` has no approval to give on it.
    """
    if not reason.strip():
        raise ValidationError("Say why the request is declined; the visitor will see it.")
    with transaction.atomic():
        placement = ExchangePlacement.objects.select_for_update(of=("self",)).with_people().get(pk=placement.pk)
        _transition(placement, State.DECLINED, event="declined", by=by, reason=reason)
        notification_enqueue(
            recipient=placement.visitor.user,
            institution=placement.offer.round.institution,
            kind=kinds.PLACEMENT_DECLINED.key,
            idempotency_key=f"exchange.placement_declined:{placement.pk}",
            context={**_context(placement), "declined_by": str(by), "reason": reason},
            link=placement.get_absolute_url(),
        )
        return placement


def placement_schedule(
    *, placement: ExchangePlacement, host_day: date, visitor_day: date, by: Any
) -> ExchangePlacement:
    """Set (or move) the two days; the return visit must come after the first visit."""
    if visitor_day <= host_day:
        raise ValidationError("The return visit must be after the visit to the host.")
    with transaction.atomic():
        placement = ExchangePlacement.objects.select_for_update(of=("self",)).get(pk=placement.pk)
        if not ExchangePlacement.workflow.allows(placement.state, State.SCHEDULED):
            raise ValidationError(f"An exchange that is {placement.get_state_display().lower()} cannot be scheduled.")
        if placement.host_day_done_at and host_day != placement.host_day:
            raise ValidationError("The visit to the host is already recorded as done; its date cannot change.")
        event = "scheduled" if placement.state == State.APPROVED else "rescheduled"
        placement.host_day, placement.visitor_day = host_day, visitor_day
        _transition(
            placement,
            State.SCHEDULED,
            event=event,
            by=by,
            reason=f"Visit to the host {host_day:%-d %b %Y}; return visit {visitor_day:%-d %b %Y}.",
            update_fields=["host_day", "visitor_day"],
        )
        return placement


DAYS = {"host_day": "visit to the host", "visitor_day": "return visit"}


def placement_record_day(
    *, placement: ExchangePlacement, day: str, by: Any, today: date | None = None
) -> ExchangePlacement:
    """Mark one of the two days as having happened; when both have, feedback is due."""
    if day not in DAYS:
        raise ValidationError("Unknown exchange day.")
    today = today or timezone.localdate()
    with transaction.atomic():
        placement = ExchangePlacement.objects.select_for_update(of=("self",)).get(pk=placement.pk)
        if placement.state != State.SCHEDULED:
            raise ValidationError("Only the days of a scheduled exchange can be recorded.")
        if getattr(placement, f"{day}_done_at"):
            raise ValidationError(f"The {DAYS[day]} is already recorded.")
        host_day, visitor_day = placement.host_day, placement.visitor_day
        if host_day is None or visitor_day is None:  # a scheduled exchange has both (the schedule sets them)
            raise ValidationError("Schedule both days before recording them.")
        if getattr(placement, day) > today:
            raise ValidationError(
                f"The {DAYS[day]} is on {getattr(placement, day):%-d %b %Y}; record it once it happened."
            )
        setattr(placement, f"{day}_done_at", timezone.now())
        to = State.SCHEDULED
        if placement.host_day_done_at and placement.visitor_day_done_at:
            to = State.DAYS_RECORDED
            placement.both_days_done_on = max(host_day, visitor_day)
        _transition(
            placement, to, event=f"{day}_recorded", by=by, update_fields=[f"{day}_done_at", "both_days_done_on"]
        )
        return placement


def feedback_give(*, placement: ExchangePlacement, author: StaffProfile, form: forms.ModelForm) -> ExchangeFeedback:
    """Save one side's feedback from a validated form; with both sides in, the exchange is complete."""
    with transaction.atomic():
        placement = (
            ExchangePlacement.objects.select_for_update(of=("self",)).select_related("offer").get(pk=placement.pk)
        )
        role = placement.role_of(author)
        if role is None:
            raise PermissionDenied("Only the host and the visitor give feedback on an exchange.")
        if placement.state != State.DAYS_RECORDED:
            raise ValidationError("Feedback opens once both days are recorded.")
        if placement.feedback.filter(role=role).exists():
            raise ValidationError("You have already given your feedback on this exchange.")
        feedback = form.save(commit=False)
        feedback.placement, feedback.author, feedback.role = placement, author, role
        feedback.save()
        if placement.feedback.count() == 2:
            _transition(placement, State.COMPLETED, event="completed", by=author.user)
        return feedback


def placement_cancel(*, placement: ExchangePlacement, by: Any, reason: str) -> ExchangePlacement:
    """Cancel a request or an exchange whose days are not done; the reason is required."""
    if not reason.strip():
        raise ValidationError("Say why the exchange is cancelled.")
    with transaction.atomic():
        placement = ExchangePlacement.objects.select_for_update(of=("self",)).get(pk=placement.pk)
        if not ExchangePlacement.workflow.allows(placement.state, State.CANCELLED):
            raise ValidationError(f"An exchange that is {placement.get_state_display().lower()} cannot be cancelled.")
        _transition(placement, State.CANCELLED, event="cancelled", by=by, reason=reason)
        return placement


# --- Feedback reminders -----------------------------------------------------------------------


def placement_remind_feedback(*, placement_id: int) -> int:
    """Remind each participant who has not given feedback, once per person and placement.

    Runs inside the placement's institution scope (the task enters it). Returns how many
    reminders were queued now; a repeat run queues none (the outbox key).
    """
    with transaction.atomic():
        placement = ExchangePlacement.objects.with_people().filter(pk=placement_id, state=State.DAYS_RECORDED).first()
        if placement is None:
            return 0
        given = set(placement.feedback.values_list("role", flat=True))
        queued = 0
        for person, partner, role in (
            (placement.offer.host, placement.visitor, ExchangeFeedback.Role.HOST),
            (placement.visitor, placement.offer.host, ExchangeFeedback.Role.VISITOR),
        ):
            if role in given:
                continue
            sent = notification_enqueue(
                recipient=person.user,
                institution=placement.offer.round.institution,
                kind=kinds.FEEDBACK_REMINDER.key,
                idempotency_key=f"exchange.feedback_reminder:{placement.pk}:{person.pk}",
                context={"partner": str(partner)},
                link=placement.get_absolute_url(),
            )
            queued += sent is not None
        return queued
