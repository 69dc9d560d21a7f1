"""One mentoring service for promotion, professional registration, apprenticeships and leadership.

A member of staff opts in as a mentor with a `MentorProfile` (available or not, how many mentees
at once, the purposes they mentor for). A mentee asks a mentor for one purpose; the mentor
accepts or declines with a reason; the relationship is active while they meet (each meeting
logged, its notes seen by the two of them only), then completed or ended early, with feedback
from both sides. A programme manager may also pair two people directly.

A relationship belongs to the mentee's institution; with partner mentoring switched on at both
institutions (`MentoringSettings`), the mentor may work at a partner institution.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from core.tenancy import InstitutionManager, InstitutionQuerySet
from core.workflow import NEW, Move, TransitionRecord, Workflow


class Purpose(models.TextChoices):
    PROMOTION = "promotion", "Promotion"
    REGISTRATION = "registration", "Professional registration"
    APPRENTICESHIP = "apprenticeship", "Apprenticeship"
    LEADERSHIP = "leadership", "Leadership"
    GENERAL = "general", "General career development"


class MentoringSettings(models.Model):
    """An institution's mentoring settings, edited by its administrator."""

    institution = models.OneToOneField(
        "people.Institution",
        on_delete=models.CASCADE,
        related_name="mentoring_settings",
        verbose_name="institution",
    )
    partner_mentoring = models.BooleanField(
        "mentoring with partner institutions",
        default=False,
        help_text="Suggest mentors from partner institutions that have switched this on too, and offer "
        "your mentors to their staff.",
    )

    objects = InstitutionManager()

    class Meta:
        verbose_name = "mentoring settings"
        verbose_name_plural = "mentoring settings"

    def __str__(self):
        return f"Mentoring settings of {self.institution}"


class MentorProfileQuerySet(InstitutionQuerySet):
    institution_path = "person__institution"


class MentorProfile(models.Model):
    """A member of staff who offers to mentor: anyone may opt in (the Mentor role is not required)."""

    person = models.OneToOneField(
        "people.StaffProfile", on_delete=models.CASCADE, related_name="mentor_profile", verbose_name="mentor"
    )
    available = models.BooleanField(
        "taking new mentees",
        default=True,
        help_text="Untick to stop appearing in suggestions; your current mentees are not affected.",
    )
    capacity = models.PositiveSmallIntegerField(
        "mentees at once",
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="The most mentees you can support at the same time (1 to 10).",
    )
    bio = models.TextField(
        "about you as a mentor",
        max_length=2000,
        help_text="A few lines on your career path and what you can help with, e.g. "
        "'Registered as RSci in 2021; happy to read drafts of competence reports.'",
    )
    updated_at = models.DateTimeField("last changed", auto_now=True)

    objects = InstitutionManager(MentorProfileQuerySet)

    class Meta:
        ordering = ["person__user__last_name", "person__user__first_name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(capacity__gte=1, capacity__lte=10), name="mentorprofile_capacity_1_to_10"
            ),
        ]

    def __str__(self):
        return str(self.person)

    def get_absolute_url(self):
        return reverse("mentoring:mentor", args=[self.pk])

    @property
    def purpose_values(self):
        """The purposes this mentor offers, in the order of `Purpose` (uses prefetched rows)."""
        offered = {row.purpose for row in self.purposes.all()}
        return [purpose for purpose in Purpose if purpose in offered]


class MentorPurposeQuerySet(InstitutionQuerySet):
    institution_path = "mentor__person__institution"


class MentorPurpose(models.Model):
    """One purpose a mentor offers (a row each, so "mentors for promotion" is one indexed join)."""

    mentor = models.ForeignKey(MentorProfile, on_delete=models.CASCADE, related_name="purposes")
    purpose = models.CharField("purpose", max_length=20, choices=Purpose.choices)

    objects = InstitutionManager(MentorPurposeQuerySet)

    class Meta:
        ordering = ["purpose"]
        constraints = [
            models.UniqueConstraint(fields=["mentor", "purpose"], name="mentorpurpose_unique_per_mentor"),
        ]

    def __str__(self):
        return f"{self.mentor}: {self.get_purpose_display()}"


class RelationshipQuerySet(InstitutionQuerySet):
    institution_path = "institution"

    def with_people(self):
        return self.select_related(
            "mentor__user",
            "mentor__grade",
            "mentor__institution",
            "mentee__user",
            "mentee__grade",
            "mentee__institution",
            "paired_by__user",
        )


PARTIES_ONLY = "Only the mentor and the mentee can do this."


class Relationship(models.Model):
    """One mentee and one mentor, for one purpose, from the request to its end."""

    class State(models.TextChoices):
        REQUESTED = "requested", "Waiting for the mentor"
        ACTIVE = "active", "Active"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"
        COMPLETED = "completed", "Completed"
        ENDED_EARLY = "ended_early", "Ended early"

    class Origin(models.TextChoices):
        REQUESTED = "requested", "Asked by the mentee"
        PAIRED = "paired", "Paired by a programme manager"

    workflow = Workflow(
        Move(NEW, State.REQUESTED, perm="mentoring.request", refusal="You can only ask for a mentor for yourself."),
        Move(NEW, State.ACTIVE, perm="mentoring.pair", refusal="Only a programme manager pairs people directly."),
        Move(State.REQUESTED, State.ACTIVE, perm="mentoring.decide", refusal="Only the mentor asked can accept."),
        Move(State.REQUESTED, State.DECLINED, perm="mentoring.decide", refusal="Only the mentor asked can decline."),
        Move(State.REQUESTED, State.WITHDRAWN, perm="mentoring.withdraw", refusal="Only the mentee can withdraw."),
        Move(State.ACTIVE, State.COMPLETED, perm="mentoring.close", refusal=PARTIES_ONLY),
        Move(State.ACTIVE, State.ENDED_EARLY, perm="mentoring.close", refusal=PARTIES_ONLY),
    )
    CLOSED_STATES = (State.COMPLETED, State.ENDED_EARLY)

    institution = models.ForeignKey(
        "people.Institution",
        on_delete=models.CASCADE,
        related_name="mentoring_relationships",
        verbose_name="institution",
        help_text="The mentee's institution.",
    )
    mentee = models.ForeignKey(
        "people.StaffProfile", on_delete=models.CASCADE, related_name="mentors_had", verbose_name="mentee"
    )
    mentor = models.ForeignKey(
        "people.StaffProfile", on_delete=models.CASCADE, related_name="mentees_had", verbose_name="mentor"
    )
    purpose = models.CharField(
        "purpose", max_length=20, choices=Purpose.choices, help_text="What the mentoring is for."
    )
    hopes = models.TextField(
        "what I hope for",
        max_length=2000,
        help_text="What you would like from the mentoring, e.g. 'prepare my case for the spring promotion round'.",
    )
    state = models.CharField("state", max_length=20, choices=State.choices, default=State.REQUESTED)
    origin = models.CharField("how it started", max_length=20, choices=Origin.choices, default=Origin.REQUESTED)
    paired_by = models.ForeignKey(
        "people.StaffProfile",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="paired by",
        help_text="The programme manager who paired the two directly.",
    )
    requested_on = models.DateField("asked on")
    started_on = models.DateField("started on", null=True, blank=True)
    ended_on = models.DateField("ended on", null=True, blank=True)
    last_contact_on = models.DateField(
        "last met on",
        null=True,
        blank=True,
        help_text="The latest meeting, or the start while there is none: the check-in reminder counts from it.",
    )
    created_at = models.DateTimeField("created", auto_now_add=True)

    objects = InstitutionManager(RelationshipQuerySet)

    class Meta:
        ordering = ["-requested_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentee", "purpose"],
                condition=models.Q(state="active"),
                name="mentoring_one_active_mentor_per_purpose",
            ),
            models.UniqueConstraint(
                fields=["mentee", "purpose"],
                condition=models.Q(state="requested"),
                name="mentoring_one_open_request_per_purpose",
            ),
            models.CheckConstraint(condition=~models.Q(mentor=models.F("mentee")), name="mentoring_not_own_mentor"),
        ]
        indexes = [
            # mentoring.tasks.send_reminders: requests waiting for the mentor for 5 working days.
            models.Index(
                fields=["requested_on"], condition=models.Q(state="requested"), name="mentoring_request_waiting_idx"
            ),
            # mentoring.tasks.send_reminders: active relationships with no meeting for 8 weeks.
            models.Index(
                fields=["last_contact_on"], condition=models.Q(state="active"), name="mentoring_check_in_due_idx"
            ),
        ]

    def __str__(self):
        return f"{self.mentee} mentored by {self.mentor} ({self.get_purpose_display().lower()})"

    def get_absolute_url(self):
        return reverse("mentoring:relationship", args=[self.pk])

    def role_of(self, profile):
        """Return "mentor", "mentee" or None for this staff profile."""
        if profile is None:
            return None
        if profile.pk == self.mentor_id:
            return Feedback.Role.MENTOR
        if profile.pk == self.mentee_id:
            return Feedback.Role.MENTEE
        return None

    @property
    def is_closed(self):
        return self.state in self.CLOSED_STATES


class RelationshipTransitionQuerySet(InstitutionQuerySet):
    institution_path = "relationship__institution"


class RelationshipTransition(TransitionRecord):
    """One move of a relationship: asked, accepted, declined (with the reason), completed, ..."""

    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="transitions", verbose_name="relationship"
    )

    objects = InstitutionManager(RelationshipTransitionQuerySet)

    class Meta(TransitionRecord.Meta):
        pass

    LABELS = {
        "requested": "Asked for mentoring",
        "active": "Accepted",
        "declined": "Declined",
        "withdrawn": "Request withdrawn",
        "completed": "Completed",
        "ended_early": "Ended early",
    }

    @property
    def label(self):
        if self.to_state == "active" and not self.from_state:
            return "Paired by a programme manager"
        return self.LABELS.get(self.to_state, self.to_state)


class MeetingQuerySet(InstitutionQuerySet):
    institution_path = "relationship__institution"


class Meeting(models.Model):
    """One meeting of a mentor and mentee. Its notes are for the two of them only: never shown to
    line managers, programme managers or HR, and left out of the admin."""

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="meetings")
    met_on = models.DateField("date", help_text="The day you met.")
    notes = models.TextField(
        "notes",
        blank=True,
        max_length=5000,
        help_text="What you talked about and agreed. Only you and your mentor or mentee can read these.",
    )
    logged_by = models.ForeignKey(
        "people.StaffProfile", on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="logged by"
    )
    created_at = models.DateTimeField("logged", auto_now_add=True)

    objects = InstitutionManager(MeetingQuerySet)

    class Meta:
        ordering = ["-met_on", "-pk"]

    def __str__(self):
        return f"Meeting on {self.met_on:%d %b %Y}"


class FeedbackQuerySet(InstitutionQuerySet):
    institution_path = "relationship__institution"


class Feedback(models.Model):
    """One side's view of the mentoring once it has ended."""

    class Role(models.TextChoices):
        MENTOR = "mentor", "Mentor"
        MENTEE = "mentee", "Mentee"

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="feedback")
    author = models.ForeignKey(
        "people.StaffProfile", on_delete=models.CASCADE, related_name="mentoring_feedback", verbose_name="author"
    )
    role = models.CharField("as", max_length=10, choices=Role.choices)
    rating = models.PositiveSmallIntegerField(
        "how useful was it",
        choices=[(n, str(n)) for n in range(1, 6)],
        help_text="1 = not useful, 5 = very useful.",
    )
    comments = models.TextField(
        "comments", max_length=2000, help_text="What helped, what did not, and what came of it."
    )
    created_at = models.DateTimeField("given", auto_now_add=True)

    objects = InstitutionManager(FeedbackQuerySet)

    class Meta:
        ordering = ["relationship", "role"]
        constraints = [
            models.UniqueConstraint(fields=["relationship", "role"], name="mentoringfeedback_one_per_side"),
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="mentoringfeedback_rating_1_5"
            ),
        ]

    def __str__(self):
        return f"{self.get_role_display()} feedback on {self.relationship_id}"
