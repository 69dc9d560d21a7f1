"""Reads for professional registration.

Journeys, competence statements and CPD declarations are institution-scoped; registers and
their fees are sector data, the same for every institution.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, cast

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from core.access import allowed, get_visible_or_404
from development import selectors as development
from people import roles
from people.models import Institution, StaffProfile
from programmes import selectors as programmes

from . import cpd
from .models import (
    CompetenceStatement,
    CpdDeclaration,
    Journey,
    JourneyQuerySet,
    JourneyTransition,
    Payer,
    ProgrammeSettings,
    Register,
    RegisterFee,
)

State = Journey.State


# --- For other apps ---------------------------------------------------------------------------


@dataclass(frozen=True)
class HeldRegistration:
    """A registration a person holds now: e.g. RSci, registered on 3 May 2024."""

    code: str  # the register's post-nominal, e.g. "RSci"
    name: str  # e.g. "Registered Scientist"
    council: str  # "science", "engineering" or "other"
    level: int  # order within the council: 1 RSciTech/EngTech, 2 RSci/IEng, 3 CSci/CEng
    registered_on: date | None
    number: str = ""


def registrations_held(person_ids: Iterable[int]) -> dict[int, list[HeldRegistration]]:
    """The registrations each person holds, highest level first (one query).

    For promotions and the person's profile. People with none are absent from the result. Reads
    in the active institution scope.
    """
    ids = list(person_ids)
    held: dict[int, list[HeldRegistration]] = defaultdict(list)
    if not ids:
        return {}
    rows = (
        Journey.objects.filter(person_id__in=ids, state=State.REGISTERED)
        .select_related("register")
        .order_by("person_id", "-register__level", "register__code")
    )
    for journey in rows:
        register = journey.register
        held[journey.person_id].append(
            HeldRegistration(
                code=register.code,
                name=register.name,
                council=register.council,
                level=register.level,
                registered_on=journey.registered_on,
                number=journey.registration_number,
            )
        )
    return dict(held)


# --- Journeys ---------------------------------------------------------------------------------


def journeys_visible_to(user: Any) -> QuerySet[Journey]:
    """Journeys the viewer may see: their own, those they support or mentor, their reports', and
    for programme managers and HR every journey of their institution."""
    if not roles.has_profile(user):
        return Journey.objects.none()
    profile = user.profile
    condition = Q(person=profile) | Q(supporter=profile) | Q(mentor=profile) | Q(person__line_manager=profile)
    if allowed(user, "registration.see_figures"):
        condition |= Q(institution_id=profile.institution_id)
    return Journey.objects.filter(condition)


def get_journey_for_user(user: Any, pk: Any) -> Journey:
    """A journey the viewer may see, or 404 (someone else's, another institution's)."""
    return get_visible_or_404(cast(JourneyQuerySet, journeys_visible_to(user)).with_people(), pk)


def journeys_of(profile: StaffProfile) -> QuerySet[Journey]:
    """The person's journeys, open ones first (one query)."""
    return Journey.objects.filter(person=profile).with_people().order_by("-last_progress_on", "-pk")


def journeys_supported_by(profile: StaffProfile) -> QuerySet[Journey]:
    """Applications the person is named to support that still wait for their agreement."""
    return Journey.objects.filter(
        supporter=profile, state=State.SUPPORTER_NAMED, supporter_agreed_on__isnull=True
    ).with_people()


@dataclass(frozen=True)
class RegistrationPanel:
    journeys: list[Journey]
    to_support: list[Journey]


def registration_panel(profile: StaffProfile, *, limit: int = 5) -> RegistrationPanel:
    """The home panel: the person's latest journeys and the applications waiting for their
    agreement as supporter, in one query."""
    waiting = Q(supporter=profile, state=State.SUPPORTER_NAMED, supporter_agreed_on__isnull=True)
    rows = list(Journey.objects.filter(Q(person=profile) | waiting).with_people().order_by("-last_progress_on", "-pk"))
    return RegistrationPanel(
        journeys=[j for j in rows if j.person_id == profile.pk][:limit],
        to_support=[j for j in rows if j.person_id != profile.pk],
    )


def journeys_list(
    institution: Institution, *, state: str = "", beyond_soa: bool = False, text: str = ""
) -> QuerySet[Journey]:
    """The institution's journeys for the programme manager's list, filtered (one query a page)."""
    rows = Journey.objects.filter(institution=institution).with_people()
    if state:
        rows = rows.filter(state=state)
    if beyond_soa:
        rows = rows.filter(person__job_family__soa_covered=False)
    for word in text.split():
        rows = rows.filter(
            Q(person__user__first_name__icontains=word)
            | Q(person__user__last_name__icontains=word)
            | Q(register__code__icontains=word)
        )
    return rows.order_by("-last_progress_on", "-pk")


def state_counts(institution: Institution) -> dict[str, int]:
    """Journeys by stage, every stage present (one query)."""
    counts = dict(
        Journey.objects.filter(institution=institution).values_list("state").annotate(n=Count("pk")).order_by()
    )
    return {state.value: counts.get(state.value, 0) for state in State}


def history_of(journey: Journey) -> QuerySet[JourneyTransition]:
    return journey.transitions.select_related("by")


def statements_of(journey: Journey) -> dict[str, CompetenceStatement]:
    return {row.area: row for row in CompetenceStatement.objects.filter(journey=journey)}


def evidence_choices(profile: StaffProfile) -> list[tuple[int, str]]:
    """The person's own training records, as evidence to cite (one query)."""
    return [(r.pk, f"{r.title} ({r.date:%b %Y})") for r in development.records_of(profile)]


def supporters_for(profile: StaffProfile) -> QuerySet[StaffProfile]:
    """Colleagues who may support the person's application: current staff of their institution."""
    return (
        StaffProfile.objects.filter(institution_id=profile.institution_id)
        .current()
        .exclude(pk=profile.pk)
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    )


# --- Registers and fees -----------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterRow:
    register: Register
    fee: RegisterFee | None  # this year's, else the latest


def registers_with_fees(year: int) -> list[RegisterRow]:
    """Every register with the fees of `year` (or the latest year known), in two queries."""
    registers = list(Register.objects.order_by("council", "level", "code"))
    fees: dict[int, RegisterFee] = {}
    for fee in RegisterFee.objects.filter(year__lte=year).order_by("register_id", "year"):
        fees[fee.register_id] = fee  # the latest year up to `year` wins
    for fee in RegisterFee.objects.filter(register_id__in=[r.pk for r in registers if r.pk not in fees]):
        fees.setdefault(fee.register_id, fee)
    return [RegisterRow(register=r, fee=fees.get(r.pk)) for r in registers]


# --- CPD --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CpdRecord:
    person: StaffProfile
    start: date
    end: date
    standard: str  # "science" or "engineering"
    held: list[HeldRegistration]
    records: list[Any]  # training records of the 12 months, newest first
    hours_by_category: list[tuple[str, Decimal]]
    declaration: CpdDeclaration | None
    verdict: cpd.Verdict


def cpd_record_of(profile: StaffProfile, *, today: date | None = None) -> CpdRecord:
    """The person's last 12 months of CPD, checked against their register's standard (five queries).

    The standard is that of the highest registration held (the Science Council's when none is
    held yet, so a person preparing can see where they stand).
    """
    today = today or timezone.localdate()
    start = today - timedelta(days=365)
    held = registrations_held([profile.pk]).get(profile.pk, [])
    standard = cpd.ENGINEERING if held and held[0].council == "engineering" else cpd.SCIENCE
    records = list(development.records_of(profile).filter(date__gte=start, date__lte=today))
    declaration = CpdDeclaration.objects.filter(person=profile, year=today.year).first()
    return CpdRecord(
        person=profile,
        start=start,
        end=today,
        standard=standard,
        held=held,
        records=records,
        hours_by_category=development.cpd_hours_by_category(profile, start=start, end=today),
        declaration=declaration,
        verdict=cpd.check(standard, cpd.activities_from(records), declaration),
    )


# --- The registration programme (3A) ----------------------------------------------------------


def settings_of(institution: Institution) -> ProgrammeSettings | None:
    return ProgrammeSettings.objects.filter(institution=institution).select_related("programme", "annual_event").first()


def programme_ids(settings: ProgrammeSettings | None) -> list[int]:
    if settings is None:
        return []
    return [settings.programme_id, *([settings.annual_event_id] if settings.annual_event_id else [])]


@dataclass(frozen=True)
class ParticipantRow:
    application: Any  # the programmes application (accepted or completed)
    journeys: list[Journey]
    sessions_attended: int

    @property
    def funded(self) -> bool:
        return any(j.first_year_payer in FUNDED_BY_SUPPORT for j in self.journeys)


FUNDED_BY_SUPPORT = (Payer.PROGRAMME, Payer.ASSOCIATION, Payer.GRANT, Payer.EMPLOYER)


@dataclass(frozen=True)
class CohortPage:
    cohort: Any
    applications: int
    participants: list[ParticipantRow]
    workshops: list[Any]  # sessions of the cohort, with present_count
    events: list[Any]  # annual-event sessions in the cohort's dates

    @property
    def funded_count(self) -> int:
        return sum(1 for row in self.participants if row.funded)


def cohort_page(settings: ProgrammeSettings, cohort: Any) -> CohortPage:
    """The cohort's applications, participants with their journeys and workshop attendance, its
    workshops and the year's annual event (six queries, whatever the cohort's size)."""
    participants = list(programmes.participants_of(cohort).select_related("applicant__job_family"))
    person_ids = [p.applicant_id for p in participants]
    journeys: dict[int, list[Journey]] = defaultdict(list)
    for journey in Journey.objects.filter(person_id__in=person_ids).select_related("register").order_by("-pk"):
        journeys[journey.person_id].append(journey)
    attended = programmes.attendance_counts(cohort)
    events: list[Any] = []
    if settings.annual_event_id:
        events = list(
            programmes.sessions_of_programmes_between([settings.annual_event_id], cohort.starts_on, cohort.ends_on)
        )
    return CohortPage(
        cohort=cohort,
        applications=programmes.cohort_applicants(cohort).count(),
        participants=[
            ParticipantRow(
                application=p,
                journeys=journeys.get(p.applicant_id, []),
                sessions_attended=attended.get(p.applicant_id, 0),
            )
            for p in participants
        ],
        workshops=list(programmes.sessions_with_attendance(cohort).order_by("starts_at")),
        events=events,
    )


# --- Leadership programmes (3C) ---------------------------------------------------------------


@dataclass(frozen=True)
class LeadershipRow:
    application: Any
    journey: Journey | None  # the furthest-along journey, if any

    @property
    def pursuing(self) -> bool:
        return self.journey is not None and self.journey.state in Journey.PURSUING_STATES


def _furthest(journeys: list[Journey]) -> Journey | None:
    order: dict[str, int] = {str(state): n for n, state in enumerate(Journey.PURSUING_STATES, start=1)}
    return max(journeys, key=lambda j: (order.get(j.state, 0), j.pk), default=None)


def leadership_cohort_rows(cohort: Any) -> list[LeadershipRow]:
    """Each participant of a leadership cohort with whether they have started a journey (two queries)."""
    participants = list(programmes.participants_of(cohort).select_related("applicant__job_family", "applicant__grade"))
    journeys: dict[int, list[Journey]] = defaultdict(list)
    rows = Journey.objects.filter(person_id__in=[p.applicant_id for p in participants]).select_related("register")
    for journey in rows:
        journeys[journey.person_id].append(journey)
    return [LeadershipRow(application=p, journey=_furthest(journeys.get(p.applicant_id, []))) for p in participants]


# --- Employer Champion figures (3A) -----------------------------------------------------------


@dataclass(frozen=True)
class ChampionFigures:
    registered_by_register: list[tuple[str, int]]
    registered_by_family: list[tuple[str, int]]
    registered_total: int
    support_by_payer: list[tuple[str, int]]
    journeys_open: int
    workshops_held: int
    mentors: int


def champion_figures(institution: Institution, *, today: date | None = None) -> ChampionFigures:
    """Staff registered now by register (level) and job family, and the support given (five queries).

    Figures are raw counts; the page passes each through the disclosure rounding.
    """
    today = today or timezone.localdate()
    registered = Journey.objects.filter(institution=institution, state=State.REGISTERED)
    by_register = {
        row["register__code"]: row["n"]
        for row in registered.values("register__code").annotate(n=Count("person", distinct=True)).order_by()
    }
    codes = list(Register.objects.order_by("council", "level", "code").values_list("code", flat=True))
    by_family_rows = registered.values("person__job_family__name").annotate(n=Count("person", distinct=True)).order_by()
    by_family = sorted(
        ((row["person__job_family__name"] or "No job family recorded", row["n"]) for row in by_family_rows),
        key=lambda item: item[0],
    )
    supported = (
        Journey.objects.filter(institution=institution)
        .exclude(first_year_payer="")
        .values("first_year_payer")
        .annotate(n=Count("pk"))
        .order_by()
    )
    payer_counts = {row["first_year_payer"]: row["n"] for row in supported}
    open_journeys = Journey.objects.filter(institution=institution, state__in=Journey.OPEN_STATES).aggregate(
        n=Count("pk"), mentors=Count("mentor", distinct=True)
    )
    settings = settings_of(institution)
    year_start = today - timedelta(days=365)
    workshops = (
        programmes.sessions_of_programmes_between([settings.programme_id], year_start, today)
        .filter(ends_at__lte=timezone.now())
        .count()
        if settings
        else 0
    )
    return ChampionFigures(
        registered_by_register=[(code, by_register.get(code, 0)) for code in codes],
        registered_by_family=by_family,
        registered_total=registered.aggregate(n=Count("person", distinct=True))["n"],
        support_by_payer=[(payer.label, payer_counts.get(payer.value, 0)) for payer in Payer],
        journeys_open=open_journeys["n"],
        workshops_held=workshops,
        mentors=open_journeys["mentors"],
    )


# --- Due work for the beat job ----------------------------------------------------------------


def renewals_due(*, today: date | None = None) -> QuerySet[Journey]:
    """Registrations whose annual fee falls due within 30 days, with the person (and their
    institution) and the register. For `registration.tasks.send_reminders`, run across
    institutions; served by the partial index `journey_renewal_due_idx`."""
    today = today or timezone.localdate()
    return (
        Journey.objects.filter(
            state=State.REGISTERED, renewal_on__gte=today, renewal_on__lte=today + timedelta(days=30)
        )
        .select_related("person__user", "person__institution", "register")
        .order_by("pk")
    )


def stalled_due(*, today: date | None = None) -> QuerySet[Journey]:
    """Open journeys (not yet submitted) with no progress for 90 days, with the person and the
    register; index `journey_stalled_idx`."""
    today = today or timezone.localdate()
    return (
        Journey.objects.filter(
            state__in=[State.INTERESTED, State.MENTOR_FOUND, State.PREPARING, State.SUPPORTER_NAMED],
            last_progress_on__lte=today - timedelta(days=90),
        )
        .select_related("person__user", "person__institution", "register")
        .order_by("pk")
    )


def supporters_waiting_due(*, today: date | None = None) -> QuerySet[Journey]:
    """Applications waiting 10 days or more for the supporter, with the person, the supporter
    (and their institution) and the register; index `journey_supporter_waiting_idx`."""
    today = today or timezone.localdate()
    return (
        Journey.objects.filter(
            state=State.SUPPORTER_NAMED,
            supporter__isnull=False,
            supporter_agreed_on__isnull=True,
            supporter_asked_on__lte=today - timedelta(days=10),
        )
        .select_related("person__user", "supporter__user", "supporter__institution", "register")
        .order_by("pk")
    )


CPD_REMINDER_FROM = (12, 1)  # the declaration is normally due by 31 December: ask from 1 December


def cpd_declarations_due(*, today: date | None = None) -> list[Journey]:
    """From 1 December: people registered now who have not declared this year's CPD, as the
    registration each holds on the highest register (with the person, their institution and the
    register). One query."""
    today = today or timezone.localdate()
    if (today.month, today.day) < CPD_REMINDER_FROM:
        return []
    declared = CpdDeclaration.objects.filter(year=today.year, declared_on__isnull=False).values("person_id")
    held = (
        Journey.objects.filter(state=State.REGISTERED)
        .exclude(person_id__in=declared)
        .select_related("person__user", "person__institution", "register")
        # Between registers of one level, the one held longest (the earliest journey).
        .order_by("person_id", "-register__level", "pk")
    )
    highest: dict[int, Journey] = {}
    for journey in held:
        highest.setdefault(journey.person_id, journey)
    return list(highest.values())


def pipeline_people(*, institution: Institution, start: date, end: date) -> dict[str, set[int]]:
    """The institution's staff at each stage of professional registration, for the equality report.

    Journeys started from `start` to `end`: "applied" started one, "submitted" sent an
    application to the register, "registered" was registered. Everyone in post may register, so
    the eligible population is the report's default. One query.
    """
    sent = (State.SUBMITTED, State.REGISTERED, State.UNSUCCESSFUL)
    stages: dict[str, set[int]] = {"applied": set(), "submitted": set(), "registered": set()}
    rows = Journey.objects.filter(
        institution=institution, person__institution=institution, started_on__gte=start, started_on__lte=end
    ).values_list("person_id", "state", "submitted_on", "registered_on")
    for person, state, submitted_on, registered_on in rows:
        stages["applied"].add(person)
        if submitted_on is not None or state in sent:
            stages["submitted"].add(person)
        if registered_on is not None or state == State.REGISTERED:
            stages["registered"].add(person)
    return stages
