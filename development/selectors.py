"""Reads of development data, always scoped to the viewer's institution."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, DecimalField, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from people import roles
from people.models import StaffProfile

from .models import (
    AllowancePolicy,
    CpdCategory,
    DevelopmentRequest,
    GuidanceVersion,
    ManagerDelegate,
    ReportExport,
    TrainingImport,
    TrainingRecord,
)

SMALL_COUNT = 5  # figures built from fewer people than this are suppressed (1G)
ZERO = Decimal("0")


def policy_for(institution):
    """Return the institution's allowance policy, or an unsaved one with no minimum.

    An institution that has not set a policy still gets a calendar year, so records and
    requests work before HR configures the allowance.
    """
    policy = AllowancePolicy.objects.filter(institution=institution).prefetch_related("overrides").first()
    if policy is None:
        policy = AllowancePolicy(institution=institution, minimum_days=ZERO)
        policy._prefetched_objects_cache = {"overrides": AllowancePolicy.objects.none()}
    return policy


def overrides_of(policy):
    return list(policy.overrides.all()) if policy.pk else []


def current_year(policy, today=None):
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
    def left(self):
        return max(self.minimum - self.used - self.approved, ZERO)

    @property
    def below_pace(self):
        """Used plus approved days fall short of the minimum pro rata for the time of year."""
        return self.used + self.approved < self.expected

    @property
    def percent_used(self):
        return min(100, round(100 * self.used / self.minimum)) if self.minimum else 0

    @property
    def percent_approved(self):
        return min(100 - self.percent_used, round(100 * self.approved / self.minimum)) if self.minimum else 0


def expected_by(policy, year, minimum, today):
    """Return the minimum pro rata for the share of the year elapsed, to the half day below."""
    start, end = policy.year_bounds(year)
    if today < start:
        return ZERO
    fraction = min(Decimal((today - start).days + 1) / Decimal((end - start).days + 1), Decimal(1))
    return (minimum * fraction * 2).quantize(Decimal(1), rounding="ROUND_FLOOR") / 2


def allowance_for(profile, *, policy=None, year=None, today=None):
    """Return the person's Allowance for a year (the current one by default). Three queries."""
    today = today or timezone.localdate()
    policy = policy or policy_for(profile.institution)
    year = year if year is not None else current_year(policy, today)
    start, end = policy.year_bounds(year)
    used = profile.training_records.in_period(start, end).aggregate(s=Sum("days"))["s"] or ZERO
    approved = (
        profile.development_requests.filter(
            state=DevelopmentRequest.State.APPROVED, start_date__gte=start, start_date__lte=end
        ).aggregate(s=Sum("days"))["s"]
        or ZERO
    )
    minimum = policy.minimum_for(profile, overrides_of(policy))
    return Allowance(year, policy.year_label(year), minimum, used, approved, expected_by(policy, year, minimum, today))


def team_allowances(manager, *, today=None):
    """Return (policy, year, rows) for the manager's current reports, each row a profile with `.allowance`.

    A fixed number of queries whatever the team's size: the sums are subqueries, not a loop.
    """
    today = today or timezone.localdate()
    policy = policy_for(manager.institution)
    overrides = overrides_of(policy)
    year = current_year(policy, today)
    start, end = policy.year_bounds(year)
    decimal = DecimalField(max_digits=6, decimal_places=1)

    def summed(queryset, field):
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


def managers_delegating_to(profile, *, on=None):
    """Return ids of managers who made `profile` their delegate on the day."""
    on = on or timezone.localdate()
    return list(ManagerDelegate.objects.filter(delegate=profile).active_on(on).values_list("manager_id", flat=True))


def waiting_for_decision(profile, *, on=None):
    """Requests this person may decide now: their reports', and those of managers they stand in for."""
    managers = [profile.pk, *managers_delegating_to(profile, on=on)]
    return (
        DevelopmentRequest.objects.for_institution(profile.institution)
        .filter(state=DevelopmentRequest.State.SUBMITTED, person__line_manager_id__in=managers)
        .exclude(person=profile)
        .select_related("person__user", "person__line_manager__user")
        .order_by("submitted_at")
    )


def may_decide(profile, request, *, on=None):
    """Return whether `profile` may approve or decline the request on the day.

    Only the line manager, or their delegate while the delegation is active; never the
    requester themself.
    """
    if profile is None or request.person_id == profile.pk or request.person.line_manager_id is None:
        return False
    if request.person.line_manager_id == profile.pk:
        return True
    return request.person.line_manager_id in managers_delegating_to(profile, on=on)


def _sees_staff_member(user, person):
    """Owner, their line manager, or HR of the institution (the object is already institution-scoped)."""
    profile = user.profile
    return person.pk == profile.pk or person.line_manager_id == profile.pk or roles.is_hr(user)


def get_request_for_user(user, pk):
    """Return the request, or 404 unless the user is its owner, the approver, a delegate or HR."""
    request = get_object_or_404(
        DevelopmentRequest.objects.for_institution(user.institution).select_related(
            "person__user", "person__line_manager__user", "decided_by"
        ),
        pk=pk,
    )
    if _sees_staff_member(user, request.person) or may_decide(user.profile, request):
        return request
    raise Http404("No such request.")


def get_person_for_user(user, pk):
    """Return a colleague whose development the user may see (their line manager or HR), else 404."""
    person = get_object_or_404(
        StaffProfile.objects.for_institution(user.institution).select_related("user", "grade", "job_family"), pk=pk
    )
    if _sees_staff_member(user, person):
        return person
    raise Http404("No such person.")


def get_record_for_user(user, pk):
    """Return the training record, or 404 unless the user is its owner, their manager or HR."""
    record = get_object_or_404(
        TrainingRecord.objects.for_institution(user.institution).select_related("person__user", "request"), pk=pk
    )
    if _sees_staff_member(user, record.person):
        return record
    raise Http404("No such record.")


def requests_of(profile):
    return profile.development_requests.select_related("record").order_by("-start_date", "-pk")


def records_of(profile):
    return profile.training_records.order_by("-date", "-pk")


def cpd_hours_by_category(profile, *, start=None, end=None):
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


def current_guidance(institution, *, today=None):
    """Return {audience: the latest version effective today or None}."""
    today = today or timezone.localdate()
    versions = GuidanceVersion.objects.for_institution(institution).filter(effective_from__lte=today)
    current = {}
    for version in versions.order_by("audience", "-effective_from", "-pk"):
        current.setdefault(version.audience, version)
    return {audience: current.get(audience) for audience in GuidanceVersion.Audience.values}


def get_guidance_for_user(user, pk):
    return get_object_or_404(GuidanceVersion.objects.for_institution(user.institution), pk=pk)


def get_import_for_user(user, pk):
    return get_object_or_404(TrainingImport.objects.for_institution(user.institution), pk=pk)


def get_export_for_user(user, pk):
    return get_object_or_404(ReportExport.objects.for_institution(user.institution), pk=pk, requested_by=user)


# --- The training report (1G) ----------------------------------------------------------------


@dataclass
class ReportRow:
    label: str
    headcount: int
    people_trained: int
    hours: Decimal
    records: int
    under_represented: bool = False
    hidden_with_small_group: bool = False  # secondary suppression, see _suppress_complements
    trained_hidden_with_small_count: bool = False

    @property
    def suppressed(self):
        return self.headcount < SMALL_COUNT or self.hidden_with_small_group

    @property
    def hours_per_head(self):
        return _ratio(self.hours, self.headcount)

    @property
    def records_per_head(self):
        return _ratio(self.records, self.headcount)

    @property
    def trained_suppressed(self):
        """A count of 1 to 4 trained people could single someone out."""
        return self.suppressed or 0 < self.people_trained < SMALL_COUNT or self.trained_hidden_with_small_count

    @property
    def percent_trained(self):
        return round(100 * self.people_trained / self.headcount) if self.headcount else 0


def _suppress_complements(rows):
    """Hide a second row when only one is hidden, so the total minus the rest cannot reveal it.

    With the institution's total shown, a single suppressed group's figures would be the total
    less the other groups; hiding the next-smallest group too closes that gap. The same goes
    for the count of people trained.
    """
    hidden = [row for row in rows if row.suppressed]
    if len(hidden) == 1:
        others = [row for row in rows if not row.suppressed]
        if others:
            min(others, key=lambda row: (row.headcount, row.label)).hidden_with_small_group = True
    hidden = [row for row in rows if row.trained_suppressed]
    if len(hidden) == 1:
        others = [row for row in rows if not row.trained_suppressed]
        if others:
            min(others, key=lambda row: (row.people_trained, row.label)).trained_hidden_with_small_count = True


def _ratio(numerator, denominator):
    if not denominator:
        return ZERO
    return (Decimal(numerator) / Decimal(denominator)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass
class TrainingReport:
    institution: object
    year: int
    label: str
    start: object
    end: object
    margin: int
    total: ReportRow
    by_family: list
    by_grade: list
    by_division: list

    @property
    def threshold(self):
        """Hours per head below which a job family is under-represented."""
        return (self.total.hours_per_head * (100 - self.margin) / 100).quantize(Decimal("0.01"))

    def sections(self):
        return [("Job family", self.by_family), ("Grade", self.by_grade), ("Division", self.by_division)]


NOT_RECORDED = "Not recorded"


def _hours(value):
    """Sums come back as 10 on SQLite and 10.00 on PostgreSQL: show both the same."""
    return Decimal(value or 0).quantize(Decimal("0.01"))


def training_report(institution, year, *, margin=None):
    """Training per head by job family, grade and division for an allowance year.

    Headcount is everyone employed at some point in the year; training is every record dated
    in the year. Seven queries whatever the number of staff or records.
    """
    policy = policy_for(institution)
    margin = policy.under_representation_margin if margin is None else margin
    start, end = policy.year_bounds(year)
    staff = StaffProfile.objects.for_institution(institution).filter(
        Q(start_date__isnull=True) | Q(start_date__lte=end), Q(leaving_date__isnull=True) | Q(leaving_date__gte=start)
    )
    records = TrainingRecord.objects.filter(person__in=staff.values("pk")).in_period(start, end)

    def grouped(key, label_fields):
        heads = {row[key]: row for row in staff.values(key, *label_fields).annotate(n=Count("pk")).order_by()}
        trained = {
            row[f"person__{key}"]: row
            for row in records.values(f"person__{key}")
            .annotate(hours=Sum("hours"), records=Count("pk"), people=Count("person", distinct=True))
            .order_by()
        }
        rows = []
        for group, head in heads.items():
            done = trained.get(group, {})
            label = " · ".join(str(head[f]) for f in label_fields if head[f]) if group is not None else NOT_RECORDED
            rows.append(
                ReportRow(label, head["n"], done.get("people", 0), _hours(done.get("hours")), done.get("records", 0))
            )
        return sorted(rows, key=lambda row: (row.label == NOT_RECORDED, row.label))

    by_family = grouped("job_family", ["job_family__name"])
    by_grade = grouped("grade", ["grade__job_family__name", "grade__short_name"])
    by_division = grouped("division", ["division__name"])
    totals = records.aggregate(hours=Sum("hours"), records=Count("pk"), people=Count("person", distinct=True))
    total = ReportRow("Institution", staff.count(), totals["people"], _hours(totals["hours"]), totals["records"])
    report = TrainingReport(
        institution, year, policy.year_label(year), start, end, margin, total, by_family, by_grade, by_division
    )
    for section in (by_family, by_grade, by_division):
        _suppress_complements(section)
        for row in section:
            row.under_represented = not row.suppressed and row.hours_per_head < report.threshold
    return report


def report_table(report):
    """Return the report as (header, rows) with suppressed cells as "<5", for CSV and XLSX."""
    header = [
        "breakdown",
        "group",
        "headcount",
        "people trained",
        "training hours",
        "records",
        "hours per head",
        "records per head",
        "under-represented",
    ]
    rows = []
    for name, section in [("Institution", [report.total]), *report.sections()]:
        for row in section:
            if row.suppressed:
                rows.append([name, row.label, "<5", "<5", "<5", "<5", "<5", "<5", ""])
                continue
            rows.append(
                [
                    name,
                    row.label,
                    row.headcount,
                    "<5" if row.trained_suppressed else row.people_trained,
                    row.hours,
                    row.records,
                    row.hours_per_head,
                    row.records_per_head,
                    "yes" if row.under_represented else "",
                ]
            )
    return header, rows


def report_years(institution, *, today=None):
    """The allowance years to offer in the report: from the first record's to the current one."""
    policy = policy_for(institution)
    this_year = current_year(policy, today)
    first = TrainingRecord.objects.for_institution(institution).order_by("date").values_list("date", flat=True).first()
    first_year = policy.year_containing(first) if first else this_year
    return policy, list(range(this_year, min(first_year, this_year) - 1, -1))
