"""Bad input is refused with a clear message beside the field and in the error summary, and nothing
is saved: a registration date before submission, a renewal before registration, a supporter from
another institution, an unknown register."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from registration import services
from registration.models import Journey, JourneyTransition
from tests.conftest import client_for
from tests.registration.conftest import journey_to

pytestmark = pytest.mark.django_db
State = Journey.State


def _errors(response):
    """The messages beside fields, and the error summary's lines."""
    form = response.context["form"]
    page = response.content.decode()
    return form.errors, "There is a problem" in page


def test_a_registration_date_before_the_submission_is_refused_beside_the_date(technician):
    today = timezone.localdate()
    journey = journey_to(technician, State.SUBMITTED, today=today - timedelta(days=10))
    response = client_for(technician).post(
        reverse("registration:outcome", args=[journey.pk]),
        {
            "outcome": "registered",
            "registered_on": (today - timedelta(days=11)).isoformat(),
            "registration_number": "RSCI-9",
            "renewal_on": (today + timedelta(days=300)).isoformat(),
        },
    )
    errors, summary = _errors(response)
    submitted = today - timedelta(days=10)
    assert errors["registered_on"] == [f"The registration date is before the submission ({submitted:%-d %b %Y})."]
    assert summary
    journey.refresh_from_db()
    assert (journey.state, journey.registered_on, journey.registration_number) == (State.SUBMITTED, None, "")
    assert not JourneyTransition.objects.filter(journey=journey, to_state="registered").exists()


def test_a_renewal_before_the_registration_is_refused_beside_the_renewal(technician):
    today = timezone.localdate()
    journey = journey_to(technician, State.SUBMITTED, today=today - timedelta(days=10))
    response = client_for(technician).post(
        reverse("registration:outcome", args=[journey.pk]),
        {
            "outcome": "registered",
            "registered_on": today.isoformat(),
            "registration_number": "RSCI-9",
            "renewal_on": (today - timedelta(days=1)).isoformat(),
        },
    )
    errors, summary = _errors(response)
    assert errors["renewal_on"] == ["The renewal must come after the registration date."]
    assert summary
    journey.refresh_from_db()
    assert (journey.state, journey.renewal_on) == (State.SUBMITTED, None)


def test_a_supporter_from_another_institution_is_refused_and_nobody_is_asked(technician, outsider):
    journey = journey_to(technician, State.PREPARING)
    response = client_for(technician).post(
        reverse("registration:supporter", args=[journey.pk]), {"supporter": outsider.user.email}
    )
    errors, summary = _errors(response)
    assert "supporter" in errors and summary  # not one of the colleagues offered
    with pytest.raises(ValidationError) as refused:
        services.journey_name_supporter(journey=journey, supporter=outsider, by=technician.user)
    assert refused.value.message_dict == {"supporter": ["Your supporter must work at your own institution."]}
    journey.refresh_from_db()
    assert (journey.state, journey.supporter) == (State.PREPARING, None)
    assert not Notification.objects.filter(kind="registration.support_requested").exists()


def test_an_unknown_register_is_refused_beside_the_register(technician):
    response = client_for(technician).post(reverse("registration:start"), {"register": "999999"})
    errors, summary = _errors(response)
    assert errors["register"] == ["Choose one of the registers listed; this one is not known."]
    assert summary
    assert not Journey.objects.exists()


def test_a_second_open_journey_to_the_same_register_is_refused(technician):
    journey_to(technician, State.INTERESTED)
    with pytest.raises(ValidationError) as refused:
        journey_to(technician, State.INTERESTED)
    assert refused.value.message_dict == {"register": ["You already have an open journey towards RSci."]}
    assert Journey.objects.count() == 1


def test_a_submission_names_the_grant_when_a_grant_pays(technician):
    journey = journey_to(technician, State.SUPPORTER_NAMED)
    services.journey_supporter_agree(journey=journey, by=technician.line_manager.user)
    with pytest.raises(ValidationError) as refused:
        services.journey_submit(
            journey=journey,
            licensed_body="Royal Society of Biology",
            submitted_on=timezone.localdate(),
            first_year_payer="grant",
            by=technician.user,
        )
    assert refused.value.message_dict == {"grant_name": ["Name the grant that pays the fees."]}
    journey.refresh_from_db()
    assert journey.state == State.SUPPORTER_NAMED
