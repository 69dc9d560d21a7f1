"""The technician exchange pilot (action 4A): rounds, offers, placements, reciprocal days, feedback.

A host offers to show their facility or team; a visitor from another division applies; both
line managers approve; the pair spends two reciprocal days (first the visitor with the host,
then the host with the visitor); each side gives feedback and a reflection, which counts as a
development record.
"""

from django.db import models
from django.urls import reverse
from django.utils import timezone

from core.tenancy import InstitutionManager, InstitutionQuerySet
from core.workflow import NEW, Move, TransitionRecord, Workflow


class ExchangeRoundQuerySet(InstitutionQuerySet):
    institution_path = "institution"


class ExchangeRound(models.Model):
    """One year's exchange, e.g. the 2026 pilot. Offers and applications are taken between two dates."""

    institution = models.ForeignKey(
        "people.Institution", on_delete=models.CASCADE, related_name="exchange_rounds", verbose_name="institution"
    )
    title = models.CharField("title", max_length=200, help_text="e.g. 2026 technician exchange pilot.")
    year = models.PositiveSmallIntegerField("year", help_text="The year the exchange days take place.")
    description = models.TextField(
        "description", blank=True, help_text="What the exchange is for and what taking part involves."
    )
    opens_on = models.DateField("open from", help_text="The first day hosts can post offers and visitors can apply.")
    closes_on = models.DateField("open until", help_text="The last day hosts can post offers and visitors can apply.")
    open_to_partners = models.BooleanField(
        "open to partner institutions",
        default=False,
        help_text="Reserved for a later phase: let staff of partner institutions take part. Not used in the pilot.",
    )
    created_at = models.DateTimeField("created", auto_now_add=True)

    objects = InstitutionManager(ExchangeRoundQuerySet)

    class Meta:
        ordering = ["-year", "-opens_on"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "title"], name="exchangeround_unique_title_per_institution"),
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")), name="exchangeround_closes_after_opening"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("exchange:round", args=[self.pk])

    def is_open(self, on=None):
        on = on or timezone.localdate()
        return self.opens_on <= on <= self.closes_on


class ExchangeOfferQuerySet(InstitutionQuerySet):
    institution_path = "round__institution"


class ExchangeOffer(models.Model):
    """A host's invitation: come and see my facility or team, these skills, on one of these dates."""

    round = models.ForeignKey(ExchangeRound, on_delete=models.CASCADE, related_name="offers", verbose_name="round")
    host = models.ForeignKey(
        "people.StaffProfile", on_delete=models.CASCADE, related_name="exchange_offers", verbose_name="host"
    )
    facility_or_team = models.CharField(
        "facility or team",
        max_length=200,
        help_text="Where the visitor will spend the day, e.g. Cell Imaging Facility.",
    )
    skills_on_show = models.TextField(
        "skills on show", help_text="The techniques, equipment and ways of working a visitor will see."
    )
    possible_dates = models.TextField(
        "possible dates", help_text="When you could host, e.g. 'any Tuesday in March' or a list of dates."
    )
    places = models.PositiveSmallIntegerField(
        "places", default=1, help_text="How many visitors you can take in this round (each is a pair of days)."
    )
    created_at = models.DateTimeField("posted", auto_now_add=True)
    updated_at = models.DateTimeField("last changed", auto_now=True)

    objects = InstitutionManager(ExchangeOfferQuerySet)

    class Meta:
        ordering = ["facility_or_team", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(places__gte=1), name="exchangeoffer_at_least_one_place"),
            models.UniqueConstraint(fields=["round", "host"], name="exchangeoffer_one_per_host_per_round"),
        ]

    def __str__(self):
        return f"{self.facility_or_team} ({self.host})"

    def get_absolute_url(self):
        return reverse("exchange:offer", args=[self.pk])


class ExchangePlacementQuerySet(InstitutionQuerySet):
    institution_path = "offer__round__institution"

    def taking_a_place(self):
        return self.filter(state__in=ExchangePlacement.PLACE_TAKING_STATES)

    def with_names(self):
        """Enough to name the pair (the dashboard panels): a third of `with_people`'s joins, whose
        planning took most of a panel's 15-25 ms at national size."""
        return self.select_related("offer__host__user", "visitor__user")

    def with_people(self):
        return self.select_related(
            "offer__round",
            "offer__host__user",
            "offer__host__division",
            "offer__host__line_manager__user",
            "visitor__user",
            "visitor__division",
            "visitor__line_manager__user",
        )


ORGANISERS_ONLY = "Only the pair or a programme manager can do this."


class ExchangePlacement(models.Model):
    """One visitor paired with one host's offer, from request to completed exchange.

    The visitor's day (`host_day`) comes first: the visitor spends a day with the host. Then
    the host spends a day with the visitor (`visitor_day`).
    """

    class State(models.TextChoices):
        REQUESTED = "requested", "Waiting for managers' approval"
        APPROVED = "approved", "Approved, days to be scheduled"
        SCHEDULED = "scheduled", "Days scheduled"
        DAYS_RECORDED = "days_recorded", "Both days done, feedback due"
        COMPLETED = "completed", "Completed"
        DECLINED = "declined", "Declined"
        CANCELLED = "cancelled", "Cancelled"

    # The workflow, written down once: which state may follow which, and who may make each move
    # (the permissions are django-rules in exchange/rules.py). A move from a state to itself is a
    # step that changes no state but is kept in the history: one manager's approval while the
    # other's is awaited, new dates, one of the two days recorded.
    workflow = Workflow(
        Move(
            NEW, State.REQUESTED, perm="exchange.request_placement", refusal="Only the visitor applies, for themselves."
        ),
        Move(
            State.REQUESTED,
            State.REQUESTED,
            perm="exchange.approve_placement",
            refusal="You have no approval to give on this exchange.",
        ),
        Move(
            State.REQUESTED,
            State.APPROVED,
            perm="exchange.approve_placement",
            refusal="You have no approval to give on this exchange.",
        ),
        Move(
            State.REQUESTED,
            State.DECLINED,
            perm="exchange.decline_placement",
            refusal="Only a manager asked to approve this exchange can decline it.",
        ),
        Move(State.REQUESTED, State.CANCELLED, perm="exchange.organise_placement", refusal=ORGANISERS_ONLY),
        Move(State.APPROVED, State.SCHEDULED, perm="exchange.organise_placement", refusal=ORGANISERS_ONLY),
        Move(State.APPROVED, State.CANCELLED, perm="exchange.organise_placement", refusal=ORGANISERS_ONLY),
        Move(State.SCHEDULED, State.SCHEDULED, perm="exchange.organise_placement", refusal=ORGANISERS_ONLY),
        Move(State.SCHEDULED, State.DAYS_RECORDED, perm="exchange.organise_placement", refusal=ORGANISERS_ONLY),
        Move(State.SCHEDULED, State.CANCELLED, perm="exchange.organise_placement", refusal=ORGANISERS_ONLY),
        Move(
            State.DAYS_RECORDED,
            State.COMPLETED,
            perm="exchange.give_feedback",
            refusal="Only the host and the visitor give feedback on an exchange.",
        ),
    )
    PLACE_TAKING_STATES = (State.APPROVED, State.SCHEDULED, State.DAYS_RECORDED, State.COMPLETED)
    ACTIVE_STATES = (State.REQUESTED, *PLACE_TAKING_STATES)

    offer = models.ForeignKey(ExchangeOffer, on_delete=models.CASCADE, related_name="placements", verbose_name="offer")
    visitor = models.ForeignKey(
        "people.StaffProfile", on_delete=models.CASCADE, related_name="exchange_visits", verbose_name="visitor"
    )
    hopes_to_learn = models.TextField(
        "what I hope to learn", help_text="What you want to see and learn, and how it could help your own work."
    )
    state = models.CharField("state", max_length=20, choices=State.choices, default=State.REQUESTED)
    visitor_manager_approved_by = models.ForeignKey(
        "people.StaffProfile",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="approved by the visitor's manager",
    )
    visitor_manager_approved_at = models.DateTimeField("visitor's manager approved at", null=True, blank=True)
    host_manager_approved_by = models.ForeignKey(
        "people.StaffProfile",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="approved by the host's manager",
    )
    host_manager_approved_at = models.DateTimeField("host's manager approved at", null=True, blank=True)
    host_day = models.DateField(
        "visit to the host", null=True, blank=True, help_text="The day the visitor spends with the host."
    )
    visitor_day = models.DateField(
        "return visit", null=True, blank=True, help_text="The day the host spends with the visitor; after the first."
    )
    host_day_done_at = models.DateTimeField("visit to the host recorded", null=True, blank=True)
    visitor_day_done_at = models.DateTimeField("return visit recorded", null=True, blank=True)
    both_days_done_on = models.DateField(
        "both days done on", null=True, blank=True, help_text="The later of the two days, set when both are recorded."
    )
    created_at = models.DateTimeField("requested", auto_now_add=True)

    objects = InstitutionManager(ExchangePlacementQuerySet)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["offer", "visitor"],
                condition=models.Q(state__in=["requested", "approved", "scheduled", "days_recorded", "completed"]),
                name="exchangeplacement_one_live_request_per_offer_and_visitor",
            ),
            models.CheckConstraint(
                condition=models.Q(host_day__isnull=True)
                | models.Q(visitor_day__isnull=True)
                | models.Q(visitor_day__gt=models.F("host_day")),
                name="exchangeplacement_return_visit_after_first_visit",
            ),
        ]
        indexes = [
            # send_feedback_reminders scans placements whose days are done and feedback is due.
            models.Index(
                fields=["both_days_done_on"],
                condition=models.Q(state="days_recorded"),
                name="exchange_feedback_due_idx",
            ),
        ]

    def __str__(self):
        return f"{self.visitor} visits {self.offer.host}"

    def get_absolute_url(self):
        return reverse("exchange:placement", args=[self.pk])

    @property
    def host(self):
        return self.offer.host

    def role_of(self, profile):
        """Return "host", "visitor" or None for this profile."""
        if profile is None:
            return None
        if profile.pk == self.visitor_id:
            return ExchangeFeedback.Role.VISITOR
        if profile.pk == self.offer.host_id:
            return ExchangeFeedback.Role.HOST
        return None

    @property
    def participants(self):
        return [self.offer.host, self.visitor]


class PlacementTransitionQuerySet(InstitutionQuerySet):
    institution_path = "placement__offer__round__institution"


class PlacementTransition(TransitionRecord):
    """One step of a placement's workflow: who did what, when, and why (the event names the step)."""

    EVENT_LABELS = {
        "requested": "Requested",
        "visitor_manager_approved": "Approved by the visitor's line manager",
        "host_manager_approved": "Approved by the host's line manager",
        "approved": "Approved by both managers",
        "declined": "Declined",
        "scheduled": "Days scheduled",
        "rescheduled": "Days changed",
        "host_day_recorded": "Visit to the host recorded as done",
        "visitor_day_recorded": "Return visit recorded as done",
        "completed": "Completed: both sides gave feedback",
        "cancelled": "Cancelled",
    }

    placement = models.ForeignKey(
        ExchangePlacement, on_delete=models.CASCADE, related_name="transitions", verbose_name="placement"
    )
    event = models.CharField("event", max_length=60, help_text="e.g. visitor_manager_approved, host_day_recorded.")

    objects = InstitutionManager(PlacementTransitionQuerySet)

    class Meta(TransitionRecord.Meta):
        pass

    def __str__(self):
        return f"{self.event}: {self.from_state} -> {self.to_state}"

    @property
    def label(self):
        return self.EVENT_LABELS.get(self.event, self.event)


class ExchangeFeedbackQuerySet(InstitutionQuerySet):
    institution_path = "placement__offer__round__institution"


class ExchangeFeedback(models.Model):
    """One side's evaluation of the exchange and their reflection, a development record (CPD)."""

    class Role(models.TextChoices):
        HOST = "host", "Host"
        VISITOR = "visitor", "Visitor"

    placement = models.ForeignKey(ExchangePlacement, on_delete=models.CASCADE, related_name="feedback")
    author = models.ForeignKey(
        "people.StaffProfile", on_delete=models.CASCADE, related_name="exchange_feedback", verbose_name="author"
    )
    role = models.CharField("as", max_length=10, choices=Role.choices)
    rating = models.PositiveSmallIntegerField(
        "overall rating",
        choices=[(n, str(n)) for n in range(1, 6)],
        help_text="1 = poor, 5 = excellent.",
    )
    went_well = models.TextField("what went well", help_text="What was useful about the two days.")
    to_improve = models.TextField(
        "what could be better", blank=True, help_text="What would make the exchange scheme better next year."
    )
    reflection = models.TextField(
        "reflection",
        help_text="What you learnt, ideas you will take back to your team, and contacts made. "
        "This is kept as a development record (work-based learning).",
    )
    would_recommend = models.BooleanField(
        "I would recommend the exchange to a colleague", default=True, help_text="Untick if you would not."
    )
    created_at = models.DateTimeField("given", auto_now_add=True)

    objects = InstitutionManager(ExchangeFeedbackQuerySet)

    class Meta:
        ordering = ["placement", "role"]
        constraints = [
            models.UniqueConstraint(fields=["placement", "role"], name="exchangefeedback_one_per_side"),
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="exchangefeedback_rating_1_5"
            ),
        ]

    def __str__(self):
        return f"{self.get_role_display()} feedback on {self.placement_id}"
