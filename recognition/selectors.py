"""Reads for recognition: outputs each viewer may see, cases, prizes and nominations, the prize
overview and the annual authorship report (2E).

Every figure about groups of staff in the report goes through `core.disclosure` (rounded counts,
percentages hidden for small groups, protected against differencing).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from core import disclosure
from core.access import allowed, get_visible_or_404
from guidance import selectors as guidance_selectors
from people import roles
from people import selectors as people_selectors
from people.models import StaffProfile

from .models import (
    AcknowledgementCase,
    AnnualReport,
    ImportRun,
    Kind,
    Nomination,
    Output,
    Part,
    Prize,
)

TREND_YEARS = 5
NO_DIVISION = "No division recorded"
NO_JOB_FAMILY = "No job family recorded"


GUIDELINES_SLUG = "authorship-and-acknowledgement"


def guidelines() -> Any:
    """The institution's authorship and acknowledgement guidelines page (2A), or None (one query).

    The page, its versions and its yearly review against peers (2C) live in `guidance`.
    """
    return guidance_selectors.pages().filter(slug=GUIDELINES_SLUG).first()


# --- Outputs ----------------------------------------------------------------------------------


def outputs_visible_to(user: Any) -> QuerySet[Output]:
    """HR and the coordinator see the institution's outputs; others their own and their reports'."""
    outputs = Output.objects.with_details()
    if allowed(user, "recognition.see_all_outputs"):
        return outputs.filter(person__institution_id=user.profile.institution_id)
    me = user.profile.pk
    return outputs.filter(Q(person_id=me) | Q(person__line_manager_id=me))


def get_output_for_user(user: Any, pk: Any) -> Output:
    return get_visible_or_404(outputs_visible_to(user), pk)


def outputs_of(person: StaffProfile) -> QuerySet[Output]:
    return Output.objects.filter(person=person).prefetch_related("projects")


def imports_of(person: StaffProfile, limit: int = 5) -> list[ImportRun]:
    return list(ImportRun.objects.filter(person=person)[:limit])


def get_import_for_user(user: Any, pk: Any) -> ImportRun:
    return get_visible_or_404(ImportRun.objects.filter(person_id=user.profile.pk), pk)


def output_years(outputs: QuerySet[Output]) -> list[int]:
    return sorted({d.year for d in outputs.dates("published_on", "year")}, reverse=True)


# --- Acknowledgement cases --------------------------------------------------------------------


def cases_visible_to(user: Any) -> QuerySet[AcknowledgementCase]:
    """The reporter's own cases; the coordinator sees every case at the institution."""
    cases = AcknowledgementCase.objects.select_related("person__user", "person__division")
    if roles.is_programme_manager(user):
        return cases.filter(person__institution_id=user.profile.institution_id)
    return cases.filter(person_id=user.profile.pk)


def get_case_for_user(user: Any, pk: Any) -> AcknowledgementCase:
    return get_visible_or_404(cases_visible_to(user), pk)


def case_counts(cases: QuerySet[AcknowledgementCase]) -> dict[str, int]:
    return dict(cases.order_by().values_list("credit").annotate(n=Count("pk")))


# --- Prizes and nominations -------------------------------------------------------------------


def prizes() -> QuerySet[Prize]:
    return Prize.objects.all()


def get_prize_for_user(user: Any, pk: Any) -> Prize:
    return get_visible_or_404(Prize.objects.filter(institution_id=user.profile.institution_id), pk)


def nominations_visible_to(user: Any) -> QuerySet[Nomination]:
    """The coordinator and HR see all; a manager their reports'; everyone their own."""
    nominations = Nomination.objects.with_details()
    if roles.is_programme_manager(user) or roles.is_hr(user):
        return nominations.filter(prize__institution_id=user.profile.institution_id)
    me = user.profile.pk
    return nominations.filter(Q(nominee_id=me) | Q(nominee__line_manager_id=me))


def get_nomination_for_user(user: Any, pk: Any) -> Nomination:
    return get_visible_or_404(nominations_visible_to(user).prefetch_related("transitions__by"), pk)


def nominees_for(user: Any) -> QuerySet[StaffProfile]:
    """Whom the viewer may nominate: anyone current for the coordinator, else their own reports."""
    staff = StaffProfile.objects.current().select_related("user").order_by("user__last_name", "user__first_name")
    if roles.is_programme_manager(user):
        return staff.filter(institution_id=user.profile.institution_id)
    return staff.filter(line_manager_id=user.profile.pk)


@dataclass
class PrizeYear:
    prize: Prize
    deadline: date
    drafts: int
    nominated: int  # submitted, won or not won
    won: int

    @property
    def has_nominee(self) -> bool:
        return self.nominated > 0


@dataclass
class PrizeOverview:
    year: int
    rows: list[PrizeYear]

    @property
    def listed(self) -> list[PrizeYear]:
        return [row for row in self.rows if row.prize.listed]

    @property
    def covered(self) -> int:
        return sum(1 for row in self.listed if row.has_nominee)


def prize_overview(*, year: int) -> PrizeOverview:
    """Each prize in `year`: its deadline, drafts, nominations submitted and wins (two queries)."""
    counts: dict[int, Counter] = defaultdict(Counter)
    for prize_id, state, n in (
        Nomination.objects.filter(year=year).order_by().values_list("prize_id", "state").annotate(n=Count("pk"))
    ):
        counts[prize_id][state] = n
    rows = []
    for prize in Prize.objects.all():
        c = counts[prize.pk]
        rows.append(
            PrizeYear(
                prize=prize,
                deadline=prize.deadline_in(year),
                drafts=c[Nomination.State.DRAFT],
                nominated=sum(c[s] for s in Nomination.NOMINATED_STATES),
                won=c[Nomination.State.WON],
            )
        )
    rows.sort(key=lambda row: (row.deadline, row.prize.name))
    return PrizeOverview(year=year, rows=rows)


def upcoming_deadlines(*, today: date | None = None, limit: int | None = None) -> list[tuple[Prize, date]]:
    """Listed prizes by their next deadline, soonest first (one query)."""
    today = today or timezone.localdate()
    prizes = Prize.objects.filter(listed=True).select_related("institution")
    rows = sorted(((p, p.next_deadline(today)) for p in prizes), key=lambda r: r[1])
    return rows[:limit] if limit else rows


def prize_deadlines_due(*, today: date | None = None, within_days: int = 30) -> list[int]:
    """Listed prizes whose next deadline is within `within_days` (recognition.tasks.send_reminders).

    Prizes are few (tens per institution); the deadline is computed per row rather than indexed.
    """
    today = today or timezone.localdate()
    return [p.pk for p, deadline in upcoming_deadlines(today=today) if (deadline - today).days <= within_days]


def prize_reminder_recipients(institution_id: int) -> list[StaffProfile]:
    """The coordinators (programme managers, administrators) and every current line manager (two queries)."""
    coordinators = people_selectors.holders_of(institution_id, roles.PROGRAMME_MANAGER, roles.INSTITUTION_ADMIN)
    managers = (
        StaffProfile.objects.current()
        .filter(institution_id=institution_id, user__is_active=True)
        .filter(pk__in=StaffProfile.objects.current().filter(line_manager__isnull=False).values("line_manager_id"))
        .select_related("user")
    )
    return list({person.pk: person for person in [*coordinators, *managers]}.values())


def staff_to_prompt(*, year: int) -> QuerySet[StaffProfile]:
    """Current technical staff for the yearly prompt to update their outputs."""
    return StaffProfile.objects.current().filter(user__is_active=True)


# --- The annual report (2E) -------------------------------------------------------------------


@dataclass
class GroupRow:
    name: str
    staff: disclosure.Figure
    named: disclosure.Figure
    acknowledged: disclosure.Figure


@dataclass
class TrendRow:
    year: int
    staff: disclosure.Figure
    named: disclosure.Figure
    acknowledged: disclosure.Figure


@dataclass
class AuthorshipReport:
    year: int
    on: date
    total: GroupRow
    by_division: list[GroupRow]
    by_job_family: list[GroupRow]
    by_kind: list[tuple[str, disclosure.Figure]]
    trend: list[TrendRow]
    published: AnnualReport | None = None
    celebrations: list[Any] = field(default_factory=list)

    def rows(self) -> list[list[Any]]:
        """The report as table rows for CSV and XLSX (header first), every figure as shown."""
        table: list[list[Any]] = [
            [
                "Year",
                "Breakdown",
                "Group",
                "Technical staff",
                "With a named authorship",
                "With an acknowledgement",
            ]
        ]
        for breakdown, rows in (
            ("All technical staff", [self.total]),
            ("Division", self.by_division),
            ("Job family", self.by_job_family),
        ):
            for row in rows:
                table.append([self.year, breakdown, row.name, row.staff.shown, row.named.shown, row.acknowledged.shown])
        for label, figure in self.by_kind:
            table.append([self.year, "Outputs by kind", label, figure.shown, "", ""])
        for trend in self.trend:
            table.append(
                [
                    trend.year,
                    "Trend",
                    "All technical staff",
                    trend.staff.shown,
                    trend.named.shown,
                    trend.acknowledged.shown,
                ]
            )
        return table

    def as_published(self) -> dict[str, Any]:
        return {"on": self.on.isoformat(), "rows": [[str(c) for c in row] for row in self.rows()]}


def _report_day(year: int) -> date:
    return min(date(year, 12, 31), timezone.localdate())


def _population(on: date) -> QuerySet[StaffProfile]:
    return (
        StaffProfile.objects.staff()
        .filter(Q(start_date__isnull=True) | Q(start_date__lte=on))
        .filter(Q(leaving_date__isnull=True) | Q(leaving_date__gt=on))
    )


def _group_row(name: str, people: list[int], named: set[int], acknowledged: set[int]) -> GroupRow:
    n = len(people)
    return GroupRow(
        name=name,
        staff=disclosure.count(n),
        named=disclosure.percentage(sum(1 for p in people if p in named), n),
        acknowledged=disclosure.percentage(sum(1 for p in people if p in acknowledged), n),
    )


def _breakdown(groups: dict[str, list[int]], named: set[int], acknowledged: set[int]) -> list[GroupRow]:
    rows = [_group_row(name, people, named, acknowledged) for name, people in sorted(groups.items())]
    named_figures = disclosure.protect([row.named for row in rows])
    ack_figures = disclosure.protect([row.acknowledged for row in rows])
    for row, n_fig, a_fig in zip(rows, named_figures, ack_figures, strict=True):
        row.named, row.acknowledged = n_fig, a_fig
    return rows


def authorship_report(*, institution: Any, year: int) -> AuthorshipReport:
    """The year's report: by division and job family, the share of technical staff (employed on
    31 December, or today in the current year) with at least one named authorship and with at
    least one acknowledgement dated in the year; outputs by kind; the five-year trend.

    Four queries whatever the size: the year's population, the outputs of the trend's years, the
    trend years' populations (one query, filtered in Python), and the published report.
    """
    on = _report_day(year)
    first = year - TREND_YEARS + 1
    people = list(
        _population(on).filter(institution=institution).values_list("pk", "division__name", "job_family__name")
    )
    outputs = list(
        Output.objects.filter(
            person__institution=institution, published_on__year__gte=first, published_on__year__lte=year
        ).values_list("person_id", "published_on__year", "part", "kind")
    )
    named_by_year: dict[int, set[int]] = defaultdict(set)
    ack_by_year: dict[int, set[int]] = defaultdict(set)
    kinds: Counter = Counter()
    population_ids = {pk for pk, _, _ in people}
    for person_id, output_year, part, kind in outputs:
        if part == Part.NAMED_AUTHOR:
            named_by_year[output_year].add(person_id)
        elif part == Part.ACKNOWLEDGED:
            ack_by_year[output_year].add(person_id)
        if output_year == year and person_id in population_ids:
            kinds[kind] += 1
    named, acknowledged = named_by_year[year], ack_by_year[year]
    by_division: dict[str, list[int]] = defaultdict(list)
    by_family: dict[str, list[int]] = defaultdict(list)
    for pk, division, family in people:
        by_division[division or NO_DIVISION].append(pk)
        by_family[family or NO_JOB_FAMILY].append(pk)
    everyone = [pk for pk, _, _ in people]
    # The trend: each earlier year's population on its own last day (one query for all years).
    spans = list(
        StaffProfile.objects.staff().filter(institution=institution).values_list("pk", "start_date", "leaving_date")
    )
    trend = []
    for trend_year in range(first, year + 1):
        day = _report_day(trend_year)
        ids = [
            pk for pk, start, leaving in spans if (start is None or start <= day) and (leaving is None or leaving > day)
        ]
        row = _group_row(str(trend_year), ids, named_by_year[trend_year], ack_by_year[trend_year])
        trend.append(TrendRow(trend_year, row.staff, row.named, row.acknowledged))
    return AuthorshipReport(
        year=year,
        on=on,
        total=_group_row("All technical staff", everyone, named, acknowledged),
        by_division=_breakdown(by_division, named, acknowledged),
        by_job_family=_breakdown(by_family, named, acknowledged),
        by_kind=[(label, disclosure.count(kinds[value])) for value, label in Kind.choices],
        trend=trend,
        published=AnnualReport.objects.filter(institution=institution, year=year).first(),
    )


def published_reports() -> QuerySet[AnnualReport]:
    return AnnualReport.objects.select_related("published_by__user")
