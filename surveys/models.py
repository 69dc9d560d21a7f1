"""One survey engine: the annual career development survey (4D, 1E), the survey of new SOs, the
leaver questionnaire (4E), event feedback (1D, 2I) and the programme evaluations of participants and
their line managers (1B).

Anonymity is kept by the shape of the data, not by a promise:

- `Participation` ("has answered": person, survey, when) is the only row that names a person;
- `Response` and `Answer` hold the answers with no person (for an anonymous survey), no time
  finer than the day, and random UUID keys, so neither a foreign key, a timestamp nor the order
  of the rows can match a response to a participation.

A named survey keeps `Response.respondent`; for an anonymous one `surveys.services.survey_answer`
never sets it.

A survey "about" people (the line manager's programme evaluation, one answer per report who
completed) invites a person once per subject: `Invitation`, `Participation` and `Response` then
name the subject, the person the answers are about.
"""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from core.tenancy import InstitutionManager, InstitutionQuerySet
from core.workflow import Move, TransitionRecord, Workflow
from people.models import Grade, Institution, JobFamily, StaffProfile

LIKERT = [
    (1, "Strongly disagree"),
    (2, "Disagree"),
    (3, "Neither agree nor disagree"),
    (4, "Agree"),
    (5, "Strongly agree"),
]


class SurveyQuerySet(InstitutionQuerySet):
    def open_on(self, day):
        """Published surveys taking answers on `day` (a survey with no close date stays open)."""
        return self.filter(state=Survey.State.PUBLISHED, opens_on__lte=day).filter(
            models.Q(closes_on__isnull=True) | models.Q(closes_on__gte=day)
        )


class Survey(models.Model):
    class Kind(models.TextChoices):
        ANNUAL = "annual", "Annual career development survey"
        NEW_STARTER = "new_starter", "New starters' survey"
        LEAVER = "leaver", "Leaver questionnaire"
        EVENT_FEEDBACK = "event_feedback", "Event feedback"
        PROGRAMME_EVALUATION = "programme_evaluation", "Programme evaluation"
        OTHER = "other", "Other survey"

    class Audience(models.TextChoices):
        # Each value has a function in `surveys.audiences`; a later audience (a cohort's
        # participants, for programme evaluations) adds a value here and registers its function.
        ALL_STAFF = "all_staff", "All current technical staff"
        JOB_FAMILY = "job_family", "One job family"
        GRADE = "grade", "One grade"
        NEW_STARTERS = "new_starters", "New starters on a grade, in their first months"
        LEAVERS = "leavers", "Leavers (when HR records a leaving date)"
        # Registered by programmes (`programmes.apps`): the people recorded as attending one
        # event, partners' staff included; `audience_ref` is the event's id.
        EVENT_ATTENDEES = "event_attendees", "The people who attended an event"
        # Registered by programmes (`programmes.apps`), `audience_ref` the cohort's id: the people
        # who completed the cohort (1B), and their line managers, once about each of them.
        COHORT_PARTICIPANTS = "cohort_participants", "The people who completed a cohort"
        COHORT_MANAGERS = "cohort_managers", "The line managers of the people who completed a cohort"

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="surveys")
    title = models.CharField("title", max_length=200, help_text="What staff see in the invitation and on the form.")
    introduction = models.TextField(
        "introduction", blank=True, help_text="Why the survey matters and how the answers will be used."
    )
    kind = models.CharField(
        "kind",
        max_length=20,
        choices=Kind.choices,
        default=Kind.OTHER,
        help_text="The annual survey's response rate is the action plan's measure for 4D.",
    )
    audience = models.CharField(
        "audience", max_length=20, choices=Audience.choices, default=Audience.ALL_STAFF, help_text="Who is invited."
    )
    job_family = models.ForeignKey(
        JobFamily,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="job family",
        help_text="For the audience “one job family”.",
    )
    grade = models.ForeignKey(
        Grade,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="grade",
        help_text="For the audiences “one grade” and “new starters on a grade”.",
    )
    new_within_months = models.PositiveSmallIntegerField(
        "first months",
        null=True,
        blank=True,
        help_text="For new starters: invite people who started on the grade in the last this many months.",
    )
    audience_ref = models.PositiveIntegerField(
        "audience reference",
        null=True,
        blank=True,
        editable=False,
        help_text="The object a registered audience names (a later cohort audience stores the cohort's id).",
    )
    anonymous = models.BooleanField(
        "anonymous",
        default=True,
        help_text="Answers are kept with no link to the person who gave them; only who has answered is recorded.",
    )
    opens_on = models.DateField("opens on", help_text="Invitations go out from this day.")
    closes_on = models.DateField(
        "closes on",
        null=True,
        blank=True,
        help_text="Last day for answers. Leave empty for a standing survey (the leaver questionnaire).",
    )
    respond_within_days = models.PositiveSmallIntegerField(
        "days to answer",
        default=21,
        help_text="For a standing survey: each person's own deadline, counted from their invitation.",
    )
    state = models.CharField("state", max_length=20, choices=State.choices, default=State.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = InstitutionManager(SurveyQuerySet)

    # Publishing is the one move: questions are fixed from then on, and invitations follow.
    # `portal=True`: the portal publishes the standard surveys it sets up itself (the demo).
    workflow = Workflow(
        Move(
            State.DRAFT,
            State.PUBLISHED,
            perm="surveys.edit_questions",
            portal=True,
            refusal="Only programme managers and HR can publish a draft survey.",
        ),
    )

    class Meta:
        ordering = ["-opens_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__isnull=True) | models.Q(closes_on__gte=models.F("opens_on")),
                name="survey_closes_after_opening",
            ),
        ]
        indexes = [
            # surveys.tasks.send_survey_invitations (daily) finds the published surveys open today.
            models.Index(
                fields=["opens_on", "closes_on"],
                condition=models.Q(state="published"),
                name="survey_open_idx",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("surveys:detail", args=[self.pk])

    def is_open(self, on=None):
        on = on or timezone.localdate()
        return (
            self.state == self.State.PUBLISHED
            and self.opens_on <= on
            and (self.closes_on is None or self.closes_on >= on)
        )


class SurveyTransitionQuerySet(InstitutionQuerySet):
    institution_path = "survey__institution"


class SurveyTransition(TransitionRecord):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="transitions")

    objects = InstitutionManager(SurveyTransitionQuerySet)


class QuestionQuerySet(InstitutionQuerySet):
    institution_path = "survey__institution"


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", "Single choice"
        MULTIPLE = "multiple", "Multiple choice"
        LIKERT = "likert", "Agreement scale (strongly disagree to strongly agree)"
        NUMBER = "number", "Number"
        TEXT = "text", "Free text"

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField("position", default=0)
    text = models.CharField("question", max_length=300, help_text="As the person answering reads it.")
    kind = models.CharField("kind of answer", max_length=20, choices=Kind.choices, default=Kind.LIKERT)
    required = models.BooleanField("answer required", default=True)
    options = models.TextField(
        "options", blank=True, help_text="For single and multiple choice: one option a line, at least two."
    )
    min_value = models.IntegerField("lowest number", null=True, blank=True, help_text="For a number.")
    max_value = models.IntegerField("highest number", null=True, blank=True, help_text="For a number.")
    max_length = models.PositiveIntegerField(
        "longest answer", default=1000, help_text="For free text: the most characters an answer may have."
    )
    theme = models.CharField(
        "theme", max_length=50, blank=True, help_text="e.g. motivation, ambition, training (for reports)."
    )

    objects = InstitutionManager(QuestionQuerySet)

    class Meta:
        ordering = ["survey", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_value__isnull=True)
                | models.Q(max_value__isnull=True)
                | models.Q(max_value__gte=models.F("min_value")),
                name="question_range_in_order",
            ),
        ]

    def __str__(self):
        return self.text

    @property
    def option_list(self):
        return [line.strip() for line in self.options.splitlines() if line.strip()]


class InvitationQuerySet(InstitutionQuerySet):
    institution_path = "survey__institution"


class Invitation(models.Model):
    """A person asked to answer; the response rate's denominator. Names the person, never the answers."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey(StaffProfile, on_delete=models.CASCADE, related_name="survey_invitations")
    subject = models.ForeignKey(
        StaffProfile,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="about",
        help_text="For a survey about people: the person the answers are about (a line manager's report).",
    )
    invited_on = models.DateField("invited on", default=timezone.localdate)
    respond_by = models.DateField("answer by", null=True, blank=True)
    reminded_on = models.DateField("reminded on", null=True, blank=True)

    objects = InstitutionManager(InvitationQuerySet)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "person"], condition=models.Q(subject__isnull=True), name="invitation_once_per_person"
            ),
            models.UniqueConstraint(
                fields=["survey", "person", "subject"],
                condition=models.Q(subject__isnull=False),
                name="invitation_once_per_subject",
            ),
        ]
        indexes = [
            # surveys.tasks.send_survey_reminders (daily) finds invitations not yet reminded by their deadline.
            models.Index(
                fields=["respond_by"], condition=models.Q(reminded_on__isnull=True), name="invitation_remind_idx"
            ),
        ]

    def __str__(self):
        about = f" (about {self.subject})" if self.subject_id else ""
        return f"{self.person} invited to {self.survey}{about}"

    def get_absolute_url(self):
        """The answer page (also the link in the invitation and the reminder)."""
        if self.subject_id:
            return reverse("surveys:answer_about", args=[self.survey_id, self.subject_id])
        return reverse("surveys:answer", args=[self.survey_id])


class ParticipationQuerySet(InstitutionQuerySet):
    institution_path = "survey__institution"


class Participation(models.Model):
    """“Has answered”: who answered which survey and when, and nothing of what they said.

    The unique constraint is what makes a second answer impossible, also for two submissions
    at once: the second insert fails and its whole transaction (the answers too) rolls back.
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="participations")
    person = models.ForeignKey(StaffProfile, on_delete=models.CASCADE, related_name="survey_participations")
    subject = models.ForeignKey(
        StaffProfile,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="about",
        help_text="For a survey about people: the person the answers are about (a line manager's report).",
    )
    answered_at = models.DateTimeField("answered at", default=timezone.now)

    objects = InstitutionManager(ParticipationQuerySet)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "person"],
                condition=models.Q(subject__isnull=True),
                name="participation_once_per_person",
            ),
            models.UniqueConstraint(
                fields=["survey", "person", "subject"],
                condition=models.Q(subject__isnull=False),
                name="participation_once_per_subject",
            ),
        ]

    def __str__(self):
        return f"{self.person} answered {self.survey}"


class ResponseQuerySet(InstitutionQuerySet):
    institution_path = "survey__institution"


class Response(models.Model):
    """One set of answers. For an anonymous survey: no person, the day only, a random key."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    submitted_on = models.DateField("submitted on", default=timezone.localdate)
    respondent = models.ForeignKey(
        StaffProfile,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Only for a named survey.",
    )
    subject = models.ForeignKey(
        StaffProfile,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="about",
        help_text="Only for a named survey about people: the person the answers are about.",
    )
    # The respondent's job family at the time, a group of people (never fewer than 5 in results).
    job_family_name = models.CharField("job family", max_length=200, blank=True)

    objects = InstitutionManager(ResponseQuerySet)

    class Meta:
        ordering = ["id"]  # random: the order says nothing about who answered first

    def __str__(self):
        return f"Response to {self.survey}"


class AnswerQuerySet(InstitutionQuerySet):
    institution_path = "response__survey__institution"


class Answer(models.Model):
    """One answer to one question; a multiple-choice question has one row per option chosen."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    option = models.CharField(max_length=300, blank=True)
    number = models.IntegerField(null=True, blank=True)
    text = models.TextField(blank=True)

    objects = InstitutionManager(AnswerQuerySet)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.option or (str(self.number) if self.number is not None else self.text[:40])
