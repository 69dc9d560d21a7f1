"""Writes of surveys: create, add questions, publish, invite, remind, answer."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.tenancy import across_institutions
from core.workflow import transition
from notifications.services import notification_enqueue
from people.models import StaffProfile

from . import audiences, selectors
from .models import LIKERT, Answer, Invitation, Participation, Question, Response, Survey

ALREADY_ANSWERED = "You have already answered this survey; each person answers once."
CLOSED = "This survey is closed: it no longer takes answers."


def survey_create(*, institution: Any, by: Any, standard_questions: bool = False, **fields: Any) -> Survey:
    """Create a draft survey for the institution (questions are added while it is a draft).

    With `standard_questions`, the kind's standard set (`surveys.questionnaires`) is added.
    """
    from .questionnaires import STANDARD

    with transaction.atomic():
        survey = Survey(institution=institution, created_by=by, **fields)
        survey.full_clean()
        survey.save()
        if standard_questions:
            Question.objects.bulk_create(
                [Question(survey=survey, position=i, **q) for i, q in enumerate(STANDARD.get(survey.kind, []), 1)]
            )
    return survey


def question_add(*, survey: Survey, **fields: Any) -> Question:
    """Add a question at the end of a draft survey; refuse an incomplete definition field by field."""
    if survey.state != Survey.State.DRAFT:
        raise ValidationError("Questions can be added only while the survey is a draft.")
    question = Question(survey=survey, **fields)
    errors: dict[str, str] = {}
    if question.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE) and len(question.option_list) < 2:
        errors["options"] = "Give at least two options, one a line."
    if question.kind == Question.Kind.NUMBER and question.min_value is None and question.max_value is None:
        errors["max_value"] = "Give the lowest or highest number accepted (or both)."
    if question.min_value is not None and question.max_value is not None and question.min_value > question.max_value:
        errors["max_value"] = "The highest number must not be below the lowest."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        last = survey.questions.order_by("-position").values_list("position", flat=True).first()
        question.position = (last or 0) + 1
        question.full_clean()
        question.save()
    return question


def question_remove(*, question: Question) -> None:
    """Remove a question from a draft survey (a published survey's questions are fixed)."""
    if question.survey.state != Survey.State.DRAFT:
        raise ValidationError("Questions can be removed only while the survey is a draft.")
    question.delete()


def survey_publish(*, survey: Survey, by: Any = None, invite: bool = True) -> Survey:
    """Publish a draft survey with at least one question; invitations follow from the open day.

    The move is recorded (`SurveyTransition`); `by=None` is the portal itself (the demo). A
    survey already open is invited at once (`invite=False` leaves it to the daily job, or to
    the demo, which records a past survey's invitations itself).
    """
    with transaction.atomic():
        if not survey.questions.exists():
            raise ValidationError("Add at least one question before publishing the survey.")
        transition(survey, Survey.State.PUBLISHED, by=by)
    if invite and survey.opens_on <= timezone.localdate():
        survey_invite_audience(survey=survey)
    return survey


def survey_invite_audience(*, survey: Survey, today: date | None = None) -> int:
    """Invite every audience member not yet invited, each with an outbox message; return how many.

    For an audience about people, one invitation per (person, subject) pair. Each invitation and
    its message are written in one transaction; the unique invitation and the outbox key make a
    second run (or two at once) a no-op.
    """
    today = today or timezone.localdate()
    if not survey.is_open(today):
        return 0
    if audiences.is_about(survey.audience):
        pairs: list[tuple[Any, int | None]] = list(selectors.pairs_to_invite(survey, today=today))
    else:
        pairs = [(person, None) for person in selectors.audience_to_invite(survey, today=today)]
    subjects = _names(subject for _, subject in pairs)
    sent = 0
    for person, subject in pairs:
        respond_by = survey.closes_on or today + timedelta(days=survey.respond_within_days)
        try:
            with transaction.atomic():
                invitation = Invitation.objects.create(
                    survey=survey, person=person, subject_id=subject, invited_on=today, respond_by=respond_by
                )
                notification_enqueue(
                    recipient=person.user,
                    kind="surveys.invitation",
                    idempotency_key=_key("surveys.invitation", invitation),
                    context={
                        "title": survey.title,
                        "respond_by": respond_by.strftime("%-d %B %Y"),
                        "anonymous": survey.anonymous,
                        "about": subjects.get(subject, ""),
                    },
                    # The recipient's own institution: a partner's attendee reads it among their own messages.
                    institution=person.institution,
                    link=invitation.get_absolute_url(),
                )
        except IntegrityError:
            continue  # invited by a concurrent run
        sent += 1
    return sent


def _key(kind: str, invitation: Invitation) -> str:
    """The outbox key of an invitation's message: one per survey and person (and subject, when about one)."""
    key = f"{kind}:{invitation.survey_id}:{invitation.person_id}"
    return f"{key}:{invitation.subject_id}" if invitation.subject_id else key


def _names(subjects: Any) -> dict[Any, str]:
    """The full names of the people invitations are about, in one query (none when there are none)."""
    wanted = {pk for pk in subjects if pk is not None}
    if not wanted:
        return {}
    with across_institutions():  # a partner's participant, named only to their own line manager
        people = StaffProfile.objects.filter(pk__in=wanted).select_related("user")
        return {person.pk: str(person) for person in people}


def invitation_record(
    *, survey: Survey, person: Any, invited_on: date, respond_by: date | None, subject: Any = None
) -> Invitation:
    """An invitation made in the past, without a message (the demo's history); found if it exists."""
    invitation, _ = Invitation.objects.get_or_create(
        survey=survey,
        person=person,
        subject=subject,
        defaults={"invited_on": invited_on, "respond_by": respond_by},
    )
    return invitation


def invitation_remind(*, invitation: Invitation, today: date | None = None) -> bool:
    """Send the one reminder for an unanswered invitation; False when already reminded or answered.

    Claims the invitation with a conditional UPDATE (only one caller can set `reminded_on`), and
    writes the outbox row in the same transaction.
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        if selectors.has_answered(invitation):
            return False
        claimed = Invitation.objects.filter(pk=invitation.pk, reminded_on__isnull=True).update(reminded_on=today)
        if not claimed:
            return False
        survey = invitation.survey
        notification_enqueue(
            recipient=invitation.person.user,
            kind="surveys.reminder",
            idempotency_key=_key("surveys.reminder", invitation),
            context={
                "title": survey.title,
                "respond_by": invitation.respond_by.strftime("%-d %B %Y") if invitation.respond_by else "",
                "about": str(invitation.subject) if invitation.subject_id else "",
            },
            institution=invitation.person.institution,
            link=invitation.get_absolute_url(),
        )
    return True


def _check_value(question: Question, value: Any) -> str | None:
    """The reason a cleaned answer is refused, or None (the form checks first; this is the backstop)."""
    empty = value in (None, "", [])
    if empty:
        return "Please answer this question." if question.required else None
    if question.kind == Question.Kind.SINGLE and value not in question.option_list:
        return "Choose one of the options."
    if question.kind == Question.Kind.MULTIPLE and not set(value) <= set(question.option_list):
        return "Choose among the options."
    if question.kind == Question.Kind.LIKERT and int(value) not in {v for v, _ in LIKERT}:
        return "Choose a point on the scale."
    if question.kind == Question.Kind.NUMBER:
        if question.min_value is not None and int(value) < question.min_value:
            return f"Give a number of at least {question.min_value}."
        if question.max_value is not None and int(value) > question.max_value:
            return f"Give a number of at most {question.max_value}."
    if question.kind == Question.Kind.TEXT and len(value) > question.max_length:
        return f"Keep the answer to {question.max_length} characters."
    return None


def _moment_on(day: date) -> Any:
    """Now, or noon of an earlier day (the demo's answers given while a past survey was open)."""
    if day == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(datetime(day.year, day.month, day.day, 12))


def survey_answer(*, invitation: Invitation, answers: dict[int, Any], today: date | None = None) -> Response:
    """Record a person's answers: the “has answered” row, and the answers apart from it.

    `answers` maps question pk to the cleaned value (a list for multiple choice). Refuses a
    closed survey, a passed personal deadline, a second answer (also two at once: the unique
    participation row; the losing transaction rolls back its answers), and a value out of
    range (field by field, `q<pk>`). For an anonymous survey the response has no person, the
    day only and a random key.
    """
    today = today or timezone.localdate()
    survey, person = invitation.survey, invitation.person
    if not survey.is_open(today) or (invitation.respond_by is not None and invitation.respond_by < today):
        raise ValidationError(CLOSED)
    if selectors.has_answered(invitation):
        raise ValidationError(ALREADY_ANSWERED)  # the unique row below still decides a race
    questions = list(survey.questions.all())
    errors = {f"q{q.pk}": reason for q in questions if (reason := _check_value(q, answers.get(q.pk)))}
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            Participation.objects.create(
                survey=survey, person=person, subject_id=invitation.subject_id, answered_at=_moment_on(today)
            )
            response = Response.objects.create(
                survey=survey,
                submitted_on=today,
                respondent=None if survey.anonymous else person,
                subject_id=None if survey.anonymous else invitation.subject_id,
                job_family_name=person.job_family.name if person.job_family is not None else "",
            )
            rows = []
            for question in questions:
                value = answers.get(question.pk)
                if value in (None, "", []):
                    continue
                if question.kind == Question.Kind.MULTIPLE:
                    rows += [Answer(response=response, question=question, option=option) for option in value]
                elif question.kind == Question.Kind.SINGLE:
                    rows.append(Answer(response=response, question=question, option=value))
                elif question.kind in (Question.Kind.LIKERT, Question.Kind.NUMBER):
                    rows.append(Answer(response=response, question=question, number=int(value)))
                else:
                    rows.append(Answer(response=response, question=question, text=value))
            Answer.objects.bulk_create(rows)
    except IntegrityError:
        raise ValidationError(ALREADY_ANSWERED) from None
    return response


def feedback_survey_ensure(
    *, institution: Any, audience: str, audience_ref: int, title: str, opens_on: date, closes_on: date
) -> Survey:
    """The feedback survey of one event (or other object an audience names), created once and published.

    Idempotent by (institution, audience, audience_ref): recording attendance twice keeps one
    survey. Anonymous, with the standard event-feedback questions; the daily invitation job
    asks the audience from `opens_on` (the day after the event: the feedback request).
    """
    from .questionnaires import STANDARD

    return audience_survey_ensure(
        institution=institution,
        audience=audience,
        audience_ref=audience_ref,
        title=title,
        kind=Survey.Kind.EVENT_FEEDBACK,
        anonymous=True,
        opens_on=opens_on,
        closes_on=closes_on,
        introduction="Thank you for coming. Your answers are anonymous and help us plan the next ones.",
        questions=STANDARD[Survey.Kind.EVENT_FEEDBACK],
    )


def programme_evaluation_ensure(
    *,
    institution: Any,
    audience: str,
    cohort_id: int,
    title: str,
    opens_on: date,
    asks_career: bool = True,
    asks_valuable: bool = False,
) -> Survey:
    """A cohort's programme evaluation (1B), created once and published: a standing named survey.

    `audience` is the participants' (asked whether the programme assisted their career, unless not
    `asks_career`; with `asks_valuable`, for a programme opened to partners, whether attending was valuable, 1D) or
    their line managers' (asked about each participant whether it assisted their performance).
    Standing: each person answers within `EVALUATION_DAYS` of their own invitation, which follows
    their completion; the engine's reminder goes before that deadline to those who have not answered.
    Invites the audience at once when open (inside the caller's transaction: the completion's).
    """
    from .questionnaires import EVALUATION_DAYS, manager_evaluation, participant_evaluation

    managers = audience == Survey.Audience.COHORT_MANAGERS
    return audience_survey_ensure(
        institution=institution,
        audience=audience,
        audience_ref=cohort_id,
        title=title,
        kind=Survey.Kind.PROGRAMME_EVALUATION,
        anonymous=False,
        opens_on=opens_on,
        closes_on=None,
        respond_within_days=EVALUATION_DAYS,
        introduction=(
            "Your report has completed this programme. Tell us whether it helped their work: the action plan "
            "measures it (1B). Your answer is recorded with your name."
            if managers
            else "You have completed this programme. Tell us whether it helped you: the action plan measures it "
            "(1B). Your answers are recorded with your name."
        ),
        questions=(
            manager_evaluation()
            if managers
            else participant_evaluation(asks_career=asks_career, asks_valuable=asks_valuable)
        ),
    )


def audience_survey_ensure(
    *,
    institution: Any,
    audience: str,
    audience_ref: int,
    title: str,
    kind: str,
    anonymous: bool,
    opens_on: date,
    closes_on: date | None,
    introduction: str,
    questions: list[dict[str, Any]],
    respond_within_days: int = 21,
) -> Survey:
    """The survey of a registered audience naming one object, created once with its questions and published.

    Idempotent by (institution, audience, audience_ref), also for two callers at once (the row
    lock on an existing survey; a first creation races only with itself in one transaction).
    Invites the audience at once when already open.
    """
    with transaction.atomic():
        existing = (
            Survey.objects.select_for_update()
            .filter(institution=institution, audience=audience, audience_ref=audience_ref)
            .first()
        )
        if existing is not None:
            survey = existing
        else:
            survey = survey_create(
                institution=institution,
                by=None,
                title=title[:200],
                kind=kind,
                audience=audience,
                anonymous=anonymous,
                opens_on=opens_on,
                closes_on=closes_on,
                respond_within_days=respond_within_days,
                introduction=introduction,
            )
            survey.audience_ref = audience_ref
            survey.save(update_fields=["audience_ref"])
            Question.objects.bulk_create([Question(survey=survey, position=i, **q) for i, q in enumerate(questions, 1)])
            survey_publish(survey=survey, by=None, invite=False)
        if survey.opens_on <= timezone.localdate():
            survey_invite_audience(survey=survey)
    return survey
