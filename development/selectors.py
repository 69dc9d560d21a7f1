"""Reads of development data, always scoped to the viewer's institution.

`get_<thing>_for_user(user, pk)` returns what the user may see or raises Http404 (built on
`core.access.get_visible_or_404`); who may change it is `development/rules.py`. The due-work
queries of the daily reminders live here too, each beside the index it uses.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connection
from django.db.models import (
    Case,
    Count,
    DateField,
    DecimalField,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from core import disclosure
from core.access import get_visible_or_404
from core.dates import working_days_before
from people import roles
from people.models import Institution, StaffProfile

from .models import (
    AllowanceOverride,
    AllowancePolicy,
    CpdCategory,
    DevelopmentRequest,
    GuidanceVersion,
    ManagerDelegate,
    RequestTransition,
    TrainingImport,
    TrainingRecord,
)

ZERO = Decimal("0")


def policy_for(institution: Institution) -> AllowancePolicy:
    """Return the institution's allowance policy, or an unsaved one with no minimum.

    An institution that has not set a policy still gets a calendar year, so records and
    requests work before HR configures the allowance.
    """
    policy = AllowancePolicy.objects.filter(institution=institution).prefetch_related("overrides").first()
    if policy is None:
        policy = AllowancePolicy(institution=institution, minimum_days=ZERO)
        setattr(policy, "_prefetched_objects_cache", {"overrides": AllowanceOverride.objects.none()})  # noqa: B010
    return policy


def overrides_of(policy: AllowancePolicy) -> list[AllowanceOverride]:
    return list(policy.overrides.all()) if policy.pk else []


def current_year(policy: AllowancePolicy, today: date | None = None) -> int:
    return policy.year_containing(today or timezone.localdate())


@dataclass
class Allowance:
    """One person's development days in one allowance year."""

    year: int
    label: str
    minimum: Decimal
    used: Decimal
    approved: Decimal
    expected: Decimal

    @property
    def left(self) -> Decimal:
        return max(self.minimum - self.used - self.approved, ZERO)

    @property
    def below_pace(self) -> bool:
        """Used plus approved days fall short of the minimum pro rata for the time of year."""
        return self.used + self.approved < self.expected

    @property
    def percent_used(self) -> int:
        return min(100, round(100 * self.used / self.minimum)) if self.minimum else 0

    @property
    def percent_approved(self) -> int:
        return min(100 - self.percent_used, round(100 * self.approved / self.minimum)) if self.minimum else 0


def expected_by(policy: AllowancePolicy, year: int, minimum: Decimal, today: date) -> Decimal:
    """Return the minimum pro rata for the share of the year elapsed, to the half day below."""
    start, end = policy.year_bounds(year)
    if today < start:
        return ZERO
    fraction = min(Decimal((today - start).days + 1) / Decimal((end - start).days + 1), Decimal(1))
    return (minimum * fraction * 2).quantize(Decimal(1), rounding="ROUND_FLOOR") / 2


def allowance_for(
    profile: StaffProfile,
    *,
    policy: AllowancePolicy | None = None,
    year: int | None = None,
    today: date | None = None,
) -> Allowance:
    """Return the person's Allowance for a year (the current one by default). Two queries."""
    today = today or timezone.localdate()
    policy = policy or policy_for(profile.institution)
    year = year if year is not None else current_year(policy, today)
    start, end = policy.year_bounds(year)
    # Both sums in one query (the home page shows this on every visit).
    used_days = (
        TrainingRecord.objects.filter(person=OuterRef("pk"))
        .in_period(start, end)
        .order_by()
        .values("person")
        .annotate(s=Sum("days"))
        .values("s")
    )
    approved_days = (
        DevelopmentRequest.objects.filter(
            person=OuterRef("pk"), state=DevelopmentRequest.State.APPROVED, start_date__gte=start, start_date__lte=end
        )
        .order_by()
        .values("person")
        .annotate(s=Sum("days"))
        .values("s")
    )
    days = DecimalField(max_digits=8, decimal_places=2)
    sums = (
        StaffProfile._base_manager.filter(pk=profile.pk)
        .annotate(
            used=Coalesce(Subquery(used_days, output_field=days), Value(ZERO, output_field=days)),
            approved=Coalesce(Subquery(approved_days, output_field=days), Value(ZERO, output_field=days)),
        )
        .values("used", "approved")
        .get()
    )
    used, approved = Decimal(sums["used"]), Decimal(sums["approved"])
    minimum = policy.minimum_for(profile, overrides_of(policy))
    return Allowance(year, policy.year_label(year), minimum, used, approved, expected_by(policy, year, minimum, today))


@dataclass(frozen=True)
class PastAllowance:
    """Approving these requests would take one person past their minimum for one allowance year."""

    person: StaffProfile
    label: str
    minimum: Decimal
    after: Decimal  # used + approved + the requests being approved


def past_allowance(requests: list[DevelopmentRequest]) -> list[PastAllowance]:
    """Who would go past their allowance if these waiting requests were all approved.

    Groups the requests by person and allowance year (the year each request starts in); two
    grouped sums per year, whatever the number of people, so a manager's bulk approval costs
    the same few queries for two requests or forty.
    """
    if not requests:
        return []
    policy = policy_for(requests[0].person.institution)
    if policy.pk is None:  # no allowance set yet: nothing to go past
        return []
    overrides = overrides_of(policy)
    asked: dict[tuple[int, int], Decimal] = {}
    people: dict[int, StaffProfile] = {}
    for request in requests:
        year = policy.year_containing(request.start_date)
        asked[(request.person_id, year)] = asked.get((request.person_id, year), ZERO) + request.days
        people[request.person_id] = request.person
    found = []
    for year in sorted({year for _person, year in asked}):
        start, end = policy.year_bounds(year)
        ids = [person for person, asked_year in asked if asked_year == year]
        used = dict(
            TrainingRecord.objects.filter(person__in=ids, date__gte=start, date__lte=end)
            .values_list("person")
            .annotate(total=Sum("days"))
        )
        approved = dict(
            DevelopmentRequest.objects.filter(
                person__in=ids, state=DevelopmentRequest.State.APPROVED, start_date__gte=start, start_date__lte=end
            )
            .values_list("person")
            .annotate(total=Sum("days"))
        )
        for person_id in ids:
            person = people[person_id]
            minimum = policy.minimum_for(person, overrides)
            after = (used.get(person_id) or ZERO) + (approved.get(person_id) or ZERO) + asked[(person_id, year)]
            if after > minimum:
                found.append(PastAllowance(person, policy.year_label(year), minimum, after))
    return found


def team_allowances(
    manager: StaffProfile, *, today: date | None = None
) -> tuple[AllowancePolicy, int, list[StaffProfile]]:
    """Return (policy, year, rows) for the manager's current reports, each row a profile with `.allowance`.

    A fixed number of queries whatever the team's size: the sums are subqueries, not a loop.
    """
    today = today or timezone.localdate()
    policy = policy_for(manager.institution)
    overrides = overrides_of(policy)
    year = current_year(policy, today)
    start, end = policy.year_bounds(year)
    decimal = DecimalField(max_digits=6, decimal_places=1)

    def summed(queryset: QuerySet[Any], field: str) -> Coalesce:
        return Coalesce(
            Subquery(queryset.values("person").annotate(total=Sum(field)).values("total")[:1], output_field=decimal),
            Value(ZERO),
            output_field=decimal,
        )

    used = TrainingRecord.objects.filter(person=OuterRef("pk"), date__gte=start, date__lte=end)
    approved = DevelopmentRequest.objects.filter(
        person=OuterRef("pk"), state=DevelopmentRequest.State.APPROVED, start_date__gte=start, start_date__lte=end
    )
    waiting = DevelopmentRequest.objects.filter(person=OuterRef("pk"), state=DevelopmentRequest.State.SUBMITTED)
    reports = (
        StaffProfile.objects.filter(line_manager=manager)
        .current()
        .select_related("user", "grade", "job_family")
        .annotate(
            days_used=summed(used, "days"),
            days_approved=summed(approved, "days"),
            waiting_count=Coalesce(
                Subquery(waiting.values("person").annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()),
                Value(0),
            ),
        )
        .order_by("user__last_name", "user__first_name")
    )
    rows = []
    for report in reports:
        minimum = policy.minimum_for(report, overrides)
        report.allowance = Allowance(
            year,
            policy.year_label(year),
            minimum,
            report.days_used,
            report.days_approved,
            expected_by(policy, year, minimum, today),
        )
        rows.append(report)
    return policy, year, rows


def managers_delegating_to(profile: StaffProfile, *, on: date | None = None) -> list[int]:
    """Return ids of managers who made `profile` their delegate on the day."""
    on = on or timezone.localdate()
    return list(ManagerDelegate.objects.filter(delegate=profile).active_on(on).values_list("manager_id", flat=True))


def _managers_delegating_to_subquery(profile: StaffProfile, on: date) -> QuerySet[ManagerDelegate]:
    return ManagerDelegate.objects.filter(delegate=profile).active_on(on).values("manager_id")


def waiting_for_decision(profile: StaffProfile, *, on: date | None = None) -> QuerySet[DevelopmentRequest]:
    """Requests this person may decide now: their reports', and those of managers they stand in for."""
    managers = [profile.pk, *managers_delegating_to(profile, on=on)]
    return (
        DevelopmentRequest.objects.for_institution(profile.institution)
        .filter(state=DevelopmentRequest.State.SUBMITTED, person__line_manager_id__in=managers)
        .exclude(person=profile)
        .select_related("person__user", "person__line_manager__user")
        .order_by("submitted_at")
    )


def institution_requests(institution: Institution) -> QuerySet[DevelopmentRequest]:
    return DevelopmentRequest.objects.for_institution(institution)


def _sees_all_staff(user: Any) -> bool:
    """HR sees every colleague's development (the group names are cached on the user for the request)."""
    return roles.is_hr(user)


def requests_visible_to(user: Any) -> QuerySet[DevelopmentRequest]:
    """The requests the user may see: their own, their reports', those they decide as a delegate
    today, or all of their institution's for HR. No query of its own beyond the user's groups."""
    profile = user.profile
    requests = DevelopmentRequest.objects.for_institution(profile.institution_id)
    if _sees_all_staff(user):
        return requests
    delegated = _managers_delegating_to_subquery(profile, timezone.localdate())
    return requests.filter(
        Q(person=profile) | Q(person__line_manager=profile) | Q(person__line_manager__in=Subquery(delegated))
    )


def get_request_for_user(user: Any, pk: Any) -> DevelopmentRequest:
    """Return the request, or 404 unless the user is its owner, the approver, a delegate or HR."""
    return get_visible_or_404(
        requests_visible_to(user).select_related("person__user", "person__line_manager__user", "decided_by"), pk
    )


def people_visible_to(user: Any) -> QuerySet[StaffProfile]:
    """Colleagues whose development the user may see: themself, their reports, or everyone for HR."""
    profile = user.profile
    people = StaffProfile.objects.for_institution(profile.institution_id)
    if _sees_all_staff(user):
        return people
    return people.filter(Q(pk=profile.pk) | Q(line_manager=profile))


def get_person_for_user(user: Any, pk: Any) -> StaffProfile:
    """Return a colleague whose development the user may see (their line manager or HR), else 404."""
    return get_visible_or_404(people_visible_to(user).select_related("user", "grade", "job_family"), pk)


def get_record_for_user(user: Any, pk: Any) -> TrainingRecord:
    """Return the training record, or 404 unless the user is its owner, their manager or HR."""
    profile = user.profile
    records = TrainingRecord.objects.for_institution(profile.institution_id)
    if not _sees_all_staff(user):
        records = records.filter(Q(person=profile) | Q(person__line_manager=profile))
    return get_visible_or_404(records.select_related("person__user", "request"), pk)


def get_delegation_for_user(user: Any, pk: Any) -> ManagerDelegate:
    """A delegation of the user's institution (who may end it is `development.end_delegation`)."""
    return get_visible_or_404(
        ManagerDelegate.objects.for_institution(user.profile.institution_id).select_related("manager"), pk
    )


def requests_of(profile: StaffProfile) -> QuerySet[DevelopmentRequest]:
    return profile.development_requests.select_related("record").order_by("-start_date", "-pk")


def records_of(profile: StaffProfile) -> QuerySet[TrainingRecord]:
    return profile.training_records.order_by("-date", "-pk")


def off_the_job_hours(
    person_ids: Iterable[int], *, until: date, since: date | Mapping[int, date] | None = None
) -> dict[int, Decimal]:
    """Off-the-job training hours of each person, dated up to `until` (one query for any number).

    `since` is one first day for everyone, or each person's own (an apprentice's start date, so
    an earlier apprenticeship's hours do not count towards a later one). People with no hours
    are absent from the result.
    """
    ids = list(person_ids)
    if not ids:
        return {}
    rows = TrainingRecord.objects.filter(off_the_job=True, person_id__in=ids, date__lte=until)
    if isinstance(since, Mapping):
        # One condition per first day, not per person: apprentices of an intake share their start
        # (314 people, one condition each, took 90 ms to build at national size).
        people_from: dict[date, list[int]] = {}
        for person_id, first_day in since.items():
            people_from.setdefault(first_day, []).append(person_id)
        window = Q(pk__in=[])
        for first_day, people in people_from.items():
            window |= Q(person_id__in=people, date__gte=first_day)
        rows = rows.filter(window)
    elif since is not None:
        rows = rows.filter(date__gte=since)
    totals = rows.values("person_id").annotate(total=Sum("hours")).order_by()
    return {row["person_id"]: row["total"] for row in totals}


def off_the_job_records(profile: StaffProfile, *, since: date | None = None) -> QuerySet[TrainingRecord]:
    """The person's off-the-job training records, newest first (one query)."""
    rows = TrainingRecord.objects.filter(person=profile, off_the_job=True)
    if since is not None:
        rows = rows.filter(date__gte=since)
    return rows.order_by("-date", "-pk")


def cpd_hours_by_category(
    profile: StaffProfile, *, start: date | None = None, end: date | None = None
) -> list[tuple[str, Decimal]]:
    """Return [(category label, hours)] for all five Science Council categories, in their order.

    For the registration app and the technician's page: one grouped query; categories with no
    records show 0 so the CPD record always lists all five.
    """
    records = profile.training_records.all()
    if start:
        records = records.filter(date__gte=start)
    if end:
        records = records.filter(date__lte=end)
    hours = dict(records.values_list("cpd_category").annotate(total=Sum("hours")).order_by())
    return [(label, _hours(hours.get(value))) for value, label in CpdCategory.choices]


def current_guidance(institution: Institution, *, today: date | None = None) -> dict[str, GuidanceVersion | None]:
    """Return {audience: the latest version effective today or None}."""
    today = today or timezone.localdate()
    versions = GuidanceVersion.objects.for_institution(institution).filter(effective_from__lte=today)
    current: dict[str, GuidanceVersion] = {}
    for version in versions.order_by("audience", "-effective_from", "-pk"):
        current.setdefault(version.audience, version)
    return {audience: current.get(audience) for audience in GuidanceVersion.Audience.values}


def get_guidance_for_user(user: Any, pk: Any) -> GuidanceVersion:
    return get_visible_or_404(GuidanceVersion.objects.for_institution(user.institution), pk)


def get_import_for_user(user: Any, pk: Any) -> TrainingImport:
    return get_visible_or_404(TrainingImport.objects.for_institution(user.institution), pk)


def imports_of(institution: Institution) -> QuerySet[TrainingImport]:
    return TrainingImport.objects.for_institution(institution).select_related("uploaded_by")


# --- The training report (1G) ----------------------------------------------------------------


# The report's columns, in order: (key, heading). Every cell passes through core.disclosure.
REPORT_COLUMNS = [
    ("headcount", "Headcount"),
    ("people_trained", "People trained"),
    ("percent_trained", "% trained"),
    ("hours", "Hours"),
    ("records", "Records"),
    ("hours_per_head", "Hours per head"),
    ("records_per_head", "Records per head"),
]


@dataclass
class ReportRow:
    """One group's raw figures, and `shown`: the same figures as they may be shown (disclosure)."""

    label: str
    headcount: int
    people_trained: int
    hours: Decimal
    records: int
    under_represented: bool = False
    shown: dict[str, disclosure.Figure] = field(default_factory=dict)

    @property
    def hours_per_head(self) -> Decimal:
        return _ratio(self.hours, self.headcount)

    @property
    def records_per_head(self) -> Decimal:
        return _ratio(self.records, self.headcount)

    @property
    def cells(self) -> list[disclosure.Figure]:
        return [self.shown[key] for key, _ in REPORT_COLUMNS]


def _figures(row: ReportRow) -> dict[str, disclosure.Figure]:
    return {
        "headcount": disclosure.count(row.headcount),
        "people_trained": disclosure.count(row.people_trained),
        "percent_trained": disclosure.percentage(row.people_trained, row.headcount),
        "hours": disclosure.total(row.hours, row.headcount),
        "records": disclosure.total(row.records, row.headcount, places=0),
        "hours_per_head": disclosure.average(row.hours, row.headcount, places=2),
        "records_per_head": disclosure.average(row.records, row.headcount, places=2),
    }


def _disclose(total: ReportRow, sections: list[list[ReportRow]]) -> None:
    """Fill every row's `shown`, each breakdown protected against the institution's total."""
    total.shown = _figures(total)
    for rows in sections:
        for row in rows:
            row.shown = _figures(row)
        for key, _ in REPORT_COLUMNS:
            for row, figure in zip(rows, disclosure.protect([row.shown[key] for row in rows]), strict=True):
                row.shown[key] = figure


def _ratio(numerator: Decimal | int, denominator: int) -> Decimal:
    if not denominator:
        return ZERO
    return (Decimal(numerator) / Decimal(denominator)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass
class TrainingReport:
    institution: Institution
    year: int
    label: str
    start: date
    end: date
    margin: int
    total: ReportRow
    by_family: list[ReportRow]
    by_grade: list[ReportRow]
    by_division: list[ReportRow]

    @property
    def threshold(self) -> Decimal:
        """Hours per head below which a job family is under-represented."""
        return (self.total.hours_per_head * (100 - self.margin) / 100).quantize(Decimal("0.01"))

    def sections(self) -> list[tuple[str, list[ReportRow]]]:
        return [("Job family", self.by_family), ("Grade", self.by_grade), ("Division", self.by_division)]


NOT_RECORDED = "Not recorded"


def _hours(value: Decimal | float | int | None) -> Decimal:
    """Sums come back as 10 (or a float) on SQLite and 10.00 on PostgreSQL: show both the same."""
    return Decimal(str(value or 0)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def training_report(institution: Institution, year: int, *, margin: int | None = None) -> TrainingReport:
    """Training per head by job family, grade and division for an allowance year.

    Headcount is everyone employed at some point in the year; training is every record dated
    in the year.
    """
    policy = policy_for(institution)
    margin = policy.under_representation_margin if margin is None else margin
    start, end = policy.year_bounds(year)
    # `staff()`: a sign-up whose e-mail address is unconfirmed is in no headcount.
    staff = (
        StaffProfile.objects.for_institution(institution)
        .staff()
        .filter(
            Q(start_date__isnull=True) | Q(start_date__lte=end),
            Q(leaving_date__isnull=True) | Q(leaving_date__gte=start),
        )
    )
    heads = _training_cells(staff, start, end)

    def grouped(key: str, label_fields: list[str]) -> list[ReportRow]:
        groups: dict[Any, ReportRow] = {}
        for head in heads:
            group = head[key]
            if group not in groups:
                label = " · ".join(str(head[f]) for f in label_fields if head[f]) if group is not None else NOT_RECORDED
                groups[group] = ReportRow(label, 0, 0, ZERO, 0)
            row = groups[group]
            row.headcount += head["n"]
            row.people_trained += head["people"]
            row.hours += _hours(head["hours"])
            row.records += head["records"]
        return sorted(groups.values(), key=lambda row: (row.label == NOT_RECORDED, row.label))

    by_family = grouped("job_family", ["job_family__name"])
    by_grade = grouped("grade", ["grade__job_family__name", "grade__short_name"])
    by_division = grouped("division", ["division__name"])
    total = ReportRow(
        "Institution",
        sum(row.headcount for row in by_family),
        sum(row.people_trained for row in by_family),
        sum((row.hours for row in by_family), ZERO),
        sum(row.records for row in by_family),
    )
    report = TrainingReport(
        institution, year, policy.year_label(year), start, end, margin, total, by_family, by_grade, by_division
    )
    _disclose(total, [by_family, by_grade, by_division])
    for section in (by_family, by_grade, by_division):
        for row in section:
            row.under_represented = not row.shown["hours_per_head"].hidden and row.hours_per_head < report.threshold
    return report


_CELL_COLUMNS = (
    "job_family",
    "grade",
    "division",
    "job_family__name",
    "grade__job_family__name",
    "grade__short_name",
    "division__name",
)


def _training_cells(staff: QuerySet[StaffProfile], start: date, end: date) -> list[dict[str, Any]]:
    """The 1G report's figures per (job family, grade, division) cell, in one statement.

    Every person sits in exactly one cell, so each cell's people add up to every breakdown's and
    the institution's. The year's records are summed per person first (each person's rows of the
    year with their hours from trainingrecord_person_hrs_idx alone on PostgreSQL), then joined to
    the staff: counting distinct people over the records joined to their cell, as the ORM would,
    took 2.9x this statement at national size (issue 18). The ORM
    writes the staff (so the institution's scope and `staff()` apply); the records are read only
    for those people. Plain SQL that SQLite runs too (no GROUPING SETS there).
    """
    staff_sql, staff_params = staff.order_by().values_list("pk", *_CELL_COLUMNS).query.sql_with_params()
    cell = "s.family, s.grade, s.division, s.family_name, s.grade_family_name, s.grade_name, s.division_name"
    records = TrainingRecord._meta.db_table
    sql = f"""
        WITH s (id, family, grade, division, family_name, grade_family_name, grade_name, division_name)
                 AS ({staff_sql}),
             r (person, hours, records) AS (
                 SELECT t.person_id, SUM(t.hours), COUNT(*) FROM {records} t
                 WHERE t.date >= %s AND t.date <= %s AND t.person_id IN (SELECT id FROM s)
                 GROUP BY t.person_id
             )
        SELECT {cell}, COUNT(*), COUNT(r.person), COALESCE(SUM(r.hours), 0), COALESCE(SUM(r.records), 0)
        FROM s LEFT JOIN r ON r.person = s.id
        GROUP BY {cell}
    """  # noqa: S608 (the staff half is the ORM's, with its parameters; the rest names no input)
    with connection.cursor() as cursor:
        cursor.execute(sql, (*staff_params, start, end))
        rows = cursor.fetchall()
    keys = (*_CELL_COLUMNS, "n", "people", "hours", "records")
    # COUNT and SUM of a count come back as Decimal on PostgreSQL: the figures are whole numbers.
    return [
        {**dict(zip(keys, row, strict=True)), "n": int(row[7]), "people": int(row[8]), "records": int(row[10])}
        for row in rows
    ]


def report_table(report: TrainingReport) -> tuple[list[str], list[list[Any]]]:
    """Return the report as (header, rows) for CSV and XLSX: each figure as it may be shown
    (a number, or why it is hidden, in words)."""
    header = ["breakdown", "group", *(heading.lower() for _, heading in REPORT_COLUMNS), "under-represented"]
    rows: list[list[Any]] = []
    for name, section in [("Institution", [report.total]), *report.sections()]:
        for row in section:
            values = [figure.shown if figure.hidden else figure.value for figure in row.cells]
            rows.append([name, row.label, *values, "yes" if row.under_represented else ""])
    return header, rows


def report_years(institution: Institution, *, today: date | None = None) -> tuple[AllowancePolicy, list[int]]:
    """The allowance years to offer in the report: from the first record's to the current one."""
    policy = policy_for(institution)
    this_year = current_year(policy, today)
    # The earliest record: walks trainingrecord_date_person_idx from its start instead of
    # sorting every record of the institution.
    first = TrainingRecord.objects.for_institution(institution).order_by("date").values_list("date", flat=True).first()
    first_year = policy.year_containing(first) if first else this_year
    return policy, list(range(this_year, min(first_year, this_year) - 1, -1))


# --- Due work for the daily reminders (send_development_reminders) ------------------------------

WAITING_WORKING_DAYS = 5


def approval_reminders_due(*, today: date | None = None) -> QuerySet[DevelopmentRequest]:
    """Requests waiting for a decision for more than five working days, with the line manager
    (their user and institution) and the manager's delegations active today prefetched (as
    `active_delegations`, with each delegate's user and institution).

    For send_development_reminders, across institutions; uses the partial index
    `devrequest_waiting_idx`.
    """
    today = today or timezone.localdate()
    cutoff = working_days_before(today, WAITING_WORKING_DAYS)
    active = ManagerDelegate.objects.active_on(today).select_related("delegate__user", "delegate__institution")
    return (
        DevelopmentRequest.objects.filter(
            state=DevelopmentRequest.State.SUBMITTED, submitted_at__date__lt=cutoff, person__line_manager__isnull=False
        )
        .select_related("person__user", "person__line_manager__user", "person__line_manager__institution")
        .prefetch_related(
            Prefetch("person__line_manager__delegations_given", queryset=active, to_attr="active_delegations")
        )
        .order_by("submitted_at")
    )


@dataclass
class NothingRecorded:
    """An institution past the middle of its allowance year, and its staff with nothing recorded."""

    policy: AllowancePolicy
    year: int
    people: list[StaffProfile] = field(default_factory=list)


def nothing_recorded_due(*, today: date | None = None) -> list[NothingRecorded]:
    """For each institution past the middle of its allowance year whose policy asks for the
    mid-year reminder: its current staff with nothing recorded or planned in that year.

    For send_development_reminders, across institutions: three queries however many institutions
    (the policies, their overrides, the staff). Each person is two index probes
    (`trainingrecord_person_date_idx`, `devrequest_person_start_idx`) with their institution's
    year bounds.
    """
    today = today or timezone.localdate()
    due: dict[int, NothingRecorded] = {}
    institutions_by_bounds: dict[tuple[date, date], list[int]] = {}
    policies = AllowancePolicy.objects.filter(remind_mid_year=True).select_related("institution")
    for policy in policies.prefetch_related("overrides"):
        year = policy.year_containing(today)
        start, end = policy.year_bounds(year)
        if today < start + (end - start) / 2:
            continue
        due[policy.institution_id] = NothingRecorded(policy=policy, year=year)
        institutions_by_bounds.setdefault((start, end), []).append(policy.institution_id)
    if not due:
        return []
    # Each person's own institution's year: institutions share one of a few kinds of year
    # (calendar, academic, a leave year), so one branch per kind, not per institution.
    year_start = Case(
        *[When(institution_id__in=ids, then=Value(start)) for (start, _), ids in institutions_by_bounds.items()],
        output_field=DateField(),
    )
    year_end = Case(
        *[When(institution_id__in=ids, then=Value(end)) for (_, end), ids in institutions_by_bounds.items()],
        output_field=DateField(),
    )
    # Exists() keeps each test to one row: a plain exclude() over a many-valued relation may
    # match the date on one request and the state on another.
    recorded = TrainingRecord.objects.filter(
        person=OuterRef("pk"), date__gte=OuterRef("year_start"), date__lte=OuterRef("year_end")
    )
    planned = DevelopmentRequest.objects.filter(
        person=OuterRef("pk"),
        state__in=[
            DevelopmentRequest.State.SUBMITTED,
            DevelopmentRequest.State.APPROVED,
            DevelopmentRequest.State.COMPLETED,
        ],
        start_date__gte=OuterRef("year_start"),
        start_date__lte=OuterRef("year_end"),
    )
    people = (
        StaffProfile.objects.filter(institution_id__in=list(due))
        .current()
        .filter(user__is_active=True)
        .annotate(year_start=year_start, year_end=year_end)
        .exclude(Exists(recorded))
        .exclude(Exists(planned))
        .select_related("user", "grade", "job_family")
    )
    for person in people:
        due[person.institution_id].people.append(person)
    return list(due.values())


def pipeline_people(*, institution: Institution, start: date, end: date) -> dict[str, set[int]]:
    """The institution's staff at each stage of development-day decisions, for the equality report.

    Requests submitted from `start` to `end`: "applied" asked for days, "approved" had a request
    approved (even if later cancelled), "completed" marked one done. Everyone in post may ask,
    so the eligible population is the equality report's default. One query.
    """
    approved = RequestTransition.objects.filter(request=OuterRef("pk"), to_state=DevelopmentRequest.State.APPROVED)
    stages: dict[str, set[int]] = {"applied": set(), "approved": set(), "completed": set()}
    rows = (
        DevelopmentRequest.objects.filter(
            person__institution=institution, submitted_at__date__gte=start, submitted_at__date__lte=end
        )
        .annotate(was_approved=Exists(approved))
        .values_list("person_id", "state", "was_approved")
    )
    for person, state, was_approved in rows:
        stages["applied"].add(person)
        if was_approved or state in (DevelopmentRequest.State.APPROVED, DevelopmentRequest.State.COMPLETED):
            stages["approved"].add(person)
        if state == DevelopmentRequest.State.COMPLETED:
            stages["completed"].add(person)
    return stages
