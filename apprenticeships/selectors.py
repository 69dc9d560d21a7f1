"""Reads for apprenticeships, always inside the viewer's institution scope.

`get_<thing>_for_user(user, pk)` returns what the viewer may see or raises Http404: an
apprentice sees their own apprenticeship, a line manager their apprentices', programme managers
and HR every one of their institution. Lists compute each row's off-the-job hours, review and
planned-end status in a fixed number of queries (the breaks, the hours and the rows), whatever
the number of apprentices.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, cast

from django.db.models import Case, Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from core import disclosure
from core.access import allowed, get_visible_or_404
from core.dates import add_months
from core.tenancy import across_institutions
from core.text import number
from development import selectors as development
from people import roles
from people import selectors as people_selectors
from people.models import CareerEvent, Institution, StaffProfile

from .hours import OffTheJob, off_the_job
from .models import (
    Apprenticeship,
    ApprenticeshipQuerySet,
    ApprenticeshipRequest,
    ApprenticeshipRequestTransition,
    BreakInLearning,
    Grade,
    Intake,
    ProgressReview,
    Provider,
    ProviderContact,
    Recommendation,
    Route,
    Standard,
)
from .outcomes import WITHIN_MONTHS, Destination, destination_of

State = Apprenticeship.State
REVIEW_DUE_SOON = timedelta(weeks=2)
END_APPROACHING = timedelta(days=30)
DESTINATION_AFTER_MONTHS = 3  # the destination reminder: 3 months after completion
SUCCESSFUL_GRADES = (Grade.PASS, Grade.MERIT, Grade.DISTINCTION)


# --- Reference data ---------------------------------------------------------------------------


def standards_of(institution: Institution) -> QuerySet[Standard]:
    return Standard.objects.filter(institution=institution).order_by("reference", "version")


def providers_of(institution: Institution) -> QuerySet[Provider]:
    """Providers with how many recommendations they have (one query)."""
    return Provider.objects.filter(institution=institution).annotate(recommendation_count=Count("recommendations"))


def get_standard_for_user(user: Any, pk: Any) -> Standard:
    return get_visible_or_404(Standard.objects.filter(institution=user.institution), pk)


def get_provider_for_user(user: Any, pk: Any) -> Provider:
    return get_visible_or_404(Provider.objects.filter(institution=user.institution), pk)


# --- People who act for a provider -----------------------------------------------------------


def contacts_of(provider: Provider) -> QuerySet[ProviderContact]:
    """Everyone invited to act for the provider, active first (one query)."""
    return ProviderContact.objects.filter(provider=provider).order_by(
        F("deactivated_at").asc(nulls_first=True), "name", "pk"
    )


def active_contacts_of(provider: Provider) -> QuerySet[ProviderContact]:
    return ProviderContact.objects.filter(provider=provider).active().select_related("user")


def provider_signs_in_portal(provider: Provider) -> bool:
    """Whether someone acts for the provider here: then it signs reviews itself (one query)."""
    return ProviderContact.objects.filter(provider=provider).active().exists()


def get_contact_for_user(user: Any, pk: Any) -> ProviderContact:
    """A provider contact of the viewer's institution (for the programme manager's buttons), else 404."""
    return get_visible_or_404(
        ProviderContact.objects.filter(provider__institution=user.institution).select_related("provider"), pk
    )


def provider_contact_of(user: Any) -> ProviderContact | None:
    """The provider the signed-in account acts for, if it is an active provider contact; cached on the
    user for the request (one query, none for staff).

    Read by the account's own id across institutions on purpose: the account has no staff record,
    so its requests have no institution scope until this row names it.
    """
    if not getattr(user, "is_authenticated", False) or roles.has_profile(user):
        return None
    if not hasattr(user, "_provider_contact_cache"):
        with across_institutions():
            user._provider_contact_cache = (
                ProviderContact.objects.filter(user_id=user.pk).active().select_related("provider__institution").first()
            )
    return user._provider_contact_cache


def provider_apprenticeships(contact: ProviderContact) -> QuerySet[Apprenticeship]:
    """The provider's apprentices at the contact's institution, open ones first, with how many
    reviews wait for the provider's sign-off (one query, two with a page count)."""
    waiting = Count("reviews", filter=Q(reviews__provider_signed_at__isnull=True))
    open_first = Case(When(state__in=Apprenticeship.OPEN_STATES, then=Value(0)), default=Value(1))
    return (
        Apprenticeship.objects.filter(institution_id=contact.provider.institution_id, provider=contact.provider)
        .select_related("apprentice__user", "standard")
        .annotate(awaiting_provider=waiting, ended=open_first)
        .order_by("ended", "apprentice__user__last_name", "apprentice__user__first_name", "pk")
    )


def get_provider_apprenticeship(contact: ProviderContact, pk: Any) -> Apprenticeship:
    """One of the provider's apprentices at the contact's institution, else 404."""
    return get_visible_or_404(
        Apprenticeship.objects.filter(
            institution_id=contact.provider.institution_id, provider=contact.provider
        ).select_related("apprentice__user", "standard", "provider"),
        pk,
    )


def get_provider_review(contact: ProviderContact, pk: Any) -> ProgressReview:
    """A review of one of the provider's apprentices at the contact's institution, else 404."""
    return get_visible_or_404(
        ProgressReview.objects.filter(
            apprenticeship__institution_id=contact.provider.institution_id, apprenticeship__provider=contact.provider
        ).select_related("apprenticeship"),
        pk,
    )


def reviews_awaiting_provider_of(apprenticeship_ids: Iterable[int]) -> dict[int, list[ProgressReview]]:
    """Each apprenticeship's reviews waiting for the provider's sign-off, oldest first, for the
    reminders (one query; `review_awaiting_provider_idx`)."""
    waiting: dict[int, list[ProgressReview]] = defaultdict(list)
    for review in ProgressReview.objects.filter(
        apprenticeship_id__in=list(apprenticeship_ids), provider_signed_at__isnull=True
    ).order_by("held_on", "pk"):
        waiting[review.apprenticeship_id].append(review)
    return waiting


def active_contacts_by_provider(provider_ids: Iterable[int]) -> dict[int, list[ProviderContact]]:
    """The people acting for each provider, with their accounts (one query)."""
    contacts: dict[int, list[ProviderContact]] = defaultdict(list)
    for contact in (
        ProviderContact.objects.filter(provider_id__in=list(provider_ids))
        .active()
        .select_related("user")
        .order_by("pk")
    ):
        contacts[contact.provider_id].append(contact)
    return contacts


@dataclass
class SectorProvider:
    """One provider as the sector knows it: the shared recommendations of every institution that
    works with a provider of that name."""

    name: str
    recommendations: list[Recommendation]

    @property
    def institutions(self) -> list[str]:
        return sorted({r.provider.institution.short_name for r in self.recommendations})


def sector_recommendations(*, standard_reference: str = "", text: str = "") -> list[SectorProvider]:
    """Recommendations shared with the sector, by provider (one query, read across institutions).

    Institutions keep their own provider rows, so the same college appears once per institution:
    they are grouped by name. The recommender is never named; their institution is.
    """
    with across_institutions():
        rows = Recommendation.objects.filter(shared_with_sector=True)
    if standard_reference:
        rows = rows.filter(standard__reference__iexact=standard_reference.strip())
    for word in text.split():
        rows = rows.filter(Q(provider__name__icontains=word) | Q(course__icontains=word))
    providers: dict[str, SectorProvider] = {}
    for row in rows.select_related("provider__institution", "standard").order_by("-created_at", "-pk")[:500]:
        key = " ".join(row.provider.name.lower().split())
        providers.setdefault(key, SectorProvider(row.provider.name, [])).recommendations.append(row)
    return sorted(providers.values(), key=lambda p: (-len(p.recommendations), p.name.lower()))


def sector_standard_references() -> list[str]:
    """The standards that shared recommendations name, for the filter (one query)."""
    with across_institutions():
        rows = Recommendation.objects.filter(shared_with_sector=True, standard__isnull=False)
    return sorted(set(rows.values_list("standard__reference", flat=True)))


def recommendations_of(provider: Provider) -> QuerySet[Recommendation]:
    return Recommendation.objects.filter(provider=provider).select_related("by__user", "standard")


def intakes_of(institution: Institution) -> QuerySet[Intake]:
    """Intakes with their apprentices counted (one query)."""
    return (
        Intake.objects.filter(institution=institution)
        .select_related("standard", "provider")
        .annotate(enrolled=Count("apprenticeships"))
    )


def get_intake_for_user(user: Any, pk: Any) -> Intake:
    """An intake of the viewer's institution (programme managers' and HR's pages), else 404."""
    return get_visible_or_404(intakes_of(user.institution), pk)


# --- Apprenticeships --------------------------------------------------------------------------


def apprenticeships_visible_to(user: Any) -> ApprenticeshipQuerySet:
    """The viewer's own apprenticeships and their apprentices'; all of the institution for
    programme managers and HR."""
    profile = roles.require_profile(user)
    rows = cast(ApprenticeshipQuerySet, Apprenticeship.objects.filter(institution_id=profile.institution_id))
    if roles.is_programme_manager(user) or roles.is_hr(user):
        return rows
    return cast(
        ApprenticeshipQuerySet,
        rows.filter(Q(apprentice=profile) | Q(line_manager=profile) | Q(apprentice__line_manager=profile)),
    )


def get_apprenticeship_for_user(user: Any, pk: Any) -> Apprenticeship:
    """An apprenticeship the viewer may see (with its people, standard, provider and intake), else 404."""
    return get_visible_or_404(apprenticeships_visible_to(user).with_people(), pk)


@dataclass
class Row:
    """One apprenticeship with what the lists show about it today."""

    apprenticeship: Apprenticeship
    hours: OffTheJob
    today: date
    reasons: list[str] = field(default_factory=list)
    rag: str = "green"

    @property
    def rag_label(self) -> str:
        return {"red": "Red", "amber": "Amber", "green": "Green", "paused": "Paused"}[self.rag]


def assess(apprenticeship: Apprenticeship, hours: OffTheJob, today: date) -> Row:
    """Red, amber or green, with the reasons in words (a pure rule over loaded rows).

    Red: off-the-job hours behind by more than the margin, a review overdue, or the planned end
    passed before the gateway. Amber: hours behind by more than half the margin, a review due
    within two weeks, or the planned end within 30 days. A break in learning pauses it all.
    """
    row = Row(apprenticeship=apprenticeship, hours=hours, today=today)
    if apprenticeship.state == State.ON_BREAK:
        row.rag = "paused"
        row.reasons.append("On a break in learning")
        return row
    if apprenticeship.state != State.ACTIVE:
        return row
    red, amber = [], []
    if hours.behind:
        red.append(f"Off-the-job hours {number(hours.behind_by)} behind")
    elif hours.behind_by * 2 > hours.margin:
        amber.append(f"Off-the-job hours {number(hours.behind_by)} behind (more than half the margin)")
    due = apprenticeship.next_review_due
    if due is not None and due < today:
        red.append(f"Review overdue since {due:%-d %b %Y}")
    elif due is not None and due <= today + REVIEW_DUE_SOON:
        amber.append(f"Review due {due:%-d %b %Y}")
    if apprenticeship.planned_end_date < today:
        red.append(f"Planned end passed ({apprenticeship.planned_end_date:%-d %b %Y})")
    elif apprenticeship.planned_end_date <= today + END_APPROACHING:
        amber.append(f"Planned end {apprenticeship.planned_end_date:%-d %b %Y}")
    row.reasons = red + amber
    row.rag = "red" if red else "amber" if amber else "green"
    return row


# Each apprenticeship's breaks as a list (`breaks_in_order`), for the status: `a.breaks.all()` on a
# prefetch clones its query each time, 93 ms for 314 rows at national size.
def breaks_in_order() -> Prefetch:
    return Prefetch("breaks", queryset=BreakInLearning.objects.order_by("starts_on"), to_attr="breaks_in_order")


def rows_for(apprenticeships: Iterable[Apprenticeship], *, today: date | None = None) -> list[Row]:
    """Rows for apprenticeships loaded with their standard and `breaks_in_order()` prefetched: one query for
    the hours of all of them."""
    today = today or timezone.localdate()
    apprenticeships = list(apprenticeships)
    done = development.off_the_job_hours(
        [a.apprentice_id for a in apprenticeships],
        until=today,
        since={a.apprentice_id: a.start_date for a in apprenticeships},
    )
    return [
        assess(
            a, off_the_job(a, done=done.get(a.apprentice_id, Decimal("0")), breaks=a.breaks_in_order, on=today), today
        )
        for a in apprenticeships
    ]


def _listed(rows: QuerySet[Apprenticeship]) -> QuerySet[Apprenticeship]:
    return (
        cast(ApprenticeshipQuerySet, rows)
        .with_people()
        .prefetch_related(breaks_in_order())
        .order_by("apprentice__user__last_name", "apprentice__user__first_name", "pk")
    )


def open_apprenticeships(institution: Institution) -> QuerySet[Apprenticeship]:
    """The institution's active, on-break and at-gateway apprenticeships, in name order, with what
    their status needs (standard, breaks) but not their people (two queries when listed): the
    programme page assesses all of them and shows a page; `with_people_on` loads that page's
    people. Loading every row's five people took most of the page's 0.23 s for 314 at national size."""
    return (
        Apprenticeship.objects.filter(institution=institution)
        .open()
        .select_related("standard")
        .prefetch_related(breaks_in_order())
        .order_by("apprentice__user__last_name", "apprentice__user__first_name", "pk")
    )


def with_people_on(rows: Iterable[Row]) -> None:
    """Give the rows shown their apprenticeship with its people (one query)."""
    rows = list(rows)
    loaded = Apprenticeship.objects.with_people().in_bulk([row.apprenticeship.pk for row in rows])
    for row in rows:
        full = loaded[row.apprenticeship.pk]
        full.breaks_in_order = row.apprenticeship.breaks_in_order
        row.apprenticeship = full


def apprenticeships_of_people(user: Any) -> list[Apprenticeship]:
    """The viewer's own apprenticeships and those of the apprentices they manage (two queries)."""
    profile = user.profile
    return list(
        _listed(
            Apprenticeship.objects.filter(
                Q(apprentice=profile) | Q(line_manager=profile) | Q(apprentice__line_manager=profile)
            )
        )
    )


def apprenticeships_of_intake(intake: Intake) -> QuerySet[Apprenticeship]:
    return _listed(Apprenticeship.objects.filter(intake=intake))


def breaks_of(apprenticeship: Apprenticeship) -> list[BreakInLearning]:
    return list(BreakInLearning.objects.filter(apprenticeship=apprenticeship).order_by("starts_on", "pk"))


def reviews_of(apprenticeship: Apprenticeship) -> QuerySet[ProgressReview]:
    return ProgressReview.objects.filter(apprenticeship=apprenticeship).select_related(
        "recorded_by__user", "manager_signed_by__user", "provider_recorded_by__user", "provider_contact"
    )


def get_review_for_user(user: Any, pk: Any) -> ProgressReview:
    """A review of an apprenticeship the viewer may see, else 404."""
    visible = ProgressReview.objects.filter(apprenticeship__in=apprenticeships_visible_to(user)).select_related(
        "apprenticeship__apprentice__user", "apprenticeship__provider", "apprenticeship__standard"
    )
    return get_visible_or_404(visible, pk)


def hours_of(apprenticeship: Apprenticeship, *, today: date | None = None) -> OffTheJob:
    """Hours done against due for one apprenticeship (two queries: breaks and hours)."""
    today = today or timezone.localdate()
    done = development.off_the_job_hours(
        [apprenticeship.apprentice_id], until=today, since={apprenticeship.apprentice_id: apprenticeship.start_date}
    )
    return off_the_job(
        apprenticeship,
        done=done.get(apprenticeship.apprentice_id, Decimal("0")),
        breaks=breaks_of(apprenticeship),
        on=today,
    )


def hours_records_of(apprenticeship: Apprenticeship) -> Any:
    return development.off_the_job_records(apprenticeship.apprentice, since=apprenticeship.start_date)


def career_events_of(person_ids: Iterable[int]) -> dict[int, list[CareerEvent]]:
    """Each person's career events, oldest first, with the grade (one query)."""
    events: dict[int, list[CareerEvent]] = defaultdict(list)
    for event in (
        CareerEvent.objects.filter(person_id__in=list(person_ids))
        .select_related("grade")
        .order_by("effective_date", "recorded_at", "pk")
    ):
        events[event.person_id].append(event)
    return events


def destination_for(apprenticeship: Apprenticeship) -> Destination | None:
    """The role after completion: recorded (elsewhere) or read from career history (one query)."""
    if apprenticeship.ended_on is None or apprenticeship.state != State.COMPLETED:
        return None
    events = career_events_of([apprenticeship.apprentice_id]).get(apprenticeship.apprentice_id, [])
    return destination_of(apprenticeship, events)


def transitions_of(apprenticeship: Apprenticeship) -> QuerySet:
    return apprenticeship.transitions.select_related("by").order_by("at", "pk")


def apprenticeship_facts(person_ids: list[int]) -> dict[int, dict[str, set[str]]]:
    """For the mentoring signal: the standards each person completed successfully and the ones they
    are on now (one query)."""
    facts: dict[int, dict[str, set[str]]] = {pid: {"completed": set(), "doing": set()} for pid in person_ids}
    rows = Apprenticeship.objects.filter(apprentice_id__in=person_ids).values_list(
        "apprentice_id", "state", "grade", "standard__reference", "standard__title"
    )
    for person_id, state, grade, reference, title in rows:
        name = f"{reference} {title}"
        if state == State.COMPLETED and grade in SUCCESSFUL_GRADES:
            facts[person_id]["completed"].add(name)
        elif state in Apprenticeship.OPEN_STATES:
            facts[person_id]["doing"].add(name)
    return facts


# --- Requests from existing staff -------------------------------------------------------------


def requests_visible_to(user: Any) -> QuerySet[ApprenticeshipRequest]:
    """The viewer's own requests and their reports'; every one of the institution for programme
    managers and HR."""
    profile = roles.require_profile(user)
    rows = ApprenticeshipRequest.objects.filter(person__institution_id=profile.institution_id)
    if roles.is_programme_manager(user) or roles.is_hr(user):
        return rows
    return rows.filter(Q(person=profile) | Q(person__line_manager=profile))


def get_request_for_user(user: Any, pk: Any) -> ApprenticeshipRequest:
    return get_visible_or_404(
        requests_visible_to(user).select_related("person__user", "person__line_manager__user", "standard", "provider"),
        pk,
    )


def requests_of(profile: StaffProfile) -> QuerySet[ApprenticeshipRequest]:
    return ApprenticeshipRequest.objects.filter(person=profile).select_related("standard").order_by("-submitted_at")


def requests_waiting_for(profile: StaffProfile) -> QuerySet[ApprenticeshipRequest]:
    """Requests from the manager's reports waiting for their decision (one query)."""
    return (
        ApprenticeshipRequest.objects.filter(person__line_manager=profile, state=ApprenticeshipRequest.State.SUBMITTED)
        .select_related("person__user", "standard")
        .order_by("submitted_at", "pk")
    )


def requests_to_enrol(institution: Institution) -> QuerySet[ApprenticeshipRequest]:
    """Approved requests waiting for the programme manager to enrol them (one query)."""
    return (
        ApprenticeshipRequest.objects.filter(
            person__institution=institution, state=ApprenticeshipRequest.State.APPROVED
        )
        .select_related("person__user", "standard", "provider", "decided_by__user")
        .order_by("decided_at", "pk")
    )


def has_open_apprenticeship(profile: StaffProfile) -> bool:
    return Apprenticeship.objects.filter(apprentice=profile).open().exists()


def completed_apprenticeship_of(profile: StaffProfile) -> Apprenticeship | None:
    """The person's latest successful completion, if any (one query)."""
    return (
        Apprenticeship.objects.filter(apprentice=profile, state=State.COMPLETED, grade__in=SUCCESSFUL_GRADES)
        .select_related("standard")
        .order_by("-ended_on")
        .first()
    )


def programme_managers_of(institution: Institution) -> list[StaffProfile]:
    """Who runs apprenticeships at the institution: its programme managers and administrators."""
    return people_selectors.holders_of(institution, roles.PROGRAMME_MANAGER, roles.INSTITUTION_ADMIN)


# --- The success measures ---------------------------------------------------------------------


def first_start(institution: Institution) -> date | None:
    """The day the institution's first recorded apprenticeship started (one query)."""
    return (
        Apprenticeship.objects.filter(institution=institution)
        .order_by("start_date")
        .values_list("start_date", flat=True)
        .first()
    )


@dataclass(frozen=True)
class LevyCount:
    people: int
    on_break: int


def levy_in_progress(institution: Institution, on: date) -> LevyCount:
    """Existing staff on a levy-funded apprenticeship on `on`: started by then, not ended by then,
    and not on a break in learning that day (two queries)."""
    rows = Apprenticeship.objects.filter(
        institution=institution, route=Route.EXISTING_STAFF, levy_funded=True, start_date__lte=on
    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on))
    on_break = BreakInLearning.objects.filter(apprenticeship__in=rows, starts_on__lte=on).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=on)
    )
    paused = set(on_break.values_list("apprenticeship__apprentice_id", flat=True))
    people = set(rows.values_list("apprentice_id", flat=True))
    return LevyCount(people=len(people - paused), on_break=len(people & paused))


@dataclass(frozen=True)
class SoRoles:
    completed: int  # successful completions at least 3 months before the reporting date
    in_so_role: int  # of them, in an SO or equivalent role within 3 months
    elsewhere: int  # of those in a role, recorded at another employer


def so_roles_within_3_months(institution: Institution, on: date, *, since: date | None = None) -> SoRoles:
    """Successful completions from `since` to 3 months before `on`, and how many of them held an SO
    or equivalent role within 3 months of completing (two queries)."""
    rows = Apprenticeship.objects.filter(
        institution=institution,
        state=State.COMPLETED,
        grade__in=SUCCESSFUL_GRADES,
        ended_on__lte=add_months(on, -WITHIN_MONTHS),
    )
    if since is not None:
        rows = rows.filter(ended_on__gte=since)
    return _so_roles(list(rows))


def _so_roles(completed: list[Apprenticeship]) -> SoRoles:
    events = career_events_of({a.apprentice_id for a in completed})
    destinations = [destination_of(a, events.get(a.apprentice_id, [])) for a in completed]
    counted = [d for d in destinations if d is not None and d.counts]
    return SoRoles(completed=len(completed), in_so_role=len(counted), elsewhere=sum(1 for d in counted if d.elsewhere))


@dataclass
class IntakeOutcome:
    intake: Intake
    started: disclosure.Figure
    active: disclosure.Figure
    withdrawn: disclosure.Figure
    completed: disclosure.Figure
    not_completed: disclosure.Figure
    so_within_3_months: disclosure.Figure


def outcomes_by_intake(institution: Institution, *, today: date | None = None) -> list[IntakeOutcome]:
    """Each intake's apprentices by outcome, and the share of its successful completions (at least
    3 months ago) in SO or equivalent roles within 3 months; every figure through core.disclosure
    (three queries for any number of intakes)."""
    today = today or timezone.localdate()
    intakes = list(Intake.objects.filter(institution=institution).order_by("-start_date", "name"))
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in (
        Apprenticeship.objects.filter(institution=institution, intake__isnull=False)
        .values("intake_id", "state", "grade")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[row["intake_id"]][row["state"]] += row["n"]
    completed = list(
        Apprenticeship.objects.filter(
            institution=institution,
            intake__isnull=False,
            state=State.COMPLETED,
            grade__in=SUCCESSFUL_GRADES,
            ended_on__lte=add_months(today, -WITHIN_MONTHS),
        )
    )
    events = career_events_of({a.apprentice_id for a in completed})
    cohort: dict[int, list[bool]] = defaultdict(list)
    for a in completed:
        destination = destination_of(a, events.get(a.apprentice_id, []))
        cohort[cast(int, a.intake_id)].append(destination is not None and destination.counts)
    outcomes = []
    for intake in intakes:
        by_state = counts[intake.pk]
        so = cohort[intake.pk]
        outcomes.append(
            IntakeOutcome(
                intake=intake,
                started=disclosure.count(sum(by_state.values())),
                active=disclosure.count(sum(by_state[s] for s in Apprenticeship.OPEN_STATES)),
                withdrawn=disclosure.count(by_state[State.WITHDRAWN]),
                completed=disclosure.count(by_state[State.COMPLETED]),
                not_completed=disclosure.count(by_state[State.NOT_COMPLETED]),
                so_within_3_months=disclosure.percentage(sum(so), len(so)),
            )
        )
    return outcomes


# --- Due work for the beat job ----------------------------------------------------------------


def reminders_due(*, today: date | None = None) -> QuerySet[Apprenticeship]:
    """Apprenticeships that may need a reminder today: every open one (reviews, hours, planned end;
    the partial index `apprenticeship_open_idx`) and completions with no destination recorded 3
    months on (`apprentice_no_destination_idx`), with their people, standard, provider,
    institution and breaks (two queries). For `apprenticeships.tasks.send_reminders`, read across
    institutions; `services.reminders_send` decides what, if anything, is due."""
    today = today or timezone.localdate()
    return (
        Apprenticeship.objects.filter(
            Q(state__in=Apprenticeship.OPEN_STATES)
            | Q(
                state=State.COMPLETED,
                destination_recorded_at__isnull=True,
                ended_on__lte=add_months(today, -DESTINATION_AFTER_MONTHS),
            )
        )
        .with_people()
        .select_related("institution")
        .prefetch_related(breaks_in_order())
        .order_by("pk")
    )


def viewer_can_run(user: Any) -> bool:
    return allowed(user, "apprenticeships.run")


def pipeline_people(*, institution: Institution, start: date, end: date) -> dict[str, set[int]]:
    """The institution's staff at each stage of apprenticeships, for the equality report.

    "applied": existing staff who asked for a levy-funded apprenticeship from `start` to `end`;
    "approved": whose request their line manager approved (even if it went no further);
    "started": who started an apprenticeship in the period (new recruits and existing staff);
    "completed": who, of those, completed it. Everyone in post is eligible (the report's
    default). Two queries.
    """
    approved = ApprenticeshipRequestTransition.objects.filter(
        request=OuterRef("pk"), to_state=ApprenticeshipRequest.State.APPROVED
    )
    stages: dict[str, set[int]] = {"applied": set(), "approved": set(), "started": set(), "completed": set()}
    requests = (
        ApprenticeshipRequest.objects.filter(
            person__institution=institution, submitted_at__date__gte=start, submitted_at__date__lte=end
        )
        .annotate(was_approved=Exists(approved))
        .values_list("person_id", "state", "was_approved")
    )
    for person, state, was_approved in requests:
        stages["applied"].add(person)
        if was_approved or state in (ApprenticeshipRequest.State.APPROVED, ApprenticeshipRequest.State.ENROLLED):
            stages["approved"].add(person)
    started = Apprenticeship.objects.filter(
        institution=institution, apprentice__institution=institution, start_date__gte=start, start_date__lte=end
    ).values_list("apprentice_id", "state")
    for person, state in started:
        stages["started"].add(person)
        if state == Apprenticeship.State.COMPLETED:
            stages["completed"].add(person)
    return stages
