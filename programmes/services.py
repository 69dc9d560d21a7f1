"""Writes to programmes: applications and their workflow, attendance, completion, evaluations (on the
survey engine), notices.

Every change of an application's status goes through `core.workflow.transition` along
`Application.workflow`, which refuses a move the workflow does not list or the person may not
make, and records an ApplicationTransition row. Places are given out only while the cohort row
is locked (`select_for_update`), so two programme managers accepting at the same moment, or a
rush on a first-come cohort, can never take more places than there are. Outbox rows are
written inside the same transaction as the change, so a crash after the commit loses no message.
"""

import math
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from core.rowwise import one_query_per_row
from core.workflow import TransitionRecord, transition
from notifications.services import Message, notification_enqueue, notifications_enqueue_many
from people.models import Institution
from people.selectors import manager_problem
from surveys import services as survey_services

from . import notifications as kinds
from . import rules, selectors
from .models import (
    Application,
    Attendance,
    BulletinClick,
    BulletinPost,
    CalendarFeed,
    Cohort,
    DigestSubscription,
    Event,
    ManagerNotice,
    Programme,
    Registration,
    Session,
)
from .selectors import line_managers_of_staff_eligible_for, participants_to_remind, staff_eligible_for

State = Application.State
# Saved with every move, so "last changed" still follows the status.
TOUCHED = ("updated_at",)


class CohortFull(ValidationError):
    """No place is left in the cohort."""


def _lock_cohort(cohort_id: int) -> Cohort:
    """Lock the cohort row until the transaction ends: the one gate every place allocation passes."""
    with one_query_per_row():  # taken for every place allocated, also when accepting in bulk
        return Cohort.objects.select_for_update(of=("self",)).select_related("programme").get(pk=cohort_id)


def _lock_application(application: Application) -> Application:
    """Re-read the application under a row lock, so a decision is made on its current status."""
    with one_query_per_row():  # each decision locks its own application, also when accepting in bulk
        return (
            Application.objects.select_for_update(of=("self",))
            .select_related("cohort__programme", "applicant__user", "applicant__line_manager__user")
            .get(pk=application.pk)
        )


def _places_taken(cohort: Cohort) -> int:
    return cohort.applications.filter(state__in=Application.HOLDS_PLACE).count()


def _notify_status(application: Application, record: TransitionRecord) -> None:
    """Tell the applicant their application changed status (once per transition), in this transaction."""
    notification_enqueue(
        recipient=application.applicant.user,
        kind=kinds.APPLICATION_STATUS.key,
        idempotency_key=f"programmes.application_status:{record.pk}",
        context={
            "programme": str(application.cohort.programme),
            "cohort": application.cohort.name,
            "status": Application.State(record.to_state).label,
            "reason": record.reason,
        },
        link=application.get_absolute_url(),
    )


def _waitlist(application: Application, *, by: Any, reason: str) -> TransitionRecord:
    application.waitlisted_at = timezone.now()
    return transition(application, State.WAITLISTED, by=by, reason=reason, update_fields=(*TOUCHED, "waitlisted_at"))


def _allocate_first_come(application: Application) -> TransitionRecord:
    """Give a first-come applicant a place if one is left, else the waiting list or a refusal.

    The portal itself makes this move (by=None). Call with the cohort row locked.
    """
    cohort = application.cohort
    if _places_taken(cohort) < cohort.capacity:
        reason = "First come, first served: a place was free."
        return transition(application, State.ACCEPTED, by=None, reason=reason, update_fields=TOUCHED)
    if cohort.waiting_list:
        return _waitlist(application, by=None, reason="First come, first served: the cohort is full.")
    reason = "First come, first served: the cohort is full."
    return transition(application, State.DECLINED, by=None, reason=reason, update_fields=TOUCHED)


# --- Applying ---------------------------------------------------------------------------------


def application_submit(
    *, cohort: Cohort, applicant: Any, statement: str, answers: dict | None = None, today=None
) -> Application:
    """Apply to a cohort, or raise ValidationError saying why not (and save nothing).

    Refuses outside the application window, when ineligible, a second application to the same
    cohort, a full first-come cohort without a waiting list, and, for a programme that needs
    the line manager's endorsement, an applicant with no confirmed line manager (it would wait
    for nobody). A programme needing no endorsement sends every application straight to the
    programme manager (recorded as a transition).
    """
    today = today or timezone.localdate()
    answers = answers or {}
    if not cohort.is_open(today):
        if today < cohort.opens_on:
            raise ValidationError(f"Applications to this cohort open on {cohort.opens_on:%-d %B %Y}.")
        raise ValidationError(f"Applications to this cohort closed on {cohort.closes_on:%-d %B %Y}.")
    problems = cohort.eligibility_problems(applicant)
    if problems:
        raise ValidationError("You cannot apply to this cohort. " + " ".join(problems))
    if not statement.strip():
        raise ValidationError("Please write a statement.")
    if cohort.programme.needs_endorsement:
        problem = endorsement_problem(cohort.programme, applicant)
        if problem:
            raise ValidationError(problem)
    missing = [question for question in cohort.question_list if not str(answers.get(question, "")).strip()]
    if missing:
        raise ValidationError(f"Please answer: {missing[0]}")
    with transaction.atomic():
        locked = _lock_cohort(cohort.pk)
        if Application.objects.filter(cohort=locked, applicant=applicant).exists():
            raise ValidationError("You have already applied to this cohort.")
        first_come = locked.selection == Cohort.Selection.FIRST_COME
        if first_come and not locked.waiting_list and _places_taken(locked) >= locked.capacity:
            raise CohortFull("This cohort is full and has no waiting list.")
        manager = applicant.line_manager if locked.programme.needs_endorsement else None
        application = Application(
            cohort=locked,
            applicant=applicant,
            line_manager=manager,
            statement=statement.strip(),
            answers=[{"question": q, "answer": str(answers[q]).strip()} for q in locked.question_list],
        )
        try:
            with transaction.atomic():
                if manager is None:
                    record = transition(
                        application,
                        State.ENDORSED,
                        by=applicant.user,
                        reason="This programme needs no line manager's endorsement: sent straight to the "
                        "programme manager.",
                    )
                else:
                    record = transition(application, State.AWAITING_ENDORSEMENT, by=applicant.user)
        except IntegrityError:
            raise ValidationError("You have already applied to this cohort.") from None
        if manager is not None:
            _notify_endorsement_requested(application)
        elif first_come:
            record = _allocate_first_come(application)
            _notify_status(application, record)
    return application


def endorsement_problem(programme: Programme, applicant: Any) -> str:
    """Why the applicant cannot apply yet for want of a line manager to endorse ("" when they can)."""
    if not programme.needs_endorsement:
        return ""
    problem = manager_problem(applicant)
    return f"{programme} needs your line manager's endorsement. {problem}" if problem else ""


def _notify_endorsement_requested(application: Application) -> None:
    manager = application.line_manager
    assert manager is not None
    notification_enqueue(
        recipient=manager.user,
        kind=kinds.ENDORSEMENT_REQUESTED.key,
        idempotency_key=f"programmes.endorsement_requested:{application.pk}",
        context={
            "applicant": str(application.applicant),
            "programme": str(application.cohort.programme),
            "cohort": application.cohort.name,
        },
        link=application.get_absolute_url(),
    )


# --- The line manager's endorsement -----------------------------------------------------------


def application_endorse(*, application: Application, by: Any, reason: str = "") -> Application:
    """The applicant's line manager endorses; a first-come cohort then gives a place at once."""
    with transaction.atomic():
        _lock_cohort(application.cohort_id)
        application = _lock_application(application)
        rules.require_endorse(by, application)
        record = transition(application, State.ENDORSED, by=by, reason=reason, update_fields=TOUCHED)
        if application.cohort.selection == Cohort.Selection.FIRST_COME:
            record = _allocate_first_come(application)
        _notify_status(application, record)
    return application


def application_decline_endorsement(*, application: Application, by: Any, reason: str) -> Application:
    """The line manager declines to endorse, with a reason the applicant sees."""
    if not reason.strip():
        raise ValidationError("Please give the applicant a reason.")
    with transaction.atomic():
        application = _lock_application(application)
        rules.require_decline_endorsement(by, application)
        record = transition(
            application, State.ENDORSEMENT_DECLINED, by=by, reason=reason.strip(), update_fields=TOUCHED
        )
        _notify_status(application, record)
    return application


# --- The programme manager's decision ---------------------------------------------------------


def application_accept(*, application: Application, by: Any, reason: str = "") -> Application:
    """Give the applicant a place, or raise CohortFull; never more places than the capacity.

    Locks the cohort row first, so concurrent acceptances queue and each one counts the places
    taken after the previous one committed.
    """
    rules.require_decide(by, application)
    with transaction.atomic():
        cohort = _lock_cohort(application.cohort_id)
        application = _lock_application(application)
        record = transition(application, State.ACCEPTED, by=by, reason=reason, update_fields=TOUCHED)
        if _places_taken(cohort) > cohort.capacity:  # counts this one: the move is rolled back
            raise CohortFull(f"{cohort} is full: all {cohort.capacity} places are taken.")
        _notify_status(application, record)
    return application


def application_waitlist(*, application: Application, by: Any, reason: str = "") -> Application:
    rules.require_decide(by, application)
    with transaction.atomic():
        application = _lock_application(application)
        if not application.cohort.waiting_list:
            raise ValidationError("This cohort has no waiting list.")
        record = _waitlist(application, by=by, reason=reason)
        _notify_status(application, record)
    return application


def application_decline(*, application: Application, by: Any, reason: str = "") -> Application:
    rules.require_decide(by, application)
    with transaction.atomic():
        application = _lock_application(application)
        record = transition(application, State.DECLINED, by=by, reason=reason, update_fields=TOUCHED)
        _notify_status(application, record)
    return application


DECISIONS = {"accept": application_accept, "waitlist": application_waitlist, "decline": application_decline}


def applications_decide(
    *, applications: Any, decision: str, by: Any, reason: str = ""
) -> tuple[list[Application], list[tuple[Application, str]]]:
    """Apply one decision to several applications; each is its own transaction.

    Returns (done, refused) where refused is a list of (application, message): a full cohort
    stops further acceptances but the ones already made stand.
    """
    service = DECISIONS[decision]
    done: list[Application] = []
    refused: list[tuple[Application, str]] = []
    for application in applications:
        try:
            done.append(service(application=application, by=by, reason=reason))
        except ValidationError as error:
            refused.append((application, " ".join(error.messages)))
    return done, refused


# --- Withdrawal and the waiting list ----------------------------------------------------------


def application_withdraw(*, application: Application, by: Any, reason: str = "") -> Application:
    """The applicant withdraws; a place they held goes to the next on the waiting list."""
    with transaction.atomic():
        cohort = _lock_cohort(application.cohort_id)
        application = _lock_application(application)
        rules.require_withdraw(by, application)
        held_place = application.state in Application.HOLDS_PLACE
        transition(application, State.WITHDRAWN, by=by, reason=reason, update_fields=TOUCHED)
        if held_place:
            _offer_freed_place(cohort)
    return application


def _offer_freed_place(cohort: Cohort) -> Application | None:
    """Give a freed place to whoever has waited longest on the list. Call with the cohort locked."""
    if _places_taken(cohort) >= cohort.capacity:
        return None
    following = (
        cohort.applications.filter(state=State.WAITLISTED)
        .select_related("applicant__user", "cohort__programme")
        .order_by("waitlisted_at", "pk")
        .first()
    )
    if following is None:
        return None
    record = transition(
        following,
        State.ACCEPTED,
        by=None,
        reason="A place freed up and you were next on the waiting list.",
        update_fields=TOUCHED,
    )
    notification_enqueue(
        recipient=following.applicant.user,
        kind=kinds.PLACE_OFFERED.key,
        idempotency_key=f"programmes.place_offered:{record.pk}",
        context={"programme": str(cohort.programme), "cohort": cohort.name},
        link=following.get_absolute_url(),
    )
    return following


# --- Setting up programmes and cohorts --------------------------------------------------------


def programme_save(*, form: Any, institution: Institution, by: Any) -> Programme:
    """Create or change a programme of the user's institution from a validated form."""
    rules.require_set_up_programmes(by, institution)
    with transaction.atomic():
        programme = form.save(commit=False)
        programme.institution = institution
        programme.save()
    return programme


def cohort_save(*, form: Any, programme: Programme, by: Any) -> Cohort:
    """Create or change a cohort; its places never drop below those taken, and new places go to the waiting list."""
    rules.require_run(by, programme)
    with transaction.atomic():
        cohort = form.save(commit=False)
        cohort.programme = programme
        if cohort.pk:
            _lock_cohort(cohort.pk)
            taken = _places_taken(cohort)
            if cohort.capacity < taken:
                raise ValidationError(
                    {"capacity": f"{taken} places are already taken; the cohort needs at least that many."}
                )
        cohort.save()
        form.save_m2m()
        # More places: whoever waited longest on the list gets them, as when someone withdraws.
        while _offer_freed_place(cohort) is not None:
            pass
    return cohort


# --- Sessions, attendance and completion ------------------------------------------------------


def session_save(*, form: Any, cohort: Cohort, by: Any) -> Session:
    """Save a session form for the cohort."""
    rules.require_run(by, cohort)
    with transaction.atomic():
        session = form.save(commit=False)
        session.cohort = cohort
        session.save()
    return session


def attendance_record(
    *, session: Session, present_application_ids: Any, by: Any, now: datetime | None = None
) -> list[Application]:
    """Save the register of one session, then complete whoever now meets the attendance rule."""
    cohort = session.cohort
    rules.require_run(by, cohort)
    present_ids = set(present_application_ids)
    now = now or timezone.now()
    with transaction.atomic():
        participants = list(cohort.applications.filter(state__in=Application.HOLDS_PLACE))
        unknown = present_ids - {p.pk for p in participants}
        if unknown:
            raise ValidationError("Only the cohort's participants can be marked present.")
        for participant in participants:
            Attendance.objects.update_or_create(
                session=session,
                application=participant,
                defaults={"present": participant.pk in present_ids, "recorded_by": by, "recorded_at": now},
            )
        completed = cohort_record_completions(cohort=cohort, by=by)
    return completed


def attendance_needed(cohort: Cohort, session_count: int) -> int:
    return math.ceil(session_count * cohort.programme.attendance_rule_percent / 100)


def cohort_record_completions(*, cohort: Cohort, by: Any) -> list[Application]:
    """Mark complete every accepted participant who attended enough of the cohort's sessions, and invite
    them, and their line managers about them, to the cohort's programme evaluation (1B)."""
    session_count = cohort.sessions.count()
    if session_count == 0:
        return []
    needed = max(attendance_needed(cohort, session_count), 1)
    completed = []
    for application in cohort.applications.filter(state=State.ACCEPTED).select_related("cohort__programme"):
        attended = application.attendance.filter(present=True).count()
        if attended >= needed:
            transition(
                application,
                State.COMPLETED,
                by=by,
                reason=f"Attended {attended} of {session_count} sessions (needed {needed}).",
                update_fields=TOUCHED,
            )
            completed.append(application)
    if completed:
        cohort_evaluation_surveys(cohort=cohort)
    return completed


# --- Evaluations (1B) on the survey engine ----------------------------------------------------


def cohort_evaluation_surveys(*, cohort: Cohort, today: Any = None) -> tuple[Any, Any]:
    """The cohort's two evaluation surveys (the participants' and their line managers'), created once,
    published, and their audiences invited: everyone who completed recently and is not yet invited.

    Called inside the transaction that records completions, so the invitations and their outbox
    rows commit with them. Named surveys, standing: each person has their own deadline, and the
    engine's daily jobs send the one reminder to those who have not answered.
    """
    today = today or timezone.localdate()
    programme = cohort.programme
    common = {"institution": programme.institution, "cohort_id": cohort.pk, "opens_on": today}
    participants = survey_services.programme_evaluation_ensure(
        audience="cohort_participants",
        title=f"{programme.title}, {cohort.name}: your evaluation",
        # A one-day event is not a development programme: 1D's "valuable" question is its evaluation.
        asks_career=programme.kind != Programme.Kind.EVENT,
        asks_valuable=programme.open_to_partners,
        **common,
    )
    managers = survey_services.programme_evaluation_ensure(
        audience="cohort_managers", title=f"{programme.title}, {cohort.name}: line manager's evaluation", **common
    )
    return participants, managers


# --- The calendar feed ------------------------------------------------------------------------


def calendar_feed_for(*, user: Any) -> CalendarFeed:
    feed, _ = CalendarFeed.objects.get_or_create(user=user)
    return feed


def calendar_feed_reset(*, user: Any) -> CalendarFeed:
    """Give the user a new private address; the old one stops working at once."""
    with transaction.atomic():
        CalendarFeed.objects.filter(user=user).delete()
        return CalendarFeed.objects.create(user=user)


# --- Notices and reminders (called by the daily beat jobs' fanned-out tasks) ------------------


def cohort_notify_managers(*, cohort_id: int, now: datetime | None = None) -> int:
    """Tell the line managers of everyone eligible for the cohort that it is open; each once (4B).

    Records a ManagerNotice for each manager told, so the action plan can measure the delay.
    Returns the number of managers told by this call.
    """
    now = now or timezone.now()
    cohort = Cohort.objects.select_related("programme__institution").get(pk=cohort_id)
    told = 0
    for manager in line_managers_of_staff_eligible_for(cohort):
        with transaction.atomic():
            _, created = ManagerNotice.objects.get_or_create(
                cohort=cohort, manager=manager, defaults={"notified_at": now}
            )
            if not created:
                continue
            notification_enqueue(
                recipient=manager.user,
                institution=manager.institution,
                kind=kinds.COHORT_OPENED_MANAGER.key,
                idempotency_key=f"programmes.cohort_opened_manager:{cohort.pk}:{manager.pk}",
                context={
                    "programme": str(cohort.programme),
                    "cohort": cohort.name,
                    "closes_on": f"{cohort.closes_on:%-d %B %Y}",
                    "eligibility": cohort.eligibility_text,
                },
                link=cohort.get_absolute_url(),
            )
            told += 1
    return told


def cohort_remind_window_closing(*, cohort_id: int) -> int:
    """Remind eligible staff who have not applied that the window closes soon (optional kind)."""
    cohort = Cohort.objects.select_related("programme").get(pk=cohort_id)
    applied = cohort.applications.values("applicant_id")
    context = {"programme": str(cohort.programme), "cohort": cohort.name, "closes_on": str(cohort.closes_on)}
    # In bulk: a national cohort reaches thousands of people, and one enqueue each took 30 s.
    created = notifications_enqueue_many(
        kind=kinds.WINDOW_CLOSING.key,
        messages=(
            Message(
                recipient=person.user,
                institution=person.institution,
                idempotency_key=f"programmes.window_closing:{cohort.pk}:{person.user_id}",
                context=context,
                link=cohort.get_absolute_url(),
            )
            for person in staff_eligible_for(cohort).exclude(pk__in=applied).select_related("user", "institution")
        ),
    )
    return len(created)


def remind_endorsements_waiting(*, applications: Iterable[Application]) -> int:
    """Remind each line manager of the applications waiting for them (once per application)."""
    # In bulk, as the window-closing sweep: at national size 12,000 reminders one enqueue each
    # took minutes, and a run that sent nothing (every key already in the outbox) longer still.
    created = notifications_enqueue_many(
        kind=kinds.ENDORSEMENT_WAITING.key,
        messages=(
            Message(
                recipient=application.applicant.line_manager.user,
                institution=application.applicant.institution,
                idempotency_key=f"programmes.endorsement_waiting:{application.pk}",
                context={"applicant": str(application.applicant), "programme": str(application.cohort.programme)},
                link=application.get_absolute_url(),
            )
            for application in applications
            if application.applicant.line_manager is not None
        ),
    )
    return len(created)


def session_remind_participants(*, session_id: int) -> int:
    """Remind the accepted participants of a session that it is tomorrow."""
    session = Session.objects.select_related("cohort__programme").get(pk=session_id)
    sent = 0
    starts = timezone.localtime(session.starts_at)
    for application in participants_to_remind(session):
        if notification_enqueue(
            recipient=application.applicant.user,
            kind=kinds.SESSION_TOMORROW.key,
            idempotency_key=f"programmes.session_tomorrow:{session.pk}:{application.applicant.user_id}",
            context={
                "session": session.title,
                "programme": str(session.cohort.programme),
                "starts": f"{starts:%A %-d %B, %H:%M}",
                "where": session.location or session.online_url,
            },
            link="/programmes/timetable/",
        ):
            sent += 1
    return sent


# --- Events (1D, 2I) ------------------------------------------------------------------------------

RegistrationState = Registration.State
FEEDBACK_DAYS = 14  # event feedback stays open this many days from the day after the event


class EventFull(ValidationError):
    """No place is left and the event keeps no waiting list."""


def _lock_event(event_id: int) -> Event:
    """Lock the event row until the transaction ends: the one gate every place at it passes."""
    return Event.objects.select_for_update(of=("self",)).select_related("institution").get(pk=event_id)


def _event_places_taken(event: Event) -> int:
    return event.registrations.filter(state=RegistrationState.REGISTERED).count()


def event_save(*, form: Any, institution: Institution, by: Any) -> Event:
    """Create or change an event of the user's institution; its places never drop below those taken."""
    rules.require_set_up_programmes(by, institution)
    with transaction.atomic():
        event = form.save(commit=False)
        event.institution = institution
        if event.pk:
            _lock_event(event.pk)
            taken = _event_places_taken(event)
            if event.capacity < taken:
                raise ValidationError({"capacity": f"{taken} people hold a place; the event needs at least that many."})
        event.save()
        # More places: whoever waited longest gets them, as when someone cancels.
        while _offer_freed_event_place(event) is not None:
            pass
    return event


def event_registration_problem(event: Event, person: Any, *, now: datetime | None = None) -> str:
    """Why the person may not register for the event ("" when they may), in words for them."""
    now = now or timezone.now()
    if event.is_cancelled:
        return "This event is cancelled."
    if event.has_started(now):
        return "This event has already started; registration is closed."
    if person.institution_id != event.institution_id:
        partner_ids = {p.pk for p in event.institution.partners.all()}
        if not (event.open_to_partners and person.institution_id in partner_ids):
            return f"This event is open only to staff of {event.institution.short_name}."
    return ""


def _allocate_event_place(registration: Registration, *, by: Any, event: Event, reason: str = "") -> TransitionRecord:
    """A place if one is left, else the waiting list, else EventFull. Call with the event row locked."""
    now = timezone.now()
    if _event_places_taken(event) < event.capacity:
        registration.waitlisted_at = None
        return transition(
            registration, RegistrationState.REGISTERED, by=by, reason=reason, update_fields=(*TOUCHED, "waitlisted_at")
        )
    if not event.waiting_list:
        raise EventFull(f"{event} is full: all {event.capacity} places are taken.")
    registration.waitlisted_at = now
    return transition(
        registration,
        RegistrationState.WAITLISTED,
        by=by,
        reason=reason or "The event was full.",
        update_fields=(*TOUCHED, "waitlisted_at"),
    )


def event_register(*, event: Event, person: Any, by: Any, now: datetime | None = None) -> Registration:
    """Register the person for the event, or raise ValidationError saying why not (saving nothing).

    Refuses an event that has started, one not opened to the person's institution, a second
    registration, and a full event without a waiting list. Where the event's kind needs the
    line manager's endorsement (`EventKindSetting`), the registration waits for them and
    takes a place only when endorsed. Places are counted with the event row locked, so
    simultaneous registrations never take more places than there are.
    """
    problem = event_registration_problem(event, person, now=now)
    if problem:
        raise ValidationError(problem)
    needs_endorsement = selectors.event_needs_endorsement(event)
    if needs_endorsement:
        missing = manager_problem(person)
        if missing:
            raise ValidationError(
                f"Registering for a {event.get_kind_display().lower()} needs your line manager's endorsement. {missing}"
            )
    with transaction.atomic():
        locked = _lock_event(event.pk)
        registration = Registration.objects.filter(event=locked, person=person).first()
        if registration is not None and registration.state != RegistrationState.CANCELLED:
            raise ValidationError(
                f"You are already on the list for this event ({registration.get_state_display().lower()})."
            )
        if registration is None:
            registration = Registration(event=locked, person=person, registered_at=timezone.now())
        else:
            registration.registered_at = timezone.now()
        if needs_endorsement:
            transition(
                registration, RegistrationState.AWAITING_ENDORSEMENT, by=by, update_fields=(*TOUCHED, "registered_at")
            )
            _notify_registration_endorsement(registration)
        else:
            try:
                with transaction.atomic():
                    if registration.pk:
                        registration.save(update_fields=["registered_at"])
                    _allocate_event_place(registration, by=by, event=locked)
            except IntegrityError:
                raise ValidationError("You are already on the list for this event.") from None
    return registration


def _notify_registration_endorsement(registration: Registration) -> None:
    manager = registration.person.line_manager
    assert manager is not None  # event_register refuses a person without one
    notification_enqueue(
        recipient=manager.user,
        kind=kinds.EVENT_ENDORSEMENT_REQUESTED.key,
        idempotency_key=f"programmes.event_endorsement_requested:{registration.pk}:{registration.transitions.count()}",
        context={"person": str(registration.person), "event": str(registration.event)},
        link=registration.event.get_absolute_url(),
    )


def registration_endorse(*, registration: Registration, by: Any, endorse: bool, reason: str = "") -> Registration:
    """The registrant's line manager endorses (a place, or the waiting list) or declines."""
    with transaction.atomic():
        event = _lock_event(registration.event_id)
        registration = (
            Registration.objects.select_for_update(of=("self",)).select_related("person").get(pk=registration.pk)
        )
        rules.require_endorse_registration(by, registration)
        if not endorse:
            transition(registration, RegistrationState.NOT_ENDORSED, by=by, reason=reason, update_fields=TOUCHED)
        else:
            _allocate_event_place(registration, by=by, event=event, reason=reason)
    return registration


def registration_cancel(*, registration: Registration, by: Any) -> Registration:
    """The person cancels; a place they held goes to whoever waited longest on the list."""
    with transaction.atomic():
        event = _lock_event(registration.event_id)
        registration = Registration.objects.select_for_update(of=("self",)).get(pk=registration.pk)
        held_place = registration.state == RegistrationState.REGISTERED
        transition(registration, RegistrationState.CANCELLED, by=by, update_fields=TOUCHED)
        if held_place and not event.has_started():
            _offer_freed_event_place(event)
    return registration


def _offer_freed_event_place(event: Event) -> Registration | None:
    """Give a free place to whoever has waited longest. Call with the event row locked."""
    if _event_places_taken(event) >= event.capacity:
        return None
    following = (
        event.registrations.filter(state=RegistrationState.WAITLISTED)
        .select_related("person__user")
        .order_by("waitlisted_at", "pk")
        .first()
    )
    if following is None:
        return None
    record = transition(
        following,
        RegistrationState.REGISTERED,
        by=None,
        reason="A place freed up and you were next on the waiting list.",
        update_fields=TOUCHED,
    )
    notification_enqueue(
        recipient=following.person.user,
        kind=kinds.EVENT_PLACE_OFFERED.key,
        idempotency_key=f"programmes.event_place_offered:{record.pk}",
        context={"event": str(event), "starts": f"{timezone.localtime(event.starts_at):%A %-d %B, %H:%M}"},
        link=event.get_absolute_url(),
    )
    return following


def event_record_attendance(
    *, event: Event, present_registration_ids: Any, by: Any, now: datetime | None = None
) -> int:
    """Save who attended (the registered people, partners' staff included) and open the feedback survey.

    Refused before the event starts. The event's feedback survey (the surveys engine, one per
    event) opens the day after the event, or today if the register is taken later; its daily
    invitation job then asks the attendees, the feedback request of 1D and 2I. Returns how many
    attended.
    """
    rules.require_run_event(by, event)
    now = now or timezone.now()
    if not event.has_started(now):
        raise ValidationError("Attendance can be recorded once the event has started.")
    present = set(present_registration_ids)
    with transaction.atomic():
        registered = list(event.registrations.filter(state=RegistrationState.REGISTERED))
        unknown = present - {r.pk for r in registered}
        if unknown:
            raise ValidationError("Only people registered for the event can be marked present.")
        for registration in registered:
            registration.attended = registration.pk in present
        Registration.objects.bulk_update(registered, ["attended"])
        if present:
            event_feedback_survey(event=event, today=timezone.localdate(now))
    return len(present)


def event_feedback_survey(*, event: Event, today: Any = None) -> Any:
    """The event's feedback survey, created and published the first time (idempotent by event)."""
    today = today or timezone.localdate()
    opens_on = max(timezone.localdate(event.ends_at) + timedelta(days=1), today)
    return survey_services.feedback_survey_ensure(
        institution=event.institution,
        audience="event_attendees",
        audience_ref=event.pk,
        title=f"Feedback: {event}",
        opens_on=opens_on,
        closes_on=opens_on + timedelta(days=FEEDBACK_DAYS),
    )


def event_remind_registered(*, event_id: int) -> int:
    """Remind everyone holding a place that the event is tomorrow (once each)."""
    event = Event.objects.get(pk=event_id)
    starts = timezone.localtime(event.starts_at)
    sent = 0
    for registration in selectors.event_attendees(event):
        if notification_enqueue(
            recipient=registration.person.user,
            kind=kinds.EVENT_TOMORROW.key,
            idempotency_key=f"programmes.event_tomorrow:{event.pk}:{registration.person.user_id}",
            context={
                "event": str(event),
                "starts": f"{starts:%A %-d %B, %H:%M}",
                "where": event.location or event.online_url,
            },
            link=event.get_absolute_url(),
        ):
            sent += 1
    return sent


# --- The opportunities bulletin (1F) ---------------------------------------------------------------


def bulletin_click_record(*, person: Any, opportunity: str, today: Any = None) -> bool:
    """Count one click: a person counts once a day per opportunity. True when this click counted.

    The unique (person, opportunity, day) row decides, also for two clicks at once.
    """
    today = today or timezone.localdate()
    try:
        with transaction.atomic():
            BulletinClick.objects.create(person=person, opportunity=opportunity[:80], day=today)
    except IntegrityError:
        return False
    return True


def bulletin_post_save(*, form: Any, institution: Institution, by: Any) -> BulletinPost:
    """Post an external programme, job or secondment on the institution's bulletin (http/https links only)."""
    rules.require_post_on_bulletin(by, institution)
    with transaction.atomic():
        post = form.save(commit=False)
        post.institution = institution
        post.posted_by = by
        post.full_clean()
        post.save()
    return post


def digest_subscribe(*, person: Any, weekly: bool) -> None:
    """Opt in to (or out of) the bulletin's weekly e-mail digest."""
    with transaction.atomic():
        if weekly:
            DigestSubscription.objects.get_or_create(person=person)
        else:
            DigestSubscription.objects.filter(person=person).delete()


def digest_send(*, subscription_id: int, today: Any = None) -> Any:
    """Send one subscriber this week's digest: exactly once per ISO week (the outbox key names the week).

    Sends nothing when there is nothing current to tell them about. Its links lead to the
    bulletin's click-counting redirect, so e-mail traffic is counted like the page's (1F:
    "consistently link emails to this site").
    """
    from . import bulletin

    today = today or timezone.localdate()
    subscription = DigestSubscription.objects.select_related("person__user", "person__institution").get(
        pk=subscription_id
    )
    person = subscription.person
    found = bulletin.bulletin(person.user, today=today)
    if not found:
        return None
    year, week, _ = today.isocalendar()
    base = getattr(settings, "PORTAL_BASE_URL", "").rstrip("/")
    items = [
        {
            "title": o.title,
            "deadline": f"{o.deadline:%-d %B}" if o.deadline else "",
            "link": base + reverse("programmes:bulletin_go", args=[o.key]) + "?via=digest",
        }
        for o in found[:DIGEST_ITEMS]
    ]
    return notification_enqueue(
        recipient=person.user,
        kind=kinds.BULLETIN_DIGEST.key,
        idempotency_key=f"programmes.bulletin_digest:{person.pk}:{year}-W{week:02d}",
        context={"items": items, "count": len(found)},
        link=reverse("programmes:bulletin"),
    )


DIGEST_ITEMS = 20  # the digest lists at most this many; the bulletin has the rest


def event_cancel(*, event: Event, by: Any, reason: str) -> int:
    """The organisers call the event off: every registration is cancelled and each person told, once.

    Refused for an event that has started, or without a reason (registrants read it). Returns
    how many people were told.
    """
    rules.require_run_event(by, event)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the event is cancelled; the people registered read it."})
    with transaction.atomic():
        event = _lock_event(event.pk)
        if event.is_cancelled:
            raise ValidationError("This event is already cancelled.")
        if event.has_started():
            raise ValidationError("An event that has started cannot be cancelled.")
        event.cancelled_at = timezone.now()
        event.cancellation_reason = reason.strip()[:300]
        event.save(update_fields=["cancelled_at", "cancellation_reason"])
        told = 0
        active = event.registrations.filter(state__in=Registration.ACTIVE).select_related("person__user")
        for registration in active:
            transition(
                registration,
                RegistrationState.CANCELLED,
                by=None,
                reason="The event is cancelled.",
                update_fields=TOUCHED,
            )
            notification_enqueue(
                recipient=registration.person.user,
                kind=kinds.EVENT_CANCELLED.key,
                idempotency_key=f"programmes.event_cancelled:{event.pk}:{registration.person.user_id}",
                context={
                    "event": str(event),
                    "starts": f"{timezone.localtime(event.starts_at):%A %-d %B, %H:%M}",
                    "reason": event.cancellation_reason,
                },
                link=event.get_absolute_url(),
            )
            told += 1
    return told


# --- Demo data for apps built on programmes (registration) --------------------------------------


def programme_ensure(
    *, institution: Institution, title: str, kind: str, summary: str, owner: Any = None, description: str = ""
) -> Programme:
    """Find the institution's programme by title, or create it (for another app's demo data)."""
    programme, _ = Programme.objects.get_or_create(
        institution=institution,
        title=title,
        defaults={
            "kind": kind,
            "summary": summary,
            "owner": owner,
            "description": description,
            "needs_endorsement": kind not in (Programme.Kind.EVENT, Programme.Kind.NETWORK),
        },
    )
    return programme


def cohort_ensure(
    *, programme: Programme, name: str, starts_on: Any, ends_on: Any, capacity: int, opens_on: Any, closes_on: Any
) -> Cohort:
    """Find the programme's cohort by name, or create it (for another app's demo data)."""
    cohort, _ = Cohort.objects.get_or_create(
        programme=programme,
        name=name,
        defaults={
            "starts_on": starts_on,
            "ends_on": ends_on,
            "capacity": capacity,
            "opens_on": opens_on,
            "closes_on": closes_on,
        },
    )
    return cohort


def session_ensure(*, cohort: Cohort, title: str, starts_at: datetime, hours: int = 2, location: str = "") -> Session:
    """Find the cohort's session by title, or create it (for another app's demo data)."""
    session, _ = Session.objects.get_or_create(
        cohort=cohort,
        title=title,
        defaults={"starts_at": starts_at, "ends_at": starts_at + timedelta(hours=hours), "location": location},
    )
    return session


def participant_ensure(
    *, cohort: Cohort, applicant: Any, statement: str, at: datetime, decided_by: Any, completed: bool = False
) -> Application:
    """A place on the cohort for `applicant`, written through the workflow (applied, endorsed by the
    line manager where there is one, accepted, and completed if asked), once."""
    existing = Application.objects.filter(cohort=cohort, applicant=applicant).first()
    if existing:
        return existing
    with transaction.atomic():
        manager = applicant.line_manager
        application = Application(
            cohort=cohort, applicant=applicant, line_manager=manager, statement=statement, submitted_at=at
        )
        if manager is not None:
            transition(application, State.AWAITING_ENDORSEMENT, by=applicant.user, at=at)
            transition(application, State.ENDORSED, by=manager.user, at=at + timedelta(days=1))
        else:
            transition(application, State.ENDORSED, by=applicant.user, at=at)
        transition(application, State.ACCEPTED, by=decided_by, at=at + timedelta(days=2))
        if completed:
            transition(application, State.COMPLETED, by=decided_by, at=at + timedelta(days=3), reason="Attended.")
    return application


def attendance_ensure(*, session: Session, application: Application, present: bool, by: Any) -> Attendance:
    attendance, _ = Attendance.objects.get_or_create(
        session=session, application=application, defaults={"present": present, "recorded_by": by}
    )
    return attendance


# --- For other apps (promotions) -------------------------------------------------------------------


def session_add(
    *,
    cohort: Cohort,
    by: Any,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    location: str = "",
    online_url: str = "",
) -> Session:
    """Add a session to a cohort the user runs, e.g. a promotions workshop on the criteria.

    Raises PermissionDenied for anyone but the cohort's programme managers, and ValidationError
    (naming the field) for a session that ends before it starts or has neither place nor link.
    """
    rules.require_run(by, cohort)
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": "The session must end after it starts."})
    if not location and not online_url:
        raise ValidationError({"location": "Give a place or an online link."})
    with transaction.atomic():
        return Session.objects.create(
            cohort=cohort, title=title, starts_at=starts_at, ends_at=ends_at, location=location, online_url=online_url
        )
