"""Move the programme evaluations' answers (`programmes.Evaluation`) onto the survey engine.

Each cohort with answers gets the surveys the portal now makes on completion (the participants'
evaluation, and the line managers' evaluation about each participant), published, named and
standing; each old answer becomes the answer to the matching question ("Yes" or "No"), with the
same respondent, the same participant for a manager's answer, and the same day. The 1B measures
(and 1D's older "valuable" answers) count answers by day, so their values are unchanged.

Answers one person gave on different days stay on their own days (two responses, one "has
answered" row); comments become the free-text answer. The texts are written out here rather
than read from `surveys.questionnaires`, so this migration keeps doing what it did when it ran.
The reverse puts the answers back as `Evaluation` rows and removes the surveys it made.
"""

import datetime
from collections import defaultdict

from django.db import migrations
from django.utils import timezone

YES, NO = "Yes", "No"
COMMENT = {
    "text": "Anything you would like the organisers to know?",
    "kind": "text",
    "required": False,
    "max_length": 3000,
    "theme": "",
}
QUESTIONS = {
    "career": {"text": "Did the programme assist your career development?", "kind": "single", "theme": "career"},
    "valuable": {"text": "Was attending valuable to you?", "kind": "single", "theme": "valuable"},
    "performance": {
        "text": "Did the programme assist their performance at work?",
        "kind": "single",
        "theme": "performance",
    },
}
PARTICIPANTS, MANAGERS = "cohort_participants", "cohort_managers"
INTRODUCTION = {
    PARTICIPANTS: "You have completed this programme. Tell us whether it helped you: the action plan measures it "
    "(1B). Your answers are recorded with your name.",
    MANAGERS: "Your report has completed this programme. Tell us whether it helped their work: the action plan "
    "measures it (1B). Your answer is recorded with your name.",
}
TITLE = {PARTICIPANTS: "your evaluation", MANAGERS: "line manager's evaluation"}
MIGRATED = "Made from the programme evaluations recorded before they moved onto the survey engine."


def _day(moment):
    return timezone.localdate(moment) if timezone.is_aware(moment) else moment.date()


def _survey(apps, cohort, audience, themes, opens_on):
    """The cohort's survey for the audience (created published, with its questions): (survey, {theme: question})."""
    Survey = apps.get_model("surveys", "Survey")
    Question = apps.get_model("surveys", "Question")
    SurveyTransition = apps.get_model("surveys", "SurveyTransition")
    programme = cohort.programme
    survey = Survey.objects.filter(
        institution_id=programme.institution_id, audience=audience, audience_ref=cohort.pk
    ).first()
    if survey is None:
        survey = Survey.objects.create(
            institution_id=programme.institution_id,
            title=f"{programme.title}, {cohort.name}: {TITLE[audience]}"[:200],
            introduction=INTRODUCTION[audience],
            kind="programme_evaluation",
            audience=audience,
            audience_ref=cohort.pk,
            anonymous=False,
            opens_on=opens_on,
            closes_on=None,
            respond_within_days=28,
            state="published",
        )
        SurveyTransition.objects.create(survey=survey, from_state="draft", to_state="published", reason=MIGRATED)
        definitions = [{**QUESTIONS[theme], "options": f"{YES}\n{NO}"} for theme in themes] + [COMMENT]
        for position, definition in enumerate(definitions, 1):
            Question.objects.create(survey=survey, position=position, **definition)
    questions = {q.theme or "comment": q for q in Question.objects.filter(survey=survey)}
    return survey, questions


def _answers(apps, survey, questions, rows, *, subject_of):
    """One response per (respondent, subject, day); one invitation and "has answered" per (respondent, subject)."""
    Invitation = apps.get_model("surveys", "Invitation")
    Participation = apps.get_model("surveys", "Participation")
    Response = apps.get_model("surveys", "Response")
    Answer = apps.get_model("surveys", "Answer")
    groups = defaultdict(list)
    for row in rows:
        groups[(row.respondent_id, subject_of(row), _day(row.submitted_at))].append(row)
    first = {}
    for (respondent_id, subject_id, day), answered in sorted(groups.items(), key=lambda g: g[1][0].submitted_at):
        respondent = answered[0].respondent
        family = respondent.job_family if respondent is not None else None
        response = Response.objects.create(
            survey=survey,
            submitted_on=day,
            respondent_id=respondent_id,
            subject_id=subject_id,
            job_family_name=family.name if family is not None else "",
        )
        answers = [
            Answer(response=response, question=questions[row.question], option=YES if row.answer else NO)
            for row in answered
        ]
        comments = [row.comment.strip() for row in answered if row.comment.strip()]
        if comments:
            answers.append(Answer(response=response, question=questions["comment"], text="\n\n".join(comments)))
        Answer.objects.bulk_create(answers)
        if respondent_id is not None:
            first.setdefault((respondent_id, subject_id), min(row.submitted_at for row in answered))
    for (respondent_id, subject_id), at in first.items():
        Invitation.objects.get_or_create(
            survey=survey,
            person_id=respondent_id,
            subject_id=subject_id,
            defaults={"invited_on": _day(at), "respond_by": _day(at)},
        )
        Participation.objects.get_or_create(
            survey=survey, person_id=respondent_id, subject_id=subject_id, defaults={"answered_at": at}
        )


def forwards(apps, schema_editor):
    Evaluation = apps.get_model("programmes", "Evaluation")
    rows = Evaluation.objects.select_related(
        "application__cohort__programme", "respondent__job_family"
    ).order_by("submitted_at", "pk")
    by_cohort = defaultdict(list)
    for row in rows:
        by_cohort[row.application.cohort_id].append(row)
    for evaluations in by_cohort.values():
        cohort = evaluations[0].application.cohort
        opens_on = min(_day(row.submitted_at) for row in evaluations)
        participant_rows = [row for row in evaluations if row.question in ("career", "valuable")]
        manager_rows = [row for row in evaluations if row.question == "performance"]
        if participant_rows:
            themes = []
            if cohort.programme.kind != "event" or any(row.question == "career" for row in participant_rows):
                themes.append("career")
            if cohort.programme.open_to_partners or any(row.question == "valuable" for row in participant_rows):
                themes.append("valuable")
            survey, questions = _survey(apps, cohort, PARTICIPANTS, themes, opens_on)
            _answers(apps, survey, questions, participant_rows, subject_of=lambda row: None)
        if manager_rows:
            survey, questions = _survey(apps, cohort, MANAGERS, ["performance"], opens_on)
            _answers(apps, survey, questions, manager_rows, subject_of=lambda row: row.application.applicant_id)


def backwards(apps, schema_editor):
    """Answers of the evaluation surveys back to `Evaluation` rows (one per application and question)."""
    Evaluation = apps.get_model("programmes", "Evaluation")
    Application = apps.get_model("programmes", "Application")
    Survey = apps.get_model("surveys", "Survey")
    Answer = apps.get_model("surveys", "Answer")
    surveys = Survey.objects.filter(audience__in=[PARTICIPANTS, MANAGERS])
    answers = Answer.objects.filter(response__survey__in=surveys).select_related("response__survey", "question")
    comments = defaultdict(str)
    for answer in answers.filter(question__kind="text"):
        comments[answer.response_id] = answer.text
    for answer in answers.filter(question__theme__in=list(QUESTIONS)).order_by("response__submitted_on"):
        response = answer.response
        applicant = response.subject_id if response.survey.audience == MANAGERS else response.respondent_id
        application = Application.objects.filter(cohort_id=response.survey.audience_ref, applicant_id=applicant).first()
        if application is None:
            continue
        Evaluation.objects.get_or_create(
            application=application,
            question=answer.question.theme,
            defaults={
                "respondent_id": response.respondent_id,
                "answer": answer.option == YES,
                "comment": comments[response.pk],
                "submitted_at": timezone.make_aware(datetime.datetime.combine(response.submitted_on, datetime.time(12))),
            },
        )
    surveys.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0006_event_and_bulletin_schedules"),
        ("surveys", "0005_subjects_and_programme_evaluations"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
