"""Development days and training records (actions 1A, 1E and 1G).

An institution's `AllowancePolicy` sets the minimum development days a year; technicians make
`DevelopmentRequest`s that their line manager (or the manager's `ManagerDelegate`) decides;
everything learnt ends up as a `TrainingRecord`, whether it came from a request, was logged by
the technician or was imported by HR (`TrainingImport`).
"""

import calendar
import uuid
from datetime import date
from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from core.jobs import Job
from core.tenancy import InstitutionManager, InstitutionQuerySet
from core.workflow import NEW, Move, TransitionRecord, Workflow

HALF_DAY = Decimal("0.5")


class AllowancePolicy(models.Model):
    """How many development days an institution's technicians get, and the year they run over."""

    class YearType(models.TextChoices):
        CALENDAR = "calendar", "Calendar year (1 January)"
        ACADEMIC = "academic", "Academic year (1 August)"
        LEAVE = "leave", "Leave year (starts in the month below)"

    institution = models.OneToOneField(
        "people.Institution", on_delete=models.CASCADE, related_name="development_policy"
    )
    minimum_days = models.DecimalField(
        "minimum development days a year",
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Days each technician may use for development, unless a grade or job family says otherwise.",
    )
    year_type = models.CharField(
        "allowance year",
        max_length=10,
        choices=YearType.choices,
        default=YearType.CALENDAR,
        help_text="The year the minimum runs over; days do not carry over to the next.",
    )
    leave_year_start_month = models.PositiveSmallIntegerField(
        "leave year starts in month",
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text="1 = January … 12 = December; used only for a leave year.",
    )
    under_representation_margin = models.PositiveSmallIntegerField(
        "under-representation margin (%)",
        default=20,
        validators=[MaxValueValidator(100)],
        help_text="A job family whose training per head is this many per cent below the institution's "
        "average is marked under-represented in the training report.",
    )
    remind_mid_year = models.BooleanField(
        "remind technicians with nothing recorded by mid-year",
        default=True,
        help_text="Half way through the allowance year, remind technicians who have recorded no development.",
    )

    objects = InstitutionManager(InstitutionQuerySet)

    class Meta:
        verbose_name = "allowance policy"
        verbose_name_plural = "allowance policies"

    def __str__(self):
        return f"{self.institution}: {self.minimum_days} days a year"

    @property
    def start_month(self):
        return {self.YearType.CALENDAR: 1, self.YearType.ACADEMIC: 8}.get(self.year_type, self.leave_year_start_month)

    def year_bounds(self, year):
        """Return (first day, last day) of the allowance year that starts in `year`."""
        start = date(year, self.start_month, 1)
        end_month_year = year + (1 if self.start_month > 1 else 0)
        end_month = (self.start_month - 2) % 12 + 1
        end = date(end_month_year, end_month, calendar.monthrange(end_month_year, end_month)[1])
        return start, end

    def year_containing(self, day):
        """Return the label (start year) of the allowance year that contains `day`."""
        return day.year if day.month >= self.start_month else day.year - 1

    def year_label(self, year):
        return str(year) if self.start_month == 1 else f"{year}/{str(year + 1)[-2:]}"

    def minimum_for(self, profile, overrides=None):
        """Return the minimum days for one person: a grade override wins over a job family's.

        Pass `overrides` (a list from `self.overrides.all()`) when looping over many people, so
        this does no query per person.
        """
        overrides = list(self.overrides.all()) if overrides is None else overrides
        for override in overrides:
            if override.grade_id and override.grade_id == profile.grade_id:
                return override.minimum_days
        for override in overrides:
            if override.job_family_id and override.job_family_id == profile.job_family_id:
                return override.minimum_days
        return self.minimum_days


class AllowanceOverrideQuerySet(InstitutionQuerySet):
    institution_path = "policy__institution"


class AllowanceOverride(models.Model):
    """A different minimum for one grade or one job family (e.g. 6 days for apprentices)."""

    policy = models.ForeignKey(AllowancePolicy, on_delete=models.CASCADE, related_name="overrides")
    grade = models.ForeignKey(
        "people.Grade", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name="grade"
    )
    job_family = models.ForeignKey(
        "people.JobFamily",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="job family",
    )
    minimum_days = models.DecimalField(
        "minimum development days a year",
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Replaces the policy's minimum for this grade or job family.",
    )

    objects = InstitutionManager(AllowanceOverrideQuerySet)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(grade__isnull=False) & models.Q(job_family__isnull=True))
                | (models.Q(grade__isnull=True) & models.Q(job_family__isnull=False)),
                name="allowanceoverride_grade_or_family",
            ),
        ]

    def __str__(self):
        return f"{self.grade or self.job_family}: {self.minimum_days} days"


class GuidanceVersion(models.Model):
    """One dated version of the guidance on what counts and how to use the days."""

    class Audience(models.TextChoices):
        STAFF = "staff", "Staff"
        MANAGERS = "managers", "Managers"

    institution = models.ForeignKey("people.Institution", on_delete=models.CASCADE, related_name="+")
    audience = models.CharField(
        "for", max_length=10, choices=Audience.choices, help_text="Staff and managers each have their own guidance."
    )
    title = models.CharField("title", max_length=200, help_text="e.g. Using your development days 2026.")
    effective_from = models.DateField(
        "effective from", help_text="The guidance shown is the latest version effective on or before today."
    )
    body = models.TextField(
        "guidance", help_text="Plain text; blank lines separate paragraphs. What counts, and how to use the days."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("written", auto_now_add=True)

    objects = InstitutionManager(InstitutionQuerySet)

    class Meta:
        ordering = ["audience", "-effective_from", "-pk"]
        verbose_name = "guidance version"

    def __str__(self):
        return f"{self.title} ({self.effective_from})"

    def get_absolute_url(self):
        return reverse("development:guidance_version", args=[self.pk])


class ManagerDelegateQuerySet(InstitutionQuerySet):
    institution_path = "manager__institution"

    def active_on(self, day):
        return self.filter(starts_on__lte=day, ends_on__gte=day)


class ManagerDelegate(models.Model):
    """Someone who decides a manager's reports' requests while the manager is away."""

    manager = models.ForeignKey("people.StaffProfile", on_delete=models.CASCADE, related_name="delegations_given")
    delegate = models.ForeignKey(
        "people.StaffProfile",
        on_delete=models.CASCADE,
        related_name="delegations_received",
        verbose_name="delegate",
        help_text="A colleague at your institution who approves your team's requests while you are away.",
    )
    starts_on = models.DateField("from", help_text="The first day you are away.")
    ends_on = models.DateField("to", help_text="The last day you are away.")
    created_at = models.DateTimeField("set", auto_now_add=True)

    objects = InstitutionManager(ManagerDelegateQuerySet)

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="delegate_ends_after_start"
            ),
            models.CheckConstraint(condition=~models.Q(manager=models.F("delegate")), name="delegate_not_self"),
        ]

    def __str__(self):
        return f"{self.delegate} for {self.manager}, {self.starts_on} to {self.ends_on}"


class ActivityType(models.TextChoices):
    COURSE = "course", "Course"
    CONFERENCE = "conference", "Conference"
    WORKSHOP = "workshop", "Workshop"
    NETWORKING = "networking", "Networking event"
    SHADOWING = "shadowing", "Work shadowing"
    APPRENTICESHIP = "apprenticeship", "Apprenticeship study"
    SELF_DIRECTED = "self_directed", "Self-directed learning"


class Delivery(models.TextChoices):
    INTERNAL = "internal", "Internal"
    EXTERNAL = "external", "External"


class DevelopmentRequestQuerySet(InstitutionQuerySet):
    institution_path = "person__institution"

    def live(self):
        """Requests that hold days: not cancelled or declined."""
        return self.exclude(state__in=DevelopmentRequest.DEAD_STATES)


DECIDE_REFUSAL = "Only the line manager, or their delegate while they are away, can decide this."
OWNER_REFUSAL = "Only the person who made a request can change it."


class DevelopmentRequest(models.Model):
    """A technician's request for development time, decided by their line manager."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", "Waiting for approval"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"
        CANCELLED = "cancelled", "Cancelled"
        COMPLETED = "completed", "Done"

    class PaidBy(models.TextChoices):
        NOBODY = "none", "No cost"
        INSTITUTION = "institution", "Institution training budget"
        TEAM = "team", "Team or grant budget"
        EXTERNAL = "external", "External sponsor or bursary"
        SELF = "self", "Myself"

    # Every allowed move, written once, with who may make it (development/rules.py).
    workflow = Workflow(
        Move(NEW, State.SUBMITTED, perm="development.submit_request", refusal="You can only ask for your own days."),
        Move(State.SUBMITTED, State.APPROVED, perm="development.decide_request", refusal=DECIDE_REFUSAL),
        Move(State.SUBMITTED, State.DECLINED, perm="development.decide_request", refusal=DECIDE_REFUSAL),
        Move(State.SUBMITTED, State.CHANGES_REQUESTED, perm="development.decide_request", refusal=DECIDE_REFUSAL),
        Move(State.CHANGES_REQUESTED, State.SUBMITTED, perm="development.change_request", refusal=OWNER_REFUSAL),
        Move(State.SUBMITTED, State.CANCELLED, perm="development.change_request", refusal=OWNER_REFUSAL),
        Move(State.CHANGES_REQUESTED, State.CANCELLED, perm="development.change_request", refusal=OWNER_REFUSAL),
        Move(State.APPROVED, State.CANCELLED, perm="development.change_request", refusal=OWNER_REFUSAL),
        Move(State.APPROVED, State.COMPLETED, perm="development.change_request", refusal=OWNER_REFUSAL),
    )
    EDITABLE_STATES = (State.SUBMITTED, State.CHANGES_REQUESTED)
    DEAD_STATES = (State.CANCELLED, State.DECLINED)

    person = models.ForeignKey("people.StaffProfile", on_delete=models.CASCADE, related_name="development_requests")
    activity_type = models.CharField(
        "activity", max_length=20, choices=ActivityType.choices, help_text="What kind of development this is."
    )
    title = models.CharField("title", max_length=200, help_text="e.g. Advanced confocal microscopy course.")
    delivery = models.CharField(
        "internal or external",
        max_length=10,
        choices=Delivery.choices,
        help_text="Internal: run by your institution; external: by anyone else.",
    )
    provider = models.CharField("provider", max_length=200, blank=True, help_text="Who runs it, e.g. EMBL.")
    start_date = models.DateField("first day", help_text="The first day away from your usual work.")
    end_date = models.DateField("last day", help_text="The same as the first day for a one-day activity.")
    days = models.DecimalField(
        "development days",
        max_digits=4,
        decimal_places=1,
        help_text="Working days away from your usual work, in half days (e.g. 1.5).",
    )
    cost = models.DecimalField(
        "cost (£)",
        max_digits=9,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Fees, travel and subsistence.",
    )
    paid_by = models.CharField(
        "paid by",
        max_length=12,
        choices=PaidBy.choices,
        default=PaidBy.NOBODY,
        help_text="Who pays the cost, if there is one.",
    )
    benefit = models.TextField("why it helps", help_text="How this helps your work and your career.")
    state = models.CharField("state", max_length=20, choices=State.choices, default=State.SUBMITTED)
    submitted_at = models.DateTimeField("submitted", default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField("decided", null=True, blank=True)
    decision_reason = models.TextField("reason", blank=True)
    created_at = models.DateTimeField("created", auto_now_add=True)

    objects = InstitutionManager(DevelopmentRequestQuerySet)

    class Meta:
        ordering = ["-start_date", "-pk"]
        indexes = [
            # send_development_reminders finds requests waiting for a decision.
            models.Index(fields=["submitted_at"], condition=models.Q(state="submitted"), name="devrequest_waiting_idx"),
            models.Index(fields=["person", "start_date"], name="devrequest_person_start_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="devrequest_dates_in_order"
            ),
            models.CheckConstraint(condition=models.Q(days__gt=0), name="devrequest_days_positive"),
            models.CheckConstraint(condition=models.Q(cost__gte=0), name="devrequest_cost_not_negative"),
        ]

    def __str__(self):
        return f"{self.title} ({self.person})"

    def get_absolute_url(self):
        return reverse("development:request", args=[self.pk])

    @property
    def is_editable(self):
        return self.state in self.EDITABLE_STATES


class RequestTransitionQuerySet(InstitutionQuerySet):
    institution_path = "request__person__institution"


class RequestTransition(TransitionRecord):
    """One move of a request through its workflow: who, when, from, to and why."""

    request = models.ForeignKey(DevelopmentRequest, on_delete=models.CASCADE, related_name="transitions")

    objects = InstitutionManager(RequestTransitionQuerySet)

    class Meta(TransitionRecord.Meta):
        pass

    def __str__(self):
        return f"{self.request_id}: {self.from_state or 'new'} -> {self.to_state}"

    @property
    def verb(self):
        """What the person did, in words: "approved it", "asked for changes"."""
        State = DevelopmentRequest.State
        if self.to_state == State.SUBMITTED:
            return "resubmitted it" if self.from_state else "submitted it"
        return {
            State.APPROVED: "approved it",
            State.DECLINED: "declined it",
            State.CHANGES_REQUESTED: "asked for changes",
            State.CANCELLED: "cancelled it",
            State.COMPLETED: "marked it done",
        }.get(self.to_state, str(dict(State.choices).get(self.to_state, self.to_state)).lower())


class CpdCategory(models.TextChoices):
    """The Science Council's five CPD activity types, for the registration CPD record."""

    WORK_BASED = "work_based", "Work-based learning"
    PROFESSIONAL = "professional", "Professional activity"
    FORMAL = "formal", "Formal or educational"
    SELF_DIRECTED = "self_directed", "Self-directed learning"
    OTHER = "other", "Other"


def evidence_path(instance, filename):
    """Store evidence under a random name: the person's file name is never trusted or shown in a URL."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"development/evidence/{uuid.uuid4().hex}.{extension}"


class TrainingRecordQuerySet(InstitutionQuerySet):
    institution_path = "person__institution"

    def in_period(self, start, end):
        return self.filter(date__gte=start, date__lte=end)


class TrainingRecord(models.Model):
    """Training a person did: from a request, logged by them, or imported by HR."""

    class Source(models.TextChoices):
        REQUEST = "request", "Development request"
        LOGGED = "logged", "Logged by the technician"
        IMPORTED = "imported", "Imported internal course"
        LEARNING_SYSTEM = "learning", "Sent by the learning system"

    person = models.ForeignKey("people.StaffProfile", on_delete=models.CASCADE, related_name="training_records")
    request = models.OneToOneField(
        DevelopmentRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="record"
    )
    source = models.CharField("source", max_length=10, choices=Source.choices, default=Source.LOGGED)
    title = models.CharField("title", max_length=200, help_text="The course or activity.")
    activity_type = models.CharField(
        "activity", max_length=20, choices=ActivityType.choices, help_text="What kind of development this was."
    )
    delivery = models.CharField(
        "internal or external",
        max_length=10,
        choices=Delivery.choices,
        help_text="Internal: run by your institution; external: by anyone else.",
    )
    provider = models.CharField("provider", max_length=200, blank=True, help_text="Who ran it.")
    date = models.DateField("date", help_text="The (first) day of the activity.")
    days = models.DecimalField(
        "development days used",
        max_digits=4,
        decimal_places=1,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Days of your development allowance this used, in half days; 0 for an hour or two.",
    )
    hours = models.DecimalField(
        "hours",
        max_digits=6,
        decimal_places=2,
        help_text="Hours of learning, for your CPD record.",
    )
    cpd_category = models.CharField(
        "CPD category",
        max_length=15,
        choices=CpdCategory.choices,
        help_text="The Science Council's CPD activity type, used for professional registration.",
    )
    reflection = models.TextField("reflection", blank=True, help_text="What you learnt and how you will use it.")
    value_rating = models.PositiveSmallIntegerField(
        "how valuable was it",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="1 = not at all, 5 = very valuable.",
    )
    evidence = models.FileField(
        "evidence",
        upload_to=evidence_path,
        blank=True,
        help_text="A certificate or attendance record: PDF, PNG or JPEG.",
    )
    evidence_type = models.CharField("evidence type", max_length=40, blank=True)
    import_batch = models.ForeignKey(
        "TrainingImport", on_delete=models.SET_NULL, null=True, blank=True, related_name="records"
    )
    completed_on = models.DateField(
        "completed on", null=True, blank=True, help_text="The last day, when the learning system sent it."
    )
    external_id = models.CharField(
        "learning system's id",
        max_length=100,
        blank=True,
        help_text="The learning system's id for this completion: sending it again adds nothing.",
    )
    off_the_job = models.BooleanField(
        "off-the-job training",
        default=False,
        help_text="Apprenticeship off-the-job training: counts towards the apprentice's off-the-job hours.",
    )
    created_at = models.DateTimeField("recorded", auto_now_add=True)

    objects = InstitutionManager(TrainingRecordQuerySet)

    class Meta:
        ordering = ["-date", "-pk"]
        indexes = [
            # A person's records by date; with the hours, the 1G report (development.selectors.
            # _training_cells: each of the institution's staff's records of the year) reads the index
            # alone: 118 ms visiting the table at national size, 53 ms without (issue 18).
            models.Index(fields=["person", "date"], include=["hours"], name="trainingrecord_person_hrs_idx"),
            # development.selectors.report_years (the institution's earliest record, by date).
            models.Index(fields=["date", "person"], include=["hours"], name="trainingrecord_date_person_idx"),
            # development.satisfaction.ratings_by_family: each person's rated records of a year,
            # the rating read from the index (161 ms as a scan of every record, 22 ms with it).
            models.Index(
                fields=["person", "date"],
                include=["value_rating"],
                condition=models.Q(value_rating__isnull=False),
                name="trainingrecord_rated_idx",
            ),
            # development.selectors.off_the_job_hours: an apprentice's off-the-job hours since their start.
            models.Index(
                fields=["person", "date"], condition=models.Q(off_the_job=True), name="trainingrecord_off_the_job_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(hours__gt=0), name="trainingrecord_hours_positive"),
            models.CheckConstraint(condition=models.Q(days__gte=0), name="trainingrecord_days_not_negative"),
            # Re-importing the same file adds nothing: one imported record per person, course and day.
            models.UniqueConstraint(
                fields=["person", "title", "date"],
                condition=models.Q(source="imported"),
                name="trainingrecord_unique_import",
            ),
            # Re-sending a completion from the learning system adds nothing (api, the completions
            # endpoint): one record per person and external id.
            models.UniqueConstraint(
                fields=["person", "external_id"],
                condition=~models.Q(external_id=""),
                name="trainingrecord_unique_external_id",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.person}, {self.date})"

    def get_absolute_url(self):
        return reverse("development:record", args=[self.pk])


class TrainingImportQuerySet(InstitutionQuerySet):
    def checking(self):
        """Uploads whose rows are still being checked by a worker."""
        return self.filter(stage=TrainingImport.Stage.CHECKING).exclude(status=Job.Status.FAILED)


class TrainingImport(Job):
    """An uploaded file of internal course attendance, validated row by row before anything is written.

    Two phases. The check is a background job (`status`, from `core.jobs.Job`: queued, running,
    done, or failed when the file cannot be read). Then a person looks at the checked rows and
    chooses all rows or the good ones (`stage`: checking, checked, imported).
    """

    class Stage(models.TextChoices):
        CHECKING = "checking", "Checking rows"
        CHECKED = "checked", "Checked, waiting for your choice"
        IMPORTED = "imported", "Imported"

    class Mode(models.TextChoices):
        ALL = "all", "All rows or nothing"
        GOOD = "good", "The good rows only"

    FAILED_LABEL = "Could not be read"

    task_name: ClassVar[str] = "development.tasks.check_training_import"
    institution_path: ClassVar[str] = "institution"

    institution = models.ForeignKey("people.Institution", on_delete=models.CASCADE, related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    file = models.FileField("file", upload_to="development/imports/")
    original_name = models.CharField("file name", max_length=255)
    stage = models.CharField(
        "stage",
        max_length=10,
        choices=Stage.choices,
        default=Stage.CHECKING,
        help_text="Checked rows wait for the person's choice; nothing is written before it.",
    )
    total_rows = models.PositiveIntegerField("rows", default=0)
    checked_rows = models.PositiveIntegerField("rows checked", default=0)
    rows = models.JSONField("checked rows", default=list, blank=True)
    mode = models.CharField("imported", max_length=5, choices=Mode.choices, blank=True)
    imported_count = models.PositiveIntegerField("records added", default=0)
    created_at = models.DateTimeField("uploaded", auto_now_add=True)
    imported_at = models.DateTimeField("imported", null=True, blank=True)

    objects = InstitutionManager(TrainingImportQuerySet)

    class Meta(Job.Meta):
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.original_name} ({self.state_label})"

    def get_absolute_url(self):
        return reverse("development:import", args=[self.pk])

    @property
    def is_checking(self):
        """The worker is still checking rows: the page keeps polling."""
        return self.stage == self.Stage.CHECKING and self.status != self.Status.FAILED

    @property
    def has_failed(self):
        return self.status == self.Status.FAILED

    @property
    def state_label(self):
        """What the person reads: the failure, else the human phase."""
        return self.FAILED_LABEL if self.has_failed else self.get_stage_display()

    @property
    def good_rows(self):
        return [row for row in self.rows if not row["errors"]]

    @property
    def bad_rows(self):
        return [row for row in self.rows if row["errors"]]

    @property
    def percent_checked(self):
        return round(100 * self.checked_rows / self.total_rows) if self.total_rows else 0
