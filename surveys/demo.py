"""Demo surveys: last term's annual career development survey (closed, 4D), the standing survey of
new SOs, and the leaver questionnaire with the leavers' answers (4E).

Idempotent: surveys are found by title; invitations and answers are made only for a survey that
has none yet, and leaving dates only for people who have none. Invitations made here are the
past's (no outbox rows: the messages of a survey that closed weeks ago are not sent again).
"""

import random
from datetime import timedelta

from core.tenancy import in_institution
from people import services as people_services
from people.models import StaffProfile

from . import audiences, selectors, services
from .models import LIKERT, Invitation, Question, Survey

ANNUAL_RATE = 0.24  # about a quarter: above the plan's 20% target (4D)
COMMENTS = [
    "More time for training during the working week.",
    "A mentor outside my own group would help.",
    "Clearer criteria for progression from SO to HSO.",
    "Secondments to other facilities.",
    "Support for professional registration fees.",
    "Regular career conversations with my line manager.",
]
LEAVER_COMMENTS = [
    "A route to a higher grade without waiting for a vacancy.",
    "Nothing: the move is for family reasons.",
    "A permanent contract.",
    "More recognition of technical expertise in papers.",
]


def seed(context):
    with in_institution(context.institution):
        _seed(context)


def _seed(context):
    icr, today = context.institution, context.today
    rng = random.Random(1958)
    by = context.accounts["programmes@icr.ac.uk"].user
    hr = context.accounts["hr@icr.ac.uk"].user
    annual = _survey(
        icr,
        by,
        title=f"Annual career development survey {today.year}",
        kind=Survey.Kind.ANNUAL,
        audience=Survey.Audience.ALL_STAFF,
        opens_on=today - timedelta(days=70),
        closes_on=today - timedelta(days=42),
        introduction="Tell us how your career is going and what would help. It takes ten minutes.",
    )
    so = icr.job_families.filter(name="Scientific Officer").first()
    so_grade = so.grades.filter(short_name="SO").first() if so else None
    new_so = _survey(
        icr,
        by,
        title="Starting as a Scientific Officer",
        kind=Survey.Kind.NEW_STARTER,
        audience=Survey.Audience.NEW_STARTERS,
        grade=so_grade,
        new_within_months=3,
        opens_on=today - timedelta(days=120),
        closes_on=None,
        introduction="Welcome! Tell us why you chose a technical career and where you would like it to go.",
    )
    leaver = _survey(
        icr,
        hr,
        title="Leaver questionnaire",
        kind=Survey.Kind.LEAVER,
        audience=Survey.Audience.LEAVERS,
        opens_on=today - timedelta(days=365),
        closes_on=None,
        introduction="Thank you for your work here. Your answers help us keep technical staff.",
    )
    counts = [_annual_answers(annual, rng), _new_so_answers(new_so, rng, today), _leavers(leaver, context, rng, today)]
    counts.append(_event_feedback(icr, rng, today))
    invited = annual.invitations.count()
    answered = annual.participations.count()
    context.lines.append(
        f"Surveys: {sum(counts)} responses created; the {annual.title} closed with {answered} of {invited} "
        f"staff answering ({round(100 * answered / invited) if invited else 0}%); "
        f"{leaver.participations.count()} leavers answered the leaver questionnaire."
    )


def _survey(institution, by, *, title, **fields):
    survey = Survey.objects.filter(institution=institution, title=title).first()
    if survey is None:
        survey = services.survey_create(institution=institution, by=by, title=title, standard_questions=True, **fields)
        services.survey_publish(survey=survey, by=by, invite=False)
    return survey


def _invite(survey, people, day, respond_by, reminded=None):
    Invitation.objects.bulk_create(
        [
            Invitation(survey=survey, person=p, invited_on=day, respond_by=respond_by, reminded_on=reminded)
            for p in people
        ]
    )


def _value(question, rng, *, mood=0.0):
    """A plausible answer: agreement leans positive, shifted by `mood` (negative for leavers)."""
    if question.kind == Question.Kind.LIKERT:
        weights = [
            max(0.02, w - mood * (3 - v) * 0.08)
            for v, w in zip((1, 2, 3, 4, 5), (0.06, 0.14, 0.22, 0.38, 0.2), strict=True)
        ]
        return rng.choices([v for v, _ in LIKERT], weights=weights)[0]
    if question.kind == Question.Kind.SINGLE:
        return rng.choice(question.option_list)
    if question.kind == Question.Kind.MULTIPLE:
        return rng.sample(question.option_list, rng.randint(1, 2))
    if question.kind == Question.Kind.NUMBER:
        return max(0, min(question.max_value or 30, round(rng.gauss(4, 2.5))))
    return ""


def _answer(survey, invitation, rng, day, comments, mood=0.0):
    answers = {q.pk: _value(q, rng, mood=mood) for q in survey.questions.all()}
    text = next((q for q in survey.questions.all() if q.kind == Question.Kind.TEXT), None)
    if text and rng.random() < 0.4:
        answers[text.pk] = rng.choice(comments)
    services.survey_answer(invitation=invitation, answers=answers, today=day)


def _annual_answers(survey, rng):
    if survey.invitations.exists():
        return 0
    staff = list(
        StaffProfile.objects.filter(institution=survey.institution, user__is_active=True)
        .exclude(start_date__gt=survey.opens_on)
        .exclude(leaving_date__lte=survey.opens_on)
        .select_related("job_family")
        .order_by("pk")
    )
    answering = {p.pk for p in staff if rng.random() < ANNUAL_RATE}
    _invite(survey, [p for p in staff if p.pk in answering], survey.opens_on, survey.closes_on)
    _invite(
        survey,
        [p for p in staff if p.pk not in answering],
        survey.opens_on,
        survey.closes_on,
        reminded=survey.closes_on - timedelta(days=3),
    )
    span = (survey.closes_on - survey.opens_on).days
    for invitation in survey.invitations.filter(person__in=answering).select_related("person__job_family", "survey"):
        _answer(survey, invitation, rng, survey.opens_on + timedelta(days=rng.randint(0, span)), COMMENTS)
    return len(answering)


def _new_so_answers(survey, rng, today):
    """The new SOs invited in their first months; about half have answered."""
    if survey.invitations.exists():
        return 0
    made = 0
    for person in selectors.audience_to_invite(survey, today=today):
        invited_on = max(person.start_date, survey.opens_on)
        _invite(survey, [person], invited_on, invited_on + timedelta(days=survey.respond_within_days))
        if (today - invited_on).days >= 7 and rng.random() < 0.5:
            invitation = survey.invitations.select_related("person__job_family", "survey").get(person=person)
            _answer(survey, invitation, rng, invited_on + timedelta(days=rng.randint(1, 6)), COMMENTS)
            made += 1
    return made


def _leavers(survey, context, rng, today):
    """Eleven people HR has recorded as leaving over the last five months (nine have left); the
    nine who left answered the questionnaire, enough for its summary to be shown (core.disclosure)."""
    demo_people = {profile.pk for profile in context.accounts.values()}
    managers = set(StaffProfile.objects.filter(institution=survey.institution).values_list("line_manager", flat=True))
    candidates = [
        p for p in sorted(context.staff, key=lambda p: p.pk) if p.pk not in demo_people and p.pk not in managers
    ]
    leavers = random.Random(4).sample(candidates, 11) if len(candidates) >= 11 else []
    hr = context.accounts["hr@icr.ac.uk"].user
    for offset, person in zip((-150, -120, -90, -60, -45, -24, -17, -12, -6, 9, 20), leavers, strict=False):
        if person.leaving_date is None:
            # HR records the leaving date through people's own service (the career event "Left").
            people_services.staff_record_change(
                profile=person, by=hr, cause="left", leaving_date=today + timedelta(days=offset)
            )
    if survey.invitations.exists():
        return 0
    made = 0
    for person in (
        StaffProfile.objects.filter(pk__in=[p.pk for p in leavers])
        .select_related("job_family")
        .order_by("leaving_date")
    ):
        invited_on = max(survey.opens_on, min(today, person.leaving_date - timedelta(days=21)))
        _invite(survey, [person], invited_on, invited_on + timedelta(days=survey.respond_within_days))
        if made < 9:
            invitation = survey.invitations.select_related("person__job_family", "survey").get(person=person)
            _answer(
                survey,
                invitation,
                rng,
                min(today, invited_on + timedelta(days=rng.randint(1, 10))),
                LEAVER_COMMENTS,
                mood=1.0,
            )
            made += 1
    return made


def _event_feedback(institution, rng, today):
    """The feedback surveys programmes opened for past events (1D, 2I): the attendees were invited the
    day after, and about two thirds answered within the fortnight, mostly finding it valuable."""
    made = 0
    feedback = Survey.objects.filter(
        institution=institution, kind=Survey.Kind.EVENT_FEEDBACK, closes_on__lt=today
    ).order_by("opens_on")
    for survey in feedback:
        if survey.invitations.exists():
            continue
        attendees = list(audiences.members(survey, survey.opens_on).select_related("job_family").order_by("pk"))
        _invite(survey, attendees, survey.opens_on, survey.closes_on)
        for invitation in survey.invitations.select_related("person__job_family", "survey"):
            if rng.random() < 0.67:
                day = survey.opens_on + timedelta(days=rng.randint(0, 10))
                _answer(survey, invitation, rng, day, EVENT_COMMENTS, mood=1.0)
                made += 1
    return made


EVENT_COMMENTS = [
    "More time for questions at the end.",
    "A follow-up session in six months.",
    "Share the slides beforehand.",
    "Great to meet people in similar roles at other institutes.",
]
