"""Apprenticeships (1C, 4C): the employer's side of each apprenticeship.

Training providers keep their own e-portfolios (OneFile, Aptem); the portal links to them and
keeps what they do not: the employer's view across every apprentice, the line manager's part
(reviews, approval of an existing member of staff's request) and the outcomes (completion,
grade, the role taken afterwards).

Reference data (standards, providers and staff recommendations of them, intakes) belongs to
one institution. An apprenticeship belongs to its apprentice's institution and moves along
`Apprenticeship.workflow`; a member of staff's request for a levy-funded apprenticeship moves
along `ApprenticeshipRequest.workflow`. Off-the-job hours are training records in the
development app, flagged off-the-job, so they count in the training record and report too.
"""

from datetime import date
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse

from core.tenancy import InstitutionManager, InstitutionQuerySet
from core.workflow import NEW, Move, TransitionRecord, Workflow

RUN_REFUSAL = "Only your institution's programme managers run apprenticeships."

# Starts on or after this day follow the 2025 funding rules: the standard's published minimum
# off-the-job hours instead of 20% of contracted hours.
NEW_OFF_THE_JOB_RULES_FROM = date(2025, 8, 1)


class Standard(models.Model):
    """An apprenticeship standard as published by Skills England (e.g. ST0248 Laboratory technician)."""

    institution = models.ForeignKey(
        "people.Institution", on_delete=models.CASCADE, related_name="+", verbose_name="institution"
    )
    reference = models.CharField("reference", max_length=20, help_text="The published reference, e.g. ST0248.")
    title = models.CharField("title", max_length=200, help_text="e.g. Laboratory technician.")
    version = models.CharField("version", max_length=10, help_text="The version apprentices start on, e.g. 1.2.")
    level = models.PositiveSmallIntegerField(
        "level", validators=[MinValueValidator(2), MaxValueValidator(7)], help_text="2 to 7; Level 3 is A-level."
    )
    typical_months = models.PositiveSmallIntegerField(
        "typical duration to gateway (months)",
        validators=[MinValueValidator(12), MaxValueValidator(72)],
        help_text="The published typical duration before the gateway, e.g. 24.",
    )
    minimum_off_the_job_hours = models.PositiveIntegerField(
        "minimum off-the-job hours",
        null=True,
        blank=True,
        help_text="The published minimum for starts from 1 August 2025, e.g. 278. Leave empty if not published: "
        "later starts then cannot be enrolled on this standard.",
    )
    assessment_methods = models.TextField(
        "end-point assessment methods",
        help_text="e.g. Observation with questions; professional discussion underpinned by a portfolio.",
    )
    assessment_grades = models.CharField(
        "grades the assessment awards",
        max_length=100,
        default="Fail, pass, distinction",
        help_text="As published, e.g. 'Fail, pass, merit, distinction'.",
    )
    link = models.URLField("published standard", blank=True, help_text="The standard's page on Skills England.")

    objects = InstitutionManager()

    class Meta:
        ordering = ["reference", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "reference", "version"], name="apprenticeship_standard_unique_version"
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.title} (level {self.level}, v{self.version})"


class Provider(models.Model):
    """A training provider: who delivers the off-the-job training and keeps the e-portfolio."""

    institution = models.ForeignKey(
        "people.Institution", on_delete=models.CASCADE, related_name="+", verbose_name="institution"
    )
    name = models.CharField("name", max_length=200, help_text="e.g. Cambridge Regional College.")
    contact_name = models.CharField("contact", max_length=200, blank=True, help_text="Who to talk to there.")
    contact_email = models.EmailField("contact e-mail", blank=True)
    portfolio_link = models.URLField(
        "e-portfolio",
        blank=True,
        help_text="Where apprentices and managers sign in to the provider's e-portfolio (OneFile, Aptem, ...).",
    )
    objects = InstitutionManager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "name"], name="apprenticeship_provider_unique_name"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("apprenticeships:provider", args=[self.pk])


class ProviderContactQuerySet(InstitutionQuerySet):
    institution_path = "provider__institution"

    def active(self):
        """Contacts who signed up and still act for the provider: the provider signs in the portal."""
        return self.filter(accepted_at__isnull=False, deactivated_at__isnull=True)


# How long an invitation link works; the programme manager can send a new one.
INVITATION_DAYS = 14


class ProviderContact(models.Model):
    """Someone at a training provider who acts for it here: sees its apprentices at this institution
    and signs their progress reviews as the provider.

    Invited by name and e-mail by a programme manager: the account is made with the invitation
    (inactive, no password, no staff record) and the link lets that address alone set a password,
    whatever its domain. Active once they have. Deactivating the contact deactivates the account,
    which ends every session at once.
    """

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="contacts", verbose_name="provider")
    name = models.CharField("name", max_length=200, help_text="e.g. Dev Patel, assessor.")
    email = models.EmailField(
        "e-mail address",
        help_text="Their work address at the provider: the invitation goes there and it is their sign-in.",
    )
    user = models.OneToOneField(
        "people.User", on_delete=models.CASCADE, related_name="provider_contact", verbose_name="account"
    )
    invited_by = models.ForeignKey(
        "people.StaffProfile", on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="invited by"
    )
    invited_at = models.DateTimeField("invited")
    invitations_sent = models.PositiveSmallIntegerField("invitations sent", default=0)
    # sha256 of the link's token: the outbox keeps the link, this row only what checks it.
    token_hash = models.CharField("invitation token (hashed)", max_length=64, blank=True)
    accepted_at = models.DateTimeField("signed up", null=True, blank=True)
    deactivated_at = models.DateTimeField("deactivated", null=True, blank=True)
    deactivated_by = models.ForeignKey(
        "people.StaffProfile", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = InstitutionManager(ProviderContactQuerySet)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "provider",
                condition=models.Q(deactivated_at__isnull=True),
                name="apprenticeship_provider_contact_unique_email",
            ),
        ]
        indexes = [
            models.Index(fields=["token_hash"], name="provider_contact_token_idx"),
        ]

    def __str__(self):
        return f"{self.name} ({self.provider})"

    @property
    def is_active(self):
        return self.accepted_at is not None and self.deactivated_at is None

    @property
    def status(self):
        if self.deactivated_at:
            return "Deactivated"
        return "Active" if self.accepted_at else "Invited, not signed up yet"


class RecommendationQuerySet(InstitutionQuerySet):
    institution_path = "provider__institution"


class Recommendation(models.Model):
    """A member of staff's recommendation of a provider and course (1C collects them)."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="recommendations")
    standard = models.ForeignKey(
        Standard,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="standard",
        help_text="The apprenticeship you took or know, if it is one of these.",
    )
    course = models.CharField("course", max_length=200, help_text="e.g. Level 3 Laboratory Technician, 2023 intake.")
    rating = models.PositiveSmallIntegerField(
        "would you recommend it",
        choices=[(n, str(n)) for n in range(1, 6)],
        help_text="1 = not at all, 5 = wholeheartedly.",
    )
    comment = models.TextField(
        "comment", max_length=2000, help_text="What was good or not, for a colleague who is choosing."
    )
    by = models.ForeignKey("people.StaffProfile", on_delete=models.CASCADE, related_name="+", verbose_name="by")
    shared_with_sector = models.BooleanField(
        "share with technicians at other institutions",
        default=False,
        help_text="Shown on the sector-wide list with your institution's name, never yours (1C collects "
        "recommendations across the sector).",
    )
    created_at = models.DateTimeField("given", auto_now_add=True)

    objects = InstitutionManager(RecommendationQuerySet)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="apprenticeship_recommendation_rating_1_5"
            ),
        ]
        indexes = [
            # apprenticeships.selectors.sector_recommendations: the shared ones, newest first.
            models.Index(
                fields=["-created_at"], condition=models.Q(shared_with_sector=True), name="recommendation_shared_idx"
            ),
        ]

    def __str__(self):
        return f"{self.by} on {self.provider}"


class IntakeQuerySet(InstitutionQuerySet):
    institution_path = "institution"


class Intake(models.Model):
    """One intake of apprentices on a standard with a provider, e.g. the LTAP September 2025 intake."""

    institution = models.ForeignKey(
        "people.Institution", on_delete=models.CASCADE, related_name="+", verbose_name="institution"
    )
    name = models.CharField("name", max_length=200, help_text="e.g. Laboratory technicians, September 2025.")
    standard = models.ForeignKey(Standard, on_delete=models.PROTECT, related_name="intakes", verbose_name="standard")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="intakes", verbose_name="provider")
    start_date = models.DateField("start date", help_text="The day the intake starts.")
    places = models.PositiveSmallIntegerField(
        "places", validators=[MinValueValidator(1), MaxValueValidator(200)], help_text="How many apprentices."
    )

    objects = InstitutionManager(IntakeQuerySet)

    class Meta:
        ordering = ["-start_date", "name"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "name"], name="apprenticeship_intake_unique_name"),
            models.CheckConstraint(condition=models.Q(places__gte=1), name="apprenticeship_intake_places_positive"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("apprenticeships:intake", args=[self.pk])


class Route(models.TextChoices):
    NEW_RECRUIT = "new_recruit", "New recruit"
    EXISTING_STAFF = "existing_staff", "Existing member of staff"


class Grade(models.TextChoices):
    """The end-point assessment's grades."""

    FAIL = "fail", "Fail"
    PASS = "pass", "Pass"
    MERIT = "merit", "Merit"
    DISTINCTION = "distinction", "Distinction"


# The gateway's readiness checklist: (field, what the box says).
GATEWAY_CHECKS = (
    ("gateway_english_maths", "English and maths at the level the standard requires"),
    ("gateway_portfolio", "Portfolio of evidence complete"),
    ("gateway_off_the_job", "Off-the-job training hours met"),
    ("gateway_employer", "Employer (line manager) confirms the apprentice is ready"),
    ("gateway_provider", "Training provider confirms the apprentice is ready"),
)


class ApprenticeshipQuerySet(InstitutionQuerySet):
    institution_path = "institution"

    def with_people(self):
        return self.select_related(
            "apprentice__user",
            "apprentice__grade",
            "line_manager__user",
            "workplace_mentor__user",
            "standard",
            "provider",
            "intake",
        )

    def open(self):
        return self.filter(state__in=Apprenticeship.OPEN_STATES)


class Apprenticeship(models.Model):
    """One person's apprenticeship, from enrolment to completion and the role taken afterwards."""

    class State(models.TextChoices):
        ACTIVE = "active", "Active"
        ON_BREAK = "on_break", "Break in learning"
        WITHDRAWN = "withdrawn", "Withdrawn"
        GATEWAY = "gateway", "At gateway"
        COMPLETED = "completed", "Completed"
        NOT_COMPLETED = "not_completed", "Did not complete"

    # Set by selectors.breaks_in_order() on the rows a list assesses.
    breaks_in_order: list["BreakInLearning"]

    workflow = Workflow(
        Move(NEW, State.ACTIVE, perm="apprenticeships.run", refusal=RUN_REFUSAL),
        Move(State.ACTIVE, State.ON_BREAK, perm="apprenticeships.run", refusal=RUN_REFUSAL),
        Move(State.ON_BREAK, State.ACTIVE, perm="apprenticeships.run", refusal=RUN_REFUSAL),
        Move(State.ACTIVE, State.WITHDRAWN, perm="apprenticeships.run", refusal=RUN_REFUSAL),
        Move(State.ON_BREAK, State.WITHDRAWN, perm="apprenticeships.run", refusal=RUN_REFUSAL),
        Move(State.ACTIVE, State.GATEWAY, perm="apprenticeships.run", refusal=RUN_REFUSAL),
        Move(State.GATEWAY, State.COMPLETED, perm="apprenticeships.run", refusal=RUN_REFUSAL),
        Move(State.GATEWAY, State.NOT_COMPLETED, perm="apprenticeships.run", refusal=RUN_REFUSAL),
    )
    OPEN_STATES = (State.ACTIVE, State.ON_BREAK, State.GATEWAY)
    ENDED_STATES = (State.WITHDRAWN, State.COMPLETED, State.NOT_COMPLETED)

    institution = models.ForeignKey(
        "people.Institution", on_delete=models.CASCADE, related_name="+", verbose_name="institution"
    )
    apprentice = models.ForeignKey(
        "people.StaffProfile", on_delete=models.CASCADE, related_name="apprenticeships", verbose_name="apprentice"
    )
    route = models.CharField(
        "route",
        max_length=20,
        choices=Route.choices,
        help_text="A new recruit joins to do the apprenticeship; an existing member of staff takes one on (1C).",
    )
    standard = models.ForeignKey(Standard, on_delete=models.PROTECT, related_name="+", verbose_name="standard")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="+", verbose_name="provider")
    intake = models.ForeignKey(
        Intake,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="apprenticeships",
        verbose_name="intake",
        help_text="The intake, for apprentices recruited in one; existing staff often start on their own.",
    )
    line_manager = models.ForeignKey(
        "people.StaffProfile",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="line manager",
        help_text="Signs off reviews and confirms readiness for the gateway.",
    )
    workplace_mentor = models.ForeignKey(
        "people.StaffProfile",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="workplace mentor",
        help_text="Paired through the mentoring app.",
    )
    start_date = models.DateField("start date", help_text="The first day of the apprenticeship.")
    planned_end_date = models.DateField("planned end", help_text="The planned last day of training before the gateway.")
    levy_funded = models.BooleanField("levy funded", default=True, help_text="Paid from the apprenticeship levy.")
    contracted_hours = models.DecimalField(
        "contracted hours a week",
        max_digits=4,
        decimal_places=1,
        default=Decimal("37.5"),
        validators=[MinValueValidator(Decimal("16")), MaxValueValidator(Decimal("48"))],
        help_text="Used for the 20% off-the-job rule of starts before 1 August 2025.",
    )
    prior_learning_hours = models.PositiveIntegerField(
        "off-the-job hours removed for prior learning",
        default=0,
        help_text="Hours the provider's recognition of prior learning takes off the off-the-job total.",
    )
    behind_margin_hours = models.PositiveIntegerField(
        "warn when behind by (hours)",
        default=15,
        help_text="The off-the-job warning shows once the hours done fall this far below the hours due to date.",
    )
    review_every_months = models.PositiveSmallIntegerField(
        "review every (months)",
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(3)],
        help_text="Progress reviews are due at least every 3 calendar months; sooner if there is a reason.",
    )
    review_interval_reason = models.CharField(
        "why reviews are more frequent",
        max_length=300,
        blank=True,
        help_text="Needed when reviews are due more often than every 3 months.",
    )
    next_review_due = models.DateField(
        "next review due", null=True, blank=True, help_text="Worked out from the last review."
    )
    portfolio_link = models.URLField(
        "e-portfolio", blank=True, help_text="The apprentice's page in the provider's e-portfolio."
    )
    state = models.CharField("status", max_length=20, choices=State.choices, default=State.ACTIVE)
    ended_on = models.DateField(
        "ended on", null=True, blank=True, help_text="Withdrawn, completed or did not complete on this day."
    )
    end_reason = models.TextField("reason", blank=True, help_text="Why the apprentice withdrew or did not complete.")
    request = models.OneToOneField(
        "ApprenticeshipRequest",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="apprenticeship",
        verbose_name="request",
    )
    # The gateway's readiness checklist (GATEWAY_CHECKS).
    gateway_english_maths = models.BooleanField(GATEWAY_CHECKS[0][1], default=False)
    gateway_portfolio = models.BooleanField(GATEWAY_CHECKS[1][1], default=False)
    gateway_off_the_job = models.BooleanField(GATEWAY_CHECKS[2][1], default=False)
    gateway_employer = models.BooleanField(GATEWAY_CHECKS[3][1], default=False)
    gateway_provider = models.BooleanField(GATEWAY_CHECKS[4][1], default=False)
    gateway_on = models.DateField("gateway passed on", null=True, blank=True)
    assessment_on = models.DateField("end-point assessment on", null=True, blank=True)
    grade = models.CharField("grade", max_length=20, choices=Grade.choices, blank=True)
    # Where the apprentice went: here (read from career history) or elsewhere (recorded).
    destination_elsewhere = models.BooleanField(
        "left for a role elsewhere",
        default=False,
        help_text="Ticked when the role after completion is at another employer; otherwise career history says.",
    )
    destination_role = models.CharField(
        "role taken", max_length=200, blank=True, help_text="e.g. Scientific Officer, Wellcome Sanger Institute."
    )
    destination_start = models.DateField("role started on", null=True, blank=True)
    destination_so_equivalent = models.BooleanField(
        "an SO or equivalent role",
        default=False,
        help_text="For a role elsewhere: a Scientific Officer role or its equivalent on another ladder.",
    )
    destination_recorded_at = models.DateTimeField("destination recorded", null=True, blank=True)
    created_at = models.DateTimeField("created", auto_now_add=True)

    objects = InstitutionManager(ApprenticeshipQuerySet)

    class Meta:
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planned_end_date__gt=models.F("start_date")),
                name="apprenticeship_planned_end_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(review_every_months__gte=1, review_every_months__lte=3),
                name="apprenticeship_review_interval_1_to_3",
            ),
            models.UniqueConstraint(
                fields=["apprentice"],
                condition=models.Q(state__in=["active", "on_break", "gateway"]),
                name="apprenticeship_one_open_per_person",
            ),
        ]
        indexes = [
            # apprenticeships.tasks.send_reminders: every open apprenticeship (reviews, hours, planned end).
            models.Index(
                fields=["next_review_due"],
                condition=models.Q(state__in=["active", "on_break", "gateway"]),
                name="apprenticeship_open_idx",
            ),
            # apprenticeships.tasks.send_reminders: completions with no destination after 3 months.
            models.Index(
                fields=["ended_on"],
                condition=models.Q(state="completed", destination_recorded_at__isnull=True),
                name="apprentice_no_destination_idx",
            ),
        ]

    def __str__(self):
        return f"{self.apprentice}: {self.standard.reference} {self.standard.title}"

    def get_absolute_url(self):
        return reverse("apprenticeships:detail", args=[self.pk])

    @property
    def is_open(self):
        return self.state in self.OPEN_STATES

    @property
    def completed_successfully(self):
        return self.state == self.State.COMPLETED and self.grade in (Grade.PASS, Grade.MERIT, Grade.DISTINCTION)

    @property
    def gateway_ready(self):
        return all(getattr(self, name) for name, _label in GATEWAY_CHECKS)

    def gateway_checklist(self):
        return [(label, getattr(self, name)) for name, label in GATEWAY_CHECKS]


class ApprenticeshipTransitionQuerySet(InstitutionQuerySet):
    institution_path = "apprenticeship__institution"


class ApprenticeshipTransition(TransitionRecord):
    """One move of an apprenticeship: enrolled, break, resumed, withdrawn, gateway, completed."""

    apprenticeship = models.ForeignKey(
        Apprenticeship, on_delete=models.CASCADE, related_name="transitions", verbose_name="apprenticeship"
    )

    objects = InstitutionManager(ApprenticeshipTransitionQuerySet)

    class Meta(TransitionRecord.Meta):
        pass

    LABELS = {
        "active": "Back in training",
        "on_break": "Break in learning",
        "withdrawn": "Withdrawn",
        "gateway": "Through the gateway",
        "completed": "Completed",
        "not_completed": "Did not complete",
    }

    @property
    def label(self):
        if self.to_state == "active" and not self.from_state:
            return "Enrolled"
        return self.LABELS.get(self.to_state, self.to_state)


class BreakQuerySet(InstitutionQuerySet):
    institution_path = "apprenticeship__institution"


class BreakInLearning(models.Model):
    """A break in learning: off-the-job hours are not due and reviews are paused while it lasts."""

    apprenticeship = models.ForeignKey(Apprenticeship, on_delete=models.CASCADE, related_name="breaks")
    starts_on = models.DateField("break starts", help_text="The first day of the break.")
    ends_on = models.DateField("break ends", null=True, blank=True, help_text="The last day of the break.")
    reason = models.CharField("reason", max_length=300, help_text="e.g. Parental leave; long-term sickness.")

    objects = InstitutionManager(BreakQuerySet)

    class Meta:
        ordering = ["starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="apprenticeship_break_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"Break from {self.starts_on}"


class ReviewQuerySet(InstitutionQuerySet):
    institution_path = "apprenticeship__institution"


class ProgressReview(models.Model):
    """A progress review of the apprentice, the line manager and the provider (at least every 3 months)."""

    apprenticeship = models.ForeignKey(Apprenticeship, on_delete=models.CASCADE, related_name="reviews")
    held_on = models.DateField("held on", help_text="The day the review took place.")
    notes = models.TextField("notes", max_length=5000, help_text="Progress since the last review.")
    actions = models.TextField("actions", max_length=3000, blank=True, help_text="What each party will do next.")
    recorded_by = models.ForeignKey(
        "people.StaffProfile", on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="recorded by"
    )
    apprentice_signed_at = models.DateTimeField("apprentice signed", null=True, blank=True)
    manager_signed_at = models.DateTimeField("line manager signed", null=True, blank=True)
    manager_signed_by = models.ForeignKey(
        "people.StaffProfile", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    provider_signed_at = models.DateTimeField("provider signed", null=True, blank=True)
    provider_signed_by = models.CharField(
        "signed for the provider by", max_length=200, blank=True, help_text="The provider's name for the signatory."
    )
    provider_recorded_by = models.ForeignKey(
        "people.StaffProfile",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="provider's sign-off recorded by",
    )
    provider_contact = models.ForeignKey(
        ProviderContact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="signed in the portal by",
        help_text="The provider's contact who signed here themselves.",
    )
    provider_on_behalf_reason = models.CharField(
        "why the programme manager recorded it",
        max_length=300,
        blank=True,
        help_text="Needed when the provider can sign in the portal, e.g. 'signed on paper at the review'.",
    )
    provider_notes = models.TextField(
        "provider's notes", max_length=3000, blank=True, help_text="What the provider adds when signing."
    )
    created_at = models.DateTimeField("recorded", auto_now_add=True)

    objects = InstitutionManager(ReviewQuerySet)

    class Meta:
        ordering = ["-held_on", "-pk"]
        indexes = [
            # apprenticeships.services.reminders_send: reviews waiting for the provider's sign-off.
            models.Index(
                fields=["apprenticeship"],
                condition=models.Q(provider_signed_at__isnull=True),
                name="review_awaiting_provider_idx",
            ),
        ]

    def __str__(self):
        return f"Review on {self.held_on}"

    @property
    def fully_signed(self):
        return bool(self.apprentice_signed_at and self.manager_signed_at and self.provider_signed_at)


class RequestQuerySet(InstitutionQuerySet):
    institution_path = "person__institution"


class ApprenticeshipRequest(models.Model):
    """A member of staff asks to take a levy-funded apprenticeship; their line manager decides (1C)."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", "Waiting for the line manager"
        APPROVED = "approved", "Approved by the line manager"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"
        ENROLLED = "enrolled", "Enrolled"

    workflow = Workflow(
        Move(NEW, State.SUBMITTED, perm="apprenticeships.submit_request", refusal="You can ask only for yourself."),
        Move(
            State.SUBMITTED,
            State.APPROVED,
            perm="apprenticeships.decide_request",
            refusal="Only the person's line manager decides.",
        ),
        Move(
            State.SUBMITTED,
            State.DECLINED,
            perm="apprenticeships.decide_request",
            refusal="Only the person's line manager decides.",
        ),
        Move(
            State.SUBMITTED,
            State.WITHDRAWN,
            perm="apprenticeships.withdraw_request",
            refusal="Only the person who asked can withdraw.",
        ),
        Move(State.APPROVED, State.ENROLLED, perm="apprenticeships.run", refusal=RUN_REFUSAL),
    )

    person = models.ForeignKey(
        "people.StaffProfile", on_delete=models.CASCADE, related_name="apprenticeship_requests", verbose_name="person"
    )
    standard = models.ForeignKey(
        Standard,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="apprenticeship",
        help_text="The apprenticeship standard you would like to take.",
    )
    provider = models.ForeignKey(
        Provider,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="preferred provider",
        help_text="If you have one in mind; the programme manager confirms the provider.",
    )
    preferred_start = models.DateField("preferred start", help_text="When you would like to start.")
    why = models.TextField(
        "why this apprenticeship",
        max_length=3000,
        help_text="How it helps your work and your career, e.g. 'to run the flow cytometry service independently'.",
    )
    time_plan = models.TextField(
        "how you will make the time",
        max_length=2000,
        help_text="Off-the-job training is paid working time, about a day a week: say how your work will be "
        "covered, agreed with your manager if you can.",
    )
    state = models.CharField("status", max_length=20, choices=State.choices, default=State.SUBMITTED)
    submitted_at = models.DateTimeField("asked", auto_now_add=True)
    decided_by = models.ForeignKey(
        "people.StaffProfile", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField("decided", null=True, blank=True)
    decision_reason = models.TextField("manager's comment", blank=True)

    objects = InstitutionManager(RequestQuerySet)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(state__in=["submitted", "approved"]),
                name="apprenticeship_request_one_open_per_person",
            ),
        ]

    def __str__(self):
        return f"{self.person}: {self.standard.title}"

    def get_absolute_url(self):
        return reverse("apprenticeships:request", args=[self.pk])


class RequestTransitionQuerySet(InstitutionQuerySet):
    institution_path = "request__person__institution"


class ApprenticeshipRequestTransition(TransitionRecord):
    request = models.ForeignKey(
        ApprenticeshipRequest, on_delete=models.CASCADE, related_name="transitions", verbose_name="request"
    )

    objects = InstitutionManager(RequestTransitionQuerySet)

    class Meta(TransitionRecord.Meta):
        pass
