"""Onboarding: a new person is asked for what their record lacks, and names a line manager who confirms."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.metrics import get as get_metric
from notifications.models import Notification
from people import services
from people.models import CareerEvent, Grade, JobFamily, ManagerConfirmation, StaffProfile
from people.tasks import remind_manager_confirmations
from tests.conftest import client_for
from tests.factories import InstitutionFactory, staff

pytestmark = pytest.mark.django_db
State = ManagerConfirmation.State


@pytest.fixture
def newcomer(institution, so_family, division):
    """Signed up: nothing recorded, never onboarded."""
    return staff(institution, onboarded_at=None, job_title="")


def _outbox(kind, recipient):
    return Notification.objects.filter(kind=kind, recipient=recipient.user)


def _verified(profile):
    EmailAddress.objects.create(user=profile.user, email=profile.user.email, verified=True, primary=True)


def test_a_person_whose_record_lacks_something_is_sent_to_onboarding_at_sign_in(newcomer, password):
    _verified(newcomer)
    client = Client()
    response = client.post(reverse("account_login"), {"login": newcomer.user.email, "password": password})
    assert response.url == reverse("people:onboarding")


def test_a_person_hr_recorded_goes_to_the_dashboard_at_sign_in(technician, password):
    _verified(technician)
    response = Client().post(reverse("account_login"), {"login": technician.user.email, "password": password})
    assert response.url == "/"


def test_the_onboarding_page_asks_only_for_what_is_missing(institution, so_family, division, manager):
    person = staff(institution, onboarded_at=None, job_family=so_family, division=division)
    form = client_for(person).get(reverse("people:onboarding")).context["form"]
    assert set(form.fields) == {"grade", "manager"}
    assert set(form.fields["grade"].queryset) == set(so_family.grades.all())  # only their family's ladder


def test_completing_onboarding_records_the_grade_and_asks_the_manager(newcomer, so_family, division, manager):
    hso = so_family.grades.get(short_name="HSO")
    with_data = {"job_family": so_family.pk, "grade": hso.pk, "division": division.pk, "manager": manager.user.email}
    response = client_for(newcomer).post(reverse("people:onboarding"), with_data)
    assert response.status_code == 302
    newcomer.refresh_from_db()
    assert (newcomer.grade, newcomer.job_family, newcomer.division) == (hso, so_family, division)
    assert newcomer.line_manager is None  # not until they confirm
    assert newcomer.onboarded_at is not None and not newcomer.needs_onboarding
    confirmation = ManagerConfirmation.objects.get(person=newcomer)
    assert (confirmation.manager, confirmation.state) == (manager, State.PENDING)
    assert confirmation.transitions.get().by == newcomer.user
    assert _outbox("people.manager_confirmation_requested", manager).count() == 1
    event = CareerEvent.objects.get(person=newcomer)
    assert (event.cause, event.grade, event.recorded_by) == (CareerEvent.Cause.JOINED, hso, newcomer.user)


def test_a_grade_of_another_family_is_refused_beside_the_field(newcomer, so_family, division, institution):
    other = JobFamily.objects.create(institution=institution, name="Research Management")
    rm = Grade.objects.create(job_family=other, name="Research Manager", short_name="RM2", level=3)
    response = client_for(newcomer).post(
        reverse("people:onboarding"), {"job_family": so_family.pk, "grade": rm.pk, "division": division.pk}
    )
    assert "Choose a grade on the Scientific Officer ladder" in response.content.decode()
    newcomer.refresh_from_db()
    assert newcomer.grade is None and newcomer.onboarded_at is None  # nothing half-saved


def test_a_manager_of_another_institution_cannot_be_named(newcomer, outsider, so_family, division):
    with pytest.raises(ValidationError, match="must work at your institution"):
        services.manager_confirmation_request(person=newcomer, manager=outsider, by=newcomer.user)
    response = client_for(newcomer).post(
        reverse("people:onboarding"),
        {
            "job_family": so_family.pk,
            "grade": so_family.grades.first().pk,
            "division": division.pk,
            "manager": outsider.user.email,
        },
    )
    assert response.status_code == 200 and not ManagerConfirmation.objects.exists()


def test_the_named_manager_sees_the_question_and_confirms_from_the_dashboard(newcomer, manager):
    confirmation = services.manager_confirmation_request(person=newcomer, manager=manager, by=newcomer.user)
    client = client_for(manager)
    page = client.get("/").content.decode()
    assert f"Is {newcomer} your report?" in page
    response = client.post(reverse("people:confirmation_answer", args=[confirmation.pk]), {"answer": "confirm"})
    assert response.url == "/"
    newcomer.refresh_from_db()
    assert newcomer.line_manager == manager
    confirmation.refresh_from_db()
    assert (confirmation.state, confirmation.decided_by) == (State.CONFIRMED, manager.user)
    event = CareerEvent.objects.get(person=newcomer)
    assert (event.line_manager, event.recorded_by) == (manager, manager.user)
    assert _outbox("people.manager_confirmation_answered", newcomer).get().context["answer"] == "confirmed"
    assert f"Is {newcomer} your report?" not in client.get("/").content.decode()


def test_a_declined_manager_is_not_recorded_and_the_person_is_told_why(newcomer, manager):
    confirmation = services.manager_confirmation_request(person=newcomer, manager=manager, by=newcomer.user)
    client_for(manager).post(
        reverse("people:confirmation_answer", args=[confirmation.pk]),
        {"answer": "decline", "reason": "Alex reports to Sam Lee."},
    )
    newcomer.refresh_from_db()
    assert newcomer.line_manager is None
    assert (
        _outbox("people.manager_confirmation_answered", newcomer).get().context["reason"] == "Alex reports to Sam Lee."
    )


def test_hr_may_confirm_for_the_manager_and_nobody_else_may(newcomer, manager, hr, technician, outsider):
    confirmation = services.manager_confirmation_request(person=newcomer, manager=manager, by=newcomer.user)
    url = reverse("people:confirmation_answer", args=[confirmation.pk])
    assert client_for(technician).post(url, {"answer": "confirm"}).status_code == 404
    assert client_for(outsider).post(url, {"answer": "confirm"}).status_code == 404
    assert client_for(newcomer).post(url, {"answer": "confirm"}).status_code == 403  # not their own
    with pytest.raises(PermissionDenied):
        services.manager_confirmation_answer(confirmation=confirmation, by=technician.user, confirm=True)
    hr_client = client_for(hr)
    assert str(newcomer) in hr_client.get(reverse("people:confirmations")).content.decode()
    assert hr_client.post(url, {"answer": "confirm"}).url == reverse("people:confirmations")
    newcomer.refresh_from_db()
    assert newcomer.line_manager == manager


def test_the_confirmations_list_is_hrs_only(technician, outsider):
    assert client_for(technician).get(reverse("people:confirmations")).status_code == 403
    assert client_for(outsider).get(reverse("people:confirmations")).status_code == 403


def test_naming_someone_else_withdraws_the_waiting_request(newcomer, manager, institution):
    first = services.manager_confirmation_request(person=newcomer, manager=manager, by=newcomer.user)
    other = staff(institution)
    second = services.manager_confirmation_request(person=newcomer, manager=other, by=newcomer.user)
    first.refresh_from_db()
    assert first.state == State.WITHDRAWN and second.state == State.PENDING


def test_an_answered_request_cannot_be_answered_again(newcomer, manager):
    confirmation = services.manager_confirmation_request(person=newcomer, manager=manager, by=newcomer.user)
    services.manager_confirmation_answer(confirmation=confirmation, by=manager.user, confirm=False)
    with pytest.raises(ValidationError):
        services.manager_confirmation_answer(confirmation=confirmation, by=manager.user, confirm=True)


def test_the_manager_is_reminded_once_after_five_working_days(newcomer, manager):
    confirmation = services.manager_confirmation_request(person=newcomer, manager=manager, by=newcomer.user)
    assert remind_manager_confirmations() == 0
    ManagerConfirmation.objects.filter(pk=confirmation.pk).update(requested_at=timezone.now() - timedelta(days=8))
    assert remind_manager_confirmations() == 1
    remind_manager_confirmations()  # the next day's run, or a beat that ran twice
    reminder = _outbox("people.manager_confirmation_waiting", manager).get()
    assert reminder.idempotency_key == f"people.manager_confirmation_waiting:{confirmation.pk}"
    services.manager_confirmation_answer(confirmation=confirmation, by=manager.user, confirm=True)
    assert remind_manager_confirmations() == 0  # answered: no longer due


def test_the_confirmation_request_is_in_the_outbox_before_the_commit(
    newcomer, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        confirmation = services.manager_confirmation_request(person=newcomer, manager=manager, by=newcomer.user)
    row = _outbox("people.manager_confirmation_requested", manager).get()
    assert row.idempotency_key == f"people.manager_confirmation_requested:{confirmation.pk}"


def test_a_new_institution_starts_with_the_sectors_ladders(db):
    place = InstitutionFactory(slug="babraham")
    assert services.institution_ladders_copy(institution=place) == 16
    hso_equivalents = Grade.objects.filter(job_family__institution=place, level=3)
    assert {g.short_name for g in hso_equivalents} == {"HSO", "RM2", "AS1", "SAT"}
    assert services.institution_ladders_copy(institution=place) == 0  # its own ladder is kept


def test_the_first_sign_up_at_a_partner_without_a_ladder_gives_it_one(db, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "none"
    place = InstitutionFactory(slug="sanger")
    Client().post(
        reverse("account_signup"),
        {
            "first_name": "Ada",
            "last_name": "Byron",
            "email": "ada@sanger.ac.uk",
            "password1": "a-long-enough-password-1",
            "password2": "a-long-enough-password-1",
        },
    )
    assert StaffProfile.objects.filter(user__email="ada@sanger.ac.uk", institution=place).exists()
    assert JobFamily.objects.filter(institution=place).count() == 4


# --- Unconfirmed e-mail addresses are not staff -------------------------------------------------


def test_an_unconfirmed_sign_up_is_in_no_count(institution, technician, manager, hr):
    signup = staff(institution, onboarded_at=None)
    EmailAddress.objects.create(user=signup.user, email=signup.user.email, verified=False, primary=True)
    confirmed = staff(institution)
    EmailAddress.objects.create(user=confirmed.user, email=confirmed.user.email, verified=True, primary=True)
    counted = set(StaffProfile.objects.filter(institution=institution).current())
    assert signup not in counted and confirmed in counted and technician in counted
    panel_total = client_for(hr).get("/").context["panels"]
    summary = next(p for p in panel_total if p.title == "Technical staff")
    assert summary.context["total"] == StaffProfile.objects.filter(institution=institution).count() - 1
    today = timezone.localdate()
    result = get_metric("development.staff_with_training")(
        institution=institution, start=today - timedelta(days=30), end=today
    )
    assert result.denominator == StaffProfile.objects.filter(institution=institution).count() - 1
    from development.selectors import training_report

    report = training_report(institution, today.year)
    assert (
        sum(row.headcount for row in report.by_family)
        == StaffProfile.objects.filter(institution=institution).count() - 1
    )


def test_hr_recording_the_manager_on_the_record_page_withdraws_the_waiting_request(newcomer, manager, hr):
    confirmation = services.manager_confirmation_request(person=newcomer, manager=manager, by=newcomer.user)
    data = {
        "job_title": "",
        "line_manager": manager.user.email,
        "cause": "joined",
        "staff_number": "",
        "contract_type": "",
    }
    assert client_for(hr).post(reverse("people:edit_record", args=[newcomer.pk]), data).status_code == 302
    confirmation.refresh_from_db()
    newcomer.refresh_from_db()
    assert confirmation.state == State.WITHDRAWN and newcomer.line_manager == manager


def _waiting_for(manager, institution, count):
    for _ in range(count):
        person = staff(institution, onboarded_at=None)
        services.manager_confirmation_request(person=person, manager=manager, by=person.user)


@pytest.mark.parametrize("count", [1, 8])
def test_the_managers_dashboard_makes_the_same_queries_at_two_sizes(
    manager, institution, count, django_assert_max_num_queries
):
    _waiting_for(manager, institution, count)
    client = client_for(manager)
    client.get("/")
    # 28 at both sizes, every app's panels included (surveys: 1, celebrations: 2, registration: 1,
    # promotions: 2, apprenticeships: 1, mentoring: 2); the viewer's record comes with their user.
    with django_assert_max_num_queries(28):
        response = client.get("/")
    assert response.content.decode().count("your report?") == count


@pytest.mark.parametrize("count", [1, 8])
def test_hrs_confirmation_list_makes_the_same_queries_at_two_sizes(
    hr, manager, institution, count, django_assert_max_num_queries
):
    _waiting_for(manager, institution, count)
    client = client_for(hr)
    client.get(reverse("people:confirmations"))
    with django_assert_max_num_queries(8):  # 8 at both sizes
        response = client.get(reverse("people:confirmations"))
    assert len(response.context["confirmations"]) == count
