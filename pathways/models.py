"""Career pathways, capability frameworks, self-assessments and personal development plans (issue 21).

- `Pathway`: an institution's published ladder for one job family; its `PathwayStep`s are tied to
  the family's grades (compared by `level`), its `SideRoute`s lead off a grade into another line
  of work. Every saved change makes a `PathwayVersion` (a snapshot of the whole pathway).
- `Framework` / `FrameworkVersion`: a capability framework loaded from a file (`frameworks.py`
  reads it); its `Band`s map to grades by level, its `Capability`s have an `Indicator` per band.
  Loading the same file again changes nothing; a changed file is a new version.
- `SelfAssessment` and its `Rating`s: a person rates themselves against a framework version; the
  line manager agrees or asks to discuss each rating (the workflow helper records both moves).
- `Plan` and its `Goal`s: the personal development plan for a year, agreed by the line manager,
  with progress marked through the year.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from core.tenancy import InstitutionManager, InstitutionQuerySet
from core.workflow import NEW, Move, TransitionRecord, Workflow

SELF_ONLY = "Only the person themselves can change their own self-assessment or plan."
MANAGER_ONLY = "Only the person's line manager can review this."


# --- Pathways ----------------------------------------------------------------------------------


class PathwayQuerySet(InstitutionQuerySet):
    institution_path = "institution"


class Pathway(models.Model):
    institution = models.ForeignKey(
        "people.Institution", on_delete=models.CASCADE, related_name="pathways", verbose_name="institution"
    )
    job_family = models.OneToOneField(
        "people.JobFamily",
        on_delete=models.CASCADE,
        related_name="pathway",
        verbose_name="job family",
        help_text="The job family whose grade ladder this pathway describes.",
    )
    title = models.CharField("title", max_length=150, help_text="e.g. 'Scientific Officer career pathway'.")
    introduction = models.TextField(
        "introduction", max_length=3000, blank=True, help_text="Who the pathway is for and how people move along it."
    )
    published = models.BooleanField(
        "published", default=False, help_text="Published pathways are shown on the public pathway page."
    )
    version = models.PositiveIntegerField("version", default=1, help_text="Goes up with every saved change.")
    updated_on = models.DateField("last changed", auto_now=True)

    objects = InstitutionManager(PathwayQuerySet)

    class Meta:
        ordering = ["job_family__name"]

    def __str__(self):
        return self.title


class PathwayStepQuerySet(InstitutionQuerySet):
    institution_path = "pathway__institution"


class PathwayStep(models.Model):
    """What one grade of the ladder is and asks."""

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="steps", verbose_name="pathway")
    grade = models.ForeignKey(
        "people.Grade", on_delete=models.CASCADE, related_name="pathway_steps", verbose_name="grade"
    )
    role_summary = models.TextField(
        "what the role is", max_length=2000, help_text="The role at this grade, in two or three sentences."
    )
    asks = models.TextField(
        "what the step asks",
        max_length=2000,
        blank=True,
        help_text="What someone moving into this grade shows, beyond the promotion criteria.",
    )
    programmes = models.CharField(
        "programmes that suit it",
        max_length=300,
        blank=True,
        help_text="Programme names separated by commas, e.g. 'Ignite'.",
    )
    registration_fit = models.CharField(
        "registration that fits",
        max_length=100,
        blank=True,
        help_text="Register codes separated by commas, e.g. 'RSci, IEng'.",
    )
    minimum_days = models.DecimalField(
        "minimum development days a year",
        max_digits=4,
        decimal_places=1,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(60)],
        help_text="The development expected at this grade each year.",
    )

    objects = InstitutionManager(PathwayStepQuerySet)

    class Meta:
        ordering = ["grade__level"]
        constraints = [models.UniqueConstraint(fields=["pathway", "grade"], name="pathwaystep_one_per_grade")]

    def __str__(self):
        return f"{self.pathway}: {self.grade.short_name}"

    @staticmethod
    def _split(text):
        return [part.strip() for part in text.split(",") if part.strip()]

    @property
    def programme_names(self):
        return self._split(self.programmes)

    @property
    def registration_codes(self):
        return self._split(self.registration_fit)


class SideRouteQuerySet(InstitutionQuerySet):
    institution_path = "pathway__institution"


class SideRoute(models.Model):
    """A route off the ladder: into core facility management, research management, ..."""

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="side_routes", verbose_name="pathway")
    from_grade = models.ForeignKey(
        "people.Grade",
        on_delete=models.CASCADE,
        related_name="side_routes",
        verbose_name="from grade",
        help_text="The grade from which people usually take this route.",
    )
    title = models.CharField("route", max_length=120, help_text="e.g. 'Core facility management'.")
    description = models.TextField("what it involves", max_length=2000, help_text="Where it leads and how.")

    objects = InstitutionManager(SideRouteQuerySet)

    class Meta:
        ordering = ["from_grade__level", "title"]
        constraints = [
            models.UniqueConstraint(fields=["pathway", "from_grade", "title"], name="sideroute_unique_title")
        ]

    def __str__(self):
        return self.title


class PathwayVersionQuerySet(InstitutionQuerySet):
    institution_path = "pathway__institution"


class PathwayVersion(models.Model):
    """The whole pathway as it was after one saved change (the history staff can read)."""

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("version")
    snapshot = models.JSONField("pathway as saved")
    note = models.CharField("what changed", max_length=300)
    saved_at = models.DateTimeField("saved at")
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    objects = InstitutionManager(PathwayVersionQuerySet)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["pathway", "number"], name="pathwayversion_unique_number")]

    def __str__(self):
        return f"{self.pathway}, version {self.number}"


# --- Capability frameworks ---------------------------------------------------------------------


class FrameworkQuerySet(InstitutionQuerySet):
    institution_path = "institution"


class Framework(models.Model):
    institution = models.ForeignKey(
        "people.Institution", on_delete=models.CASCADE, related_name="capability_frameworks"
    )
    name = models.CharField("name", max_length=150, help_text="The framework's name, as the file gives it.")

    objects = InstitutionManager(FrameworkQuerySet)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["institution", "name"], name="framework_unique_name")]

    def __str__(self):
        return self.name


class FrameworkVersionQuerySet(InstitutionQuerySet):
    institution_path = "framework__institution"


class FrameworkVersion(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("version")
    description = models.TextField("description", blank=True)
    checksum = models.CharField("checksum", max_length=64, help_text="SHA-256 of the loaded content.")
    file_name = models.CharField("file", max_length=200)
    loaded_at = models.DateTimeField("loaded at")
    loaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    objects = InstitutionManager(FrameworkVersionQuerySet)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["framework", "number"], name="frameworkversion_unique_number")]

    def __str__(self):
        return f"{self.framework}, version {self.number}"


class BandQuerySet(InstitutionQuerySet):
    institution_path = "version__framework__institution"


class Band(models.Model):
    """A band of the framework, mapped to the institution's grades of the same `level`."""

    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="bands")
    level = models.PositiveSmallIntegerField("grade level")
    name = models.CharField("band", max_length=80)

    objects = InstitutionManager(BandQuerySet)

    class Meta:
        ordering = ["level"]
        constraints = [models.UniqueConstraint(fields=["version", "level"], name="band_unique_level")]

    def __str__(self):
        return self.name


class CapabilityQuerySet(InstitutionQuerySet):
    institution_path = "version__framework__institution"


class Capability(models.Model):
    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="capabilities")
    code = models.CharField("code", max_length=20)
    name = models.CharField("capability", max_length=120)
    description = models.TextField("what it covers", blank=True)
    development = models.CharField(
        "development that builds it",
        max_length=300,
        blank=True,
        help_text="Programme names, or kinds of development, separated by commas.",
    )

    objects = InstitutionManager(CapabilityQuerySet)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="capability_unique_code")]
        verbose_name_plural = "capabilities"

    def __str__(self):
        return self.name


class IndicatorQuerySet(InstitutionQuerySet):
    institution_path = "capability__version__framework__institution"


class Indicator(models.Model):
    capability = models.ForeignKey(Capability, on_delete=models.CASCADE, related_name="indicators")
    level = models.PositiveSmallIntegerField("grade level")
    text = models.TextField("indicator")

    objects = InstitutionManager(IndicatorQuerySet)

    class Meta:
        ordering = ["level"]
        constraints = [models.UniqueConstraint(fields=["capability", "level"], name="indicator_unique_level")]

    def __str__(self):
        return f"{self.capability.code} at level {self.level}"


# --- Self-assessment ---------------------------------------------------------------------------


class SelfAssessmentQuerySet(InstitutionQuerySet):
    institution_path = "person__institution"


class SelfAssessment(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "With the line manager"
        REVIEWED = "reviewed", "Reviewed"

    person = models.ForeignKey("people.StaffProfile", on_delete=models.CASCADE, related_name="self_assessments")
    version = models.ForeignKey(FrameworkVersion, on_delete=models.PROTECT, related_name="assessments")
    state = models.CharField("state", max_length=20, choices=State.choices, default=State.DRAFT)
    started_on = models.DateField("started on", auto_now_add=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    reviewed_at = models.DateTimeField("reviewed at", null=True, blank=True)

    objects = InstitutionManager(SelfAssessmentQuerySet)

    workflow = Workflow(
        Move(NEW, State.DRAFT, perm="pathways.assess_self", refusal=SELF_ONLY),
        Move(State.DRAFT, State.SUBMITTED, perm="pathways.assess_self", refusal=SELF_ONLY),
        Move(State.SUBMITTED, State.REVIEWED, perm="pathways.review", refusal=MANAGER_ONLY),
        Move(State.SUBMITTED, State.DRAFT, perm="pathways.review", refusal=MANAGER_ONLY),
        Move(State.REVIEWED, State.DRAFT, perm="pathways.assess_self", refusal=SELF_ONLY),
    )

    class Meta:
        ordering = ["-pk"]
        verbose_name = "capability self-assessment"

    def __str__(self):
        return f"{self.person}'s self-assessment"


class AssessmentTransitionQuerySet(InstitutionQuerySet):
    institution_path = "assessment__person__institution"


class AssessmentTransition(TransitionRecord):
    assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="transitions")

    objects = InstitutionManager(AssessmentTransitionQuerySet)


class RatingQuerySet(InstitutionQuerySet):
    institution_path = "assessment__person__institution"


class Rating(models.Model):
    class View(models.TextChoices):
        AGREE = "agree", "Agreed"
        DISCUSS = "discuss", "To discuss"

    assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="ratings")
    capability = models.ForeignKey(Capability, on_delete=models.PROTECT, related_name="ratings")
    level = models.PositiveSmallIntegerField(
        "my level", help_text="The band whose indicator describes what you do now."
    )
    evidence = models.TextField(
        "evidence", max_length=2000, blank=True, help_text="What shows it: training, outputs, registration, programmes."
    )
    cited = models.JSONField(
        "records cited",
        default=list,
        blank=True,
        help_text="Records from the person's own (training, registration, programmes completed), as they were "
        "named when cited, so the line manager reads what was meant even if a record changes later.",
    )
    manager_view = models.CharField("line manager", max_length=10, choices=View.choices, blank=True)
    manager_note = models.CharField("line manager's note", max_length=500, blank=True)

    objects = InstitutionManager(RatingQuerySet)

    class Meta:
        ordering = ["capability_id"]
        constraints = [models.UniqueConstraint(fields=["assessment", "capability"], name="rating_one_per_capability")]

    def __str__(self):
        return f"{self.capability.code}: {self.level}"


# --- Personal development plan -----------------------------------------------------------------


class PlanQuerySet(InstitutionQuerySet):
    institution_path = "person__institution"


class Plan(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "With the line manager"
        AGREED = "agreed", "Agreed"

    person = models.ForeignKey("people.StaffProfile", on_delete=models.CASCADE, related_name="development_plans")
    year = models.PositiveSmallIntegerField("year", help_text="The calendar year the plan covers.")
    state = models.CharField("state", max_length=20, choices=State.choices, default=State.DRAFT)
    agreed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    agreed_at = models.DateTimeField("agreed at", null=True, blank=True)

    objects = InstitutionManager(PlanQuerySet)

    workflow = Workflow(
        Move(NEW, State.DRAFT, perm="pathways.plan_own", refusal=SELF_ONLY),
        Move(State.DRAFT, State.SUBMITTED, perm="pathways.plan_own", refusal=SELF_ONLY),
        Move(State.SUBMITTED, State.AGREED, perm="pathways.review", refusal=MANAGER_ONLY),
        Move(State.SUBMITTED, State.DRAFT, perm="pathways.review", refusal=MANAGER_ONLY),
        Move(State.AGREED, State.DRAFT, perm="pathways.plan_own", refusal=SELF_ONLY),
    )

    class Meta:
        ordering = ["-year"]
        verbose_name = "personal development plan"
        constraints = [models.UniqueConstraint(fields=["person", "year"], name="plan_one_per_year")]

    def __str__(self):
        return f"{self.person}'s development plan for {self.year}"


class PlanTransitionQuerySet(InstitutionQuerySet):
    institution_path = "plan__person__institution"


class PlanTransition(TransitionRecord):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="transitions")

    objects = InstitutionManager(PlanTransitionQuerySet)


class GoalQuerySet(InstitutionQuerySet):
    institution_path = "plan__person__institution"


class Goal(models.Model):
    class Link(models.TextChoices):
        NONE = "", "Nothing in particular"
        CAPABILITY = "capability", "A capability gap"
        PROGRAMME = "programme", "A programme"
        DEVELOPMENT = "development", "A development request"
        REGISTRATION = "registration", "Professional registration"
        PROMOTION = "promotion", "A promotion round"
        MENTORING = "mentoring", "Mentoring"

    class Progress(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        UNDER_WAY = "under_way", "Under way"
        DONE = "done", "Done"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField("goal", max_length=200, help_text="What you will do or reach this year.")
    link = models.CharField(
        "linked to", max_length=20, choices=Link.choices, blank=True, help_text="What in the portal this goal serves."
    )
    capability = models.ForeignKey(
        Capability,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="goals",
        verbose_name="capability",
        help_text="The capability gap it closes, when linked to one.",
    )
    reference = models.CharField(
        "which one",
        max_length=40,
        blank=True,
        help_text="The programme, request, journey, round or mentoring relationship it serves, e.g. 'programme:12'.",
    )
    reference_label = models.CharField("its name", max_length=200, blank=True)
    due_on = models.DateField("by", null=True, blank=True, help_text="When you aim to have it done.")
    progress = models.CharField("progress", max_length=20, choices=Progress.choices, default=Progress.NOT_STARTED)
    progress_note = models.CharField(
        "progress note", max_length=500, blank=True, help_text="Where it stands, in a sentence."
    )
    progress_on = models.DateField("progress marked on", null=True, blank=True)

    objects = InstitutionManager(GoalQuerySet)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(link="capability") | Q(capability__isnull=False), name="goal_capability_when_linked"
            )
        ]

    def __str__(self):
        return self.title

    def get_reference_url(self):
        """The page of the thing the goal serves (no query), or ''."""
        kind, _, pk = self.reference.partition(":")
        name = REFERENCE_PAGES.get(kind)
        return reverse(name, args=[int(pk)]) if name and pk.isdigit() else ""


# The page each kind of goal reference opens (the other apps' own pages, by URL name).
REFERENCE_PAGES = {
    "programme": "programmes:programme",
    "development": "development:request",
    "registration": "registration:journey",
    "promotion": "promotions:round",
    "mentoring": "mentoring:relationship",
}
