"""The staff directory: institutions, their divisions, job families and grades, and staff."""

from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core.jobs import Job
from core.tenancy import InstitutionManager, InstitutionQuerySet
from core.workflow import NEW, Move, TransitionRecord, Workflow

from .orcid import validate_orcid

# Institution, EmailDomain and User are not institution-scoped, on purpose: sign-up and sign-in
# run before anyone has an institution (the e-mail domain is how we find it), and a User is
# an account, which the platform superuser has without any institution. Everything an
# institution owns below them (divisions, job families, grades, staff) is scoped.


class Institution(models.Model):
    name = models.CharField("name", max_length=200, unique=True)
    short_name = models.CharField("short name", max_length=40, help_text="Shown where space is tight, e.g. ICR.")
    slug = models.SlugField("slug", unique=True)
    partners = models.ManyToManyField(
        "self",
        blank=True,
        verbose_name="partner institutions",
        help_text="Institutions whose staff may join the events and programmes this one opens to partners.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class EmailDomain(models.Model):
    """An e-mail domain whose owners join the institution when they sign up."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="email_domains")
    domain = models.CharField(
        "e-mail domain", max_length=253, unique=True, help_text="The part after the @, e.g. icr.ac.uk."
    )

    class Meta:
        ordering = ["domain"]
        verbose_name = "e-mail domain"

    def __str__(self):
        return self.domain

    def save(self, *args, **kwargs):
        self.domain = self.domain.strip().lower()
        super().save(*args, **kwargs)

    @classmethod
    def institution_for_email(cls, email):
        """Return the institution that owns the e-mail address's domain, or None."""
        domain = email.rsplit("@", 1)[-1].strip().lower()
        row = cls.objects.select_related("institution").filter(domain=domain).first()
        return row.institution if row else None


class Division(models.Model):
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="divisions")
    name = models.CharField("name", max_length=200)

    objects = InstitutionManager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "name"], name="division_unique_name_per_institution")
        ]

    def __str__(self):
        return self.name


class JobFamily(models.Model):
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="job_families")
    name = models.CharField("name", max_length=200)
    description = models.TextField(
        "description", blank=True, help_text="The kinds of role in this family, e.g. bioinformaticians."
    )
    soa_covered = models.BooleanField(
        "covered by the Scientific Officer Association",
        default=False,
        help_text="Whether the association's support (e.g. registration fees) covers this family; "
        "registration reports the other families apart (3B).",
    )

    objects = InstitutionManager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "job families"
        constraints = [
            models.UniqueConstraint(fields=["institution", "name"], name="jobfamily_unique_name_per_institution")
        ]

    def __str__(self):
        return self.name


class GradeQuerySet(InstitutionQuerySet):
    institution_path = "job_family__institution"


class Grade(models.Model):
    """A step on a job family's ladder.

    `level` orders the ladder and makes grades comparable across families: an eligibility rule
    of "HSO or equivalent" admits every grade whose level equals the HSO's.
    """

    job_family = models.ForeignKey(JobFamily, on_delete=models.CASCADE, related_name="grades")
    name = models.CharField("name", max_length=100, help_text="e.g. Higher Scientific Officer.")
    short_name = models.CharField("short name", max_length=20, help_text="e.g. HSO.")
    level = models.PositiveSmallIntegerField(
        "level",
        help_text="Position on the ladder; grades of the same level in different families are equivalent.",
    )
    welcome_new_starters = models.BooleanField(
        "welcome new starters",
        default=False,
        help_text="Staff who start on this grade get the welcome message (action 2H).",
    )

    objects = InstitutionManager(GradeQuerySet)

    class Meta:
        ordering = ["job_family__name", "level"]
        constraints = [
            models.UniqueConstraint(fields=["job_family", "level"], name="grade_unique_level_per_family"),
            models.UniqueConstraint(fields=["job_family", "short_name"], name="grade_unique_short_name_per_family"),
        ]

    def __str__(self):
        return f"{self.name} ({self.short_name})"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """An account; the e-mail address is the login."""

    username = None
    email = models.EmailField("e-mail address", unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        ordering = ["last_name", "first_name", "email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_unique_email_ci")]

    def __str__(self):
        return self.get_full_name() or self.email

    @property
    def institution(self):
        profile = getattr(self, "profile", None)
        return profile.institution if profile else None


def _awaiting_verification():
    """A sign-up whose e-mail address is not confirmed: it has addresses and none is verified.

    Staff HR created (or imported) have no allauth address rows at all and are staff.
    """
    from allauth.account.models import EmailAddress

    addresses = EmailAddress.objects.filter(user_id=models.OuterRef("user_id"))
    return models.Exists(addresses) & ~models.Exists(addresses.filter(verified=True))


class StaffProfileQuerySet(InstitutionQuerySet):
    def staff(self):
        """People who count as staff: everyone but sign-ups whose e-mail address is unconfirmed.

        Every count and report of staff starts here (through `current()` or directly), so an
        unconfirmed sign-up is in none of them. Two EXISTS subqueries, no extra query.
        """
        return self.exclude(_awaiting_verification())

    def current(self):
        """Staff who have not left (and are staff at all: see `staff()`)."""
        today = timezone.localdate()
        return self.staff().filter(models.Q(leaving_date__isnull=True) | models.Q(leaving_date__gt=today))

    def with_directory_details(self):
        return self.select_related("user", "division", "job_family", "grade", "line_manager__user")


class ScopedHistory(models.Model):
    """The base of a historical (audit) model: its default manager is institution-scoped like its record's.

    simple-history reads one record's history through `record.history` (already bound to a
    record fetched in scope); this makes a query of every audit row refuse outside a scope.
    """

    objects = InstitutionManager()

    class Meta:
        abstract = True


class ContractType(models.TextChoices):
    OPEN_ENDED = "open_ended", "Open-ended"
    FIXED_TERM = "fixed_term", "Fixed-term"
    APPRENTICESHIP = "apprenticeship", "Apprenticeship"
    SECONDMENT = "secondment", "Secondment"


class StaffProfile(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="staff")
    staff_number = models.CharField(
        "staff number", max_length=30, blank=True, help_text="The HR system's identifier for this person."
    )
    job_title = models.CharField("job title", max_length=200, blank=True)
    division = models.ForeignKey(
        Division, on_delete=models.SET_NULL, null=True, blank=True, related_name="staff", verbose_name="division"
    )
    job_family = models.ForeignKey(
        JobFamily, on_delete=models.SET_NULL, null=True, blank=True, related_name="staff", verbose_name="job family"
    )
    grade = models.ForeignKey(
        Grade, on_delete=models.SET_NULL, null=True, blank=True, related_name="staff", verbose_name="grade"
    )
    line_manager = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name="line manager",
        help_text="Approves this person's development requests and programme applications.",
    )
    start_date = models.DateField("start date", null=True, blank=True)
    leaving_date = models.DateField("leaving date", null=True, blank=True)
    contract_type = models.CharField(
        "contract",
        max_length=20,
        choices=ContractType.choices,
        blank=True,
        help_text="The kind of contract this person holds now.",
    )
    onboarded_at = models.DateTimeField(
        "record completed",
        null=True,
        blank=True,
        help_text="When the person (or HR) completed their record; until then sign-in asks for what is missing.",
    )
    orcid = models.CharField(
        "ORCID iD",
        max_length=19,
        blank=True,
        validators=[validate_orcid],
        help_text="Sixteen characters in four groups, e.g. 0000-0002-1825-0097.",
    )
    bio = models.TextField("about me", blank=True, help_text="Your expertise and the techniques you offer.")

    objects = InstitutionManager(StaffProfileQuerySet)
    # The audit of every edit of a staff record (who, when, what it was before), kept by
    # django-simple-history: chosen for the project because it works the same on SQLite and
    # PostgreSQL, is well kept, and serves every later audit need (the Security issue's log).
    # Career events with an effective date and a cause are `CareerEvent` rows, below.
    history = HistoricalRecords(bases=[ScopedHistory], excluded_fields=["bio"])

    class Meta:
        ordering = ["user__last_name", "user__first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "staff_number"],
                condition=~models.Q(staff_number=""),
                name="staffprofile_unique_staff_number_per_institution",
            ),
            models.CheckConstraint(
                condition=models.Q(leaving_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(leaving_date__gte=models.F("start_date")),
                name="staffprofile_leaves_after_starting",
            ),
        ]
        indexes = [
            # people.tasks.send_welcome_messages (daily) finds recent starters by their start date.
            models.Index(
                fields=["start_date"], condition=models.Q(start_date__isnull=False), name="staffprofile_start_date_idx"
            ),
        ]

    def __str__(self):
        return str(self.user)

    def get_absolute_url(self):
        return reverse("people:profile", args=[self.pk])

    @property
    def name(self):
        return str(self.user)

    def clean(self):
        errors = {}
        if self.line_manager_id:
            if self.line_manager.institution_id != self.institution_id:
                errors["line_manager"] = "The line manager must work at the same institution."
            elif self.pk and self.line_manager_id == self.pk:
                errors["line_manager"] = "Nobody can be their own line manager."
            elif self.pk and self._manages_indirectly(self.line_manager):
                errors["line_manager"] = (
                    f"{self.line_manager} is already managed, directly or indirectly, by {self}; "
                    "choosing them would make a management loop."
                )
        for field in ("division", "job_family"):
            related = getattr(self, field)
            if related is not None and related.institution_id != self.institution_id:
                errors[field] = f"This {self._meta.get_field(field).verbose_name} belongs to another institution."
        if self.grade_id and self.job_family_id and self.grade.job_family_id != self.job_family_id:
            errors["grade"] = "This grade belongs to another job family."
        if self.start_date and self.leaving_date and self.leaving_date < self.start_date:
            errors["leaving_date"] = "The leaving date must be on or after the start date."
        if errors:
            raise ValidationError(errors)

    def _manages_indirectly(self, other):
        """Return whether `other` sits anywhere below self in the management chain.

        Walks up from `other` one query per level; chains are short (a handful of levels) and
        the walk stops at a repeat, so a loop already in the data cannot hang it.
        """
        seen = set()
        current = other
        while current is not None and current.pk not in seen:
            if current.line_manager_id == self.pk:
                return True
            seen.add(current.pk)
            current = current.line_manager
        return False

    def is_current(self, on=None):
        on = on or timezone.localdate()
        return self.leaving_date is None or self.leaving_date > on

    ONBOARDING_FIELDS = ("job_family", "grade", "division", "line_manager")

    def missing_fields(self):
        """The verbose names of what onboarding asks for and the record lacks (no query)."""
        return [
            str(self._meta.get_field(name).verbose_name)
            for name in self.ONBOARDING_FIELDS
            if getattr(self, f"{name}_id") is None
        ]

    @property
    def needs_onboarding(self):
        """Whether sign-in should ask this person to complete their record (no query)."""
        return self.onboarded_at is None and bool(self.missing_fields())


# --- Confirming a line manager ----------------------------------------------------------------


class ManagerConfirmationQuerySet(InstitutionQuerySet):
    institution_path = "person__institution"

    def pending(self):
        return self.filter(state=ManagerConfirmation.State.PENDING)


CONFIRM_REFUSAL = "Only the person named as line manager, or HR, can answer this."


class ManagerConfirmation(models.Model):
    """A person names their line manager; the manager (or HR) confirms or declines.

    `StaffProfile.line_manager` holds only confirmed managers (or ones HR recorded), so
    everything that needs a manager reads one field; a manager named but not yet confirmed
    lives here, pending.
    """

    class State(models.TextChoices):
        PENDING = "pending", "Waiting for confirmation"
        CONFIRMED = "confirmed", "Confirmed"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    person = models.ForeignKey(
        StaffProfile, on_delete=models.CASCADE, related_name="manager_confirmations", verbose_name="person"
    )
    manager = models.ForeignKey(
        StaffProfile,
        on_delete=models.CASCADE,
        related_name="confirmations_asked",
        verbose_name="named line manager",
        help_text="The person named as line manager; they confirm or decline.",
    )
    state = models.CharField("status", max_length=20, choices=State.choices, default=State.PENDING)
    requested_at = models.DateTimeField("asked", default=timezone.now)
    decided_at = models.DateTimeField("answered", null=True, blank=True)
    decided_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="answered by"
    )
    reason = models.TextField("reason", blank=True, help_text="Why the manager declined, shown to the person.")

    objects = InstitutionManager(ManagerConfirmationQuerySet)

    workflow = Workflow(
        Move(NEW, State.PENDING, perm="people.name_line_manager", refusal="You can only name your own line manager."),
        Move(State.PENDING, State.CONFIRMED, perm="people.answer_manager_confirmation", refusal=CONFIRM_REFUSAL),
        Move(State.PENDING, State.DECLINED, perm="people.answer_manager_confirmation", refusal=CONFIRM_REFUSAL),
        Move(
            State.PENDING,
            State.WITHDRAWN,
            perm="people.name_line_manager",
            portal=True,
            refusal="You can only withdraw your own request.",
        ),
    )

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=models.Q(state="pending"), name="managerconfirmation_one_pending"
            ),
        ]
        indexes = [
            # people.tasks.remind_manager_confirmations (daily) finds requests waiting 5 working days.
            models.Index(
                fields=["requested_at"],
                condition=models.Q(state="pending"),
                name="managerconfirm_pending_idx",
            ),
        ]

    def __str__(self):
        return f"{self.person} → {self.manager} ({self.get_state_display()})"


class ManagerConfirmationTransition(TransitionRecord):
    confirmation = models.ForeignKey(ManagerConfirmation, on_delete=models.CASCADE, related_name="transitions")


# --- Career history ---------------------------------------------------------------------------


class CareerEventQuerySet(InstitutionQuerySet):
    institution_path = "person__institution"


class CareerEvent(models.Model):
    """One change of a person's grade, job family, division, line manager or contract.

    Holds the record as it stood after the change, with the day it took effect and why, so
    "what grade did this person hold on this date" is one row per person. Written only by
    `people.services.staff_record_change`. (simple-history's audit rows say who edited what and
    when, but not when a change took effect nor why; those are domain facts, kept here.)
    """

    class Cause(models.TextChoices):
        JOINED = "joined", "Joined"
        PROMOTION = "promotion", "Promotion"
        REGRADE = "regrade", "Regrade"
        APPRENTICESHIP_COMPLETED = "apprenticeship_completed", "Apprenticeship completed"
        MOVE = "move", "Moved team or division"
        CONTRACT = "contract", "Contract changed"
        IMPORT = "import", "Imported from HR records"
        CORRECTION = "correction", "Correction"
        LEFT = "left", "Left"

    person = models.ForeignKey(StaffProfile, on_delete=models.CASCADE, related_name="career_events")
    effective_date = models.DateField("effective date", help_text="The day the change took effect.")
    cause = models.CharField("cause", max_length=30, choices=Cause.choices)
    grade = models.ForeignKey(Grade, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    job_family = models.ForeignKey(JobFamily, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    division = models.ForeignKey(Division, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    line_manager = models.ForeignKey(StaffProfile, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    contract_type = models.CharField("contract", max_length=20, choices=ContractType.choices, blank=True)
    note = models.CharField("note", max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="recorded by",
        help_text="Empty for imports and changes the portal made itself.",
    )
    recorded_at = models.DateTimeField("recorded", default=timezone.now)

    objects = InstitutionManager(CareerEventQuerySet)

    class Meta:
        ordering = ["effective_date", "recorded_at", "pk"]
        indexes = [
            # people.selectors.grades_on: the latest event on or before a date, per person.
            models.Index(fields=["person", "effective_date"], name="careerevent_person_date_idx"),
        ]

    def __str__(self):
        return f"{self.person}: {self.get_cause_display()} on {self.effective_date}"


class CelebrationQuerySet(InstitutionQuerySet):
    institution_path = "person__institution"

    def published(self):
        return self.filter(consent=Celebration.Consent.GIVEN)


class Celebration(models.Model):
    """Something worth celebrating in a person's career: one feed for every app.

    Apps propose celebrations through `people.services.propose_celebration` (a prize won, a
    promotion, a registration, an apprenticeship completed, a publication); the person decides
    whether it is published, and can change their mind. `source` names the record that caused
    it ("promotions.Application:42"), so proposing twice makes one celebration.
    """

    class Kind(models.TextChoices):
        PRIZE = "prize", "Prize or award"
        PROMOTION = "promotion", "Promotion"
        REGISTRATION = "registration", "Professional registration"
        APPRENTICESHIP = "apprenticeship", "Apprenticeship completed"
        PUBLICATION = "publication", "Publication or output"
        OTHER = "other", "Other achievement"

    class Consent(models.TextChoices):
        ASKED = "asked", "Waiting for your answer"
        GIVEN = "given", "Published"
        DECLINED = "declined", "Not published"

    person = models.ForeignKey(StaffProfile, on_delete=models.CASCADE, related_name="celebrations")
    kind = models.CharField("kind", max_length=20, choices=Kind.choices)
    title = models.CharField("title", max_length=200, help_text='E.g. "Promoted to Higher Scientific Officer".')
    body = models.TextField("more", blank=True, max_length=2000)
    occurred_on = models.DateField("date")
    source = models.CharField("source", max_length=100, unique=True)
    consent = models.CharField("consent", max_length=10, choices=Consent.choices, default=Consent.ASKED)
    consent_changed_at = models.DateTimeField("consent changed", null=True, blank=True)
    created_at = models.DateTimeField("proposed", default=timezone.now)

    objects = InstitutionManager(CelebrationQuerySet)

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        indexes = [models.Index(fields=["consent", "occurred_on"], name="celebration_published_idx")]

    def __str__(self):
        return f"{self.person}: {self.title}"

    @property
    def published(self) -> bool:
        return self.consent == self.Consent.GIVEN


# --- Importing the staff list -----------------------------------------------------------------


class StaffImport(Job):
    """HR's upload of the staff list, checked row by row, written only when HR confirms.

    One job, two phases, each with its progress bar: the worker checks every row (`stage`
    checking → checked; the rows land in `StaffImportRow`, nothing else is written), HR reads the
    bad rows and confirms, and the worker writes every good row in one transaction (importing →
    imported). Between the two, a checked file waits as long as HR likes.
    """

    class Stage(models.TextChoices):
        CHECKING = "checking", "Checking rows"
        CHECKED = "checked", "Checked, waiting for HR to confirm"
        IMPORTING = "importing", "Writing the good rows"
        IMPORTED = "imported", "Imported"

    FAILED_LABEL = "Could not be imported"

    task_name: ClassVar[str] = "people.tasks.run_staff_import"
    institution_path: ClassVar[str] = "institution"

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    file = models.FileField("file", upload_to="people/imports/")
    original_name = models.CharField("file name", max_length=255)
    stage = models.CharField(
        "stage",
        max_length=10,
        choices=Stage.choices,
        default=Stage.CHECKING,
        help_text="Checked rows wait for HR to confirm; nothing is written before it.",
    )
    total_rows = models.PositiveIntegerField("rows", default=0)
    checked_rows = models.PositiveIntegerField("rows checked", default=0)
    bad_count = models.PositiveIntegerField("rows with problems", default=0)
    new_count = models.PositiveIntegerField("new staff", default=0)
    changed_count = models.PositiveIntegerField("changed records", default=0)
    unchanged_count = models.PositiveIntegerField("unchanged records", default=0)
    invite = models.BooleanField(
        "invite new staff",
        default=False,
        help_text="E-mail each new person an invitation to sign in. Without it the import e-mails nobody.",
    )
    written_rows = models.PositiveIntegerField("rows written", default=0)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    imported_at = models.DateTimeField("imported", null=True, blank=True)

    objects = InstitutionManager(InstitutionQuerySet)

    class Meta(Job.Meta):
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.original_name} ({self.state_label})"

    def get_absolute_url(self):
        return reverse("people:import", args=[self.pk])

    @property
    def is_working(self):
        """A worker is checking or writing: the page keeps polling."""
        return self.stage in (self.Stage.CHECKING, self.Stage.IMPORTING) and self.status != self.Status.FAILED

    @property
    def has_failed(self):
        return self.status == self.Status.FAILED

    @property
    def state_label(self):
        return self.FAILED_LABEL if self.has_failed else self.get_stage_display()

    @property
    def good_count(self):
        return self.total_rows - self.bad_count

    @property
    def percent_done(self):
        if self.stage == self.Stage.IMPORTING:
            return self.progress
        return round(100 * self.checked_rows / self.total_rows) if self.total_rows else 0


class StaffImportRowQuerySet(InstitutionQuerySet):
    institution_path = "batch__institution"

    def bad(self):
        return self.exclude(errors=[])

    def good(self):
        return self.filter(errors=[])


class StaffImportRow(models.Model):
    """One checked row of a staff import: what it says (parsed), what it would do, what is wrong."""

    class Action(models.TextChoices):
        NEW = "new", "New person"
        CHANGE = "change", "Changes the record"
        SAME = "same", "No change"

    batch = models.ForeignKey(StaffImport, on_delete=models.CASCADE, related_name="rows")
    number = models.PositiveIntegerField("row", help_text="The row in the file; the headings are row 1.")
    staff_number = models.CharField("staff number", max_length=30, blank=True)
    data = models.JSONField("row", default=dict, help_text="The row as read, formula cells neutralised.")
    errors = models.JSONField("problems", default=list, blank=True)
    action = models.CharField("action", max_length=6, choices=Action.choices, blank=True)
    profile = models.ForeignKey(
        StaffProfile, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="record"
    )

    objects = InstitutionManager(StaffImportRowQuerySet)

    class Meta:
        ordering = ["batch", "number"]
        constraints = [models.UniqueConstraint(fields=["batch", "number"], name="staffimportrow_unique_number")]

    def __str__(self):
        return f"Row {self.number} of {self.batch_id}"
