"""Programme managers and HR build and open surveys through the pages; staff see theirs on the dashboard."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from surveys.models import Question, Survey
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _create(client, **changes):
    today = timezone.localdate()
    data = {
        "title": "Annual career development survey 2027",
        "kind": "annual",
        "audience": "all_staff",
        "anonymous": "on",
        "opens_on": today.isoformat(),
        "closes_on": (today + timedelta(days=21)).isoformat(),
        "respond_within_days": "21",
        "standard_questions": "on",
        **changes,
    }
    return client.post(reverse("surveys:create"), data)


def test_a_programme_manager_creates_adds_a_question_and_publishes_a_survey(programme_manager, technician):
    client = client_for(programme_manager)
    response = _create(client)
    survey = Survey.objects.get()
    assert response.status_code == 302 and survey.state == Survey.State.DRAFT
    assert survey.questions.filter(theme="motivation").exists() and survey.questions.filter(theme="ambition").exists()
    count = survey.questions.count()
    client.post(
        reverse("surveys:question_add", args=[survey.pk]),
        {
            "text": "Hours of training",
            "kind": "number",
            "required": "on",
            "min_value": "0",
            "max_value": "100",
            "max_length": "1000",
        },
    )
    assert survey.questions.count() == count + 1
    client.post(reverse("surveys:publish", args=[survey.pk]))
    survey.refresh_from_db()
    assert survey.state == Survey.State.PUBLISHED
    move = survey.transitions.get()
    assert (move.from_state, move.to_state, move.by) == ("draft", "published", programme_manager.user)
    assert survey.invitations.filter(person=technician).exists()
    assert Notification.objects.filter(kind="surveys.invitation", recipient=technician.user).count() == 1
    # Published: questions can no longer change.
    refused = client.post(reverse("surveys:question_add", args=[survey.pk]), {"text": "Late", "kind": "text"})
    assert refused.status_code == 403


def test_publishing_twice_is_refused_with_a_message(annual, programme_manager):
    page = client_for(programme_manager).post(reverse("surveys:publish", args=[annual.pk]), follow=True)
    assert "cannot become" in page.content.decode()
    assert annual.transitions.count() == 1


def test_hr_may_run_surveys_too(hr):
    assert _create(client_for(hr)).status_code == 302


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"closes_on": "2000-01-01"}, "closes_on", "The survey must close on or after the day it opens."),
        ({"audience": "grade"}, "grade", "Choose the grade to invite."),
        ({"audience": "new_starters"}, "grade", "Choose the grade to invite."),
        ({"title": ""}, "title", "This field is required."),
    ],
)
def test_a_bad_survey_is_refused_beside_the_field(programme_manager, changes, field, message):
    response = _create(client_for(programme_manager), **changes)
    assert response.status_code == 200
    assert message in response.context["form"].errors[field][0]
    assert not Survey.objects.exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": "single", "options": "Only one"}, "options", "Give at least two options"),
        ({"kind": "number", "min_value": "10", "max_value": "2"}, "max_value", "must not be below the lowest"),
        ({"kind": "number"}, "max_value", "Give the lowest or highest number"),
    ],
)
def test_an_incomplete_question_is_refused_beside_the_field(programme_manager, data, field, message):
    client = client_for(programme_manager)
    _create(client, standard_questions="")
    survey = Survey.objects.get()
    response = client.post(
        reverse("surveys:question_add", args=[survey.pk]),
        {"text": "A question", "required": "on", "max_length": "1000", **data},
    )
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not Question.objects.exists()


def test_a_draft_question_can_be_removed_but_not_once_published(programme_manager, annual):
    client = client_for(programme_manager)
    _create(client)
    draft = Survey.objects.get(state=Survey.State.DRAFT)
    question = draft.questions.first()
    client.post(reverse("surveys:question_remove", args=[draft.pk, question.pk]))
    assert not Question.objects.filter(pk=question.pk).exists()
    published = annual.questions.first()
    refused = client.post(reverse("surveys:question_remove", args=[annual.pk, published.pk]))
    assert refused.status_code == 403
    assert Question.objects.filter(pk=published.pk).exists()


def test_a_survey_without_questions_cannot_be_published(programme_manager):
    client = client_for(programme_manager)
    _create(client, standard_questions="")
    survey = Survey.objects.get()
    page = client.post(reverse("surveys:publish", args=[survey.pk]), follow=True).content.decode()
    assert "Add at least one question before publishing the survey." in page
    survey.refresh_from_db()
    assert survey.state == Survey.State.DRAFT


def test_the_dashboard_and_my_surveys_list_what_waits_for_the_technician(annual, technician):
    client = client_for(technician)
    home = client.get("/").content.decode()
    assert "Surveys waiting for you" in home and annual.title in home
    mine = client.get(reverse("surveys:mine")).content.decode()
    assert reverse("surveys:answer", args=[annual.pk]) in mine


def test_the_outsider_sees_nothing_of_another_institutions_surveys(annual, outsider):
    client = client_for(outsider)
    assert annual.title not in client.get(reverse("surveys:mine")).content.decode()
    assert annual.title not in client.get("/").content.decode()
