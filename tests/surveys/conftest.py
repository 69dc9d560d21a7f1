"""Fixtures for surveys: a published annual survey with one question of each kind."""

from datetime import timedelta

import pytest
from django.utils import timezone

from surveys import services
from surveys.models import Question, Survey


def make_survey(
    institution, *, by=None, anonymous=True, kind=Survey.Kind.ANNUAL, opens=None, closes=None, standing=False, **fields
):
    """A draft survey with one question of each kind (set-up through the services)."""
    today = timezone.localdate()
    survey = services.survey_create(
        institution=institution,
        by=by,
        title=fields.pop("title", "Annual career development survey"),
        kind=kind,
        anonymous=anonymous,
        opens_on=opens or today - timedelta(days=1),
        closes_on=None if standing else (closes or today + timedelta(days=20)),
        **fields,
    )
    services.question_add(survey=survey, text="I am motivated in my current role.", kind=Question.Kind.LIKERT)
    services.question_add(
        survey=survey,
        text="Where do you see yourself in five years?",
        kind=Question.Kind.SINGLE,
        options="Same role\nHigher grade\nOutside research",
    )
    services.question_add(
        survey=survey,
        text="Which support would help?",
        kind=Question.Kind.MULTIPLE,
        required=False,
        options="Mentoring\nTraining\nSecondment",
    )
    services.question_add(
        survey=survey, text="Development days last year", kind=Question.Kind.NUMBER, min_value=0, max_value=30
    )
    services.question_add(survey=survey, text="Anything else?", kind=Question.Kind.TEXT, required=False, max_length=200)
    return survey


def answers_for(survey, *, likert=4, single="Higher grade", multiple=("Training",), number=5, text=""):
    q = {question.kind: question.pk for question in survey.questions.all()}
    return {
        q["likert"]: likert,
        q["single"]: single,
        q["multiple"]: list(multiple),
        q["number"]: number,
        q["text"]: text,
    }


def post_data(survey, **kwargs):
    data = {}
    for pk, value in answers_for(survey, **kwargs).items():
        data[f"q{pk}"] = value if isinstance(value, list) else ("" if value is None else str(value))
    return data


@pytest.fixture
def annual(institution, programme_manager, technician):
    """The annual survey, published and open: everyone current at the institution invited."""
    survey = make_survey(institution, by=programme_manager.user)
    services.survey_publish(survey=survey, by=programme_manager.user)
    return survey
