"""The 36-month action plan: pillars, action items, owners, success measures, progress updates,
measure snapshots (the history behind the trend charts) and the report runs produced by Celery.

Every model but `MitRecommendation` (the MIT report's list, shared by all institutions) holds an
institution's data, so its default manager is institution-scoped (`core.tenancy`): a query
outside a scope raises `ScopeError`.
"""

import calendar
from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse

from core.jobs import Job
from core.tenancy import InstitutionManager, InstitutionQuerySet


class Aim(models.TextChoices):
    """The four Technician Commitment aims; each is one pillar of the plan."""

    CAREER_DEVELOPMENT = "career_development", "Career development"
    VISIBILITY = "visibility", "Visibility"
    RECOGNITION = "recognition", "Recognition"
    SUSTAINABILITY = "sustainability", "Sustainability"


PLAN_MONTHS = 36


def default_end(start, months=PLAN_MONTHS):
    """The day before the same date `months` later: 1 Jan 2024 -> 31 Dec 2026."""
    month = start.month - 1 + months
    year, month = start.year + month // 12, month % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day) - timedelta(days=1)


class ActionPlanQuerySet(InstitutionQuerySet):
    institution_path = "institution"


class ActionPlan(models.Model):
    institution = models.ForeignKey("people.Institution", on_delete=models.CASCADE, related_name="action_plans")
    title = models.CharField("title", max_length=200, help_text="e.g. Technician Commitment Action Plan 2024-2027.")
    start = models.DateField("start", help_text="The first day of the plan.")
    end = models.DateField(
        "end", blank=True, help_text="The last day of the plan; left blank, 36 months after the start."
    )
    published = models.BooleanField(
        "published to technicians",
        default=False,
        help_text="Technicians of the institution see a public summary of the plan and its measures.",
    )
    update_interval_days = models.PositiveSmallIntegerField(
        "update interval (days)",
        default=30,
        help_text="Owners are reminded when their item has had no progress update for this many days.",
    )
    source = models.CharField(
        "source file", max_length=200, blank=True, help_text="The data file the plan was imported from."
    )
    notes = models.TextField("notes", blank=True, help_text="How the plan was transcribed, and any ambiguities.")
    created_at = models.DateTimeField("created", auto_now_add=True)

    objects = InstitutionManager(ActionPlanQuerySet)

    class Meta:
        ordering = ["-start", "title"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "title"], name="actionplan_unique_title_per_institution"),
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="actionplan_ends_after_start"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.end is None and self.start is not None:
            self.end = default_end(self.start)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("actionplan:dashboard", args=[self.pk])


class PillarQuerySet(InstitutionQuerySet):
    institution_path = "plan__institution"


class Pillar(models.Model):
    """One of the plan's four sections, each answering one Technician Commitment aim."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="pillars")
    number = models.PositiveSmallIntegerField("number", help_text="1 to 4, as numbered in the plan.")
    aim = models.CharField("TC aim", max_length=30, choices=Aim.choices)
    statement = models.TextField("statement", blank=True, help_text="What the pillar sets out to achieve.")

    objects = InstitutionManager(PillarQuerySet)

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="pillar_unique_number_per_plan"),
            models.UniqueConstraint(fields=["plan", "aim"], name="pillar_unique_aim_per_plan"),
        ]

    def __str__(self):
        return f"({self.number}) {self.get_aim_display()}"


class MitRecommendation(models.Model):
    """A recommendation of the MIT technician report that actions are tagged with (R03, R10...)."""

    code = models.CharField("code", max_length=10, unique=True, help_text="e.g. R10.")
    title = models.CharField("title", max_length=100, help_text="e.g. Professional development.")

    class Meta:
        ordering = ["code"]
        verbose_name = "MIT recommendation"

    def __str__(self):
        return f"{self.code} {self.title}"


class OwnerQuerySet(InstitutionQuerySet):
    institution_path = "institution"

    def held_by(self, profile):
        return self.filter(holders=profile)


class Owner(models.Model):
    """A role named as owner on actions; the staff who hold it get the reminders and 'my actions'."""

    institution = models.ForeignKey("people.Institution", on_delete=models.CASCADE, related_name="plan_owners")
    short_name = models.CharField("short name", max_length=40, help_text="As written on the plan, e.g. RDC.")
    name = models.CharField("name", max_length=200, help_text="e.g. Researcher Development Coordinator (RDC).")
    holders = models.ManyToManyField(
        "people.StaffProfile",
        blank=True,
        related_name="plan_owner_roles",
        verbose_name="held by",
        help_text="The people who hold this role now; they update its actions and get its reminders.",
    )

    objects = InstitutionManager(OwnerQuerySet)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "short_name"], name="owner_unique_short_name_per_institution"
            )
        ]

    def __str__(self):
        return self.name


class Status(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    OFF_TRACK = "off_track", "Off track"
    DONE = "done", "Done"


class ActionItemQuerySet(InstitutionQuerySet):
    institution_path = "plan__institution"


class ActionItem(models.Model):
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="items")
    pillar = models.ForeignKey(Pillar, on_delete=models.PROTECT, related_name="items", verbose_name="pillar")
    code = models.CharField("code", max_length=10, help_text="As numbered in the plan, e.g. 1A.")
    title = models.CharField("title", max_length=300)
    description = models.TextField("description", blank=True)
    owners = models.ManyToManyField(Owner, blank=True, related_name="items", verbose_name="owners")
    aims = models.ManyToManyField(
        Pillar, blank=True, related_name="aimed_items", verbose_name="TC aims", help_text="The TC aims it serves."
    )
    mit_recommendations = models.ManyToManyField(
        MitRecommendation, blank=True, related_name="items", verbose_name="MIT recommendations"
    )
    risks = models.TextField("risks and dependencies", blank=True)
    carried_over_from = models.CharField(
        "carried over from", max_length=100, blank=True, help_text="An earlier plan this action continues."
    )
    notes = models.TextField("transcription notes", blank=True)
    position = models.PositiveSmallIntegerField("position", default=0)
    # Kept in step by progress_update_add, so lists, filters and the reminder scan need no subquery.
    status = models.CharField("status", max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    last_update_on = models.DateField("last update", null=True, blank=True)

    objects = InstitutionManager(ActionItemQuerySet)

    class Meta:
        ordering = ["plan", "position", "code"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="actionitem_unique_code_per_plan")]
        indexes = [
            # send_plan_update_reminders (daily, one task per plan; selectors.items_needing_update)
            # scans a plan's open items by the date of their last update.
            models.Index(
                fields=["plan", "last_update_on"],
                condition=~models.Q(status="done"),
                name="actionitem_open_by_plan_idx",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    def get_absolute_url(self):
        return reverse("actionplan:item", args=[self.pk])

    def update_overdue(self, today):
        """Return whether the item has had no update within the plan's interval (done items never are)."""
        if self.status == Status.DONE:
            return False
        since = self.last_update_on or self.plan.start
        return (today - since).days > self.plan.update_interval_days


class SuccessMeasureQuerySet(InstitutionQuerySet):
    institution_path = "item__plan__institution"


class SuccessMeasure(models.Model):
    class Direction(models.TextChoices):
        AT_LEAST = "at_least", "At least the target"
        AT_MOST = "at_most", "At most the target"

    class Window(models.TextChoices):
        PLAN = "plan", "Since the plan started"
        YEAR = "year", "The last 12 months"

    item = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="measures")
    position = models.PositiveSmallIntegerField("position", default=0)
    wording = models.TextField("wording", help_text="The success measure as written in the plan.")
    target = models.DecimalField("target", max_digits=10, decimal_places=2, null=True, blank=True)
    unit = models.CharField("unit", max_length=30, blank=True, help_text="e.g. %, people, events.")
    direction = models.CharField("direction", max_length=10, choices=Direction.choices, default=Direction.AT_LEAST)
    window = models.CharField(
        "counted over",
        max_length=10,
        choices=Window.choices,
        default=Window.PLAN,
        help_text="Targets 'per year' are counted over the last 12 months.",
    )
    due_date = models.DateField("due", null=True, blank=True, help_text="By when the target should be met.")
    metric_key = models.CharField(
        "computed by", max_length=100, blank=True, help_text="The metric that computes it; blank when recorded by hand."
    )
    missing_data = models.CharField(
        "data not yet recorded",
        max_length=200,
        blank=True,
        help_text="What TechCareers must record before the metric can be computed, e.g. 'surveys'.",
    )
    # Hand-recorded measures
    recorded_value = models.DecimalField("recorded value", max_digits=10, decimal_places=2, null=True, blank=True)
    achieved = models.BooleanField("achieved", null=True, blank=True, help_text="For measures without a number.")
    evidence_note = models.TextField("evidence", blank=True, help_text="What shows the measure was met.")
    evidence_link = models.URLField("evidence link", blank=True)
    evidence_file = models.FileField("evidence file", upload_to="actionplan/evidence/%Y/", blank=True)
    recorded_on = models.DateField("recorded on", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = InstitutionManager(SuccessMeasureQuerySet)

    class Meta:
        ordering = ["item", "position"]
        constraints = [
            models.UniqueConstraint(fields=["item", "position"], name="successmeasure_unique_position_per_item")
        ]

    def __str__(self):
        return f"{self.item.code}: {self.wording[:60]}"

    @property
    def is_computed(self):
        return bool(self.metric_key)


class MeasureSnapshotQuerySet(InstitutionQuerySet):
    institution_path = "measure__item__plan__institution"


class MeasureSnapshot(models.Model):
    """A measure's value recorded on one day: history, for the trend chart, never the current value.

    The current value is always computed for the day asked about (`selectors.measure_values`);
    the monthly job (`record_all_snapshots`) records it here so the plan can show its trend.
    """

    measure = models.ForeignKey(SuccessMeasure, on_delete=models.CASCADE, related_name="snapshots")
    date = models.DateField("date")
    value = models.DecimalField("value", max_digits=12, decimal_places=2, null=True, blank=True)
    status = models.CharField("status", max_length=20)
    detail = models.TextField("detail", blank=True, help_text="The figures behind the value.")
    how = models.TextField("how it was computed", blank=True)
    recorded_at = models.DateTimeField("recorded at", auto_now=True)

    objects = InstitutionManager(MeasureSnapshotQuerySet)

    class Meta:
        ordering = ["measure", "date"]
        constraints = [models.UniqueConstraint(fields=["measure", "date"], name="snapshot_one_per_measure_per_day")]

    def __str__(self):
        return f"{self.measure_id} on {self.date}: {self.value}"


class ProgressUpdateQuerySet(InstitutionQuerySet):
    institution_path = "item__plan__institution"


class ProgressUpdate(models.Model):
    item = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="updates")
    date = models.DateField("date", help_text="The day the progress refers to.")
    narrative = models.TextField("progress", help_text="What happened since the last update, and what comes next.")
    status = models.CharField("status", max_length=20, choices=Status.choices)
    evidence_file = models.FileField(
        "evidence file", upload_to="actionplan/updates/%Y/", blank=True, help_text="A document that shows the progress."
    )
    evidence_link = models.URLField("evidence link", blank=True, help_text="Or a link to it, e.g. a Nexus page.")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="plan_updates"
    )
    created_at = models.DateTimeField("created", auto_now_add=True)

    objects = InstitutionManager(ProgressUpdateQuerySet)

    class Meta:
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["item", "-date"], name="progressupdate_item_date_idx")]

    def __str__(self):
        return f"{self.item.code} {self.date}: {self.get_status_display()}"


class ReportRunQuerySet(InstitutionQuerySet):
    institution_path = "plan__institution"


class ReportRun(Job):
    """One report generated by a Celery task (`tasks.generate_report`); the page polls its progress.

    A `core.jobs.Job`: QUEUED, RUNNING, then DONE or FAILED, with its progress, attempts and an
    error the requester can read. A retryable failure (the database briefly away) goes back to
    QUEUED for the next attempt; only spent retries fail it.
    """

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        XLSX = "xlsx", "Excel (XLSX)"
        CSV = "csv", "CSV"
        SUBMISSION = "submission", "TC submission workbook (XLSX)"

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="report_runs")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    start = models.DateField("from", help_text="Count from this day.")
    end = models.DateField("to", help_text="Count up to this day.")
    format = models.CharField("format", max_length=12, choices=Format.choices)
    file = models.FileField("file", upload_to="actionplan/reports/%Y/", blank=True)
    quarter = models.CharField(
        "quarter", max_length=7, blank=True, help_text="Set on the quarterly report sent to the owners, e.g. 2025-Q2."
    )

    task_name = "actionplan.tasks.generate_report"
    institution_path = "plan__institution"

    objects = InstitutionManager(ReportRunQuerySet)

    class Meta(Job.Meta):
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gte=models.F("start")), name="reportrun_range"),
            # The quarterly job makes one report per plan and quarter, however often it runs.
            models.UniqueConstraint(
                fields=["plan", "quarter"], condition=~models.Q(quarter=""), name="reportrun_one_per_plan_quarter"
            ),
        ]

    def __str__(self):
        return f"{self.get_format_display()} report of {self.plan} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("actionplan:report", args=[self.pk])
