"""Reads for pathways. Every model here is institution-scoped.

Other apps are read through their selectors only: promotions (criteria in force, `facts.gather`,
`equivalence.decide`), registration (`registrations_held`), programmes (the catalogue's open,
eligible programmes), development (`allowance_for`), mentoring (`mentors_of`, `suggested_mentors`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone

from apprenticeships import selectors as apprenticeships
from core import disclosure
from core.access import get_visible_or_404
from development import selectors as development
from mentoring import selectors as mentoring
from people import roles
from people.models import Grade, Institution, JobFamily, StaffProfile
from programmes import selectors as programmes
from promotions import facts as promotion_facts
from promotions import selectors as promotions
from promotions.equivalence import Requirement, decide
from registration import selectors as registration

from .models import (
    Capability,
    FrameworkVersion,
    Goal,
    Pathway,
    PathwayStep,
    PathwayVersion,
    Plan,
    Rating,
    SelfAssessment,
    SideRoute,
)

JUNIOR_LEVEL = 2  # apprentices and SO-level grades get the clearer signposting 1E asks for


# --- Pathways and the map ---------------------------------------------------------------------


def _with_parts(queryset: QuerySet[Pathway]) -> QuerySet[Pathway]:
    return queryset.select_related("job_family").prefetch_related(
        Prefetch("steps", queryset=PathwayStep.objects.select_related("grade").order_by("grade__level")),
        Prefetch("side_routes", queryset=SideRoute.objects.select_related("from_grade")),
    )


def pathways_of(institution: Institution) -> QuerySet[Pathway]:
    """Every pathway of the institution with steps and side routes (three queries)."""
    return _with_parts(Pathway.objects.filter(institution=institution))


def published_pathways(institution: Institution) -> list[Pathway]:
    return list(pathways_of(institution).filter(published=True))


def get_pathway_for_user(user: Any, pk: Any) -> Pathway:
    """A pathway of the viewer's institution (every member of staff may read pathways)."""
    if not roles.has_profile(user):
        return get_visible_or_404(Pathway.objects.none(), pk)
    return get_visible_or_404(pathways_of(user.profile.institution), pk)


def get_step_for_user(user: Any, pk: Any) -> PathwayStep:
    return get_visible_or_404(
        PathwayStep.objects.filter(pathway__institution_id=user.profile.institution_id).select_related(
            "grade", "pathway"
        ),
        pk,
    )


def get_side_route_for_user(user: Any, pk: Any) -> SideRoute:
    return get_visible_or_404(
        SideRoute.objects.filter(pathway__institution_id=user.profile.institution_id).select_related("pathway"), pk
    )


def versions_of(pathway: Pathway) -> QuerySet[PathwayVersion]:
    return pathway.versions.select_related("saved_by")


@dataclass
class MapRow:
    """One grade on the map: its step, side routes leading off it and where the viewer stands."""

    step: PathwayStep
    routes: list[SideRoute]
    here: bool = False
    next: bool = False
    done: bool = False


@dataclass
class PathwayMap:
    pathway: Pathway
    rows: list[MapRow]

    @property
    def here(self) -> MapRow | None:
        return next((row for row in self.rows if row.here), None)

    @property
    def next(self) -> MapRow | None:
        return next((row for row in self.rows if row.next), None)


def map_of(pathway: Pathway, *, grade: Grade | None = None) -> PathwayMap:
    """The ladder as rows, the viewer's grade marked (no query beyond the pathway's prefetches)."""
    routes: dict[int, list[SideRoute]] = {}
    for route in pathway.side_routes.all():
        routes.setdefault(route.from_grade_id, []).append(route)
    rows = []
    following = None
    if grade is not None:
        following = min((s.grade.level for s in pathway.steps.all() if s.grade.level > grade.level), default=None)
    for step in pathway.steps.all():
        rows.append(
            MapRow(
                step=step,
                routes=routes.get(step.grade_id, []),
                here=grade is not None and step.grade_id == grade.pk,
                next=following is not None and step.grade.level == following,
                done=grade is not None and step.grade.level < grade.level,
            )
        )
    return PathwayMap(pathway, rows)


def map_for(person: StaffProfile) -> PathwayMap | None:
    """The person's own job family's pathway as a map (three queries), or None."""
    if person.job_family_id is None:
        return None
    pathway = _with_parts(Pathway.objects.filter(job_family_id=person.job_family_id)).first()
    return map_of(pathway, grade=person.grade) if pathway else None


# --- Capability frameworks --------------------------------------------------------------------


def framework_versions(institution: Institution) -> QuerySet[FrameworkVersion]:
    return FrameworkVersion.objects.filter(framework__institution=institution).select_related("framework", "loaded_by")


def framework_in_force(institution: Institution) -> FrameworkVersion | None:
    """The newest version loaded, with its bands, capabilities and indicators (four queries)."""
    return (
        framework_versions(institution)
        .prefetch_related("bands", Prefetch("capabilities", queryset=Capability.objects.prefetch_related("indicators")))
        .order_by("-loaded_at", "-pk")
        .first()
    )


def get_framework_version_for_user(user: Any, pk: Any) -> FrameworkVersion:
    return get_visible_or_404(
        framework_versions(user.profile.institution).prefetch_related(
            "bands", Prefetch("capabilities", queryset=Capability.objects.prefetch_related("indicators"))
        ),
        pk,
    )


# --- Self-assessment --------------------------------------------------------------------------


def assessments_visible_to(user: Any) -> QuerySet[SelfAssessment]:
    """The viewer's own self-assessments and their reports'."""
    if not roles.has_profile(user):
        return SelfAssessment.objects.none()
    profile = user.profile
    return SelfAssessment.objects.filter(person__in=[profile.pk]) | SelfAssessment.objects.filter(
        person__line_manager=profile
    )


def get_assessment_for_user(user: Any, pk: Any) -> SelfAssessment:
    return get_visible_or_404(
        assessments_visible_to(user).select_related("person__user", "person__grade", "person__line_manager", "version"),
        pk,
    )


def latest_assessment(person: StaffProfile) -> SelfAssessment | None:
    return SelfAssessment.objects.filter(person=person).select_related("version").order_by("-pk").first()


def ratings_of(assessment: SelfAssessment) -> dict[int, Rating]:
    """The assessment's ratings by capability id (one query)."""
    return {rating.capability_id: rating for rating in assessment.ratings.all()}


@dataclass
class Gap:
    capability: Capability
    rated: int
    wanted: int
    agreed: bool  # the line manager agreed the rating
    programmes: list[Any] = field(default_factory=list)  # open programmes the capability's development names

    @property
    def wanted_text(self) -> str:
        return next((i.text for i in self.capability.indicators.all() if i.level == self.wanted), "")


def gaps_of(version: FrameworkVersion, ratings: dict[int, Rating], target_level: int | None) -> list[Gap]:
    """Capabilities rated below the target level (no query: the version's prefetches and the ratings)."""
    if target_level is None:
        return []
    levels = {band.level for band in version.bands.all()}
    wanted = max((level for level in levels if level <= target_level), default=None)
    if wanted is None:
        return []
    gaps = []
    for capability in version.capabilities.all():
        rating = ratings.get(capability.pk)
        if rating is not None and rating.level < wanted:
            gaps.append(Gap(capability, rating.level, wanted, rating.manager_view == Rating.View.AGREE))
    return gaps


EVIDENCE_TRAINING_RECORDS = 12  # the most recent, offered to cite


def evidence_hints(person: StaffProfile) -> list[str]:
    """Records the person can cite as evidence (three queries): their latest training, the
    registrations they hold, the programmes they completed; each named as it is shown and stored."""
    hints = [
        f"Training: {record.title} ({record.date:%b %Y})"
        for record in development.records_of(person).order_by("-date")[:EVIDENCE_TRAINING_RECORDS]
    ]
    hints += [f"Registered as {r.code}" for r in registration.registrations_held([person.pk]).get(person.pk, [])]
    hints += [f"Completed {name}" for name, _on in programmes.programmes_completed_by([person.pk]).get(person.pk, [])]
    return list(dict.fromkeys(hints))  # two records of the same course in one month are one citation


# --- My next step -----------------------------------------------------------------------------


@dataclass
class Criterion:
    label: str
    met: bool
    evidence: str
    link: str
    link_text: str


@dataclass
class NextStep:
    person: StaffProfile
    map: PathwayMap | None
    next_grade: Grade | None
    criteria: list[Criterion] = field(default_factory=list)
    assessment: SelfAssessment | None = None
    gaps: list[Gap] = field(default_factory=list)
    open_programmes: list[Any] = field(default_factory=list)
    registration_fit: list[str] = field(default_factory=list)
    held: list[str] = field(default_factory=list)
    allowance: Any = None
    mentors: list[Any] = field(default_factory=list)
    suggested: list[Any] = field(default_factory=list)
    suggested_for: str = ""
    junior: bool = False
    apprenticeship: bool = False


def next_step_of(user: Any, *, today: Any = None) -> NextStep:
    """Where the person stands against the next grade, from their own records.

    A fixed number of queries whatever the person's record holds: the map (3), the criteria in
    force (1) and the facts for "or equivalent" (4), the latest self-assessment (1) with the
    framework (4) and ratings (1), open programmes (1), the allowance (3), mentors (1 + 2).
    """
    person: StaffProfile = user.profile
    today = today or timezone.localdate()
    pathway_map = map_for(person)
    next_row = pathway_map.next if pathway_map else None
    next_grade = next_row.step.grade if next_row else None
    result = NextStep(person=person, map=pathway_map, next_grade=next_grade)
    result.junior = person.grade is not None and person.grade.level <= JUNIOR_LEVEL
    if result.junior:  # one query, for apprentices and SO grades only
        result.apprenticeship = apprenticeships.has_open_apprenticeship(person)

    criteria = promotions.next_step_for(person, promotions.criteria_in_force(person.institution))
    found = promotion_facts.gather([person], today=today)[person.pk]
    result.held = [r.code for r in found.registrations]
    if criteria is not None:
        decision = decide(Requirement.of(criteria), found)
        result.criteria.append(
            Criterion(
                label=f"Qualification: {Requirement.of(criteria).in_words()}",
                met=decision.met,
                evidence=decision.reason,
                link=reverse("promotions:declaration"),
                link_text="Check your qualification and experience",
            )
        )

    result.assessment = latest_assessment(person)
    version = framework_in_force(person.institution)
    if result.assessment is not None and version is not None and result.assessment.version_id == version.pk:
        result.gaps = gaps_of(version, ratings_of(result.assessment), next_grade.level if next_grade else None)
    if criteria is not None and version is not None and next_grade is not None:
        reviewed = result.assessment is not None and result.assessment.state == SelfAssessment.State.REVIEWED
        result.criteria.append(
            Criterion(
                label=f"Capabilities at the {next_grade.short_name} level",
                met=reviewed and not result.gaps,
                evidence=(
                    "No self-assessment reviewed by your line manager yet."
                    if not reviewed
                    else f"{len(result.gaps)} capabilit{'y' if len(result.gaps) == 1 else 'ies'} below the "
                    f"{next_grade.short_name} level in your reviewed self-assessment."
                    if result.gaps
                    else f"Every capability at or above the {next_grade.short_name} level, agreed by your line manager."
                ),
                link=reverse("pathways:assessment"),
                link_text="Your self-assessment",
            )
        )

    result.allowance = development.allowance_for(person, today=today)
    step = pathway_map.here.step if pathway_map and pathway_map.here else None
    if criteria is not None and step is not None:
        done = result.allowance.used + result.allowance.approved
        result.criteria.append(
            Criterion(
                label=f"Development this year: at least {_days(step.minimum_days)} at your grade",
                met=done >= step.minimum_days,
                evidence=f"{_days(result.allowance.used)} recorded and {_days(result.allowance.approved)} approved "
                f"in {result.allowance.label}.",
                link=reverse("development:mine"),
                link_text="Your development days",
            )
        )

    result.open_programmes = list(programmes.catalogue(user, open_now=True, eligible_only=True, today=today)[:5])
    for gap in result.gaps:  # the development the framework maps to the capability, where it is open now
        names = [name.strip().casefold() for name in gap.capability.development.split(",") if name.strip()]
        gap.programmes = [p for p in result.open_programmes if any(n in p.title.casefold() for n in names)]
    fit = (next_row.step.registration_codes if next_row else []) or (step.registration_codes if step else [])
    result.registration_fit = [code for code in fit if code not in result.held]
    with mentoring.mentoring_scope(person):
        result.mentors = mentoring.mentors_of(person)
        had = {relationship.purpose for relationship in result.mentors}
        # a mentor for what comes next: promotion first, then registration, then the leading the next grades ask
        purpose = next((p for p in ("promotion", "registration", "leadership", "general") if p not in had), "")
        if purpose:
            result.suggested_for = purpose
            result.suggested = mentoring.suggested_mentors(mentee=person, purpose=purpose, limit=3)
    return result


def _days(value: Decimal) -> str:
    shown = value.normalize() if value == value.to_integral() else value
    return f"{shown:f} day{'' if value == 1 else 's'}"


# --- Personal development plan ----------------------------------------------------------------


def plans_visible_to(user: Any) -> QuerySet[Plan]:
    if not roles.has_profile(user):
        return Plan.objects.none()
    profile = user.profile
    return Plan.objects.filter(person=profile) | Plan.objects.filter(person__line_manager=profile)


def plan_of(person: StaffProfile, year: int) -> Plan | None:
    return Plan.objects.filter(person=person, year=year).first()


def capabilities_in_force(institution: Institution) -> QuerySet[Capability]:
    """The capabilities of the newest framework version (for choosing the one a goal closes)."""
    newest = framework_versions(institution).order_by("-loaded_at", "-pk").values("pk")[:1]
    return Capability.objects.filter(version__in=newest)


def get_plan_for_user(user: Any, pk: Any) -> Plan:
    return get_visible_or_404(plans_visible_to(user).select_related("person__user", "person__grade"), pk)


def get_goal_for_user(user: Any, pk: Any) -> Goal:
    return get_visible_or_404(
        Goal.objects.filter(plan__in=plans_visible_to(user)).select_related("plan__person__user"), pk
    )


def goals_of(plan: Plan) -> list[Goal]:
    return list(plan.goals.select_related("capability"))


def goal_options(user: Any, *, today: Any = None) -> dict[str, list[tuple[str, str]]]:
    """What a goal of the person's plan may serve, by kind: {kind: [("kind:pk", label), ...]}.

    Only the person's own records (their programme applications and the programmes open to them,
    their development requests, registration journeys and mentoring relationships) and their
    institution's current promotion rounds. Seven queries.
    """
    person: StaffProfile = user.profile
    today = today or timezone.localdate()
    applied = {a.cohort.programme_id: a.cohort.programme.title for a in programmes.my_applications(person)[:20]}
    open_now = {p.pk: p.title for p in programmes.catalogue(user, open_now=True, eligible_only=True, today=today)[:20]}
    with mentoring.mentoring_scope(person):
        relationships = list(mentoring.relationships_as_mentee(person)[:20])
    return {
        "programme": [(f"programme:{pk}", title) for pk, title in (applied | open_now).items()],
        "development": [
            (f"development:{r.pk}", f"{r.title} ({r.start_date:%d %b %Y})")
            for r in development.requests_of(person)[:20]
        ],
        "registration": [
            (f"registration:{j.pk}", f"{j.register.code}: {j.get_state_display().lower()}")
            for j in registration.journeys_of(person)[:20]
        ],
        "promotion": [
            (f"promotion:{r.pk}", f"{r.name} round") for r in promotions.current_rounds(person.institution, today)
        ],
        "mentoring": [
            (f"mentoring:{r.pk}", f"{r.get_purpose_display()} mentoring with {r.mentor.user.get_full_name()}")
            for r in relationships
        ],
    }


def plan_history(plan: Plan) -> QuerySet:
    return plan.transitions.select_related("by")


def training_in_year(plan: Plan) -> list[Any]:
    """The person's training records dated in the plan's year (one query), for the PDF."""
    return list(development.records_of(plan.person).filter(date__year=plan.year).order_by("date"))


# --- Readiness (managers and programme managers) ----------------------------------------------


@dataclass
class Waiting:
    assessments: list[SelfAssessment]
    plans: list[Plan]


def waiting_for_review(manager: StaffProfile) -> Waiting:
    """The reports' self-assessments and plans sent to the manager and not yet reviewed (two queries)."""
    return Waiting(
        assessments=list(
            SelfAssessment.objects.filter(person__line_manager=manager, state=SelfAssessment.State.SUBMITTED)
            .select_related("person__user")
            .order_by("pk")
        ),
        plans=list(
            Plan.objects.filter(person__line_manager=manager, state=Plan.State.SUBMITTED)
            .select_related("person__user")
            .order_by("pk")
        ),
    )


def job_families_without_pathway(institution: Institution) -> list[Any]:
    """The institution's job families that have no pathway yet (one query)."""
    return list(JobFamily.objects.filter(institution=institution, pathway__isnull=True).order_by("name"))


@dataclass
class ReadinessRow:
    label: str
    people: disclosure.Figure
    ready: disclosure.Figure
    share: disclosure.Figure


@dataclass
class Readiness:
    scope: str
    rows: list[ReadinessRow]
    gaps: list[tuple[str, disclosure.Figure]]


def readiness(user: Any, *, today: Any = None) -> Readiness:
    """How many of the viewer's team (line managers) or of each job family (programme managers) are
    ready for their next step, and the capability gaps seen most often, through `core.disclosure`.

    Ready: the newest self-assessment is reviewed and shows no capability below the next grade's
    band. A fixed number of queries: the people (1), the framework (4), the latest assessments (1)
    and their ratings (1), the grades (1).
    """
    profile = user.profile
    institution = profile.institution
    if roles.is_programme_manager(user):
        staff = StaffProfile.objects.filter(institution=institution).current()
        scope = "Every job family"
    else:
        staff = StaffProfile.objects.filter(line_manager=profile).current()
        scope = "Your team"
    # Columns, not rows: a programme manager's view covers every member of staff (5,600 at the
    # largest institution, where loading each as a model took 0.3 s; issue 18).
    people = list(staff.values_list("pk", "job_family_id", "job_family__name", "grade__level"))
    version = framework_in_force(institution)
    levels = _next_levels(institution)
    latest: dict[int, tuple[int, str]] = {}
    ratings: dict[int, dict[int, Rating]] = defaultdict(dict)
    if version is not None:
        for pk, person_id, state in (
            SelfAssessment.objects.filter(person__in=staff.values("pk"), version=version)
            .order_by("person_id", "-pk")
            .values_list("pk", "person_id", "state")
        ):
            latest.setdefault(person_id, (pk, state))
        reviewed = [pk for pk, state in latest.values() if state == SelfAssessment.State.REVIEWED]
        for rating in Rating.objects.filter(assessment_id__in=reviewed):
            ratings[rating.assessment_id][rating.capability_id] = rating
    groups: dict[str, list[bool]] = {}
    gap_counts: Counter[str] = Counter()
    for person_id, family_id, family_name, grade_level in people:
        label = family_name or "No job family recorded"
        ready = False
        newest = latest.get(person_id)
        target = levels.get((family_id, grade_level)) if grade_level is not None else None
        if version is not None and newest is not None and newest[1] == SelfAssessment.State.REVIEWED:
            found = gaps_of(version, ratings[newest[0]], target)
            ready = target is not None and not found
            gap_counts.update(gap.capability.name for gap in found)
        groups.setdefault(label, []).append(ready)
    rows = []
    for label, marks in sorted(groups.items()):
        rows.append(
            ReadinessRow(
                label,
                disclosure.count(len(marks)),
                disclosure.count(sum(marks)),
                disclosure.percentage(sum(marks), len(marks)),
            )
        )
    shares = disclosure.protect([row.share for row in rows])
    for row, share in zip(rows, shares, strict=True):
        row.share = share
    common = [(name, disclosure.count(n)) for name, n in gap_counts.most_common(5)]
    return Readiness(scope, rows, common)


def _next_levels(institution: Institution) -> dict[tuple[int, int], int]:
    """(job family id, grade level) -> the level of the next grade up in that family (one query)."""
    ladders: dict[int, list[int]] = {}
    for family_id, level in Grade.objects.filter(job_family__institution=institution).values_list(
        "job_family_id", "level"
    ):
        ladders.setdefault(family_id, []).append(level)
    result = {}
    for family_id, levels in ladders.items():
        ordered = sorted(levels)
        for lower, higher in zip(ordered, ordered[1:], strict=False):
            result[family_id, lower] = higher
    return result
