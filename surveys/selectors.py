"""Reads of surveys, always scoped to the viewer's institution."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from core import disclosure
from core.access import get_visible_or_404
from core.tenancy import across_institutions, in_institutions
from people import roles
from people.models import StaffProfile

from . import audiences
from .models import LIKERT, Answer, Invitation, Participation, Question, Response, Survey

REMINDER_DAYS_BEFORE = 3  # the one reminder goes this many days before a person's deadline
AGREE = 4  # on the agreement scale, 4 (agree) and 5 (strongly agree) count as agreeing


# --- Access ----------------------------------------------------------------------------------


def surveys_managed_by(user: Any) -> QuerySet[Survey]:
    """Every survey of the user's institution, for programme managers and HR; nothing for others."""
    if not (roles.is_hr(user) or roles.is_programme_manager(user)):
        return Survey.objects.none()
    return Survey.objects.for_institution(user.institution)


def get_survey_for_manager(user: Any, pk: Any) -> Survey:
    return get_visible_or_404(surveys_managed_by(user), pk)


def get_invitation_for_user(user: Any, survey_pk: Any, subject_pk: Any = None) -> Invitation:
    """The user's invitation to this survey (with the survey); a 404 for a survey they were not invited to.

    For a survey about people, `subject_pk` names whom the invitation is about (a 404 for anyone else).

    Partner sharing: a partner's staff member who attended an event is invited to its feedback
    survey, which lives in the institution that ran it; the query is unscoped but narrowed to
    the person's own invitations. Read the rest inside `answering(invitation)`.
    """
    profile = getattr(user, "profile", None)
    if profile is None:
        raise Http404("No such survey.")
    with across_institutions():
        invitations = Invitation.objects.filter(person=profile).select_related("survey", "person", "subject__user")
    try:
        if subject_pk is None:
            return invitations.get(survey_id=int(survey_pk), subject__isnull=True)
        return invitations.get(survey_id=int(survey_pk), subject_id=int(subject_pk))
    except (Invitation.DoesNotExist, TypeError, ValueError):
        raise Http404("No such survey.") from None


@contextmanager
def answering(invitation: Invitation) -> Iterator[None]:
    """Partner sharing, said out loud: the survey's institution and the person's own, while answering."""
    with in_institutions({invitation.survey.institution_id, invitation.person.institution_id}):
        yield


# --- The person's surveys --------------------------------------------------------------------


def has_answered(invitation: Invitation) -> bool:
    """Whether the invitation's person has answered (about its subject, for a survey about people)."""
    return Participation.objects.filter(
        survey=invitation.survey_id, person=invitation.person_id, subject=invitation.subject_id
    ).exists()


def _answered() -> Exists:
    """Exists: the outer invitation has been answered. Subjects compare with NULL as a value (0)."""
    return Exists(
        Participation.objects.filter(survey=OuterRef("survey"), person=OuterRef("person"))
        .alias(about=Coalesce("subject_id", Value(0)))
        .filter(about=Coalesce(OuterRef("subject_id"), Value(0)))
    )


def invitations_of(profile: Any) -> QuerySet[Invitation]:
    """The person's invitations with `answered` annotated, newest first (one query)."""
    with across_institutions():  # the person's own invitations, wherever the survey is run
        invitations = Invitation.objects.filter(person=profile)
    return (
        invitations.select_related("survey", "subject__user")
        .annotate(answered=_answered())
        .order_by("-invited_on", "-pk")
    )


def is_waiting(invitation: Any, today: date) -> bool:
    """Not answered, the survey open, and the person's own deadline not passed (`answered` annotated)."""
    return (
        not invitation.answered
        and invitation.survey.is_open(today)
        and (invitation.respond_by is None or invitation.respond_by >= today)
    )


def waiting_for(profile: Any, *, today: date | None = None) -> list[Invitation]:
    """Open surveys the person is invited to, has not answered, and may still answer."""
    today = today or timezone.localdate()
    return [invitation for invitation in invitations_of(profile) if is_waiting(invitation, today)]


# --- Due work for the beat jobs --------------------------------------------------------------


def surveys_open(*, today: date | None = None) -> QuerySet[Survey]:
    """Published surveys open today, across institutions: `send_survey_invitations` (index survey_open_idx)."""
    return Survey.objects.open_on(today or timezone.localdate())


def audience_to_invite(survey: Survey, *, today: date | None = None) -> Any:
    """Audience members not yet invited to the survey (not for an audience about people: `pairs_to_invite`)."""
    today = today or timezone.localdate()
    return (
        audiences.members(survey, today)
        .exclude(survey_invitations__survey=survey)
        .select_related("user", "institution")
        .order_by("pk")
    )


def pairs_to_invite(survey: Survey, *, today: date | None = None) -> list[tuple[StaffProfile, int]]:
    """For an audience about people: (person, subject id) pairs not yet invited, in three queries.

    Partner sharing: a participant's line manager may work at a partner institution; the people
    are read unscoped, narrowed to the pairs the audience named.
    """
    today = today or timezone.localdate()
    wanted = set(audiences.members(survey, today))
    invited = set(Invitation.objects.filter(survey=survey, subject__isnull=False).values_list("person", "subject"))
    missing = sorted(wanted - invited)
    if not missing:
        return []
    with across_institutions():
        people = StaffProfile.objects.select_related("user", "institution").in_bulk({person for person, _ in missing})
    return [(people[person], subject) for person, subject in missing if person in people]


def reminders_due(*, today: date | None = None) -> QuerySet[Invitation]:
    """Invitations whose deadline is within REMINDER_DAYS_BEFORE days, not yet reminded nor answered.

    The due work of `surveys.tasks.send_survey_reminders` (daily), across institutions; the
    partial index `invitation_remind_idx` finds the unreminded invitations by deadline.
    """
    today = today or timezone.localdate()
    return (
        Invitation.objects.filter(
            reminded_on__isnull=True,
            respond_by__gte=today,
            respond_by__lte=today + timedelta(days=REMINDER_DAYS_BEFORE),
            survey__state=Survey.State.PUBLISHED,
        )
        .exclude(_answered())
        .select_related("survey", "person__user", "person__institution", "subject__user")
        .order_by("pk")
    )


# --- Lists and results -----------------------------------------------------------------------


def surveys_with_rates(queryset: QuerySet[Survey]) -> QuerySet[Survey]:
    """Annotate `invited` and `responded`: two correlated counts, one query for the list, newest first."""
    # Subqueries, not Count() over two joins: joining invitations and participations multiplies
    # them (5,000 x 1,745 rows for one national survey, 8 s for the list; 20 ms this way).
    return queryset.annotate(
        invited=_count_per_survey(Invitation.objects.all()),
        responded=_count_per_survey(Participation.objects.all()),
    ).order_by("-opens_on", "-pk")


def _count_per_survey(rows: QuerySet) -> Coalesce:
    counted = rows.filter(survey=OuterRef("pk")).order_by().values("survey").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def rate(responded: int, invited: int) -> Decimal | None:
    if not invited:
        return None
    return round(Decimal(100) * responded / invited, 1)


@dataclass
class QuestionResult:
    question: Question
    # (label, people choosing it, their share of those answering): every figure through core.disclosure
    rows: list[tuple[str, disclosure.Figure, disclosure.Figure]] = field(default_factory=list)
    answered: disclosure.Figure = field(default_factory=lambda: disclosure.count(0))
    mean: disclosure.Figure | None = None
    texts: list[str] = field(default_factory=list)
    suppressed: bool = False


@dataclass
class Results:
    survey: Survey
    invited: disclosure.Figure
    responded: disclosure.Figure
    rate: disclosure.Figure
    suppressed: bool
    questions: list[QuestionResult]
    families: list[tuple[str, disclosure.Figure, disclosure.Figure]]  # (family, responses, invited)


def survey_results(survey: Survey) -> Results:
    """Counts per option, means and free-text answers for every question, in six queries whatever the size.

    Disclosure control (`core.disclosure`, HESA's rules): counts are rounded to the nearest 5,
    shares hidden for fewer than 23 answering, means for 7 or fewer; with 7 responses or fewer in
    all nothing but the counts of invited and answered is shown; job families with 7 responses
    or fewer are counted together as "Other job families"; free text is listed in random order
    (the answers' random keys).
    """
    invited = survey.invitations.count()
    responded = survey.responses.count()
    questions = list(survey.questions.all())
    suppressed = disclosure.too_few(responded)
    counts: dict[int, dict[Any, int]] = {}
    for row in (
        Answer.objects.filter(response__survey=survey)
        .exclude(question__kind=Question.Kind.TEXT)
        .values("question_id", "option", "number")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        key = row["option"] if row["option"] else row["number"]
        counts.setdefault(row["question_id"], {})[key] = row["n"]
    answered = dict(
        Answer.objects.filter(response__survey=survey)
        .values_list("question_id")
        .annotate(n=Count("response_id", distinct=True))
        .order_by()
    )
    texts: dict[int, list[str]] = {}
    if not suppressed:
        for question_id, text in Answer.objects.filter(
            response__survey=survey, question__kind=Question.Kind.TEXT
        ).values_list("question_id", "text"):
            texts.setdefault(question_id, []).append(text)
    results = []
    for question in questions:
        n_answered = answered.get(question.pk, 0)
        result = QuestionResult(question=question, answered=disclosure.count(n_answered), suppressed=suppressed)
        by_key = counts.get(question.pk, {})
        raw: list[tuple[str, int]] = []
        if question.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
            raw = [(label, by_key.get(label, 0)) for label in question.option_list]
        elif question.kind == Question.Kind.LIKERT:
            raw = [(label, by_key.get(value, 0)) for value, label in LIKERT]
            total = sum(by_key.get(value, 0) for value, _ in LIKERT)
            result.mean = disclosure.average(sum(v * by_key.get(v, 0) for v, _ in LIKERT), total, places=2)
        elif question.kind == Question.Kind.NUMBER:
            raw = number_rows(by_key)
            result.mean = disclosure.average(sum(v * n for v, n in by_key.items()), sum(by_key.values()), places=2)
        else:
            result.texts = texts.get(question.pk, [])
        shares = disclosure.protect([disclosure.percentage(n, n_answered) for _, n in raw]) if raw else []
        result.rows = [(label, disclosure.count(n), share) for (label, n), share in zip(raw, shares, strict=True)]
        if suppressed:
            result.rows, result.mean, result.texts = [], None, []
        results.append(result)
    return Results(
        survey=survey,
        invited=disclosure.count(invited),
        responded=disclosure.count(responded),
        rate=disclosure.percentage(survey.participations.count(), invited, places=1),
        suppressed=suppressed,
        questions=results,
        families=[] if suppressed else family_breakdown(survey),
    )


NUMBER_BINS = 6  # a number question with more distinct answers than this is shown in ranges


def number_rows(counts: dict[Any, int]) -> list[tuple[str, int]]:
    """Rows for a number question: one per value, or up to NUMBER_BINS equal ranges of values.

    Ranges keep the table readable and, with fewer single values under 5, suppress less.
    """
    values = sorted(counts.items())
    if len(values) <= NUMBER_BINS:
        return [(str(value), n) for value, n in values]
    low, high = values[0][0], values[-1][0]
    width = -(-(high - low + 1) // NUMBER_BINS)
    bins: dict[int, int] = {}
    for value, n in values:
        start = low + (value - low) // width * width
        bins[start] = bins.get(start, 0) + n
    return [(f"{start} to {start + width - 1}", n) for start, n in sorted(bins.items())]


def family_breakdown(survey: Survey) -> list[tuple[str, disclosure.Figure, disclosure.Figure]]:
    """Responses and invitations per job family (rounded counts); a family with 7 responses or
    fewer is folded into "Other job families", so its name is never shown beside its answers."""
    responses = dict(survey.responses.values_list("job_family_name").annotate(n=Count("pk")).order_by())
    invited = dict(survey.invitations.values_list("person__job_family__name").annotate(n=Count("pk")).order_by())
    rows: list[tuple[str, disclosure.Figure, disclosure.Figure]] = []
    other_responses = other_invited = 0
    for name in sorted({*responses, *invited} - {None}, key=lambda n: n or "~"):
        n = responses.get(name, 0)
        if disclosure.too_few(n) or not name:
            other_responses += n
            other_invited += invited.get(name, 0)
        else:
            rows.append((name, disclosure.count(n), disclosure.count(invited.get(name, 0))))
    other_invited += invited.get(None, 0)
    other_responses += responses.get(None, 0)
    if other_responses or other_invited:
        rows.append(("Other job families", disclosure.count(other_responses), disclosure.count(other_invited)))
    return rows


def shown_families(survey: Survey) -> set[str]:
    """The job families an export may name beside a response (see `family_breakdown`)."""
    return {name for name, _, _ in family_breakdown(survey) if name != "Other job families"}


def response_rows(survey: Survey) -> Any:
    """Every response with its answers, for the exports (two queries; answers prefetched)."""
    return survey.responses.prefetch_related("answers").order_by("id")


def survey_counts(survey: Survey) -> tuple[int, int]:
    """(invited, answered) for the live response rate."""
    return survey.invitations.count(), survey.participations.count()


def annual_rate(*, institution: Any, start: date, end: date) -> tuple[int, int]:
    """(responses, invited) over the annual surveys running at some point in [start, end]."""
    surveys = (
        Survey.objects.for_institution(institution)
        .filter(kind=Survey.Kind.ANNUAL, state=Survey.State.PUBLISHED, opens_on__lte=end)
        .filter(Q(closes_on__isnull=True) | Q(closes_on__gte=start))
    )
    responses = Response.objects.filter(survey__in=surveys).count()
    invited = Invitation.objects.filter(survey__in=surveys).count()
    return responses, invited


def agreement_by_ref(
    *, audience: str, refs: Any, theme: str, start: date | None = None, end: date | None = None
) -> dict[Any, tuple[int, int]]:
    """For the surveys of `audience` naming these refs: {ref: (agreeing, answering)} on the theme's
    scale questions (agree or strongly agree counts as agreeing), in one query; with `start` and
    `end`, only answers given on those days.

    Counts answers, not people: each response answers a theme's question once. Used by the
    measures of 1D (attendance valuable) and 2I (meetings with a positive evaluation).
    """
    answers = Answer.objects.all()
    if start is not None:
        answers = answers.filter(response__submitted_on__gte=start)
    if end is not None:
        answers = answers.filter(response__submitted_on__lte=end)
    rows = (
        answers.filter(
            response__survey__audience=audience,
            response__survey__audience_ref__in=refs,
            question__theme=theme,
            question__kind=Question.Kind.LIKERT,
            number__isnull=False,
        )
        .values("response__survey__audience_ref")
        .annotate(total=Count("pk"), agree=Count("pk", filter=Q(number__gte=AGREE)))
        .order_by()
    )
    return {row["response__survey__audience_ref"]: (row["agree"], row["total"]) for row in rows}


def option_share(
    *, institution: Any, audience: str, theme: str, option: str, start: date, end: date
) -> tuple[int, int]:
    """(answers choosing `option`, answers) on the theme's single-choice questions of the institution's
    surveys of `audience`, among responses submitted from `start` to `end`, in one query.

    Counts answers, not people: a response answers a theme's question once. Used by the programme
    evaluations' measures (1B: "Yes" to "Did the programme assist ...?"; 1D: the older "Was
    attending valuable?").
    """
    row = Answer.objects.filter(
        response__survey__institution=institution,
        response__survey__audience=audience,
        response__submitted_on__gte=start,
        response__submitted_on__lte=end,
        question__theme=theme,
        question__kind=Question.Kind.SINGLE,
    ).aggregate(total=Count("pk"), chosen=Count("pk", filter=Q(option=option)))
    return row["chosen"], row["total"]


def survey_about(*, institution: Any, audience: str, ref: int) -> Survey | None:
    """The institution's survey of a registered audience naming one object (a cohort), if made yet."""
    return Survey.objects.filter(institution=institution, audience=audience, audience_ref=ref).first()


@dataclass
class FeedbackSummary:
    survey: Survey | None
    invited: int = 0
    responded: int = 0
    agree: int = 0  # answers agreeing that attending was valuable
    answering: int = 0

    @property
    def valuable(self) -> disclosure.Figure:
        """The share who found attending valuable, as it may be shown (core.disclosure)."""
        return disclosure.percentage(self.agree, self.answering)


def feedback_summary(*, audience: str, ref: int) -> FeedbackSummary:
    """The feedback survey of one event (by audience and ref): invited, answered, and the "valuable" answers.

    The answers are counted only from 8 responses up (`core.disclosure.too_few`), and the share
    is shown only for 23 answering or more (`valuable`).
    """
    from .questionnaires import VALUABLE_THEME

    survey = Survey.objects.filter(audience=audience, audience_ref=ref).first()
    if survey is None:
        return FeedbackSummary(survey=None)
    invited, responded = survey_counts(survey)
    agree, answering = agreement_by_ref(audience=audience, refs=[ref], theme=VALUABLE_THEME).get(ref, (0, 0))
    if disclosure.too_few(responded):
        agree = answering = 0
    return FeedbackSummary(survey=survey, invited=invited, responded=responded, agree=agree, answering=answering)


def leaver_surveys(institution: Any) -> QuerySet[Survey]:
    """The institution's published leaver questionnaires (4E), newest first (one query)."""
    return (
        Survey.objects.for_institution(institution)
        .filter(kind=Survey.Kind.LEAVER, state=Survey.State.PUBLISHED)
        .order_by("-opens_on", "-pk")
    )
