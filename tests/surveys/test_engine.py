"""The survey engine: invitations, answering once, bad input, the response rate."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core import metrics
from notifications.models import Notification
from surveys import selectors, services, tasks
from surveys.models import Answer, Invitation, Participation, Response, Survey
from tests.conftest import client_for
from tests.factories import staff

from .conftest import answers_for, make_survey, post_data

pytestmark = pytest.mark.django_db


def test_publishing_invites_every_current_staff_member_once_with_an_outbox_message(
    annual, technician, manager, institution, outsider
):
    leaver = staff(institution, leaving_date=timezone.localdate() - timedelta(days=3))
    invited = set(annual.invitations.values_list("person", flat=True))
    assert technician.pk in invited and manager.pk in invited
    assert leaver.pk not in invited and outsider.pk not in invited
    assert Notification.objects.filter(kind="surveys.invitation", recipient=technician.user).count() == 1
    # The daily job runs again: nobody is invited twice.
    tasks.send_survey_invitations.delay()
    assert annual.invitations.count() == len(invited)
    assert Notification.objects.filter(kind="surveys.invitation").count() == len(invited)


def test_the_invitation_is_written_in_the_same_transaction(institution, technician, django_capture_on_commit_callbacks):
    survey = make_survey(institution)
    with django_capture_on_commit_callbacks(execute=False):
        services.survey_publish(survey=survey)
    assert Notification.objects.filter(kind="surveys.invitation", recipient=technician.user).exists()


def test_a_survey_not_yet_open_invites_nobody_until_its_day(institution, technician):
    today = timezone.localdate()
    survey = make_survey(institution, opens=today + timedelta(days=2), closes=today + timedelta(days=9))
    services.survey_publish(survey=survey)
    assert not survey.invitations.exists()
    assert services.survey_invite_audience(survey=survey, today=today + timedelta(days=2)) >= 1


def test_new_starters_on_a_grade_in_their_first_months_are_invited(institution, so_family):
    so = so_family.grades.get(short_name="SO")
    today = timezone.localdate()
    new = staff(institution, job_family=so_family, grade=so, start_date=today - timedelta(days=40))
    old = staff(institution, job_family=so_family, grade=so, start_date=today - timedelta(days=400))
    other_grade = staff(
        institution, job_family=so_family, grade=so_family.grades.get(short_name="HSO"), start_date=today
    )
    survey = make_survey(
        institution,
        kind=Survey.Kind.NEW_STARTER,
        audience=Survey.Audience.NEW_STARTERS,
        grade=so,
        new_within_months=3,
        standing=True,
    )
    services.survey_publish(survey=survey)
    invited = set(survey.invitations.values_list("person", flat=True))
    assert invited == {new.pk}
    assert old.pk not in invited and other_grade.pk not in invited
    # A standing survey gives each person their own deadline.
    assert survey.invitations.get().respond_by == today + timedelta(days=survey.respond_within_days)


def test_a_new_so_who_starts_while_the_annual_survey_is_open_is_invited_the_next_day(annual, institution, so_family):
    newcomer = staff(
        institution, job_family=so_family, grade=so_family.grades.get(short_name="SO"), start_date=timezone.localdate()
    )
    assert not annual.invitations.filter(person=newcomer).exists()
    tasks.send_survey_invitations.delay()
    assert annual.invitations.get(person=newcomer).respond_by == annual.closes_on


def test_a_leaving_date_recorded_by_hr_brings_the_leaver_questionnaire_on_the_next_daily_run(institution, technician):
    survey = make_survey(
        institution,
        kind=Survey.Kind.LEAVER,
        audience=Survey.Audience.LEAVERS,
        standing=True,
        title="Leaver questionnaire",
    )
    services.survey_publish(survey=survey)
    assert not survey.invitations.exists()
    technician.leaving_date = timezone.localdate() + timedelta(days=20)
    technician.save()
    tasks.send_survey_invitations.delay()
    tasks.send_survey_invitations.delay()
    assert list(survey.invitations.values_list("person", flat=True)) == [technician.pk]
    assert Notification.objects.filter(kind="surveys.invitation", recipient=technician.user).count() == 1


def test_one_reminder_before_the_close_only_to_those_who_have_not_answered(annual, technician, manager):
    services.survey_answer(invitation=annual.invitations.get(person=manager), answers=answers_for(annual))
    before_close = annual.closes_on - timedelta(days=2)
    assert set(selectors.reminders_due(today=annual.closes_on - timedelta(days=10))) == set()
    due = selectors.reminders_due(today=before_close)
    assert technician.pk in {i.person_id for i in due} and manager.pk not in {i.person_id for i in due}
    for invitation in due:
        assert services.invitation_remind(invitation=invitation, today=before_close)
    for invitation in Invitation.objects.filter(pk__in=[i.pk for i in due]):
        assert not services.invitation_remind(invitation=invitation, today=before_close)
    assert not selectors.reminders_due(today=before_close).exists()
    assert Notification.objects.filter(kind="surveys.reminder", recipient=technician.user).count() == 1
    assert not Notification.objects.filter(kind="surveys.reminder", recipient=manager.user).exists()


def test_the_daily_reminder_job_sends_each_reminder_once(annual, technician):
    Invitation.objects.filter(survey=annual).update(respond_by=timezone.localdate() + timedelta(days=1))
    tasks.send_survey_reminders.delay()
    tasks.send_survey_reminders.delay()
    assert Notification.objects.filter(kind="surveys.reminder", recipient=technician.user).count() == 1


# --- Answering ---------------------------------------------------------------------------------


def test_staff_answer_from_the_form_and_the_answers_are_kept_apart_from_their_name(annual, technician):
    client = client_for(technician)
    page = client.get(reverse("surveys:answer", args=[annual.pk]))
    assert "I am motivated in my current role." in page.content.decode()
    response = client.post(
        reverse("surveys:answer", args=[annual.pk]), post_data(annual, multiple=("Mentoring", "Training"))
    )
    assert response.status_code == 302
    assert Participation.objects.filter(survey=annual, person=technician).exists()
    saved = Response.objects.get(survey=annual)
    assert saved.respondent is None
    assert sorted(a.option for a in saved.answers.filter(question__kind="multiple")) == ["Mentoring", "Training"]
    page = client.get(reverse("surveys:answer", args=[annual.pk]))
    assert "You have answered this survey" in page.content.decode()


def test_a_named_survey_keeps_the_respondent(institution, technician):
    survey = make_survey(institution, anonymous=False, kind=Survey.Kind.OTHER)
    services.survey_publish(survey=survey)
    services.survey_answer(invitation=survey.invitations.get(person=technician), answers=answers_for(survey))
    assert Response.objects.get(survey=survey).respondent == technician


def test_no_one_can_answer_twice(annual, technician):
    client = client_for(technician)
    url = reverse("surveys:answer", args=[annual.pk])
    client.post(url, post_data(annual))
    again = client.post(url, post_data(annual, likert=1))
    assert again.status_code == 400
    assert "already answered" in again.content.decode()
    assert Response.objects.filter(survey=annual).count() == 1
    with pytest.raises(ValidationError, match="already answered"):
        services.survey_answer(invitation=annual.invitations.get(person=technician), answers=answers_for(annual))
    assert Answer.objects.filter(response__survey=annual, question__kind="likert").count() == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"number": 31}, "Give a number of at most 30."),
        ({"number": -1}, "Give a number of at least 0."),
        ({"likert": ""}, "Please answer this question."),
        ({"single": "Astronaut"}, "Select a valid choice."),
        ({"text": "x" * 201}, "Ensure this value has at most 200 characters"),
    ],
)
def test_bad_answers_are_refused_beside_the_question_and_nothing_is_saved(annual, technician, change, message):
    response = client_for(technician).post(reverse("surveys:answer", args=[annual.pk]), post_data(annual, **change))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Participation.objects.exists() and not Response.objects.exists() and not Answer.objects.exists()


def test_the_service_refuses_an_answer_out_of_range_field_by_field(annual, technician):
    invitation = annual.invitations.get(person=technician)
    with pytest.raises(ValidationError) as refused:
        services.survey_answer(invitation=invitation, answers=answers_for(annual, number=99))
    number = annual.questions.get(kind="number")
    assert refused.value.message_dict == {f"q{number.pk}": ["Give a number of at most 30."]}
    assert not Participation.objects.exists()


def test_answering_a_closed_survey_is_refused(annual, technician):
    Survey.objects.filter(pk=annual.pk).update(closes_on=timezone.localdate() - timedelta(days=1))
    client = client_for(technician)
    page = client.get(reverse("surveys:answer", args=[annual.pk]))
    assert "This survey is closed" in page.content.decode()
    response = client.post(reverse("surveys:answer", args=[annual.pk]), post_data(annual))
    assert "This survey is closed" in response.content.decode()
    assert not Participation.objects.exists() and not Response.objects.exists()


def test_someone_not_invited_gets_a_404(annual, institution, outsider):
    newcomer = staff(institution)
    assert client_for(newcomer).get(reverse("surveys:answer", args=[annual.pk])).status_code == 404
    assert client_for(outsider).get(reverse("surveys:answer", args=[annual.pk])).status_code == 404


# --- The response rate (4D) ---------------------------------------------------------------------


def test_the_annual_response_rate_is_responses_over_people_invited(institution, programme_manager, technician):
    # 8 invited at publication: technician, manager, programme manager + 5 more.
    people = [staff(institution) for _ in range(5)]
    survey = make_survey(institution)
    services.survey_publish(survey=survey)
    assert survey.invitations.count() == 8
    for person in [technician, *people[:2]]:
        services.survey_answer(invitation=survey.invitations.get(person=person), answers=answers_for(survey))
    # An "other" survey answered by everyone does not count.
    other = make_survey(institution, kind=Survey.Kind.OTHER, title="Canteen")
    services.survey_publish(survey=other)
    for invitation in other.invitations.all():
        services.survey_answer(invitation=invitation, answers=answers_for(other))
    today = timezone.localdate()
    result = metrics.get("surveys.response_rate")(institution=institution, start=today - timedelta(days=30), end=today)
    assert result.value == Decimal("37.5")  # 3 / 8
    assert (result.numerator, result.denominator) == (3, 8)
    before = metrics.get("surveys.response_rate")(
        institution=institution, start=today - timedelta(days=400), end=today - timedelta(days=5)
    )
    assert before is None


def test_the_live_response_rate_is_on_the_survey_page(annual, technician, programme_manager):
    services.survey_answer(invitation=annual.invitations.get(person=technician), answers=answers_for(annual))
    page = client_for(programme_manager).get(reverse("surveys:detail", args=[annual.pk])).content.decode()
    invited = annual.invitations.count()
    assert f"1 of {invited} invited" in page
