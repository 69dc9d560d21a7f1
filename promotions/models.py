"""Promotions (action plan 1H, 2F, 4B): criteria per grade, rounds, the journey, vacancies.

- `CriteriaVersion`: what a grade asks of someone promoted into it, with the qualification rule
  ("a PhD or equivalent") and the equivalents it accepts, spelled out. A change is a new version;
  the newest published version of a grade is the one in force.
- `Round`: a promotion round (usually twice a year) with its dates, the criteria versions in force
  when it was set up, and the workshop on the criteria (a session in the programmes app).
- `Application`: one person's journey through a round, from the intention to apply (before the
  window) to the panel's outcome; a promotion's grade change reaches career history on its
  effective date through `people.services.staff_record_change`.
- `ManagerNotice`: when a line manager was told that a round their staff may apply to opened (4B).
- `Declaration`: the person's own highest qualification and prior experience (the portal has no
  other place for them), and whether they want to hear of rounds ahead.
- `Vacancy`: a technical vacancy's job description, whether it asks for a degree and why (1H).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from core.tenancy import InstitutionManager, InstitutionQuerySet
from core.workflow import NEW, Move, TransitionRecord, Workflow


class Qualification(models.TextChoices):
    """Highest qualifications, lowest first (the order is the ranking `equivalence` uses)."""

    NONE = "none", "No formal qualification"
    SCHOOL = "school", "GCSEs, A levels or equivalent"
    VOCATIONAL = "vocational", "Vocational qualification (e.g. HNC, HND, apprenticeship)"
    DEGREE = "degree", "Bachelor's degree"
    MASTERS = "masters", "Master's degree"
    PHD = "phd", "PhD or other doctorate"


class QualificationAsked(models.TextChoices):
    NOTHING = "nothing", "No qualification asked"
    DEGREE = "degree", "A degree or equivalent"
    PHD = "phd", "A PhD or equivalent"


# --- Criteria ----------------------------------------------------------------------------------


class CriteriaVersionQuerySet(InstitutionQuerySet):
    institution_path = "institution"


class CriteriaVersion(models.Model):
    """One version of the promotion criteria for one target grade."""

    institution = models.ForeignKey(
        "people.Institution", on_delete=models.CASCADE, related_name="promotion_criteria", verbose_name="institution"
    )
    target_grade = models.ForeignKey(
        "people.Grade",
        on_delete=models.PROTECT,
        related_name="promotion_criteria",
        verbose_name="grade promoted to",
        help_text="The grade these criteria are for; people one level below it in the same job family may apply.",
    )
    version = models.PositiveSmallIntegerField("version", help_text="1 for the first criteria of this grade.")
    expectations = models.TextField(
        "what the grade asks",
        max_length=5000,
        help_text="What someone promoted to this grade is expected to show, e.g. 'leads a technique independently "
        "and trains others in it'.",
    )
    qualification_asked = models.CharField(
        "qualification asked",
        max_length=10,
        choices=QualificationAsked.choices,
        default=QualificationAsked.NOTHING,
        help_text="The qualification the grade asks for; the equivalents below count in its place.",
    )
    equivalent_years = models.PositiveSmallIntegerField(
        "years of relevant experience accepted instead",
        null=True,
        blank=True,
        validators=[MaxValueValidator(40)],
        help_text="Leave empty if experience alone does not count as equivalent.",
    )
    equivalent_registrations = models.CharField(
        "professional registrations accepted instead",
        max_length=200,
        blank=True,
        help_text="Register codes separated by commas, e.g. 'RSci, CSci, IEng, CEng'. Leave empty if none count.",
    )
    equivalent_programmes = models.CharField(
        "completed programmes accepted instead",
        max_length=300,
        blank=True,
        help_text="Programme names separated by commas, e.g. 'Ignite'. Leave empty if none count.",
    )
    change_note = models.CharField(
        "what changed",
        max_length=300,
        blank=True,
        help_text="For staff reading the history, e.g. 'RSci now accepted as equivalent to a PhD'.",
    )
    published_on = models.DateField("published on")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = InstitutionManager(CriteriaVersionQuerySet)

    class Meta:
        ordering = ["target_grade__job_family__name", "target_grade__level", "-version"]
        verbose_name = "promotion criteria version"
        constraints = [
            models.UniqueConstraint(fields=["target_grade", "version"], name="criteriaversion_unique_version"),
            models.CheckConstraint(condition=Q(version__gte=1), name="criteriaversion_version_from_1"),
        ]

    def __str__(self):
        return f"{self.target_grade.short_name} criteria, version {self.version}"

    def get_absolute_url(self):
        return reverse("promotions:criteria_version", args=[self.pk])

    @staticmethod
    def _split(text):
        return tuple(part.strip() for part in text.split(",") if part.strip())

    @property
    def registration_codes(self):
        return self._split(self.equivalent_registrations)

    @property
    def programme_names(self):
        return self._split(self.equivalent_programmes)


# --- Rounds ------------------------------------------------------------------------------------


class RoundQuerySet(InstitutionQuerySet):
    institution_path = "institution"


class Round(models.Model):
    """A promotion round: its dates, criteria in force and the workshop on them."""

    institution = models.ForeignKey(
        "people.Institution", on_delete=models.CASCADE, related_name="promotion_rounds", verbose_name="institution"
    )
    name = models.CharField("name", max_length=100, help_text="e.g. 'Spring 2026'.")
    opens_on = models.DateField(
        "round opens",
        help_text="Staff may say they intend to apply from this day, and their line managers are told.",
    )
    mentoring_from = models.DateField(
        "mentoring from", help_text="Promotion mentors are matched from this day, well before submissions open."
    )
    submissions_open_on = models.DateField("submissions open")
    submissions_close_on = models.DateField("submissions close", help_text="The last day to submit.")
    panel_on = models.DateField("panel meets")
    outcomes_on = models.DateField("outcomes by", help_text="Applicants hear the outcome by this day.")
    criteria = models.ManyToManyField(
        CriteriaVersion,
        related_name="rounds",
        blank=True,
        verbose_name="criteria in force",
        help_text="The criteria versions in force when the round was set up.",
    )
    workshop = models.ForeignKey(
        "programmes.Session",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="workshop on the criteria",
        help_text="A session in the programmes app where the criteria are explained.",
    )
    summary_published_at = models.DateTimeField(
        "summary published", null=True, blank=True, help_text="When HR published the round's promotions summary."
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    objects = InstitutionManager(RoundQuerySet)

    class Meta:
        ordering = ["-opens_on", "-pk"]
        verbose_name = "promotion round"
        constraints = [
            models.CheckConstraint(
                condition=Q(mentoring_from__gte=F("opens_on"))
                & Q(submissions_open_on__gte=F("mentoring_from"))
                & Q(submissions_close_on__gte=F("submissions_open_on"))
                & Q(panel_on__gte=F("submissions_close_on"))
                & Q(outcomes_on__gte=F("panel_on")),
                name="round_dates_in_order",
            ),
        ]
        indexes = [
            # promotions.tasks.send_daily: rounds opening soon, and rounds open now.
            models.Index(fields=["opens_on"], name="round_opens_on_idx"),
            # promotions.tasks.send_daily: submission deadlines in 7 days.
            models.Index(fields=["submissions_close_on"], name="round_closes_on_idx"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("promotions:round", args=[self.pk])

    def takes_intentions_on(self, day):
        return self.opens_on <= day <= self.submissions_close_on

    def takes_submissions_on(self, day):
        return self.submissions_open_on <= day <= self.submissions_close_on


class ManagerNoticeQuerySet(InstitutionQuerySet):
    institution_path = "round__institution"


class ManagerNotice(models.Model):
    """When a line manager was told that a round their staff may apply to had opened (4B)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="manager_notices")
    manager = models.ForeignKey("people.StaffProfile", on_delete=models.CASCADE, related_name="+")
    notified_at = models.DateTimeField("notified")

    objects = InstitutionManager(ManagerNoticeQuerySet)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "manager"], name="promotionnotice_once_per_round_manager"),
        ]

    def __str__(self):
        return f"{self.manager} told of {self.round}"


# --- The journey -------------------------------------------------------------------------------


class ApplicationQuerySet(InstitutionQuerySet):
    institution_path = "round__institution"

    def with_people(self):
        return self.select_related(
            "applicant__user",
            "applicant__grade",
            "applicant__job_family",
            "applicant__line_manager__user",
            "target_grade",
            "new_grade",
            "round",
            "criteria",
        )


SELF_ONLY = "Only the applicant can do this."


class Application(models.Model):
    """One person's way through one round: intention, supporting statement, submission, outcome."""

    class State(models.TextChoices):
        INTENDED = "intended", "Intends to apply"
        SUBMITTED = "submitted", "Submitted"
        PROMOTED = "promoted", "Promoted"
        NOT_PROMOTED = "not_promoted", "Not this time"
        WITHDRAWN = "withdrawn", "Withdrawn"

    workflow = Workflow(
        Move(NEW, State.INTENDED, perm="promotions.state_intention", refusal="You can only apply for yourself."),
        Move(State.INTENDED, State.SUBMITTED, perm="promotions.submit", refusal=SELF_ONLY),
        Move(State.INTENDED, State.WITHDRAWN, perm="promotions.withdraw", refusal=SELF_ONLY),
        Move(State.SUBMITTED, State.WITHDRAWN, perm="promotions.withdraw", refusal=SELF_ONLY),
        Move(State.SUBMITTED, State.PROMOTED, perm="promotions.decide", refusal="Only the panel records outcomes."),
        Move(State.SUBMITTED, State.NOT_PROMOTED, perm="promotions.decide", refusal="Only the panel records outcomes."),
    )
    DECIDED = (State.PROMOTED, State.NOT_PROMOTED)

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="applications", verbose_name="round")
    applicant = models.ForeignKey(
        "people.StaffProfile", on_delete=models.CASCADE, related_name="promotion_applications", verbose_name="applicant"
    )
    target_grade = models.ForeignKey(
        "people.Grade", on_delete=models.PROTECT, related_name="+", verbose_name="grade applied for"
    )
    criteria = models.ForeignKey(
        CriteriaVersion, on_delete=models.PROTECT, related_name="applications", verbose_name="criteria"
    )
    state = models.CharField("state", max_length=20, choices=State.choices, default=State.INTENDED)
    intended_at = models.DateTimeField("intention stated")
    statement = models.TextField(
        "your statement",
        max_length=8000,
        blank=True,
        help_text="How you meet what the grade asks, with examples.",
    )
    evidence = models.TextField(
        "evidence from your records",
        blank=True,
        help_text="Taken from your records when you submit: qualification, experience, registrations, programmes.",
    )
    submitted_at = models.DateTimeField("submitted", null=True, blank=True)
    manager_statement = models.TextField(
        "supporting statement",
        max_length=5000,
        blank=True,
        help_text="The line manager's support for the application.",
    )
    manager_statement_by = models.ForeignKey(
        "people.StaffProfile", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    manager_statement_at = models.DateTimeField("supporting statement added", null=True, blank=True)
    new_grade = models.ForeignKey(
        "people.Grade", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="new grade"
    )
    effective_date = models.DateField(
        "effective date", null=True, blank=True, help_text="The day the new grade takes effect."
    )
    feedback = models.TextField(
        "feedback", max_length=5000, blank=True, help_text="What the panel tells the applicant."
    )
    decided_at = models.DateTimeField("outcome recorded", null=True, blank=True)
    grade_changed_at = models.DateTimeField(
        "grade changed in career history",
        null=True,
        blank=True,
        help_text="Set once, when the daily job writes the new grade into career history.",
    )

    objects = InstitutionManager(ApplicationQuerySet)

    class Meta:
        ordering = ["applicant__user__last_name", "applicant__user__first_name", "pk"]
        verbose_name = "promotion application"
        constraints = [
            models.UniqueConstraint(fields=["round", "applicant"], name="promotionapplication_once_per_round"),
            models.CheckConstraint(
                condition=~Q(state="promoted") | Q(new_grade__isnull=False, effective_date__isnull=False),
                name="promotionapplication_promoted_has_grade_and_date",
            ),
        ]
        indexes = [
            # promotions.tasks.apply_due_promotions: promoted, not yet in career history, by effective date.
            models.Index(
                fields=["effective_date"],
                condition=Q(state="promoted", grade_changed_at__isnull=True),
                name="promotion_grade_due_idx",
            ),
            # promotions.tasks.send_daily: supporting statements waiting.
            models.Index(
                fields=["intended_at"],
                condition=Q(state__in=["intended", "submitted"], manager_statement=""),
                name="promotion_support_waiting_idx",
            ),
        ]

    def __str__(self):
        return f"{self.applicant} for {self.target_grade.short_name} ({self.round})"

    def get_absolute_url(self):
        return reverse("promotions:application", args=[self.pk])

    @property
    def is_open(self):
        return self.state in (self.State.INTENDED, self.State.SUBMITTED)


class ApplicationTransitionQuerySet(InstitutionQuerySet):
    institution_path = "application__round__institution"


class ApplicationTransition(TransitionRecord):
    """One move of an application: intention, submission, withdrawal, outcome."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="transitions")

    objects = InstitutionManager(ApplicationTransitionQuerySet)

    class Meta(TransitionRecord.Meta):
        verbose_name = "promotion application transition"


# --- The person's own declaration --------------------------------------------------------------


class DeclarationQuerySet(InstitutionQuerySet):
    institution_path = "person__institution"


class Declaration(models.Model):
    """What the person tells the portal about themselves for promotion: nothing else records it."""

    person = models.OneToOneField(
        "people.StaffProfile", on_delete=models.CASCADE, related_name="promotion_declaration", verbose_name="person"
    )
    highest_qualification = models.CharField(
        "highest qualification",
        max_length=12,
        choices=Qualification.choices,
        default=Qualification.NONE,
        help_text="The highest qualification you hold.",
    )
    qualification_subject = models.CharField(
        "subject", max_length=200, blank=True, help_text="e.g. 'Biochemistry'. Leave empty if none."
    )
    prior_experience_years = models.PositiveSmallIntegerField(
        "years of relevant experience before you joined",
        default=0,
        validators=[MaxValueValidator(50)],
        help_text="Whole years of technical or scientific work elsewhere; your time here comes from your record.",
    )
    alert_me_of_rounds = models.BooleanField(
        "tell me before a round opens",
        default=False,
        help_text="A message two weeks before each promotion round opens (your line manager hears too).",
    )
    updated_at = models.DateTimeField("last changed", auto_now=True)

    objects = InstitutionManager(DeclarationQuerySet)

    class Meta:
        verbose_name = "promotion declaration"

    def __str__(self):
        return f"{self.person}: {self.get_highest_qualification_display()}"


# --- Recruitment degree check (1H) -------------------------------------------------------------


class DegreeReason(models.TextChoices):
    """The checklist: the reasons a technical job description may ask for a degree."""

    REGULATED = "regulated", "A regulator, licence or professional body requires it"
    THEORY = "theory", "The role needs degree-level theory that cannot be learnt on the job in reasonable time"
    TEACHING = "teaching", "The role teaches or assesses degree-level students"
    FUNDER = "funder", "A funder's or partner's condition requires it"


class VacancyQuerySet(InstitutionQuerySet):
    institution_path = "institution"


class Vacancy(models.Model):
    """A technical vacancy's job description, as far as the degree check needs it."""

    institution = models.ForeignKey(
        "people.Institution", on_delete=models.CASCADE, related_name="vacancies", verbose_name="institution"
    )
    title = models.CharField("job title", max_length=200)
    reference = models.CharField("vacancy reference", max_length=50, blank=True)
    grade = models.ForeignKey("people.Grade", on_delete=models.PROTECT, related_name="+", verbose_name="grade")
    degree_asked = models.BooleanField(
        "the job description asks for a degree", default=False, help_text="Tick if a degree (or higher) is required."
    )
    degree_reason = models.CharField(
        "why a degree is needed",
        max_length=12,
        choices=DegreeReason.choices,
        blank=True,
        help_text="From the checklist. Leave empty if no reason applies: the report counts it as unjustified.",
    )
    reason_note = models.CharField(
        "more about the reason", max_length=300, blank=True, help_text="e.g. the regulation or funder named."
    )
    recorded_on = models.DateField("recorded on")
    recorded_by = models.ForeignKey(
        "people.StaffProfile", on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="recorded by"
    )

    objects = InstitutionManager(VacancyQuerySet)

    class Meta:
        ordering = ["-recorded_on", "-pk"]
        verbose_name_plural = "vacancies"
        constraints = [
            models.CheckConstraint(
                condition=Q(degree_asked=True) | Q(degree_reason=""), name="vacancy_reason_only_with_degree"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def unjustified(self):
        return self.degree_asked and not self.degree_reason
