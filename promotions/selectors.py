"""Reads for promotions. Every model here is scoped to the institution (rounds, criteria and
vacancies are the institution's own; an application belongs to its round's institution)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from core import disclosure
from core.access import allowed, get_visible_or_404
from core.dates import working_days_before
from guidance.selectors import current_version
from people.models import Grade, Institution, StaffProfile
from people.selectors import in_post_between

from .models import Application, ApplicationQuerySet, CriteriaVersion, Declaration, ManagerNotice, Round, Vacancy

State = Application.State
MANAGER_NOTICE_DAYS = 3  # 4B: managers told within 3 days of a round opening
OPENING_SOON_DAYS = 14
DEADLINE_DAYS = 7
SUPPORT_WAITING_WORKING_DAYS = 5


# --- Criteria ----------------------------------------------------------------------------------


def criteria_in_force(institution: Institution) -> list[CriteriaVersion]:
    """The newest version of each grade's criteria, by job family and grade (one query)."""
    newest = (
        CriteriaVersion.objects.filter(target_grade=OuterRef("target_grade")).order_by("-version").values("version")[:1]
    )
    return list(
        CriteriaVersion.objects.filter(institution=institution, version=Subquery(newest))
        .select_related("target_grade__job_family", "published_by")
        .order_by("target_grade__job_family__name", "target_grade__level")
    )


def criteria_history(grade: Grade) -> QuerySet[CriteriaVersion]:
    return CriteriaVersion.objects.filter(target_grade=grade).select_related("published_by").order_by("-version")


def get_criteria_for_user(user: Any, pk: Any) -> CriteriaVersion:
    """A criteria version of the viewer's institution (every member of staff may read criteria)."""
    return get_visible_or_404(
        CriteriaVersion.objects.filter(institution_id=user.profile.institution_id).select_related(
            "target_grade__job_family", "published_by"
        ),
        pk,
    )


def next_step_for(person: StaffProfile, criteria: list[CriteriaVersion]) -> CriteriaVersion | None:
    """The criteria for the grade one above the person's, in their job family (no query)."""
    if person.grade is None:
        return None
    for version in criteria:
        grade = version.target_grade
        if grade.job_family_id == person.grade.job_family_id and grade.level == person.grade.level + 1:
            return version
    return None


def grades_of(institution: Institution) -> QuerySet[Grade]:
    return Grade.objects.filter(job_family__institution=institution).select_related("job_family")


def declaration_of(person: StaffProfile) -> Declaration | None:
    return Declaration.objects.filter(person=person).first()


# The institution's versioned guidance pages (the guidance app) that promotions links to.
GUIDELINES_SLUG = "promotion-guidelines"  # how rounds work and what counts as equivalent (1H)
CHECKLIST_SLUG = "degree-requirement-checklist"  # for recruiting managers (1H)


def has_guidance(slug: str) -> bool:
    """Whether the institution in scope has published this guidance page (one query)."""
    return current_version(slug) is not None


# --- Rounds ------------------------------------------------------------------------------------


def rounds_of(institution: Institution) -> QuerySet[Round]:
    return Round.objects.filter(institution=institution).annotate(application_count=Count("applications"))


def get_round_for_user(user: Any, pk: Any) -> Round:
    """A round of the viewer's institution (every member of staff may read it), else 404."""
    return get_visible_or_404(Round.objects.filter(institution_id=user.profile.institution_id), pk)


def current_rounds(institution: Institution, today: date) -> list[Round]:
    """Rounds not yet past their submission deadline: open ones and the next ones (one query)."""
    return list(
        Round.objects.filter(institution=institution, submissions_close_on__gte=today)
        .prefetch_related("criteria__target_grade")
        .order_by("opens_on")
    )


def next_round(institution: Institution, today: date) -> Round | None:
    """The round open now or next, for the dashboard (one query)."""
    return Round.objects.filter(institution=institution, submissions_close_on__gte=today).order_by("opens_on").first()


def round_criteria(round: Round) -> list[CriteriaVersion]:
    return list(
        round.criteria.select_related("target_grade__job_family").order_by(
            "target_grade__job_family__name", "target_grade__level"
        )
    )


def _eligibility(criteria: list[CriteriaVersion]) -> Q:
    """Staff one level below a grade the round's criteria are for, in that grade's job family."""
    condition = Q(pk__in=[])
    for version in criteria:
        grade = version.target_grade
        condition |= Q(grade__job_family_id=grade.job_family_id, grade__level=grade.level - 1)
    return condition


def eligible_staff(round: Round) -> QuerySet[StaffProfile]:
    """Current staff who may apply in the round (one query when evaluated)."""
    criteria = round_criteria(round)
    return (
        StaffProfile.objects.filter(institution_id=round.institution_id, user__is_active=True)
        .current()
        .filter(_eligibility(criteria))
        .select_related("user", "grade", "line_manager__user")
    )


def eligible_staff_in_rounds(rounds: list[Round], *, opted_in: bool = False) -> dict[int, list[StaffProfile]]:
    """The staff eligible in each round, as `eligible_staff` (ordered by name), by round id, with
    their user and line manager (the manager's user and institution); with `opted_in`, only those
    who asked to hear of rounds. For the daily sweep across institutions: three queries however
    many rounds (the criteria's grades, the grades one level below, the staff)."""
    if not rounds:
        return {}
    targets = CriteriaVersion.objects.filter(rounds__in=[round.pk for round in rounds]).values_list(
        "rounds", "target_grade__job_family_id", "target_grade__level"
    )
    wanted: dict[tuple[int, int], set[int]] = {}  # (job family, level) eligible -> rounds
    for round_id, family, level in targets:
        wanted.setdefault((family, level - 1), set()).add(round_id)
    institution_of = {round.pk: round.institution_id for round in rounds}
    # The grade each (family, level) is (unique per family), and for each grade at each
    # institution, the rounds whose criteria make its holders eligible.
    rounds_of: dict[tuple[int, int], set[int]] = {}
    for grade_id, family, level in Grade.objects.filter(job_family_id__in={family for family, _ in wanted}).values_list(
        "pk", "job_family_id", "level"
    ):
        for round_id in wanted.get((family, level), ()):
            rounds_of.setdefault((institution_of[round_id], grade_id), set()).add(round_id)
    if not rounds_of:
        return {}
    people = (
        StaffProfile.objects.filter(
            institution_id__in={institution for institution, _ in rounds_of},
            grade_id__in={grade for _, grade in rounds_of},
            user__is_active=True,
        )
        .current()
        .select_related("user", "line_manager__user", "line_manager__institution")
    )
    if opted_in:
        people = people.filter(promotion_declaration__alert_me_of_rounds=True)
    by_round: dict[int, list[StaffProfile]] = {round.pk: [] for round in rounds}
    for person in people:
        for round_id in rounds_of.get((person.institution_id, person.grade_id), ()):
            by_round[round_id].append(person)
    return by_round


def criteria_for_person(round: Round, person: StaffProfile) -> CriteriaVersion | None:
    return next_step_for(person, round_criteria(round))


def managers_told(round: Round) -> dict[int, datetime]:
    return dict(ManagerNotice.objects.filter(round=round).values_list("manager_id", "notified_at"))


# --- Applications ------------------------------------------------------------------------------


def applications_visible_to(user: Any) -> ApplicationQuerySet:
    """The viewer's own applications, their reports', and every one of their institution for HR and
    programme managers."""
    profile = user.profile
    mine = Q(applicant=profile) | Q(applicant__line_manager=profile)
    if allowed(user, "promotions.run"):
        mine |= Q(round__institution_id=profile.institution_id)
    return Application.objects.filter(mine)


def get_application_for_user(user: Any, pk: Any) -> Application:
    return get_visible_or_404(applications_visible_to(user).with_people(), pk)


def application_history(application: Application) -> QuerySet:
    return application.transitions.select_related("by").order_by("at", "pk")


def my_applications(person: StaffProfile) -> QuerySet[Application]:
    return Application.objects.filter(applicant=person).with_people().order_by("-round__opens_on")


def team_applications(manager: StaffProfile) -> QuerySet[Application]:
    """Open applications of the manager's reports (the manager's to-do: supporting statements)."""
    return (
        Application.objects.filter(applicant__line_manager=manager, state__in=[State.INTENDED, State.SUBMITTED])
        .with_people()
        .order_by("round__submissions_close_on", "pk")
    )


def open_applications_around(person: StaffProfile) -> list[Application]:
    """The person's own open applications and their reports' (one query), for the dashboard."""
    return list(
        Application.objects.filter(Q(applicant=person) | Q(applicant__line_manager=person))
        .filter(state__in=[State.INTENDED, State.SUBMITTED])
        .with_people()
        .order_by("round__submissions_close_on", "pk")
    )


def round_applicants(round: Round, *, state: str = "") -> QuerySet[Application]:
    """The round's applications with what the list shows (one query)."""
    rows = Application.objects.filter(round=round).with_people()
    if state:
        rows = rows.filter(state=state)
    return rows


def promoted_since(person_ids: list[int], since: date) -> dict[int, list[Grade]]:
    """Grades each person was promoted to on or after `since`, newest first (one query)."""
    promoted: dict[int, list[Grade]] = {}
    for application in (
        Application.objects.filter(applicant_id__in=person_ids, state=State.PROMOTED, effective_date__gte=since)
        .select_related("new_grade")
        .order_by("-effective_date")
    ):
        promoted.setdefault(application.applicant_id, []).append(application.new_grade)  # type: ignore[arg-type]
    return promoted


# --- The twice-yearly summary (2F) -------------------------------------------------------------


@dataclass(frozen=True)
class SummaryRow:
    label: str
    applications: disclosure.Figure
    promoted: disclosure.Figure
    rate: disclosure.Figure


@dataclass(frozen=True)
class Summary:
    total: SummaryRow
    by_job_family: list[SummaryRow]
    by_grade: list[SummaryRow]


def round_summary(round: Round) -> Summary:
    """Submitted applications, promotions and the promotion rate, by job family and by grade applied
    from, every figure through `core.disclosure` (one query).

    Counts only applications that reached the panel (submitted, promoted or not); the rate is
    promoted / decided.
    """
    rows = (
        Application.objects.filter(round=round, state__in=[State.SUBMITTED, *Application.DECIDED])
        .values("target_grade__job_family__name", "applicant__grade__short_name", "state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    families: dict[str, list[int]] = {}
    grades: dict[str, list[int]] = {}
    total = [0, 0, 0]  # applications, promoted, decided
    for row in rows:
        promoted = row["n"] if row["state"] == State.PROMOTED else 0
        decided = row["n"] if row["state"] in Application.DECIDED else 0
        for table, key in (
            (families, row["target_grade__job_family__name"]),
            (grades, row["applicant__grade__short_name"] or "Grade not recorded"),
        ):
            entry = table.setdefault(key, [0, 0, 0])
            entry[0] += row["n"]
            entry[1] += promoted
            entry[2] += decided
        total[0] += row["n"]
        total[1] += promoted
        total[2] += decided

    def rows_of(table: dict[str, list[int]]) -> list[SummaryRow]:
        labels = sorted(table)
        rates = disclosure.protect([disclosure.percentage(table[k][1], table[k][2]) for k in labels])
        return [
            SummaryRow(k, disclosure.count(table[k][0]), disclosure.count(table[k][1]), rate)
            for k, rate in zip(labels, rates, strict=True)
        ]

    return Summary(
        total=SummaryRow(
            "All", disclosure.count(total[0]), disclosure.count(total[1]), disclosure.percentage(total[1], total[2])
        ),
        by_job_family=rows_of(families),
        by_grade=rows_of(grades),
    )


def published_summaries(institution: Institution) -> QuerySet[Round]:
    return Round.objects.filter(institution=institution, summary_published_at__isnull=False).order_by(
        "-summary_published_at"
    )


# --- Vacancies (1H) ----------------------------------------------------------------------------


def vacancies_of(institution: Institution) -> QuerySet[Vacancy]:
    return Vacancy.objects.filter(institution=institution).select_related("grade__job_family", "recorded_by__user")


def get_vacancy_for_user(user: Any, pk: Any) -> Vacancy:
    return get_visible_or_404(Vacancy.objects.filter(institution_id=user.profile.institution_id), pk)


def degree_check(institution: Institution, *, start: date | None = None, end: date | None = None) -> dict[str, int]:
    """Vacancies recorded (in [start, end] when given): all, asking for a degree, and asking for one
    with no reason from the checklist (one query)."""
    rows = Vacancy.objects.filter(institution=institution)
    if start:
        rows = rows.filter(recorded_on__gte=start)
    if end:
        rows = rows.filter(recorded_on__lte=end)
    return rows.aggregate(
        total=Count("pk"),
        degree=Count("pk", filter=Q(degree_asked=True)),
        unjustified=Count("pk", filter=Q(degree_asked=True, degree_reason="")),
    )


# --- Due work for the daily beat jobs (run across institutions, then fanned out) ---------------


def rounds_open(today: date) -> QuerySet[Round]:
    """Rounds open today (opened, submissions not yet closed): any line manager of someone eligible
    not yet told is told, including a manager who took over a report mid-round; the 4B measure
    counts a notice later than 3 days as late. Uses round_opens_on_idx."""
    return Round.objects.filter(opens_on__lte=today, submissions_close_on__gte=today)


def rounds_opening_soon(today: date) -> QuerySet[Round]:
    """Rounds opening within 14 days (one message per person and round), with their institution.
    Uses round_opens_on_idx."""
    return Round.objects.filter(
        opens_on__gt=today, opens_on__lte=today + timedelta(days=OPENING_SOON_DAYS)
    ).select_related("institution")


def deadlines_due(today: date) -> ApplicationQuerySet:
    """Intentions not yet submitted whose round closes within 7 days, with the applicant (and
    their institution). Uses round_closes_on_idx."""
    return (
        Application.objects.filter(
            state=State.INTENDED,
            round__submissions_close_on__gte=today,
            round__submissions_close_on__lte=today + timedelta(days=DEADLINE_DAYS),
        )
        .with_people()
        .select_related("applicant__institution")
        .order_by("pk")
    )


def support_waiting_due(today: date) -> ApplicationQuerySet:
    """Open applications with no supporting statement 5 working days after the intention, with
    the applicant and their line manager (and the manager's institution).
    Uses promotion_support_waiting_idx."""
    cutoff = working_days_before(today, SUPPORT_WAITING_WORKING_DAYS)
    cutoff_at = timezone.make_aware(datetime.combine(cutoff + timedelta(days=1), time.min))
    return (
        Application.objects.filter(
            state__in=[State.INTENDED, State.SUBMITTED],
            manager_statement="",
            intended_at__lt=cutoff_at,
            applicant__line_manager__isnull=False,
        )
        .with_people()
        .select_related("applicant__line_manager__institution")
        .order_by("pk")
    )


def promotions_due(today: date) -> QuerySet[Application]:
    """Promotions whose effective date has come and whose grade is not yet in career history.
    Uses promotion_grade_due_idx."""
    return Application.objects.filter(state=State.PROMOTED, grade_changed_at__isnull=True, effective_date__lte=today)


def pipeline_people(*, institution: Institution, start: date, end: date) -> dict[str, set[int]]:
    """The institution's staff at each stage of promotion, for the equality report.

    The rounds are those whose submissions closed from `start` to `end`. "eligible": staff in
    post in the period one level below a grade those rounds' criteria are for, in its job family
    (as `eligible_staff`, by today's grade: someone promoted since counts through their
    application instead); "applied": who stated an intention or applied; "submitted": who
    submitted an application; "promoted": who was promoted. Three queries.
    """
    rounds = Round.objects.filter(
        institution=institution, submissions_close_on__gte=start, submissions_close_on__lte=end
    )
    targets = CriteriaVersion.objects.filter(rounds__in=rounds).values_list(
        "target_grade__job_family_id", "target_grade__level"
    )
    condition = Q(pk__in=[])
    for family, level in set(targets):
        condition |= Q(grade__job_family_id=family, grade__level=level - 1)
    stages: dict[str, set[int]] = {"eligible": set(), "applied": set(), "submitted": set(), "promoted": set()}
    stages["eligible"] = set(in_post_between(institution, start, end).filter(condition).values_list("pk", flat=True))
    sent = (Application.State.SUBMITTED, Application.State.PROMOTED, Application.State.NOT_PROMOTED)
    rows = Application.objects.filter(round__in=rounds, applicant__institution=institution).values_list(
        "applicant_id", "state", "submitted_at"
    )
    for person, state, submitted_at in rows:
        stages["applied"].add(person)
        if submitted_at is not None or state in sent:
            stages["submitted"].add(person)
        if state == Application.State.PROMOTED:
            stages["promoted"].add(person)
    return stages
