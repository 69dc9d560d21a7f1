"""Professional registration (3A-3C): registers, journeys towards them, CPD and the programme.

- `Register` is sector data (the Science Council's RSciTech, RSci, CSci; the Engineering
  Council's EngTech, IEng, CEng; others added in the admin), with its fees by year. It belongs
  to no institution: every institution's staff apply to the same registers.
- A `Journey` is one person's way to one register, from interest to registered (or
  unsuccessful, with the feedback), moved only through `core.workflow.transition`.
- `CompetenceStatement`s are the person's answers to the register's competence areas, each
  citing their own training records (development app) as evidence.
- `CpdDeclaration` is a registered person's annual CPD declaration (normally by 31 December),
  with the statements the registers' CPD standards ask for beyond the activities themselves.
- `ProgrammeSettings` names, per institution, the programmes-app programme that is the
  Professional Registration Programme (a cohort a year; its sessions are the workshops) and
  the one that is its annual event.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from core.tenancy import InstitutionManager, InstitutionQuerySet
from core.workflow import NEW, Move, TransitionRecord, Workflow


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class Council(models.TextChoices):
    SCIENCE = "science", "Science Council"
    ENGINEERING = "engineering", "Engineering Council"
    OTHER = "other", "Other professional body"


class Register(models.Model):
    """A professional register a technician can join, e.g. RSciTech of the Science Council."""

    code = models.CharField("code", max_length=20, unique=True, help_text="The post-nominal, e.g. RSciTech.")
    name = models.CharField("name", max_length=120, help_text="e.g. Registered Science Technician.")
    council = models.CharField(
        "council",
        max_length=20,
        choices=Council.choices,
        help_text="Whose register it is; it decides which CPD standard registrants are checked against.",
    )
    level = models.PositiveSmallIntegerField(
        "level",
        validators=[MinValueValidator(1), MaxValueValidator(9)],
        help_text="Order within the council's registers: 1 for the first step (RSciTech, EngTech), 3 for CSci, CEng.",
    )
    licensed_bodies = models.TextField(
        "licensed bodies",
        help_text="The professional bodies licensed to register people, one per line, e.g. Royal Society of Biology.",
    )
    requirements = models.TextField(
        "requirements in brief", help_text="Who it is for and what an applicant must show, in a few sentences."
    )
    competence_areas = models.TextField(
        "competence areas",
        help_text="The register's competence areas, one per line; applicants write a statement for each.",
    )
    url = models.URLField("more information", blank=True, help_text="The council's page about this register.")

    class Meta:
        ordering = ["council", "level", "code"]

    def __str__(self):
        return f"{self.code} ({self.name})"

    @property
    def licensed_body_list(self) -> list[str]:
        return _lines(self.licensed_bodies)

    @property
    def competence_area_list(self) -> list[str]:
        return _lines(self.competence_areas)


class RegisterFee(models.Model):
    """What a register costs in one year: the application fee and the annual registration fee."""

    register = models.ForeignKey(Register, on_delete=models.CASCADE, related_name="fees", verbose_name="register")
    year = models.PositiveSmallIntegerField(
        "year", validators=[MinValueValidator(2000), MaxValueValidator(2100)], help_text="The year the fees apply to."
    )
    application_fee = models.DecimalField(
        "application fee (£)", max_digits=7, decimal_places=2, help_text="Paid once, with the application."
    )
    annual_fee = models.DecimalField(
        "annual fee (£)",
        max_digits=7,
        decimal_places=2,
        help_text="The council's annual registration fee (the licensed body's membership is on top).",
    )

    class Meta:
        ordering = ["register", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["register", "year"], name="registerfee_once_per_year"),
            models.CheckConstraint(
                condition=Q(application_fee__gte=0) & Q(annual_fee__gte=0), name="registerfee_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.register.code} fees {self.year}"


class ProgrammeSettings(models.Model):
    """Which programmes carry the institution's Professional Registration Programme."""

    institution = models.OneToOneField(
        "people.Institution", on_delete=models.CASCADE, related_name="registration_settings"
    )
    programme = models.ForeignKey(
        "programmes.Programme",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="registration programme",
        help_text="A cohort a year; its sessions are the cohort workshops.",
    )
    annual_event = models.ForeignKey(
        "programmes.Programme",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="annual event",
        help_text="The programme whose sessions are the yearly professional registration event.",
    )
    funders = models.CharField(
        "funded by",
        max_length=300,
        blank=True,
        help_text="e.g. the Scientific Officer Association and a Wellcome grant.",
    )

    objects = InstitutionManager()

    class Meta:
        verbose_name = "registration programme settings"
        verbose_name_plural = "registration programme settings"

    def __str__(self):
        return f"Registration programme of {self.institution}"


class Payer(models.TextChoices):
    PROGRAMME = "programme", "The registration programme"
    ASSOCIATION = "association", "The Scientific Officer Association"
    GRANT = "grant", "A grant that includes membership fees"
    EMPLOYER = "employer", "The institution (another budget)"
    PERSON = "person", "The person themselves"


class JourneyQuerySet(InstitutionQuerySet):
    def with_people(self):
        return self.select_related(
            "person__user",
            "person__job_family",
            "person__grade",
            "register",
            "mentor__user",
            "supporter__user",
        )


OWN_ONLY = "Only the person on the journey can do this."
RECORD_ONLY = "Only the person on the journey or a programme manager can record this."


class Journey(models.Model):
    """One person's way to one register."""

    class State(models.TextChoices):
        INTERESTED = "interested", "Interested"
        MENTOR_FOUND = "mentor_found", "Mentor found"
        PREPARING = "preparing", "Preparing"
        SUPPORTER_NAMED = "supporter_named", "Supporter named"
        SUBMITTED = "submitted", "Submitted"
        REGISTERED = "registered", "Registered"
        UNSUCCESSFUL = "unsuccessful", "Unsuccessful"
        WITHDRAWN = "withdrawn", "Withdrawn"

    OPEN_STATES = (State.INTERESTED, State.MENTOR_FOUND, State.PREPARING, State.SUPPORTER_NAMED, State.SUBMITTED)
    # 3C: "pursuing" registration means past the first expression of interest.
    PURSUING_STATES = (
        State.MENTOR_FOUND,
        State.PREPARING,
        State.SUPPORTER_NAMED,
        State.SUBMITTED,
        State.REGISTERED,
        State.UNSUCCESSFUL,
    )

    workflow = Workflow(
        Move(NEW, State.INTERESTED, perm="registration.start_journey", refusal="You can start a journey for yourself."),
        Move(State.INTERESTED, State.MENTOR_FOUND, perm="registration.record_progress", refusal=RECORD_ONLY),
        Move(State.INTERESTED, State.PREPARING, perm="registration.record_progress", refusal=RECORD_ONLY),
        Move(State.MENTOR_FOUND, State.PREPARING, perm="registration.record_progress", refusal=RECORD_ONLY),
        Move(State.PREPARING, State.SUPPORTER_NAMED, perm="registration.change_own_journey", refusal=OWN_ONLY),
        Move(State.SUPPORTER_NAMED, State.SUBMITTED, perm="registration.change_own_journey", refusal=OWN_ONLY),
        Move(State.SUBMITTED, State.REGISTERED, perm="registration.record_progress", refusal=RECORD_ONLY),
        Move(State.SUBMITTED, State.UNSUCCESSFUL, perm="registration.record_progress", refusal=RECORD_ONLY),
        Move(State.UNSUCCESSFUL, State.PREPARING, perm="registration.change_own_journey", refusal=OWN_ONLY),
        Move(State.INTERESTED, State.WITHDRAWN, perm="registration.change_own_journey", refusal=OWN_ONLY),
        Move(State.MENTOR_FOUND, State.WITHDRAWN, perm="registration.change_own_journey", refusal=OWN_ONLY),
        Move(State.PREPARING, State.WITHDRAWN, perm="registration.change_own_journey", refusal=OWN_ONLY),
        Move(State.SUPPORTER_NAMED, State.WITHDRAWN, perm="registration.change_own_journey", refusal=OWN_ONLY),
    )

    institution = models.ForeignKey(
        "people.Institution", on_delete=models.CASCADE, related_name="registration_journeys"
    )
    person = models.ForeignKey(
        "people.StaffProfile",
        on_delete=models.CASCADE,
        related_name="registration_journeys",
        verbose_name="person",
    )
    register = models.ForeignKey(
        Register,
        on_delete=models.PROTECT,
        related_name="journeys",
        verbose_name="register",
        help_text="The register you are working towards.",
    )
    state = models.CharField("stage", max_length=20, choices=State.choices, default=State.INTERESTED)
    mentor = models.ForeignKey(
        "people.StaffProfile",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="mentor",
        help_text="Your professional registration mentor, from the mentoring service.",
    )
    supporter = models.ForeignKey(
        "people.StaffProfile",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="supporter",
        help_text="Usually your line manager: they confirm your application to the licensed body.",
    )
    supporter_asked_on = models.DateField("supporter asked on", null=True, blank=True)
    supporter_agreed_on = models.DateField("supporter agreed on", null=True, blank=True)
    licensed_body = models.CharField(
        "licensed body", max_length=200, blank=True, help_text="The professional body you apply through."
    )
    submitted_on = models.DateField("submitted on", null=True, blank=True)
    registered_on = models.DateField("registered on", null=True, blank=True)
    registration_number = models.CharField("registration number", max_length=40, blank=True)
    feedback = models.TextField(
        "assessors' feedback", blank=True, help_text="What the licensed body said, when unsuccessful."
    )
    first_year_payer = models.CharField("first year's fees paid by", max_length=20, choices=Payer.choices, blank=True)
    later_years_payer = models.CharField(
        "later years' fees paid by",
        max_length=20,
        choices=Payer.choices,
        blank=True,
        help_text="Who pays the annual fee beyond the first year.",
    )
    grant_name = models.CharField(
        "grant",
        max_length=200,
        blank=True,
        help_text="The grant that includes membership fees, when a grant pays (3B), e.g. Wellcome 226011/Z/22/Z.",
    )
    renewal_on = models.DateField("renewal due on", null=True, blank=True, help_text="When the next annual fee is due.")
    started_on = models.DateField("started on")
    last_progress_on = models.DateField(
        "last progress on", help_text="The latest move or statement; the 90-day reminder counts from it."
    )
    created_at = models.DateTimeField("created", auto_now_add=True)

    objects = InstitutionManager(JourneyQuerySet)

    class Meta:
        ordering = ["-last_progress_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "register"],
                condition=Q(state__in=["interested", "mentor_found", "preparing", "supporter_named", "submitted"]),
                name="journey_one_open_per_register",
            ),
            models.CheckConstraint(
                condition=Q(registered_on__isnull=True)
                | Q(submitted_on__isnull=True)
                | Q(registered_on__gte=models.F("submitted_on")),
                name="journey_registered_after_submission",
            ),
            models.CheckConstraint(
                condition=Q(renewal_on__isnull=True)
                | Q(registered_on__isnull=True)
                | Q(renewal_on__gt=models.F("registered_on")),
                name="journey_renewal_after_registration",
            ),
        ]
        indexes = [
            # registration.tasks.send_reminders: renewal fees due in 30 days.
            models.Index(fields=["renewal_on"], condition=Q(state="registered"), name="journey_renewal_due_idx"),
            # registration.tasks.send_reminders: open journeys with no progress for 90 days.
            models.Index(
                fields=["last_progress_on"],
                condition=Q(state__in=["interested", "mentor_found", "preparing", "supporter_named"]),
                name="journey_stalled_idx",
            ),
            # registration.tasks.send_reminders: supporters who have not agreed yet.
            models.Index(
                fields=["supporter_asked_on"],
                condition=Q(state="supporter_named", supporter_agreed_on__isnull=True),
                name="journey_supporter_waiting_idx",
            ),
        ]

    def __str__(self):
        return f"{self.person} → {self.register.code}"

    def get_absolute_url(self):
        return reverse("registration:journey", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES


class JourneyTransitionQuerySet(InstitutionQuerySet):
    institution_path = "journey__institution"


class JourneyTransition(TransitionRecord):
    """One move of a journey: interested, mentor found, ..., registered."""

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="transitions")

    objects = InstitutionManager(JourneyTransitionQuerySet)

    class Meta(TransitionRecord.Meta):
        pass

    def __str__(self):
        labels = dict(Journey.State.choices)
        if not self.from_state:
            return f"Started: {labels.get(self.to_state, self.to_state).lower()}"
        return f"{labels.get(self.from_state, self.from_state)} → {labels.get(self.to_state, self.to_state)}"


class CompetenceStatementQuerySet(InstitutionQuerySet):
    institution_path = "journey__institution"


class CompetenceStatement(models.Model):
    """The applicant's statement against one of the register's competence areas."""

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="statements")
    area = models.CharField("competence area", max_length=200)
    statement = models.TextField(
        "statement",
        max_length=5000,
        help_text="What you did, how, and what it shows about you in this area, with examples from your work.",
    )
    evidence_record_ids = models.JSONField(
        "evidence",
        default=list,
        blank=True,
        help_text="Your own training records that support this statement.",
    )
    updated_at = models.DateTimeField("last changed", auto_now=True)

    objects = InstitutionManager(CompetenceStatementQuerySet)

    class Meta:
        ordering = ["journey", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["journey", "area"], name="competencestatement_once_per_area"),
        ]

    def __str__(self):
        return f"{self.area} ({self.journey})"


class CpdDeclarationQuerySet(InstitutionQuerySet):
    institution_path = "person__institution"


class CpdDeclaration(models.Model):
    """A registered person's CPD record for one year and its declaration (normally by 31 December)."""

    person = models.ForeignKey(
        "people.StaffProfile", on_delete=models.CASCADE, related_name="cpd_declarations", verbose_name="person"
    )
    year = models.PositiveSmallIntegerField(
        "year", validators=[MinValueValidator(2000), MaxValueValidator(2100)], help_text="The calendar year declared."
    )
    benefit_to_practice = models.TextField(
        "benefit to your practice",
        blank=True,
        max_length=5000,
        help_text="How this year's CPD changed the way you work.",
    )
    benefit_to_users = models.TextField(
        "benefit to the users of your work",
        blank=True,
        max_length=5000,
        help_text="How your colleagues, researchers or patients gained, e.g. a faster, safer assay.",
    )
    plan = models.TextField(
        "plan for next year",
        blank=True,
        max_length=5000,
        help_text="What you mean to learn next and why (the Engineering Council's code asks for a plan).",
    )
    declared_on = models.DateField(
        "declared on", null=True, blank=True, help_text="Empty until you declare the year's CPD."
    )
    updated_at = models.DateTimeField("last changed", auto_now=True)

    objects = InstitutionManager(CpdDeclarationQuerySet)

    class Meta:
        ordering = ["person", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["person", "year"], name="cpddeclaration_once_per_year"),
        ]

    def __str__(self):
        return f"CPD {self.year} of {self.person}"
