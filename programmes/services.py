"""Writes to programmes: applications and their workflow, attendance, completion, evaluations, notices.

Every change of an application's status goes through `core.workflow.transition` along
`Application.workflow`, which refuses a move the workflow does not list or the person may not
make, and records an ApplicationTransition row. Places are given out only while the cohort row
is locked (`select_for_update`), so two programme managers accepting at the same moment, or a
rush on a first-come cohort, can never take more places than there are. Outbox rows are
written inside the same transaction as the change, so a crash after the commit loses no message.
"""

import math
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.workflow import TransitionRecord, transition
from notifications.services import notification_enqueue
from people import roles
from people.models import Institution
from people.selectors import manager_problem

from . import notifications as kinds
from . import rules
from .models import Application, Attendance, CalendarFeed, Cohort, Evaluation, ManagerNotice, Programme, Session
from .selectors import line_managers_of_staff_eligible_for, participants_to_remind, staff_eligible_for

State = Application.State
# Saved with every move, so "last changed" still follows the status.
TOUCHED = ("updated_at",)


class CohortFull(ValidationError):
    """No place is left in the cohort."""


def _lock_cohort(cohort_id: int) -> Cohort:
    """Lock the cohort row until the transaction ends: the one gate every place allocation passes."""
    return Cohort.objects.select_for_update(of=("self",)).select_related("programme").get(pk=cohort_id)


def _lock_application(application: Application) -> Application:
    """Re-read the application under a row lock, so a decision is made on its current status."""
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
    """Mark complete every accepted participant who attended enough of the cohort's sessions."""
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
    return completed


# --- Evaluations ------------------------------------------------------------------------------


def evaluation_questions_for(user: Any, application: Application) -> list[str]:
    """The evaluation questions this user may still answer about this application."""
    if not roles.has_profile(user):
        return []
    answered = {evaluation.question for evaluation in application.evaluations.all()}
    questions: list[str] = []
    is_applicant = rules.is_applicant(user, application)
    if application.state == State.COMPLETED:
        if is_applicant:
            questions.append(Evaluation.Question.CAREER)
        if rules.is_applicants_line_manager(user, application):
            questions.append(Evaluation.Question.PERFORMANCE)
    if (
        is_applicant
        and application.cohort.programme.open_to_partners
        and application.state in Application.HOLDS_PLACE
        and any(a.present for a in application.attendance.all())
    ):
        questions.append(Evaluation.Question.VALUABLE)
    return [question for question in questions if question not in answered]


def evaluation_submit(
    *, application: Application, question: str, by: Any, answer: bool, comment: str = ""
) -> Evaluation:
    if question not in evaluation_questions_for(by, application):
        raise PermissionDenied("You cannot answer this evaluation question for this application.")
    try:
        with transaction.atomic():
            return Evaluation.objects.create(
                application=application, question=question, respondent=by.profile, answer=answer, comment=comment
            )
    except IntegrityError:
        raise ValidationError("This question has already been answered.") from None


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
    sent = 0
    for person in staff_eligible_for(cohort).exclude(pk__in=applied).select_related("user", "institution"):
        if notification_enqueue(
            recipient=person.user,
            institution=person.institution,
            kind=kinds.WINDOW_CLOSING.key,
            idempotency_key=f"programmes.window_closing:{cohort.pk}:{person.user_id}",
            context={"programme": str(cohort.programme), "cohort": cohort.name, "closes_on": str(cohort.closes_on)},
            link=cohort.get_absolute_url(),
        ):
            sent += 1
    return sent


def application_remind_endorsement(*, application: Application) -> Any:
    manager = application.applicant.line_manager
    assert manager is not None  # endorsements_waiting finds only applicants with a line manager
    return notification_enqueue(
        recipient=manager.user,
        kind=kinds.ENDORSEMENT_WAITING.key,
        idempotency_key=f"programmes.endorsement_waiting:{application.pk}",
        context={"applicant": str(application.applicant), "programme": str(application.cohort.programme)},
        link=application.get_absolute_url(),
    )


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
