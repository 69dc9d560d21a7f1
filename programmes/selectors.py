"""Reads of programme data, scoped to what the viewer may see.

Programme data belongs to the institution that runs the programme, and the request's scope is
the viewer's institution. Partner sharing is the one way across: a programme opened to partner
institutions is listed to, applied to and attended by partner staff. It is said out loud here,
in the selectors that list shared rows and the access helpers that fetch them:

- the catalogue and the `get_*_for_user` helpers run an explicitly unscoped query, narrowed in
  SQL to the viewer's own institution and the partner institutions that opened it to them;
- a person's own rows (my applications, my team's, my timetable) are found by the person,
  wherever the programme is run;
- `shared_with(user, programme)` enters the viewer's institution and the programme's, for the
  rest of a page or a change about one shared programme.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from typing import Any, cast

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from core.access import get_visible_or_404
from core.dates import working_days_before
from core.tenancy import across_institutions, in_institutions
from people import roles
from people.models import Institution, StaffProfile
from people.selectors import in_post_between

from .models import (
    Application,
    ApplicationTransition,
    Attendance,
    CalendarFeed,
    Cohort,
    CohortQuerySet,
    DigestSubscription,
    Event,
    EventKindSetting,
    EventQuerySet,
    ManagerNotice,
    Programme,
    Registration,
    Session,
)

MANAGER_NOTICE_DAYS = 3  # 4B: managers told within 3 days of a programme opening
WINDOW_CLOSING_DAYS = 3
ENDORSEMENT_WAITING_WORKING_DAYS = 3


# --- Partner sharing ----------------------------------------------------------------------------


@contextmanager
def shared_with(user: Any, programme: Programme | Event) -> Iterator[None]:
    """Partner sharing, said out loud: see the viewer's institution and the one running `programme`.

    For a page or a change about one programme the viewer may see (their own institution's, or
    a partner's opened to them): its cohorts, sessions and applications live in the running
    institution, the viewer's own staff data in theirs. No query of its own.
    """
    ids = {programme.institution_id}
    if roles.has_profile(user):
        ids.add(user.profile.institution_id)
    with in_institutions(ids):
        yield


# --- The catalogue ------------------------------------------------------------------------------


def programmes_visible_to(user: Any) -> QuerySet[Programme]:
    """The catalogue for this user: their institution's programmes and partners' opened to them.

    Partner sharing: an explicitly unscoped query, narrowed by `visible_to` to the viewer's
    institution and the partners that opened a programme to it.
    """
    if not roles.has_profile(user):
        return Programme.objects.none()
    with across_institutions():
        return Programme.objects.visible_to(user.profile.institution)


def catalogue(
    user: Any, *, text: str = "", kind: str = "", open_now: bool = False, eligible_only: bool = False, today=None
) -> QuerySet[Programme]:
    """The catalogue page's programmes, filtered, each with whether a cohort is open annotated."""
    today = today or timezone.localdate()
    queryset = programmes_visible_to(user).select_related("institution")
    for word in text.split():
        queryset = queryset.filter(Q(title__icontains=word) | Q(summary__icontains=word))
    if kind:
        queryset = queryset.filter(kind=kind)
    with across_institutions():  # correlated to the visible programmes above: partner sharing
        open_cohorts = Cohort.objects.filter(programme=OuterRef("pk")).open_on(today)
    if open_now:
        queryset = queryset.filter(Exists(open_cohorts))
    if eligible_only:
        queryset = queryset.filter(Exists(open_cohorts.eligible_for(user.profile)))
    return queryset.annotate(is_open=Exists(open_cohorts)).order_by("title")


def get_programme_for_user(user: Any, pk: Any) -> Programme:
    """A programme of the catalogue (own or partner-opened), or Http404."""
    return get_visible_or_404(programmes_visible_to(user).select_related("institution", "owner__user"), pk)


def cohorts_of(programme: Programme) -> list[Cohort]:
    """A programme's cohorts with places taken, job families and sessions, in a fixed number of queries.

    Read in the programme's own institution (partner sharing: the viewer may be a partner's).
    """
    with in_institutions([programme.institution_id]):
        return list(
            Cohort.objects.filter(programme=programme)
            .with_accepted_count()
            .select_related("programme__institution")
            .prefetch_related("job_families", "programme__institution__partners", "sessions")
            .order_by("-starts_on")
        )


def get_cohort_for_user(user: Any, pk: Any) -> Cohort:
    """A cohort of a programme the user may see in the catalogue (partner sharing), or Http404."""
    with across_institutions():  # narrowed to the catalogue's programmes: partner sharing
        return get_visible_or_404(
            Cohort.objects.filter(programme__in=programmes_visible_to(user))
            .with_accepted_count()
            .select_related("programme__institution")
            .prefetch_related("job_families", "programme__institution__partners"),
            pk,
        )


# --- Running programmes (the programme manager's own institution) ---------------------------------


def programmes_run_by(user: Any) -> QuerySet[Programme]:
    if not roles.is_programme_manager(user) or not roles.has_profile(user):
        return Programme.objects.none()
    return Programme.objects.for_institution(user.profile.institution)


def programmes_to_run(user: Any) -> QuerySet[Programme]:
    """The programme manager's list of programmes, with their cohorts counted."""
    programmes = programmes_run_by(user).annotate(cohort_count=Count("cohorts"))
    return programmes.select_related("owner__user").order_by("title")


def get_programme_to_run(user: Any, pk: Any) -> Programme:
    """A programme of the user's own institution they run as programme manager, or Http404."""
    return get_visible_or_404(programmes_run_by(user), pk)


def cohorts_run_by(user: Any) -> CohortQuerySet:
    """Cohorts of the user's own institution's programmes, for programme managers only."""
    if not roles.is_programme_manager(user) or not roles.has_profile(user):
        return cast(CohortQuerySet, Cohort.objects.none())
    return cast(CohortQuerySet, Cohort.objects.for_institution(user.profile.institution))


def get_cohort_to_run(user: Any, pk: Any) -> Cohort:
    """A cohort the user runs as programme manager; 404 for anyone else and other institutions."""
    return get_visible_or_404(cohorts_run_by(user).with_accepted_count().select_related("programme__institution"), pk)


def cohort_applicants(cohort: Cohort, *, state: str = "", institution_id: Any = "", text: str = "") -> QuerySet:
    queryset = cohort.applications.select_related(
        "applicant__user", "applicant__grade", "applicant__job_family", "applicant__institution"
    ).order_by("submitted_at", "pk")
    if state:
        queryset = queryset.filter(state=state)
    if institution_id:
        queryset = queryset.filter(applicant__institution_id=institution_id)
    for word in text.split():
        queryset = queryset.filter(
            Q(applicant__user__first_name__icontains=word)
            | Q(applicant__user__last_name__icontains=word)
            | Q(applicant__user__email__icontains=word)
        )
    return queryset


def applicant_institutions(cohort: Cohort) -> QuerySet[Institution]:
    """The institutions the cohort's applicants come from (its own and partners'), for the filter."""
    # Only the running institution and its partners can have applicants: test those few with
    # EXISTS. `pk__in=<the applications' institutions>` made the planner loop over every
    # application (160-190 ms for a 3,000-applicant cohort).
    programme = cohort.programme
    candidates = Q(pk=programme.institution_id)
    if programme.open_to_partners:
        candidates |= Q(partners=programme.institution_id)
    applied = Application.objects.filter(cohort=cohort, applicant__institution=OuterRef("pk"))
    return Institution.objects.filter(candidates).filter(Exists(applied)).distinct().order_by("short_name")


def sessions_with_attendance(cohort: Cohort) -> QuerySet[Session]:
    return cohort.sessions.annotate(present_count=Count("attendance", filter=Q(attendance__present=True)))


def participants_of(cohort: Cohort) -> QuerySet[Application]:
    return (
        cohort.applications.filter(state__in=Application.HOLDS_PLACE)
        .select_related("applicant__user", "applicant__institution")
        .order_by("applicant__user__last_name", "applicant__user__first_name")
    )


def get_session_to_run(user: Any, pk: Any) -> Session:
    return get_visible_or_404(
        Session.objects.filter(cohort__in=cohorts_run_by(user)).select_related("cohort__programme"), pk
    )


def present_at(session: Session) -> QuerySet:
    """The ids of the applications marked present at the session."""
    return Attendance.objects.filter(session=session, present=True).values_list("application_id", flat=True)


def register_of(session: Session) -> list[tuple[Application, bool]]:
    """The session's participants with whether each was marked present."""
    participants = list(participants_of(session.cohort))
    present = set(present_at(session))
    return [(participant, participant.pk in present) for participant in participants]


# --- Applications ---------------------------------------------------------------------------------


def applications_visible_to(user: Any) -> QuerySet[Application]:
    """Applications the user may see: their own, their reports', and (programme managers) all to
    their institution's programmes, including partner staff's.

    Partner sharing: an explicitly unscoped query, narrowed to exactly those three kinds of row
    (a partner applicant's application lives in the institution that runs the programme).
    """
    if not roles.has_profile(user):
        return Application.objects.none()
    profile = user.profile
    condition = Q(applicant=profile) | Q(applicant__line_manager=profile)
    if roles.is_programme_manager(user):
        condition |= Q(cohort__programme__institution=profile.institution)
    with across_institutions():
        return Application.objects.filter(condition)


def get_application_for_user(user: Any, pk: Any) -> Application:
    return get_visible_or_404(
        applications_visible_to(user).select_related(
            "cohort__programme__institution", "applicant__user", "applicant__line_manager__user", "applicant__grade"
        ),
        pk,
    )


def application_history(application: Application) -> QuerySet:
    return application.transitions.select_related("by")


# The programme evaluations (1B) invite people whose completion was recorded in the last this many
# days: the completion itself invites at once, and the daily invitation job catches anyone missed
# (a completion recorded while the worker was down) without asking people who finished long ago.
EVALUATION_LOOKBACK_DAYS = 30


def _completed_recently(cohort_id: Any, today: date) -> QuerySet[Application]:
    since = timezone.make_aware(datetime.combine(today - timedelta(days=EVALUATION_LOOKBACK_DAYS), time.min))
    with across_institutions():  # partner sharing: the cohort's own participants, wherever they work
        return Application.objects.filter(
            cohort_id=cohort_id,
            state=Application.State.COMPLETED,
            transitions__to_state=Application.State.COMPLETED,
            transitions__at__gte=since,
        )


def completed_in_cohort(cohort_id: Any, today: date) -> QuerySet[StaffProfile]:
    """The people who completed the cohort recently (the participants' evaluation survey's audience).

    Partner sharing: an unscoped query narrowed to the cohort's completed applications.
    """
    applications = _completed_recently(cohort_id, today)
    with across_institutions():
        return StaffProfile.objects.filter(pk__in=applications.values("applicant_id"), user__is_active=True)


def managers_of_completed(cohort_id: Any, today: date) -> list[tuple[int, int]]:
    """(line manager, participant) pairs for the recent completers of the cohort who have a line
    manager with an active account, in one query (the managers' evaluation survey's audience).

    The manager is the participant's line manager today: the person who can judge their work now.
    """
    with across_institutions():
        pairs = (
            _completed_recently(cohort_id, today)
            .filter(applicant__line_manager__isnull=False, applicant__line_manager__user__is_active=True)
            .values_list("applicant__line_manager_id", "applicant_id")
            .order_by()
            .distinct()
        )
        return [(manager, participant) for manager, participant in pairs if manager is not None]


def my_applications(profile: StaffProfile) -> QuerySet[Application]:
    """The person's applications wherever the programme is run (their own rows: partner sharing)."""
    with across_institutions():
        queryset = Application.objects.filter(applicant=profile)
    return queryset.select_related("cohort__programme").order_by("-submitted_at")


def my_applications_to(profile: StaffProfile, programme: Programme) -> dict[int, Application]:
    """The person's applications to the programme's cohorts, by cohort id."""
    return {a.cohort_id: a for a in my_applications(profile).filter(cohort__programme=programme)}


def team_applications(profile: StaffProfile, *, waiting_only: bool = False) -> QuerySet[Application]:
    """The applications of the person's reports, wherever the programme is run (partner sharing)."""
    with across_institutions():
        queryset = Application.objects.filter(applicant__line_manager=profile)
    if waiting_only:
        queryset = queryset.filter(state=Application.State.AWAITING_ENDORSEMENT)
    return queryset.select_related("applicant__user", "applicant__grade", "cohort__programme").order_by("-submitted_at")


def completed_programmes(profile: StaffProfile) -> QuerySet[Application]:
    """The person's completed programmes, newest first, for their record (e.g. the staff profile page)."""
    return my_applications(profile).filter(state=Application.State.COMPLETED).order_by("-cohort__ends_on")


# --- Timetable and calendar feed ------------------------------------------------------------------


def sessions_of_user(user: Any, *, upcoming_only: bool = False, now: datetime | None = None) -> QuerySet[Session]:
    """Sessions of the cohorts where the user holds a place, wherever the programme is run."""
    if not roles.has_profile(user):
        return Session.objects.none()
    with across_institutions():  # narrowed to the person's own places: partner sharing
        queryset = Session.objects.filter(
            cohort__applications__applicant=user.profile, cohort__applications__state__in=Application.HOLDS_PLACE
        )
    if upcoming_only:
        queryset = queryset.filter(ends_at__gte=now or timezone.now())
    return queryset.select_related("cohort__programme").order_by("starts_at")


def get_calendar_feed(token: str) -> CalendarFeed:
    """The feed with this token, or Http404.

    Reached without a session, so outside any institution: the token is the only credential,
    and this lookup by it is the one unscoped query; the caller then enters the owner's
    institution (`feed.user.profile.institution_id`, loaded here).
    """
    with across_institutions():
        feed = CalendarFeed.objects.select_related("user__profile").filter(token=token, user__is_active=True).first()
    if feed is None:
        raise Http404("No such calendar.")
    return feed


# --- Events (1D, 2I) ----------------------------------------------------------------------------


def events_visible_to(user: Any) -> EventQuerySet:
    """Events the user may see: their institution's and partners' events opened to it (1D).

    Partner sharing: an explicitly unscoped query, narrowed by `visible_to` in SQL.
    """
    if not roles.has_profile(user):
        return cast(EventQuerySet, Event.objects.none())
    with across_institutions():
        return cast(EventQuerySet, Event.objects.visible_to(user.profile.institution))


def event_list(
    user: Any, *, kind: str = "", partners_only: bool = False, past: bool = False, now: datetime | None = None
) -> QuerySet[Event]:
    """The events page: upcoming (or past) events with places counted, in two correlated subqueries.

    `partners_only` lists other institutions' events opened to the user's institution (1D:
    "promote events from other institutions").
    """
    now = now or timezone.now()
    queryset = events_visible_to(user).with_counts().select_related("institution")
    if kind:
        queryset = queryset.filter(kind=kind)
    if partners_only:
        queryset = queryset.exclude(institution=user.profile.institution)
    if past:
        return queryset.filter(ends_at__lt=now).order_by("-starts_at", "pk")
    return queryset.filter(ends_at__gte=now).order_by("starts_at", "pk")


def get_event_for_user(user: Any, pk: Any) -> Event:
    """An event the user may see (own or partner-opened), with places counted, or Http404."""
    return get_visible_or_404(
        events_visible_to(user).with_counts().select_related("institution", "organiser__user", "network"), pk
    )


def events_run_by(user: Any) -> EventQuerySet:
    if not roles.is_programme_manager(user) or not roles.has_profile(user):
        return cast(EventQuerySet, Event.objects.none())
    return cast(EventQuerySet, Event.objects.for_institution(user.profile.institution))


def get_event_to_run(user: Any, pk: Any) -> Event:
    """An event of the user's own institution, for its programme managers; 404 for anyone else."""
    return get_visible_or_404(events_run_by(user).with_counts().select_related("institution"), pk)


def registration_of(profile: StaffProfile, event: Event) -> Registration | None:
    """The person's registration for the event, wherever it is run (their own row: partner sharing)."""
    with across_institutions():
        return Registration.objects.filter(event=event, person=profile).first()


def my_registrations(profile: StaffProfile, *, upcoming_only: bool = False) -> QuerySet[Registration]:
    """The person's registrations wherever the event is run (their own rows: partner sharing)."""
    with across_institutions():
        queryset = Registration.objects.filter(person=profile)
    if upcoming_only:
        queryset = queryset.filter(event__ends_at__gte=timezone.now(), state__in=Registration.ACTIVE)
    return queryset.select_related("event__institution").order_by("event__starts_at")


def team_registrations_waiting(profile: StaffProfile, event: Event) -> QuerySet[Registration]:
    """Registrations for the event by the person's reports, waiting for their endorsement."""
    with across_institutions():  # the manager's own reports' rows, wherever the event is run
        queryset = Registration.objects.filter(
            event=event, person__line_manager=profile, state=Registration.State.AWAITING_ENDORSEMENT
        )
    return queryset.select_related("person__user").order_by("registered_at")


def event_registrations(event: Event) -> QuerySet[Registration]:
    """Everyone registered, waiting or cancelled, with their institution (partners' staff included)."""
    with in_institutions([event.institution_id]):
        queryset = Registration.objects.filter(event=event)
    return queryset.select_related("person__user", "person__institution").order_by("state", "registered_at", "pk")


def event_attendees(event: Event) -> QuerySet[Registration]:
    """Registered people, for the organisers' register of attendance."""
    return event_registrations(event).filter(state=Registration.State.REGISTERED)


def attendees_of_event(event_id: int) -> QuerySet[StaffProfile]:
    """The people recorded as attending the event, wherever they work (the feedback survey's audience).

    Partner sharing: an unscoped query narrowed to the event's own attendance rows.
    """
    with across_institutions():
        return StaffProfile.objects.filter(
            event_registrations__event_id=event_id, event_registrations__attended=True, user__is_active=True
        )


def events_of_user(user: Any, *, now: datetime | None = None) -> QuerySet[Event]:
    """Upcoming events where the user holds a place, for the timetable and calendar feed."""
    if not roles.has_profile(user):
        return Event.objects.none()
    with across_institutions():  # narrowed to the person's own registrations: partner sharing
        queryset = Event.objects.filter(
            registrations__person=user.profile, registrations__state=Registration.State.REGISTERED
        )
    return queryset.filter(ends_at__gte=now or timezone.now()).order_by("starts_at")


def event_needs_endorsement(event: Event) -> bool:
    """Whether the event's kind needs the line manager's endorsement at its institution (one query)."""
    with in_institutions([event.institution_id]):
        return EventKindSetting.objects.filter(
            institution_id=event.institution_id, kind=event.kind, needs_endorsement=True
        ).exists()


def events_starting_on(day: date) -> QuerySet[Event]:
    """Events that start on `day`, local time (remind_events_tomorrow)."""
    # Uses event_starts_at_idx.
    start = timezone.make_aware(datetime.combine(day, time.min))
    return Event.objects.filter(starts_at__gte=start, starts_at__lt=start + timedelta(days=1), cancelled_at=None)


def digest_subscribed(profile: StaffProfile) -> bool:
    """Whether the person asked for the bulletin's weekly digest."""
    return DigestSubscription.objects.filter(person=profile).exists()


def digest_subscriptions() -> QuerySet[DigestSubscription]:
    """Everyone who asked for the weekly digest, across institutions (send_bulletin_digests)."""
    return DigestSubscription.objects.filter(person__user__is_active=True).order_by("pk")


# --- Eligible staff (the staff side of a cohort's rules) ----------------------------------------


def staff_eligible_for(cohort: Cohort) -> QuerySet[StaffProfile]:
    """Current staff whom the cohort's rules admit (the staff-side twin of `Cohort.eligible_for`).

    A programme opened to partners admits the partners' staff too: an explicitly unscoped query,
    narrowed in SQL to the running institution and the partners it lists.
    """
    programme = cohort.programme
    institutions = Q(institution_id=programme.institution_id)
    if programme.open_to_partners:
        institutions |= Q(
            Exists(
                Institution.partners.through.objects.filter(
                    from_institution_id=programme.institution_id, to_institution=OuterRef("institution")
                )
            )
        )
    with across_institutions():
        queryset = StaffProfile.objects.current().filter(institutions, user__is_active=True)
    if cohort.min_level is not None:
        queryset = queryset.filter(grade__level__gte=cohort.min_level)
    if cohort.max_level is not None:
        queryset = queryset.filter(grade__level__lte=cohort.max_level)
    # `.all()` so that a caller that prefetched the cohorts' job families asks nothing more.
    names = [family.name.lower() for family in cohort.job_families.all()]
    if names:
        family = Q()
        for name in names:
            family |= Q(job_family__name__iexact=name)
        queryset = queryset.filter(family)
    return queryset


def managers_of_eligible_staff(cohorts: Iterable[Cohort]) -> set[tuple[int, int]]:
    """(cohort id, line manager id) for the line managers of each cohort's eligible staff: the
    rules of `staff_eligible_for`, applied to many cohorts at once.

    For `programmes.managers_notified_within_3_days` over a year of cohorts: two queries whatever
    their number (the partners of the running institutions, and the distinct (institution,
    manager, grade level, job family) of their managed staff), then each cohort's rule is applied
    to those few combinations in memory. One query per cohort, or a UNION of them, made the
    database read every institution's staff once per cohort. Prefetch the cohorts' `job_families`.
    """
    cohorts = list(cohorts)
    if not cohorts:
        return set()
    running = {cohort.programme.institution_id for cohort in cohorts}
    partners: dict[int, set[int]] = {pk: set() for pk in running}
    if any(cohort.programme.open_to_partners for cohort in cohorts):
        through = Institution.partners.through.objects.filter(from_institution_id__in=running)
        for own, partner in through.values_list("from_institution_id", "to_institution_id"):
            partners[own].add(partner)
    admitted_anywhere = running.union(*partners.values())
    with across_institutions():
        staff = StaffProfile.objects.current().filter(
            institution_id__in=admitted_anywhere, user__is_active=True, line_manager__isnull=False
        )
    # (institution, level, family) -> the managers of the staff with them
    managers: dict[tuple[int, int | None, str], set[int]] = {}
    combinations = staff.values_list("institution_id", "grade__level", "job_family__name", "line_manager_id")
    for institution_id, level, family, manager_id in combinations.distinct():
        managers.setdefault((institution_id, level, (family or "").lower()), set()).add(manager_id)
    pairs: set[tuple[int, int]] = set()
    for cohort in cohorts:
        programme = cohort.programme
        admitted = {programme.institution_id}
        if programme.open_to_partners:
            admitted |= partners[programme.institution_id]
        families = {family.name.lower() for family in cohort.job_families.all()}
        for (institution_id, level, family), ids in managers.items():
            if institution_id not in admitted or (families and family not in families):
                continue
            if cohort.min_level is not None and (level is None or level < cohort.min_level):
                continue
            if cohort.max_level is not None and (level is None or level > cohort.max_level):
                continue
            pairs.update((cohort.pk, manager_id) for manager_id in ids)
    return pairs


def line_managers_of_staff_eligible_for(cohort: Cohort) -> QuerySet[StaffProfile]:
    """The current line managers of the staff eligible for the cohort (partners' included)."""
    manager_ids = (
        staff_eligible_for(cohort).filter(line_manager__isnull=False).values_list("line_manager_id", flat=True)
    )
    with across_institutions():  # the managers of the eligible staff above, wherever they work
        return StaffProfile.objects.current().filter(pk__in=manager_ids).select_related("user", "institution")


def managers_told(cohort: Cohort, manager_ids: Any) -> QuerySet[ManagerNotice]:
    return ManagerNotice.objects.filter(cohort=cohort, manager_id__in=manager_ids)


# --- Due work, for the daily beat jobs (run across institutions, then fanned out) -----------------


def cohorts_opened_recently(today: date) -> QuerySet[Cohort]:
    """Cohorts that opened in the last 3 days and are still open (notify_managers_of_open_cohorts)."""
    # Uses cohort_opens_on_idx.
    return Cohort.objects.filter(
        opens_on__lte=today, opens_on__gte=today - timedelta(days=MANAGER_NOTICE_DAYS), closes_on__gte=today
    )


def cohorts_closing_soon(today: date) -> QuerySet[Cohort]:
    """Cohorts whose window closes within 3 days (remind_window_closing)."""
    # Uses cohort_closes_on_idx.
    return Cohort.objects.filter(
        opens_on__lte=today, closes_on__gte=today, closes_on__lte=today + timedelta(days=WINDOW_CLOSING_DAYS)
    )


def endorsements_waiting(*, today: date | None = None) -> QuerySet[Application]:
    """Applications waiting for the line manager for more than 3 working days (remind_endorsements_waiting)."""
    # Uses the partial index application_awaiting_idx (state = awaiting_endorsement, by submitted_at).
    today = today or timezone.localdate()
    cutoff = working_days_before(today, ENDORSEMENT_WAITING_WORKING_DAYS)
    cutoff_at = timezone.make_aware(datetime.combine(cutoff + timedelta(days=1), time.min))
    return Application.objects.filter(
        state=Application.State.AWAITING_ENDORSEMENT, submitted_at__lt=cutoff_at, applicant__line_manager__isnull=False
    ).select_related("applicant__user", "applicant__institution", "applicant__line_manager__user", "cohort__programme")


def sessions_starting_on(day: date) -> QuerySet[Session]:
    """Sessions that start on `day`, local time (remind_sessions_tomorrow)."""
    # Uses session_starts_at_idx.
    start = timezone.make_aware(datetime.combine(day, time.min))
    return Session.objects.filter(starts_at__gte=start, starts_at__lt=start + timedelta(days=1))


def participants_to_remind(session: Session) -> QuerySet[Application]:
    return session.cohort.applications.filter(state__in=Application.HOLDS_PLACE).select_related("applicant__user")


# --- For professional registration (3A, 3C) -----------------------------------------------------


def sessions_of_programmes_between(programme_ids: Any, start: date, end: date) -> QuerySet[Session]:
    """Sessions of these programmes (any cohort) starting within [start, end], each with
    `present_count` annotated, in time order (one query). For the registration programme's
    workshops and annual event; read in the active scope."""
    return (
        Session.objects.filter(cohort__programme_id__in=list(programme_ids))
        .filter(starts_at__date__gte=start, starts_at__date__lte=end)
        .annotate(present_count=Count("attendance", filter=Q(attendance__present=True)))
        .select_related("cohort__programme")
        .order_by("starts_at", "pk")
    )


def sessions_attended_by(person_ids: Any, programme_ids: Any) -> dict[int, list[Session]]:
    """The sessions of these programmes each person was marked present at, in time order (one query)."""
    rows = (
        Attendance.objects.filter(
            present=True,
            application__applicant_id__in=list(person_ids),
            session__cohort__programme_id__in=list(programme_ids),
        )
        .select_related("session", "application")
        .order_by("session__starts_at", "pk")
    )
    attended: dict[int, list[Session]] = {}
    for row in rows:
        attended.setdefault(row.application.applicant_id, []).append(row.session)
    return attended


def attendance_counts(cohort: Cohort) -> dict[int, int]:
    """Sessions each participant of the cohort attended, by applicant (staff profile) id (one query)."""
    rows = (
        Attendance.objects.filter(session__cohort=cohort, present=True)
        .values("application__applicant_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["application__applicant_id"]: row["n"] for row in rows}


def leadership_cohorts(institution: Institution) -> QuerySet[Cohort]:
    """Cohorts of the institution's management and leadership programmes, newest first, with
    places taken annotated (one query)."""
    return (
        cast(
            CohortQuerySet,
            Cohort.objects.filter(programme__institution=institution, programme__kind=Programme.Kind.LEADERSHIP),
        )
        .with_accepted_count()
        .select_related("programme")
        .order_by("-starts_on", "pk")
    )


def leadership_participants(institution: Institution, start: date, end: date) -> QuerySet[Application]:
    """Participants (accepted or completed) of the institution's management and leadership
    programmes whose cohort ran at some time in [start, end]."""
    return Application.objects.filter(
        cohort__programme__institution=institution,
        cohort__programme__kind=Programme.Kind.LEADERSHIP,
        state__in=Application.HOLDS_PLACE,
        cohort__starts_on__lte=end,
        cohort__ends_on__gte=start,
    )


# --- For other apps (promotions) -------------------------------------------------------------------


def programmes_completed_by(person_ids: list[int]) -> dict[int, list[tuple[str, date | None]]]:
    """Each person's completed programmes as (programme name, cohort end date), oldest first (one query).

    The people's own rows wherever the programme is run (partner sharing), as `my_applications`.
    Used by promotions to check "a completed programme accepted as equivalent".
    """
    with across_institutions():
        rows = (
            Application.objects.filter(applicant_id__in=person_ids, state=Application.State.COMPLETED)
            .values_list("applicant_id", "cohort__programme__title", "cohort__ends_on")
            .order_by("cohort__ends_on", "pk")
        )
        completed: dict[int, list[tuple[str, date | None]]] = {}
        for person_id, name, ends_on in rows:
            completed.setdefault(person_id, []).append((name, ends_on))
    return completed


def workshop_sessions(session_ids: list[int]) -> dict[int, Session]:
    """Sessions by id with their cohort and programme, for pages that link a session (one query)."""
    return {
        session.pk: session
        for session in Session.objects.filter(pk__in=session_ids).select_related("cohort__programme")
    }


def pipeline_people(*, institution: Institution, start: date, end: date) -> dict[str, set[int]]:
    """The institution's own staff at each stage of its programmes, for the equality report.

    The cohorts are those whose applications opened from `start` to `end` (the exchange has its
    own source). "eligible": staff in post in the period whom at least one of those cohorts'
    rules admits (grade level and job family, as `staff_eligible_for`); "applied": who applied
    to one; "offered": who was ever accepted (a later withdrawal still counts as an offer);
    "completed": who completed one. Partner staff are left out: their own institution reports
    on them. Four queries.
    """
    cohorts = list(
        Cohort.objects.filter(programme__institution=institution, opens_on__gte=start, opens_on__lte=end)
        .exclude(programme__kind=Programme.Kind.EXCHANGE)
        .prefetch_related("job_families")
    )
    rules = [
        (cohort.min_level, cohort.max_level, {family.name.lower() for family in cohort.job_families.all()})
        for cohort in cohorts
    ]
    eligible = set()
    for pk, level, family in in_post_between(institution, start, end).values_list(
        "pk", "grade__level", "job_family__name"
    ):
        for low, high, families in rules:
            if (
                (low is None or (level is not None and level >= low))
                and (high is None or (level is not None and level <= high))
                and (not families or (family or "").lower() in families)
            ):
                eligible.add(pk)
                break
    accepted = ApplicationTransition.objects.filter(application=OuterRef("pk"), to_state=Application.State.ACCEPTED)
    stages: dict[str, set[int]] = {"eligible": eligible, "applied": set(), "offered": set(), "completed": set()}
    rows = (
        Application.objects.filter(cohort__in=[cohort.pk for cohort in cohorts], applicant__institution=institution)
        .annotate(was_accepted=Exists(accepted))
        .values_list("applicant_id", "state", "was_accepted")
    )
    for person, state, was_accepted in rows:
        stages["applied"].add(person)
        if was_accepted or state in Application.HOLDS_PLACE:
            stages["offered"].add(person)
        if state == Application.State.COMPLETED:
            stages["completed"].add(person)
    return stages
