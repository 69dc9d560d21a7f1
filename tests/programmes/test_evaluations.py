"""Programme evaluations (1B) on the survey engine: completing a cohort invites the participant, and
their line manager about them; both answer on the survey pages; the measures count their answers."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from core import metrics
from notifications.models import Notification
from notifications.services import render
from programmes import services
from programmes.models import Application
from surveys import selectors as survey_selectors
from surveys import services as survey_services
from surveys import tasks as survey_tasks
from surveys.models import Invitation, Participation, Response, Survey
from tests.conftest import client_for
from tests.factories import staff
from tests.programmes.conftest import CohortFactory, ProgrammeFactory, SessionFactory, evaluated, make_application

State = Application.State
pytestmark = pytest.mark.django_db


def _period():
    today = timezone.localdate()
    return {"start": today - timedelta(days=365), "end": today}


def _complete(cohort, people, programme_manager):
    """Accept the people and record them present at the cohort's one session (the attendance rule completes them)."""
    applications = [make_application(cohort, person, State.ACCEPTED) for person in people]
    session = SessionFactory(cohort=cohort, starts_at=timezone.now() - timedelta(hours=3))
    services.attendance_record(
        session=session, present_application_ids=[a.pk for a in applications], by=programme_manager.user
    )
    return applications


def _surveys(cohort):
    participants = Survey.objects.get(audience=Survey.Audience.COHORT_PARTICIPANTS, audience_ref=cohort.pk)
    managers = Survey.objects.get(audience=Survey.Audience.COHORT_MANAGERS, audience_ref=cohort.pk)
    return participants, managers


def test_completing_a_cohort_invites_the_participant_and_their_line_manager_in_the_same_transaction(
    cohort, technician, manager, programme_manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        _complete(cohort, [technician], programme_manager)
        # Written with the completion, not after the commit.
        participants, managers = _surveys(cohort)
        invited = Notification.objects.filter(kind="surveys.invitation").order_by("idempotency_key")
        assert [(n.recipient, n.idempotency_key, n.link) for n in invited] == [
            (
                technician.user,
                f"surveys.invitation:{participants.pk}:{technician.pk}",
                f"/surveys/{participants.pk}/answer/",
            ),
            (
                manager.user,
                f"surveys.invitation:{managers.pk}:{manager.pk}:{technician.pk}",
                f"/surveys/{managers.pk}/answer/about/{technician.pk}/",
            ),
        ]
    assert (participants.state, participants.anonymous, participants.closes_on) == ("published", False, None)
    assert [q.text for q in participants.questions.all()] == [
        "Did the programme assist your career development?",
        "Anything you would like the organisers to know?",
    ]
    assert [q.text for q in managers.questions.all()] == [
        "Did the programme assist their performance at work?",
        "Anything you would like the organisers to know?",
    ]
    manager_message = Notification.objects.get(recipient=manager.user)
    _, body = render(manager_message)
    assert f'Please answer "{managers.title}" about {technician} by' in body
    assert Invitation.objects.get(survey=managers).respond_by == timezone.localdate() + timedelta(days=28)


def test_recording_the_register_again_invites_nobody_twice(cohort, technician, programme_manager):
    applications = _complete(cohort, [technician], programme_manager)
    session = cohort.sessions.get()
    services.attendance_record(
        session=session, present_application_ids=[a.pk for a in applications], by=programme_manager.user
    )
    assert Invitation.objects.count() == 2  # the participant, and their manager about them
    assert Notification.objects.filter(kind="surveys.invitation").count() == 2
    assert Survey.objects.count() == 2


def test_a_manager_of_two_participants_is_asked_about_each(cohort, manager, programme_manager, institution, so_family):
    first, second = (staff(institution, job_family=so_family, line_manager=manager) for _ in range(2))
    _complete(cohort, [first, second], programme_manager)
    _, managers = _surveys(cohort)
    assert set(Invitation.objects.filter(survey=managers).values_list("person", "subject")) == {
        (manager.pk, first.pk),
        (manager.pk, second.pk),
    }
    page = client_for(manager).get(reverse("surveys:mine")).content.decode()
    assert f"line manager&#x27;s evaluation: about {first}" in page
    assert f"line manager&#x27;s evaluation: about {second}" in page


def test_the_participant_answers_on_the_survey_page_and_sees_it_answered(
    cohort, technician, manager, programme_manager
):
    applications = _complete(cohort, [technician], programme_manager)
    participants, _ = _surveys(cohort)
    client = client_for(technician)
    # The application page sends them to their surveys.
    detail = client.get(applications[0].get_absolute_url()).content.decode()
    assert "You completed this programme: your evaluation is in" in detail
    page = client.get(f"/surveys/{participants.pk}/answer/").content.decode()
    assert "Did the programme assist your career development?" in page
    assert "Named:" in page and "About:" not in page
    career, comment = participants.questions.all()
    refused = client.post(f"/surveys/{participants.pk}/answer/", {f"q{comment.pk}": "Helpful"})
    assert refused.status_code == 400 and "Please answer this question." in refused.content.decode()
    assert not Response.objects.exists()  # nothing half-saved
    done = client.post(
        f"/surveys/{participants.pk}/answer/", {f"q{career.pk}": "Yes", f"q{comment.pk}": "Promoted since"}
    )
    assert done.status_code == 302
    response = Response.objects.get()
    assert (response.respondent, response.subject, response.submitted_on) == (technician, None, timezone.localdate())
    assert sorted((a.option, a.text) for a in response.answers.all()) == [("", "Promoted since"), ("Yes", "")]
    again = client.get(f"/surveys/{participants.pk}/answer/").content.decode()
    assert "You have answered this survey." in again


def test_the_line_manager_answers_about_their_report(cohort, technician, manager, programme_manager, outsider):
    _complete(cohort, [technician], programme_manager)
    _, managers = _surveys(cohort)
    url = reverse("surveys:answer_about", args=[managers.pk, technician.pk])
    client = client_for(manager)
    page = client.get(url).content.decode()
    assert f"About: <strong>{technician}</strong>" in page
    assert "Did the programme assist their performance at work?" in page
    performance, _ = managers.questions.all()
    assert client.post(url, {f"q{performance.pk}": "No"}).status_code == 302
    response = Response.objects.get()
    assert (response.respondent, response.subject) == (manager, technician)
    assert response.answers.get().option == "No"
    assert Participation.objects.get().subject == technician
    # Only the invited manager, about that report: the participant, the same page without a subject,
    # and another institution's staff get a 404.
    assert client_for(technician).get(url).status_code == 404
    assert client.get(reverse("surveys:answer", args=[managers.pk])).status_code == 404
    assert client_for(outsider).get(url).status_code == 404


def test_the_reminder_goes_before_the_deadline_only_to_those_who_have_not_answered(
    cohort, technician, manager, programme_manager
):
    _complete(cohort, [technician], programme_manager)
    participants, managers = _surveys(cohort)
    career = participants.questions.get(theme="career")
    invitation = Invitation.objects.get(survey=participants)
    survey_services.survey_answer(invitation=invitation, answers={career.pk: "Yes"})
    reminder_day = timezone.localdate() + timedelta(days=28 - 3)
    due = list(survey_selectors.reminders_due(today=reminder_day))
    assert [(i.person, i.subject) for i in due] == [(manager, technician)]
    assert not survey_selectors.reminders_due(today=reminder_day - timedelta(days=1)).exists()
    assert survey_services.invitation_remind(invitation=due[0], today=reminder_day) is True
    assert survey_services.invitation_remind(invitation=due[0], today=reminder_day) is False  # once
    reminder = Notification.objects.get(kind="surveys.reminder")
    assert reminder.recipient == manager.user
    assert reminder.idempotency_key == f"surveys.reminder:{managers.pk}:{manager.pk}:{technician.pk}"
    assert reminder.link == f"/surveys/{managers.pk}/answer/about/{technician.pk}/"


def test_the_daily_job_invites_recent_completers_it_missed_but_not_those_who_finished_long_ago(
    cohort, institution, programme_manager
):
    recent, long_ago = staff(institution, line_manager=staff(institution)), staff(institution)
    services.cohort_evaluation_surveys(cohort=cohort)  # the surveys exist; nobody completed yet
    make_application(cohort, recent, State.COMPLETED)  # recorded today, its invitation lost
    old = make_application(cohort, long_ago, State.COMPLETED)
    old.transitions.update(at=timezone.now() - timedelta(days=40))
    survey_tasks.send_survey_invitations()
    participants, managers = _surveys(cohort)
    assert list(Invitation.objects.filter(survey=participants).values_list("person", flat=True)) == [recent.pk]
    assert list(Invitation.objects.filter(survey=managers).values_list("person", "subject")) == [
        (recent.line_manager_id, recent.pk)
    ]
    survey_tasks.send_survey_invitations()  # a second run sends nothing more
    assert Notification.objects.filter(kind="surveys.invitation").count() == 2


def test_a_partner_participant_and_their_manager_are_invited_to_the_running_institutions_survey(
    institution, other_institution, programme_manager, partner
):
    programme = ProgrammeFactory(institution=institution, open_to_partners=True)
    cohort = CohortFactory(programme=programme)
    crick_manager = staff(other_institution)
    crick = staff(other_institution, line_manager=crick_manager)
    _complete(cohort, [crick], programme_manager)
    participants, managers = _surveys(cohort)
    assert [q.theme for q in participants.questions.all()] == ["career", "valuable", ""]
    career, valuable, _ = participants.questions.all()
    client = client_for(crick)
    assert f"/surveys/{participants.pk}/answer/" in client.get(reverse("surveys:mine")).content.decode()
    posted = client.post(f"/surveys/{participants.pk}/answer/", {f"q{career.pk}": "Yes", f"q{valuable.pk}": "Yes"})
    assert posted.status_code == 302
    invitation = Invitation.objects.get(survey=managers)
    assert (invitation.person, invitation.subject) == (crick_manager, crick)
    assert Notification.objects.get(recipient=crick_manager.user).institution == other_institution


def test_the_1b_measures_count_the_answers_against_figures_worked_out_by_hand(institution, programme_manager):
    ignite = CohortFactory(programme=ProgrammeFactory(institution=institution))
    leadership = CohortFactory(programme=ProgrammeFactory(institution=institution, kind="leadership"))
    evaluated(ignite, [True, True, True, False, True])  # 4 of 5
    evaluated(leadership, [True, False, False])  # 1 of 3
    evaluated(ignite, [True, False], theme="performance")  # 1 of 2
    evaluated(leadership, [True, True, True], theme="performance")  # 3 of 3
    # Answers given before the period are not counted.
    earlier = CohortFactory(programme=leadership.programme)
    evaluated(earlier, [False, False], today=timezone.localdate() - timedelta(days=400))

    participants = metrics.get("programmes.participants_benefit")(institution=institution, **_period())
    managers = metrics.get("programmes.managers_benefit")(institution=institution, **_period())

    # participants: (4 + 1) of (5 + 3) = 62.5%; managers: (1 + 3) of (2 + 3) = 80.0%
    assert (participants.value, participants.numerator, participants.denominator) == (Decimal("62.5"), 5, 8)
    assert participants.detail == "5 of 8 answered yes"
    assert (managers.value, managers.numerator, managers.denominator) == (Decimal("80.0"), 4, 5)


def test_the_1b_measures_ignore_another_institutions_answers(institution, other_institution):
    evaluated(CohortFactory(programme=ProgrammeFactory(institution=other_institution)), [True, True])
    assert metrics.get("programmes.participants_benefit")(institution=institution, **_period()) is None
    theirs = metrics.get("programmes.participants_benefit")(institution=other_institution, **_period())
    assert (theirs.numerator, theirs.denominator) == (2, 2)


def test_the_old_evaluate_address_is_gone(cohort, technician):
    application = make_application(cohort, technician, State.COMPLETED)
    response = client_for(technician).post(f"/programmes/applications/{application.pk}/evaluate/", {})
    assert response.status_code == 404


@pytest.mark.parametrize("size", [1, 6])
def test_my_surveys_with_evaluations_about_reports_runs_the_same_queries_at_two_sizes(
    institution, manager, programme_manager, size, django_assert_max_num_queries
):
    cohort = CohortFactory(programme=ProgrammeFactory(institution=institution))
    reports = [staff(institution, line_manager=manager) for _ in range(size)]
    _complete(cohort, reports, programme_manager)
    client = client_for(manager)
    client.get("/")  # the first request of a session reads the session and the sign-in checks
    with django_assert_max_num_queries(8):
        page = client.get(reverse("surveys:mine")).content.decode()
    assert page.count("/answer/about/") == size


@pytest.mark.parametrize("size", [1, 6])
def test_the_application_page_runs_the_same_queries_at_two_sizes(
    institution, technician, programme_manager, size, django_assert_max_num_queries
):
    cohort = CohortFactory(programme=ProgrammeFactory(institution=institution))
    others = [staff(institution) for _ in range(size - 1)]
    applications = _complete(cohort, [technician, *others], programme_manager)
    client = client_for(technician)
    client.get("/")
    with django_assert_max_num_queries(9):
        page = client.get(applications[0].get_absolute_url()).content.decode()
    assert "your evaluation is in" in page


@pytest.mark.parametrize("size", [1, 6])
def test_the_managers_answer_page_runs_the_same_queries_at_two_sizes(
    institution, manager, programme_manager, size, django_assert_max_num_queries
):
    cohort = CohortFactory(programme=ProgrammeFactory(institution=institution))
    reports = [staff(institution, line_manager=manager) for _ in range(size)]
    _complete(cohort, reports, programme_manager)
    _, managers = _surveys(cohort)
    client = client_for(manager)
    client.get("/")
    with django_assert_max_num_queries(9):
        page = client.get(reverse("surveys:answer_about", args=[managers.pk, reports[-1].pk])).content.decode()
    assert f"About: <strong>{reports[-1]}</strong>" in page


def test_the_managers_survey_export_names_whom_each_answer_is_about(
    institution, programme_manager, django_capture_on_commit_callbacks
):
    cohort = CohortFactory(programme=ProgrammeFactory(institution=institution))
    people = evaluated(cohort, [True] * 8, theme="performance")  # more than 7: the rows are shown
    _, managers = _surveys(cohort)
    client = client_for(programme_manager)
    lines = b"".join(client.get(reverse("surveys:export_csv", args=[managers.pk])).streaming_content).decode()
    header, *rows = lines.strip().splitlines()
    assert header.split(",")[:5] == ["response", "respondent", "submitted on", "about", "job family"]
    assert len(rows) == 8
    assert {row.split(",")[3] for row in rows} == {str(p) for p in people}
