"""Programmes: the catalogue, cohorts (intakes), applications, sessions and attendance (evaluations are
surveys on the survey engine, `programmes.services.cohort_evaluation_surveys`)."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from core.tenancy import InstitutionManager, InstitutionQuerySet
from core.workflow import NEW, Move, TransitionRecord, Workflow
from people.models import Institution, JobFamily


def partner_of(institution, path):
    """An EXISTS condition: the institution at `path` lists `institution` as a partner.

    EXISTS rather than a join, so a programme is never repeated once per partner.
    """
    through = Institution.partners.through
    return Q(Exists(through.objects.filter(from_institution=OuterRef(path), to_institution=institution)))


class ProgrammeQuerySet(InstitutionQuerySet):
    def visible_to(self, institution):
        """Programmes the institution's staff may see: its own, and partners' programmes opened to it.

        Partnerships are read as declared by the owner: the owner lists its partners, and its
        programmes opened to partners are visible to those partners' staff.
        """
        if institution is None:
            return self.none()
        return self.filter(
            Q(institution=institution) | Q(open_to_partners=True) & partner_of(institution, "institution")
        )


class Programme(models.Model):
    class Kind(models.TextChoices):
        DEVELOPMENT = "development", "Development programme"
        LEADERSHIP = "leadership", "Leadership programme"
        MODULE = "module", "Module"
        EXCHANGE = "exchange", "Exchange"
        EXTERNAL = "external", "External programme"
        NETWORK = "network", "Network"
        EVENT = "event", "Event"

    institution = models.ForeignKey(
        "people.Institution",
        on_delete=models.CASCADE,
        related_name="programmes",
        verbose_name="institution",
        help_text="The institution that runs the programme.",
    )
    kind = models.CharField("kind", max_length=20, choices=Kind.choices, default=Kind.DEVELOPMENT)
    title = models.CharField("title", max_length=200)
    owner = models.ForeignKey(
        "people.StaffProfile",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="programmes_owned",
        verbose_name="owner",
        help_text="The person who runs the programme and answers applicants' questions.",
    )
    summary = models.CharField("summary", max_length=300, help_text="One or two sentences shown in the catalogue.")
    description = models.TextField("full description", blank=True, help_text="What it covers, who it is for, format.")
    open_to_partners = models.BooleanField(
        "open to partner institutions",
        default=False,
        help_text="Staff of the institution's partner institutions may see it and apply.",
    )
    needs_endorsement = models.BooleanField(
        "needs the line manager's endorsement",
        default=True,
        help_text="Applicants' line managers endorse before you decide; people with no confirmed line manager "
        "cannot apply. Switch off for events and modules open to all.",
    )
    external_url = models.URLField(
        "external link", blank=True, help_text="For external programmes: where to read more and apply."
    )
    attendance_rule_percent = models.PositiveSmallIntegerField(
        "attendance needed to complete (%)",
        default=80,
        help_text="Participants complete once they attend this share of the cohort's sessions.",
    )
    created_at = models.DateTimeField("created", auto_now_add=True)

    objects = InstitutionManager(ProgrammeQuerySet)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "title"], name="programme_unique_title_per_institution"),
            models.CheckConstraint(
                condition=Q(attendance_rule_percent__lte=100), name="programme_attendance_rule_at_most_100"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("programmes:programme", args=[self.pk])


class CohortQuerySet(InstitutionQuerySet):
    institution_path = "programme__institution"

    def open_on(self, day):
        return self.filter(opens_on__lte=day, closes_on__gte=day)

    def with_accepted_count(self):
        accepted = Application.objects.filter(cohort=OuterRef("pk"), state__in=Application.HOLDS_PLACE)
        return self.annotate(
            accepted_count=Coalesce(
                models.Subquery(
                    accepted.values("cohort").annotate(n=models.Count("pk")).values("n"),
                    output_field=models.IntegerField(),
                ),
                0,
            )
        )

    def with_decision_count(self):
        """Annotate `to_decide`: applications endorsed and waiting for the programme manager."""
        waiting = Application.objects.filter(cohort=OuterRef("pk"), state=Application.State.ENDORSED)
        return self.annotate(
            to_decide=Coalesce(
                models.Subquery(
                    waiting.values("cohort").annotate(n=models.Count("pk")).values("n"),
                    output_field=models.IntegerField(),
                ),
                0,
            )
        )

    def eligible_for(self, profile):
        """Cohorts whose eligibility rules admit this person (the SQL twin of `Cohort.eligibility_problems`)."""
        institution = profile.institution
        queryset = self.filter(
            Q(programme__institution=institution)
            | Q(programme__open_to_partners=True) & partner_of(institution, "programme__institution")
        )
        level = profile.grade.level if profile.grade_id else None
        if level is None:
            queryset = queryset.filter(min_level__isnull=True, max_level__isnull=True)
        else:
            queryset = queryset.filter(Q(min_level__isnull=True) | Q(min_level__lte=level))
            queryset = queryset.filter(Q(max_level__isnull=True) | Q(max_level__gte=level))
        through = Cohort.job_families.through
        any_family = Exists(through.objects.filter(cohort=OuterRef("pk")))
        if profile.job_family_id:
            family_matches = Exists(
                through.objects.filter(cohort=OuterRef("pk"), jobfamily__name__iexact=profile.job_family.name)
            )
            queryset = queryset.filter(~any_family | family_matches)
        else:
            queryset = queryset.filter(~any_family)
        return queryset


class Cohort(models.Model):
    """One intake of a programme, with its dates, places, application window and eligibility."""

    class Selection(models.TextChoices):
        FIRST_COME = "first_come", "First come, first served"
        SELECTION = "selection", "Selection by the programme manager"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="cohorts")
    name = models.CharField("name", max_length=120, help_text="e.g. Spring 2026 intake.")
    starts_on = models.DateField("starts on")
    ends_on = models.DateField("ends on")
    capacity = models.PositiveIntegerField("places", help_text="The number of participants it can take.")
    opens_on = models.DateField("applications open on")
    closes_on = models.DateField("applications close on", help_text="The last day an application is accepted.")
    min_level = models.PositiveSmallIntegerField(
        "lowest grade level",
        null=True,
        blank=True,
        help_text="This level or above may apply (levels compare across job families). Empty: any.",
    )
    max_level = models.PositiveSmallIntegerField(
        "highest grade level", null=True, blank=True, help_text="Grades above this level may not apply. Empty: any."
    )
    job_families = models.ManyToManyField(
        JobFamily,
        blank=True,
        related_name="+",
        verbose_name="job families",
        help_text="Only these job families, matched by name (partners' namesakes count). Empty: all.",
    )
    eligibility_text = models.CharField(
        "eligibility as applicants read it",
        max_length=300,
        blank=True,
        help_text='e.g. "Higher Scientific Officers or equivalent in any job family".',
    )
    selection = models.CharField(
        "selection method", max_length=20, choices=Selection.choices, default=Selection.SELECTION
    )
    waiting_list = models.BooleanField(
        "waiting list", default=True, help_text="When full, further applicants join a waiting list."
    )
    questions = models.TextField(
        "questions for applicants", blank=True, help_text="One question per line; each becomes a required answer."
    )
    created_at = models.DateTimeField("created", auto_now_add=True)

    objects = InstitutionManager(CohortQuerySet)

    class Meta:
        ordering = ["-starts_on", "pk"]
        indexes = [
            # notify_managers_of_open_cohorts and remind_window_closing scan windows by date.
            models.Index(fields=["opens_on"], name="cohort_opens_on_idx"),
            models.Index(fields=["closes_on"], name="cohort_closes_on_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="cohort_ends_after_start"),
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="cohort_window_closes_after_opening"
            ),
            models.CheckConstraint(
                condition=Q(min_level__isnull=True)
                | Q(max_level__isnull=True)
                | Q(max_level__gte=models.F("min_level")),
                name="cohort_level_range_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.programme} – {self.name}"

    def get_absolute_url(self):
        return reverse("programmes:programme", args=[self.programme_id]) + f"#cohort-{self.pk}"

    @property
    def question_list(self):
        return [line.strip() for line in self.questions.splitlines() if line.strip()]

    def is_open(self, on=None):
        on = on or timezone.localdate()
        return self.opens_on <= on <= self.closes_on

    def places_left(self):
        """Places not yet taken; uses the `accepted_count` annotation when present (one query otherwise)."""
        taken = getattr(self, "accepted_count", None)
        if taken is None:
            taken = self.applications.filter(state__in=Application.HOLDS_PLACE).count()
        return max(self.capacity - taken, 0)

    def eligibility_problems(self, profile):
        """Return why this person may not apply (empty when eligible), in words for the applicant.

        Reads the programme's institution partners and the cohort's job families (prefetch them
        when checking many cohorts).
        """
        problems = []
        programme = self.programme
        if profile.institution_id != programme.institution_id:
            partner_ids = {p.pk for p in programme.institution.partners.all()}
            if not (programme.open_to_partners and profile.institution_id in partner_ids):
                problems.append(f"It is open only to staff of {programme.institution.short_name}.")
        level = profile.grade.level if profile.grade_id else None
        if self.min_level is not None or self.max_level is not None:
            if level is None:
                problems.append("Your grade is not recorded in the portal; ask HR to add it.")
            elif self.min_level is not None and level < self.min_level:
                problems.append(f"Your grade ({profile.grade.short_name}) is below the level this cohort is for.")
            elif self.max_level is not None and level > self.max_level:
                problems.append(f"Your grade ({profile.grade.short_name}) is above the level this cohort is for.")
        families = list(self.job_families.all())
        if families:
            names = {family.name.lower() for family in families}
            if not profile.job_family_id or profile.job_family.name.lower() not in names:
                allowed = ", ".join(sorted(family.name for family in families))
                problems.append(f"It is for these job families: {allowed}.")
        return problems


class ApplicationQuerySet(InstitutionQuerySet):
    institution_path = "cohort__programme__institution"


ENDORSE_ONLY = "Only the applicant's line manager can endorse this application."
WITHDRAW_ONLY = "Only the applicant can withdraw their application."
RUN_ONLY = "Only the programme managers of the programme's institution may do this."


class Application(models.Model):
    """A person's application to a cohort, moved only through `services` along `workflow`.

    It belongs to the institution that runs the programme; partner staff's applications to a
    programme opened to partners are reached through the explicit partner sharing in `selectors`.
    """

    class State(models.TextChoices):
        AWAITING_ENDORSEMENT = "awaiting_endorsement", "Waiting for the line manager"
        ENDORSED = "endorsed", "Waiting for selection"
        ENDORSEMENT_DECLINED = "endorsement_declined", "Not endorsed by the line manager"
        ACCEPTED = "accepted", "Accepted"
        WAITLISTED = "waitlisted", "On the waiting list"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"
        COMPLETED = "completed", "Completed"

    HOLDS_PLACE = (State.ACCEPTED, State.COMPLETED)
    ACTIVE = (State.AWAITING_ENDORSEMENT, State.ENDORSED, State.WAITLISTED, State.ACCEPTED)

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="applications")
    applicant = models.ForeignKey(
        "people.StaffProfile", on_delete=models.CASCADE, related_name="programme_applications"
    )
    line_manager = models.ForeignKey(
        "people.StaffProfile",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="line manager",
        help_text="The applicant's line manager when they applied; they endorse it.",
    )
    statement = models.TextField(
        "statement", help_text="Why you want to take part and what you hope to gain; your manager reads it too."
    )
    answers = models.JSONField("answers", default=list, blank=True)
    state = models.CharField("status", max_length=30, choices=State.choices, default=State.AWAITING_ENDORSEMENT)
    submitted_at = models.DateTimeField("submitted", default=timezone.now)
    waitlisted_at = models.DateTimeField("wait-listed", null=True, blank=True)
    updated_at = models.DateTimeField("last changed", auto_now=True)

    objects = InstitutionManager(ApplicationQuerySet)

    # The workflow, written once: who may make each move is a permission in `rules.py`;
    # `portal=True` where the portal itself moves it (first come, first served, a freed place).
    workflow = Workflow(
        Move(NEW, State.AWAITING_ENDORSEMENT, perm="programmes.apply", refusal="You can apply only for yourself."),
        Move(NEW, State.ENDORSED, perm="programmes.apply", refusal="You can apply only for yourself."),
        Move(State.AWAITING_ENDORSEMENT, State.ENDORSED, perm="programmes.endorse_application", refusal=ENDORSE_ONLY),
        Move(
            State.AWAITING_ENDORSEMENT,
            State.ENDORSEMENT_DECLINED,
            perm="programmes.endorse_application",
            refusal="Only the applicant's line manager can decline to endorse this application.",
        ),
        Move(
            State.AWAITING_ENDORSEMENT, State.WITHDRAWN, perm="programmes.withdraw_application", refusal=WITHDRAW_ONLY
        ),
        Move(State.ENDORSED, State.ACCEPTED, perm="programmes.decide_application", portal=True, refusal=RUN_ONLY),
        Move(State.ENDORSED, State.WAITLISTED, perm="programmes.decide_application", portal=True, refusal=RUN_ONLY),
        Move(State.ENDORSED, State.DECLINED, perm="programmes.decide_application", portal=True, refusal=RUN_ONLY),
        Move(State.ENDORSED, State.WITHDRAWN, perm="programmes.withdraw_application", refusal=WITHDRAW_ONLY),
        Move(State.WAITLISTED, State.ACCEPTED, perm="programmes.decide_application", portal=True, refusal=RUN_ONLY),
        Move(State.WAITLISTED, State.DECLINED, perm="programmes.decide_application", refusal=RUN_ONLY),
        Move(State.WAITLISTED, State.WITHDRAWN, perm="programmes.withdraw_application", refusal=WITHDRAW_ONLY),
        Move(State.ACCEPTED, State.WITHDRAWN, perm="programmes.withdraw_application", refusal=WITHDRAW_ONLY),
        Move(State.ACCEPTED, State.COMPLETED, perm="programmes.run_programme", refusal=RUN_ONLY),
    )

    class Meta:
        ordering = ["submitted_at", "pk"]
        indexes = [
            # remind_endorsements_waiting scans applications still waiting for the manager.
            models.Index(
                fields=["submitted_at"], condition=Q(state="awaiting_endorsement"), name="application_awaiting_idx"
            ),
            models.Index(fields=["cohort", "state"], name="application_cohort_state_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "applicant"], name="application_once_per_cohort"),
        ]

    def __str__(self):
        return f"{self.applicant} → {self.cohort}"

    def get_absolute_url(self):
        return reverse("programmes:application", args=[self.pk])

    @property
    def answered_questions(self):
        return [(item.get("question", ""), item.get("answer", "")) for item in self.answers]


class ApplicationTransition(TransitionRecord):
    """One change of an application's status: who, when, from what, to what, and why."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField("from", max_length=30, choices=Application.State.choices, blank=True)
    to_state = models.CharField("to", max_length=30, choices=Application.State.choices)

    class Meta(TransitionRecord.Meta):
        pass

    def __str__(self):
        return f"{self.application_id}: {self.from_state or 'new'} → {self.to_state}"


class SessionQuerySet(InstitutionQuerySet):
    institution_path = "cohort__programme__institution"


class Session(models.Model):
    """A cohort's meeting: a workshop, a module day, a network meeting."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField("title", max_length=200)
    starts_at = models.DateTimeField("starts")
    ends_at = models.DateTimeField("ends")
    location = models.CharField("place", max_length=200, blank=True, help_text="Room and building, if in person.")
    online_url = models.URLField("online link", blank=True, help_text="The video-call link, if online.")

    objects = InstitutionManager(SessionQuerySet)

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [
            # remind_sessions_tomorrow scans sessions by start time.
            models.Index(fields=["starts_at"], name="session_starts_at_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start")
        ]

    def __str__(self):
        return f"{self.title} ({timezone.localtime(self.starts_at):%d %b %Y %H:%M})"


class AttendanceQuerySet(InstitutionQuerySet):
    institution_path = "session__cohort__programme__institution"


class Attendance(models.Model):
    """Whether one participant attended one session, as the programme manager recorded it."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attendance")
    present = models.BooleanField("present", default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField("recorded", default=timezone.now)

    objects = InstitutionManager(AttendanceQuerySet)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "application"], name="attendance_once_per_session"),
        ]

    def __str__(self):
        return f"{self.application.applicant} at {self.session}: {'present' if self.present else 'absent'}"


class ManagerNoticeQuerySet(InstitutionQuerySet):
    institution_path = "cohort__programme__institution"


class ManagerNotice(models.Model):
    """When a line manager was told that a cohort their staff may apply to had opened (4B)."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="manager_notices")
    manager = models.ForeignKey("people.StaffProfile", on_delete=models.CASCADE, related_name="+")
    notified_at = models.DateTimeField("notified", default=timezone.now)

    objects = InstitutionManager(ManagerNoticeQuerySet)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cohort", "manager"], name="managernotice_once_per_cohort_manager"),
        ]

    def __str__(self):
        return f"{self.manager} told of {self.cohort}"


def new_feed_token():
    return secrets.token_urlsafe(32)


class CalendarFeedQuerySet(InstitutionQuerySet):
    institution_path = "user__profile__institution"  # the feed owner's institution


class CalendarFeed(models.Model):
    """A person's private iCalendar address; anyone with the token reads their timetable."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="programme_feed")
    token = models.CharField("token", max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField("created", default=timezone.now)

    objects = InstitutionManager(CalendarFeedQuerySet)

    def __str__(self):
        return f"Calendar feed of {self.user}"

    def get_absolute_url(self):
        return reverse("programmes:calendar_feed", args=[self.token])


# --- Events (1D, 2I) ---------------------------------------------------------------------------


class EventQuerySet(InstitutionQuerySet):
    def visible_to(self, institution):
        """Events the institution's staff may see: its own, and partners' events opened to it (1D).

        Call inside `across_institutions()`: the partner sharing is this filter, said out loud.
        """
        if institution is None:
            return self.none()
        return self.filter(
            Q(institution=institution) | Q(audience=Event.Audience.PARTNERS) & partner_of(institution, "institution")
        )

    def with_counts(self):
        """Annotate `registered_count` and `waiting_count` (two correlated subqueries, no join fan-out)."""

        def count(state):
            # The base manager: the subquery is correlated to the outer events, already narrowed to
            # what the viewer may see, and a partner's viewer must count the host's registrations.
            rows = Registration._base_manager.filter(event=OuterRef("pk"), state=state)
            return Coalesce(
                models.Subquery(
                    rows.values("event").annotate(n=models.Count("pk")).values("n"),
                    output_field=models.IntegerField(),
                ),
                0,
            )

        return self.annotate(
            registered_count=count(Registration.State.REGISTERED), waiting_count=count(Registration.State.WAITLISTED)
        )


class Event(models.Model):
    """A talk, workshop, careers event, seminar or network meeting people register for."""

    class Kind(models.TextChoices):
        TALK = "talk", "Talk"
        WORKSHOP = "workshop", "Workshop"
        CAREERS = "careers", "Careers event"
        SEMINAR = "seminar", "Seminar"
        NETWORK_MEETING = "network_meeting", "Network meeting"

    class Audience(models.TextChoices):
        OWN = "own", "Our staff only"
        PARTNERS = "partners", "Also staff of our partner institutions"

    institution = models.ForeignKey(
        "people.Institution",
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name="institution",
        help_text="The institution that runs the event.",
    )
    kind = models.CharField("kind", max_length=20, choices=Kind.choices, default=Kind.TALK)
    title = models.CharField("title", max_length=200)
    summary = models.CharField("summary", max_length=300, help_text="One or two sentences shown in lists.")
    description = models.TextField("full description", blank=True, help_text="Programme, speakers, who it is for.")
    network = models.ForeignKey(
        Programme,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name="network or programme",
        help_text="For a network meeting: the network it belongs to (e.g. the Scientific Project Managers network).",
    )
    starts_at = models.DateTimeField("starts")
    ends_at = models.DateTimeField("ends")
    location = models.CharField("place", max_length=200, blank=True, help_text="Room and building, if in person.")
    online_url = models.URLField("online link", blank=True, help_text="The video-call link, if online.")
    capacity = models.PositiveIntegerField("places", help_text="How many people can take a place.")
    waiting_list = models.BooleanField(
        "waiting list",
        default=True,
        help_text="When full, further registrations join a waiting list; a cancelled place goes to whoever waited "
        "longest.",
    )
    audience = models.CharField(
        "audience",
        max_length=20,
        choices=Audience.choices,
        default=Audience.OWN,
        help_text="Opened to partner institutions, their staff see the event and register like yours (1D).",
    )
    organiser = models.ForeignKey(
        "people.StaffProfile",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events_organised",
        verbose_name="organiser",
        help_text="Who answers questions about the event.",
    )
    cancelled_at = models.DateTimeField(
        "cancelled", null=True, blank=True, help_text="Set when the organisers call the event off."
    )
    cancellation_reason = models.CharField(
        "why it was cancelled", max_length=300, blank=True, help_text="Registrants read it in the message."
    )
    created_at = models.DateTimeField("created", auto_now_add=True)

    objects = InstitutionManager(EventQuerySet)

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [
            # remind_events_tomorrow and the bulletin's upcoming events scan events by start time.
            models.Index(fields=["starts_at"], name="event_starts_at_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="event_has_places"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("programmes:event", args=[self.pk])

    @property
    def open_to_partners(self):
        return self.audience == self.Audience.PARTNERS

    @property
    def is_cancelled(self):
        return self.cancelled_at is not None

    def has_started(self, now=None):
        return self.starts_at <= (now or timezone.now())

    def places_left(self):
        """Places not yet taken; needs the `registered_count` annotation (`with_counts`)."""
        return max(self.capacity - self.registered_count, 0)


class EventKindSettingQuerySet(InstitutionQuerySet):
    pass


class EventKindSetting(models.Model):
    """Whether registering for one kind of event needs the line manager's endorsement, per institution.

    No row means no endorsement: the plan asks that events be open to all without waiting
    for a manager (1D). An institution that wants endorsement for, say, workshops adds a row.
    """

    institution = models.ForeignKey("people.Institution", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField("kind of event", max_length=20, choices=Event.Kind.choices)
    needs_endorsement = models.BooleanField(
        "needs the line manager's endorsement",
        default=False,
        help_text="Registrations wait for the registrant's line manager before they take a place.",
    )

    objects = InstitutionManager(EventKindSettingQuerySet)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["institution", "kind"], name="eventkindsetting_once_per_kind"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {'endorsement' if self.needs_endorsement else 'no endorsement'}"


class RegistrationQuerySet(InstitutionQuerySet):
    institution_path = "event__institution"


REGISTER_SELF_ONLY = "You can register only yourself."
CANCEL_OWN_ONLY = "Only the person registered can cancel their registration."
ENDORSE_REGISTRATION_ONLY = "Only the registrant's line manager can endorse this registration."
CANCEL_PERM = "programmes.cancel_registration"


class Registration(models.Model):
    """A person's place (or place in the queue) at an event, moved only through `services`.

    It belongs to the institution that runs the event; a partner's staff member's registration
    is reached through the explicit partner sharing in `selectors`.
    """

    class State(models.TextChoices):
        AWAITING_ENDORSEMENT = "awaiting_endorsement", "Waiting for the line manager"
        REGISTERED = "registered", "Registered"
        WAITLISTED = "waitlisted", "On the waiting list"
        NOT_ENDORSED = "not_endorsed", "Not endorsed by the line manager"
        CANCELLED = "cancelled", "Cancelled"

    ACTIVE = (State.AWAITING_ENDORSEMENT, State.REGISTERED, State.WAITLISTED)

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    person = models.ForeignKey("people.StaffProfile", on_delete=models.CASCADE, related_name="event_registrations")
    state = models.CharField("status", max_length=30, choices=State.choices)
    registered_at = models.DateTimeField("registered", default=timezone.now)
    waitlisted_at = models.DateTimeField("wait-listed", null=True, blank=True)
    attended = models.BooleanField(
        "attended", null=True, blank=True, help_text="Recorded by the organisers after the event; empty until then."
    )
    updated_at = models.DateTimeField("last changed", auto_now=True)

    objects = InstitutionManager(RegistrationQuerySet)

    workflow = Workflow(
        Move(NEW, State.REGISTERED, perm="programmes.register_for_event", refusal=REGISTER_SELF_ONLY),
        Move(NEW, State.WAITLISTED, perm="programmes.register_for_event", refusal=REGISTER_SELF_ONLY),
        Move(NEW, State.AWAITING_ENDORSEMENT, perm="programmes.register_for_event", refusal=REGISTER_SELF_ONLY),
        Move(
            State.AWAITING_ENDORSEMENT,
            State.REGISTERED,
            perm="programmes.endorse_registration",
            refusal=ENDORSE_REGISTRATION_ONLY,
        ),
        Move(
            State.AWAITING_ENDORSEMENT,
            State.WAITLISTED,
            perm="programmes.endorse_registration",
            refusal=ENDORSE_REGISTRATION_ONLY,
        ),
        Move(
            State.AWAITING_ENDORSEMENT,
            State.NOT_ENDORSED,
            perm="programmes.endorse_registration",
            refusal=ENDORSE_REGISTRATION_ONLY,
        ),
        # `portal=True`: the portal cancels every registration when the organisers cancel the event.
        Move(State.AWAITING_ENDORSEMENT, State.CANCELLED, perm=CANCEL_PERM, portal=True, refusal=CANCEL_OWN_ONLY),
        Move(State.REGISTERED, State.CANCELLED, perm=CANCEL_PERM, portal=True, refusal=CANCEL_OWN_ONLY),
        Move(State.WAITLISTED, State.CANCELLED, perm=CANCEL_PERM, portal=True, refusal=CANCEL_OWN_ONLY),
        # A freed place goes to whoever waited longest: the portal moves them.
        Move(State.WAITLISTED, State.REGISTERED, portal=True),
        # Registering again after cancelling reuses the row (one registration per person and event).
        Move(State.CANCELLED, State.REGISTERED, perm="programmes.register_for_event", refusal=REGISTER_SELF_ONLY),
        Move(State.CANCELLED, State.WAITLISTED, perm="programmes.register_for_event", refusal=REGISTER_SELF_ONLY),
        Move(
            State.CANCELLED,
            State.AWAITING_ENDORSEMENT,
            perm="programmes.register_for_event",
            refusal=REGISTER_SELF_ONLY,
        ),
    )

    class Meta:
        ordering = ["registered_at", "pk"]
        indexes = [models.Index(fields=["event", "state"], name="registration_event_state_idx")]
        constraints = [
            models.UniqueConstraint(fields=["event", "person"], name="registration_once_per_event"),
        ]

    def __str__(self):
        return f"{self.person} at {self.event}"

    def get_absolute_url(self):
        return reverse("programmes:event", args=[self.event_id])


class RegistrationTransitionQuerySet(InstitutionQuerySet):
    institution_path = "registration__event__institution"


class RegistrationTransition(TransitionRecord):
    """One change of an event registration's status."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="transitions")

    objects = InstitutionManager(RegistrationTransitionQuerySet)

    class Meta(TransitionRecord.Meta):
        pass


# --- The opportunities bulletin (1F) -------------------------------------------------------------


def validate_web_link(value):
    """Only http and https links: a javascript:, data: or file: address must never reach a page."""
    scheme = value.split(":", 1)[0].lower() if ":" in value else ""
    if scheme not in ("http", "https"):
        raise ValidationError("Give a web address starting with http:// or https://.")


class BulletinPostQuerySet(InstitutionQuerySet):
    def current(self, today):
        return self.filter(Q(deadline__isnull=True) | Q(deadline__gte=today), shown_from__lte=today)


class BulletinPost(models.Model):
    """An opportunity from outside the portal: an external programme or a post, with its link."""

    class Kind(models.TextChoices):
        EXTERNAL_PROGRAMME = "external_programme", "External programme"
        POST = "post", "Job or secondment"
        OTHER = "other", "Other opportunity"

    institution = models.ForeignKey(
        "people.Institution",
        on_delete=models.CASCADE,
        related_name="bulletin_posts",
        verbose_name="institution",
        help_text="The institution whose staff see the post.",
    )
    kind = models.CharField("kind", max_length=30, choices=Kind.choices, default=Kind.EXTERNAL_PROGRAMME)
    title = models.CharField("title", max_length=200, help_text="e.g. Herschel Programme for Women in Technology.")
    summary = models.CharField("summary", max_length=300, help_text="Who it is for and what it offers.")
    url = models.URLField(
        "link",
        validators=[validate_web_link],
        help_text="Where to read more and apply; an http:// or https:// address.",
    )
    provider = models.CharField("offered by", max_length=200, blank=True, help_text="e.g. Aurora (Advance HE).")
    shown_from = models.DateField("shown from", default=timezone.localdate)
    deadline = models.DateField(
        "deadline", null=True, blank=True, help_text="The closing date; the post leaves the bulletin after it."
    )
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("created", auto_now_add=True)

    objects = InstitutionManager(BulletinPostQuerySet)

    class Meta:
        ordering = ["deadline", "title"]

    def __str__(self):
        return self.title


class BulletinClickQuerySet(InstitutionQuerySet):
    institution_path = "person__institution"


class BulletinClick(models.Model):
    """One person following one bulletin opportunity on one day: a day's repeat clicks count once.

    `opportunity` is the registry key (`core.opportunities`), e.g. "programmes.event:12", so
    every source's opportunities are counted the same way. The row belongs to the person's
    institution (the viewer's traffic), whoever runs the opportunity.
    """

    person = models.ForeignKey("people.StaffProfile", on_delete=models.CASCADE, related_name="+")
    opportunity = models.CharField("opportunity", max_length=80)
    day = models.DateField("day", default=timezone.localdate)

    objects = InstitutionManager(BulletinClickQuerySet)

    class Meta:
        indexes = [models.Index(fields=["opportunity", "day"], name="bulletinclick_opportunity_idx")]
        constraints = [
            models.UniqueConstraint(fields=["person", "opportunity", "day"], name="bulletinclick_once_a_day"),
        ]

    def __str__(self):
        return f"{self.opportunity} on {self.day}"


class DigestSubscriptionQuerySet(InstitutionQuerySet):
    institution_path = "person__institution"


class DigestSubscription(models.Model):
    """A person who asked for the bulletin's weekly e-mail digest (1F); deleting the row opts out."""

    person = models.OneToOneField("people.StaffProfile", on_delete=models.CASCADE, related_name="bulletin_digest")
    created_at = models.DateTimeField("subscribed", default=timezone.now)

    objects = InstitutionManager(DigestSubscriptionQuerySet)

    def __str__(self):
        return f"Weekly digest for {self.person}"
