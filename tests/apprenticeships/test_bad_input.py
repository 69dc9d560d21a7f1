"""Bad input is refused with a clear message beside the field, and nothing is saved."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apprenticeships import services
from apprenticeships.models import GATEWAY_CHECKS, Apprenticeship, ProgressReview
from development.models import TrainingRecord
from tests.apprenticeships.conftest import enrol
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

ALL_TICKED = dict.fromkeys([name for name, _label in GATEWAY_CHECKS], True)


@pytest.fixture
def active(apprentice, programme_manager, standard, provider):
    today = timezone.localdate()
    return enrol(
        apprentice,
        programme_manager,
        standard,
        provider,
        start=today - timedelta(days=400),
        end=today + timedelta(days=300),
    )


def _errors(response):
    return {name: [str(e) for e in errors] for name, errors in response.context["form"].errors.items()}


def test_hours_in_the_future_are_refused_beside_the_date(active, apprentice):
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client_for(apprentice).post(
        reverse("apprenticeships:hours", args=[active.pk]),
        {"on": tomorrow.isoformat(), "hours": "3", "activity": "Online learning"},
    )
    assert response.status_code == 200
    assert _errors(response) == {"on": ["Record training once it has happened: this date is in the future."]}
    assert "There is a problem" in response.content.decode()
    assert not TrainingRecord.objects.exists()


@pytest.mark.parametrize("hours", ["-2", "0"])
def test_negative_or_no_hours_are_refused_beside_the_hours(active, apprentice, hours):
    response = client_for(apprentice).post(
        reverse("apprenticeships:hours", args=[active.pk]),
        {"on": timezone.localdate().isoformat(), "hours": hours, "activity": "Online learning"},
    )
    assert _errors(response) == {"hours": ["Enter the hours spent, more than 0."]}
    assert not TrainingRecord.objects.exists()


def test_the_service_refuses_them_too_whoever_calls_it(active, apprentice):
    with pytest.raises(services.ValidationError) as refused:
        services.hours_log(
            apprenticeship=active, by=apprentice.user, on=timezone.localdate(), hours=-1, activity="Online learning"
        )
    assert refused.value.message_dict == {"hours": ["Enter the hours spent, more than 0."]}
    with pytest.raises(services.ValidationError):
        services.hours_log(
            apprenticeship=active,
            by=apprentice.user,
            on=active.start_date - timedelta(days=1),
            hours=2,
            activity="Online learning",
        )
    assert not TrainingRecord.objects.exists()


def test_a_review_signed_by_someone_who_is_not_a_party_is_refused(active, apprentice, manager, hr, technician):
    review = services.review_record(
        apprenticeship=active, by=manager.user, held_on=timezone.localdate(), notes="Going well."
    )
    url = reverse("apprenticeships:review_sign", args=[review.pk, "manager"])
    # HR may read the record but is not the line manager; the apprentice cannot sign for the manager.
    assert client_for(hr).post(url).status_code == 403
    assert client_for(apprentice).post(url).status_code == 403
    # A colleague who is no party does not even see it.
    assert client_for(technician).post(url).status_code == 404
    # The provider's sign-off is recorded by a programme manager only.
    assert (
        client_for(manager)
        .post(reverse("apprenticeships:review_sign", args=[review.pk, "provider"]), {"provider_signatory": "Me"})
        .status_code
        == 403
    )
    review.refresh_from_db()
    assert (review.apprentice_signed_at, review.manager_signed_at, review.provider_signed_at) == (None, None, None)
    # The apprentice signs once; a second signature is refused.
    services.review_sign(review=review, by=apprentice.user, party="apprentice")
    with pytest.raises(services.ValidationError):
        services.review_sign(review=review, by=apprentice.user, party="apprentice")


def test_a_review_in_the_future_is_refused(active, manager):
    response = client_for(manager).post(
        reverse("apprenticeships:review_new", args=[active.pk]),
        {"held_on": (timezone.localdate() + timedelta(days=3)).isoformat(), "notes": "x"},
    )
    assert "held_on" in _errors(response)
    assert not ProgressReview.objects.exists()


def test_an_assessment_before_the_gateway_is_refused_and_nothing_changes(active, programme_manager):
    today = timezone.localdate()
    services.gateway_save(
        apprenticeship=active, by=programme_manager.user, checks=ALL_TICKED, gateway_on=today - timedelta(days=10)
    )
    response = client_for(programme_manager).post(
        reverse("apprenticeships:assessment", args=[active.pk]),
        {"assessment_on": (today - timedelta(days=20)).isoformat(), "grade": "pass"},
    )
    gateway_day = today - timedelta(days=10)
    assert _errors(response) == {
        "assessment_on": [f"The gateway was on {gateway_day:%-d %b %Y}: the assessment comes after it."]
    }
    active.refresh_from_db()
    assert (active.state, active.grade, active.assessment_on, active.ended_on) == (
        Apprenticeship.State.GATEWAY,
        "",
        None,
        None,
    )


def test_the_gateway_needs_every_box_ticked(active, programme_manager):
    response = client_for(programme_manager).post(
        reverse("apprenticeships:gateway", args=[active.pk]),
        {"gateway_portfolio": "on", "gateway_on": timezone.localdate().isoformat()},
    )
    assert _errors(response) == {"gateway_on": ["Tick every item of the checklist before the gateway."]}
    active.refresh_from_db()
    assert active.state == Apprenticeship.State.ACTIVE and not active.gateway_portfolio


def test_a_destination_before_completion_is_refused_and_nothing_saved(active, programme_manager):
    today = timezone.localdate()
    services.gateway_save(
        apprenticeship=active, by=programme_manager.user, checks=ALL_TICKED, gateway_on=today - timedelta(days=30)
    )
    services.assessment_record(
        apprenticeship=active, by=programme_manager.user, assessment_on=today - timedelta(days=20), grade="merit"
    )
    response = client_for(programme_manager).post(
        reverse("apprenticeships:destination", args=[active.pk]),
        {
            "where": "elsewhere",
            "role": "SO, Sanger",
            "started_on": (today - timedelta(days=25)).isoformat(),
            "so_equivalent": "on",
        },
    )
    completed = today - timedelta(days=20)
    assert _errors(response) == {
        "started_on": [
            f"The apprenticeship was completed on {completed:%-d %b %Y}: the role after it cannot start before."
        ]
    }
    active.refresh_from_db()
    assert (active.destination_role, active.destination_start, active.destination_recorded_at) == ("", None, None)


def test_a_destination_here_needs_a_role_in_career_history(active, programme_manager):
    today = timezone.localdate()
    services.gateway_save(
        apprenticeship=active, by=programme_manager.user, checks=ALL_TICKED, gateway_on=today - timedelta(days=30)
    )
    services.assessment_record(
        apprenticeship=active, by=programme_manager.user, assessment_on=today - timedelta(days=20), grade="pass"
    )
    response = client_for(programme_manager).post(
        reverse("apprenticeships:destination", args=[active.pk]), {"where": "here"}
    )
    assert "Career history shows no role" in response.content.decode()
    active.refresh_from_db()
    assert active.destination_recorded_at is None
