"""Reads for the exchange pilot, always scoped to the viewer's institution.

Every model here is institution-scoped (`core.tenancy`): a web request reads inside the
viewer's institution, a task inside the institution it was given, a beat job across them.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, cast

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from core.access import allowed, get_visible_or_404
from people import roles
from people.models import Institution, StaffProfile

from .models import (
    ExchangeFeedback,
    ExchangeOffer,
    ExchangePlacement,
    ExchangePlacementQuerySet,
    ExchangeRound,
    PlacementTransition,
)
from .rules import sides_to_approve

State = ExchangePlacement.State
HOURS_PER_EXCHANGE_DAY = Decimal("7.5")
CPD_CATEGORY = "work-based learning"


# --- Rounds and offers ------------------------------------------------------------------------


def rounds_visible_to(user: Any) -> QuerySet[ExchangeRound]:
    """Rounds of the user's institution; partner rounds join here when the exchange opens to partners."""
    return ExchangeRound.objects.for_institution(user.institution)


def rounds_with_offer_counts(user: Any) -> QuerySet[ExchangeRound]:
    return rounds_visible_to(user).annotate(offer_count=Count("offers")).order_by("-year", "-opens_on", "-pk")


def get_round_for_user(user: Any, pk: Any) -> ExchangeRound:
    """Return a round of the user's institution, else 404."""
    return get_visible_or_404(rounds_visible_to(user).select_related("institution"), pk)


def open_round(institution: Institution, today: date | None = None) -> ExchangeRound | None:
    """Return the institution's newest round open for offers and applications today, or None."""
    today = today or timezone.localdate()
    return (
        ExchangeRound.objects.for_institution(institution)
        .filter(opens_on__lte=today, closes_on__gte=today)
        .order_by("-opens_on", "-pk")
        .first()
    )


def offers_of_round(round: ExchangeRound) -> QuerySet[ExchangeOffer]:
    """The round's offers with their hosts and how many places are taken (one query)."""
    return (
        ExchangeOffer.objects.filter(round=round)
        .select_related("host__user", "host__division", "host__grade")
        .annotate(taken=Count("placements", filter=Q(placements__state__in=ExchangePlacement.PLACE_TAKING_STATES)))
        .order_by("host__division__name", "facility_or_team", "pk")
    )


def get_offer_for_user(user: Any, pk: Any) -> ExchangeOffer:
    """Return an offer of the user's institution (every member of staff may read offers), else 404."""
    return get_visible_or_404(
        ExchangeOffer.objects.for_institution(user.institution).select_related(
            "round", "host__user", "host__division", "host__grade"
        ),
        pk,
    )


def offers_applied_to(profile: StaffProfile, round: ExchangeRound) -> set[int]:
    """Ids of the round's offers the person has a live request or placement on (one query)."""
    return set(
        ExchangePlacement.objects.filter(
            offer__round=round, visitor=profile, state__in=ExchangePlacement.ACTIVE_STATES
        ).values_list("offer_id", flat=True)
    )


def own_offer(profile: StaffProfile, round: ExchangeRound) -> ExchangeOffer | None:
    return ExchangeOffer.objects.filter(round=round, host=profile).first()


# --- Placements -------------------------------------------------------------------------------


def placements_visible_to(user: Any) -> ExchangePlacementQuerySet:
    """Placements the user may see: their own, their reports', or all of the institution's for a
    programme manager."""
    placements = cast(ExchangePlacementQuerySet, ExchangePlacement.objects.for_institution(user.institution))
    if roles.is_programme_manager(user):
        return placements
    profile = user.profile
    return placements.filter(
        Q(visitor=profile)
        | Q(offer__host=profile)
        | Q(visitor__line_manager=profile)
        | Q(offer__host__line_manager=profile)
    )


def get_placement_for_user(user: Any, pk: Any) -> ExchangePlacement:
    """Return a placement the user may see, or 404 (another institution's, or someone else's)."""
    return get_visible_or_404(placements_visible_to(user).with_people(), pk)


def placements_of(profile: StaffProfile) -> QuerySet[ExchangePlacement]:
    """The person's exchanges as host or visitor, newest first, with their feedback."""
    return _placements_of(profile).with_people().prefetch_related("feedback")


def placements_on_panel(profile: StaffProfile, limit: int) -> list[ExchangePlacement]:
    """The person's newest exchanges, named (one query)."""
    return list(_placements_of(profile).with_names()[:limit])


def _placements_of(profile: StaffProfile) -> ExchangePlacementQuerySet:
    return cast(
        ExchangePlacementQuerySet,
        ExchangePlacement.objects.filter(Q(visitor=profile) | Q(offer__host=profile)).order_by("-created_at", "-pk"),
    )


def approvals_waiting_for(user: Any) -> QuerySet[ExchangePlacement]:
    """Requests waiting for an approval this user may give (their reports, or people without a
    manager for a programme manager)."""
    return _approvals_waiting_for(user).with_people()


def approvals_on_panel(user: Any, limit: int) -> tuple[int, list[ExchangePlacement]]:
    """How many requests wait for the user's approval, and the first few, named (two queries)."""
    waiting = _approvals_waiting_for(user)
    return waiting.count(), list(waiting.with_names()[:limit])


def _approvals_waiting_for(user: Any) -> ExchangePlacementQuerySet:
    if not roles.has_profile(user):
        return cast(ExchangePlacementQuerySet, ExchangePlacement.objects.none())
    profile = user.profile
    waiting = Q(visitor__line_manager=profile, visitor_manager_approved_at__isnull=True) | Q(
        offer__host__line_manager=profile, host_manager_approved_at__isnull=True
    )
    if roles.is_programme_manager(user):
        waiting |= Q(visitor__line_manager__isnull=True, visitor_manager_approved_at__isnull=True) | Q(
            offer__host__line_manager__isnull=True, host_manager_approved_at__isnull=True
        )
    return cast(
        ExchangePlacementQuerySet,
        ExchangePlacement.objects.for_institution(user.institution)
        .filter(waiting, state=State.REQUESTED)
        .order_by("created_at", "pk"),
    )


@dataclass(frozen=True)
class PlacementActions:
    """What the viewer may do on one placement, decided once for the page."""

    approve_sides: tuple[str, ...]
    schedule: bool
    record_host_day: bool
    record_visitor_day: bool
    give_feedback: bool
    cancel: bool


def actions_for(user: Any, placement: ExchangePlacement, today: date | None = None) -> PlacementActions:
    """Return what this user may do on this placement now, by the rules in exchange/rules.py
    (no queries beyond the loaded rows, except one for the user's own feedback)."""
    today = today or timezone.localdate()
    profile = user.profile
    may_record = allowed(user, "exchange.organise_placement", placement) and placement.state == State.SCHEDULED
    return PlacementActions(
        approve_sides=tuple(sides_to_approve(placement=placement, user=user)),
        schedule=allowed(user, "exchange.schedule_placement", placement),
        record_host_day=may_record and not placement.host_day_done_at and _on_or_before(placement.host_day, today),
        record_visitor_day=may_record
        and not placement.visitor_day_done_at
        and _on_or_before(placement.visitor_day, today),
        give_feedback=allowed(user, "exchange.give_feedback", placement)
        and placement.state == State.DAYS_RECORDED
        and not placement.feedback.filter(author=profile).exists(),
        cancel=allowed(user, "exchange.cancel_placement", placement),
    )


def _on_or_before(day: date | None, today: date) -> bool:
    return day is not None and day <= today


# --- The programme manager's feasibility summary ------------------------------------------------


def feasibility_summary(exchange_round: ExchangeRound) -> dict[str, Any]:
    """Everything the feasibility report for a round needs, in a fixed number of queries.

    Participants are people in placements whose two days both happened; pairs list each
    placement's host and visitor divisions; averages use every feedback given in the round.
    """
    placements = list(
        ExchangePlacement.objects.filter(offer__round=exchange_round)
        .with_people()
        .prefetch_related(Prefetch("feedback", queryset=ExchangeFeedback.objects.select_related("author__user")))
        .order_by("offer__facility_or_team", "pk")
    )
    offers = ExchangeOffer.objects.filter(round=exchange_round).aggregate(
        offers=Count("pk"), hosts=Count("host", distinct=True)
    )
    by_state = {state.value: 0 for state in State}
    for placement in placements:
        by_state[placement.state] += 1
    took_place = [p for p in placements if p.state in (State.DAYS_RECORDED, State.COMPLETED)]
    participants = {p.visitor_id for p in took_place} | {p.offer.host_id for p in took_place}
    divisions = {p.visitor.division_id for p in took_place} | {p.offer.host.division_id for p in took_place}
    days_done = sum(bool(p.host_day_done_at) + bool(p.visitor_day_done_at) for p in placements)
    feedback = [f for p in placements for f in p.feedback.all()]

    def average(rows):
        return round_half(sum(f.rating for f in rows) / len(rows)) if rows else None

    by_role = {
        role: [f for f in feedback if f.role == role]
        for role in (ExchangeFeedback.Role.HOST, ExchangeFeedback.Role.VISITOR)
    }
    recommend = sum(f.would_recommend for f in feedback)
    return {
        "round": exchange_round,
        "placements": placements,
        "offers": offers["offers"],
        "hosts": offers["hosts"],
        "applications": len(placements),
        "by_state": [(State(value).label, count) for value, count in by_state.items()],
        "completed": by_state[State.COMPLETED],
        "took_place": took_place,
        "participants": len(participants),
        "divisions": len(divisions - {None}),
        "days_done": days_done,
        "days_planned": 2 * sum(p.state in ExchangePlacement.PLACE_TAKING_STATES for p in placements),
        "feedback": feedback,
        "feedback_count": len(feedback),
        "average_rating": average(feedback),
        "average_host": average(by_role[ExchangeFeedback.Role.HOST]),
        "average_visitor": average(by_role[ExchangeFeedback.Role.VISITOR]),
        "recommend_count": recommend,
        "recommend_percent": round(100 * recommend / len(feedback)) if feedback else None,
    }


def round_half(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.1"))


# --- For the development app ------------------------------------------------------------------


@dataclass(frozen=True)
class DevelopmentRecord:
    """One exchange as a CPD entry: the development app lists these beside its own training records."""

    date: date
    title: str
    hours: Decimal
    cpd_category: str
    reflection: str
    url: str


def development_records_for(profile: StaffProfile) -> list[DevelopmentRecord]:
    """Return the person's exchange reflections as development records, newest first.

    One record per placement for which the person (host or visitor) gave feedback: dated the
    later exchange day, 7.5 hours per day (two days = 15 hours), category "work-based learning".
    Two queries at most, whatever the number of exchanges.
    """
    rows = (
        ExchangeFeedback.objects.filter(author=profile)
        .select_related("placement__offer__host__user", "placement__visitor__user")
        .order_by("-placement__both_days_done_on", "-pk")
    )
    records = []
    for feedback in rows:
        placement = feedback.placement
        partner = placement.visitor if feedback.role == ExchangeFeedback.Role.HOST else placement.offer.host
        days = bool(placement.host_day_done_at) + bool(placement.visitor_day_done_at)
        records.append(
            DevelopmentRecord(
                date=placement.both_days_done_on or placement.visitor_day or feedback.created_at.date(),
                title=f"Technician exchange with {partner} ({placement.offer.facility_or_team})",
                hours=HOURS_PER_EXCHANGE_DAY * days,
                cpd_category=CPD_CATEGORY,
                reflection=feedback.reflection,
                url=placement.get_absolute_url(),
            )
        )
    return records


# --- Due work for the beat jobs ---------------------------------------------------------------


def feedback_reminders_due(*, today: date | None = None) -> QuerySet[ExchangePlacement]:
    """Placements whose second day is past and whose feedback is not all in, oldest first.

    For the beat job `exchange.tasks.send_feedback_reminders`, which runs it across
    institutions; served by the partial index `exchange_feedback_due_idx`.
    """
    today = today or timezone.localdate()
    return ExchangePlacement.objects.filter(state=State.DAYS_RECORDED, both_days_done_on__lt=today).order_by("pk")


def pipeline_people(*, institution: Institution, start: date, end: date) -> dict[str, set[int]]:
    """The institution's staff at each stage of the exchange, as visitors, for the equality report.

    Placements requested from `start` to `end`: "applied" asked to visit, "approved" had a visit
    approved by both managers (even if later cancelled), "completed" finished one. Everyone in
    post may take part, so the eligible population is the report's default. One query.
    """
    approved = PlacementTransition.objects.filter(placement=OuterRef("pk"), to_state=State.APPROVED)
    after_approval = (State.APPROVED, State.SCHEDULED, State.DAYS_RECORDED, State.COMPLETED)
    stages: dict[str, set[int]] = {"applied": set(), "approved": set(), "completed": set()}
    rows = (
        ExchangePlacement.objects.filter(
            offer__round__institution=institution,
            visitor__institution=institution,
            created_at__date__gte=start,
            created_at__date__lte=end,
        )
        .annotate(was_approved=Exists(approved))
        .values_list("visitor_id", "state", "was_approved")
    )
    for person, state, was_approved in rows:
        stages["applied"].add(person)
        if was_approved or state in after_approval:
            stages["approved"].add(person)
        if state == State.COMPLETED:
            stages["completed"].add(person)
    return stages
