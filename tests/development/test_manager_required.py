"""A development request needs a confirmed line manager: without one it says so and is refused."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from development import services
from development.models import DevelopmentRequest
from notifications.models import Notification
from people import services as people_services
from tests.conftest import client_for
from tests.development.conftest import next_weekday
from tests.development.test_core_layer import request_fields
from tests.factories import staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def unmanaged(institution, so_family, division):
    return staff(institution, job_family=so_family, grade=so_family.grades.get(short_name="SO"), division=division)


def test_a_request_without_a_line_manager_is_refused_and_nothing_is_sent(unmanaged):
    with pytest.raises(ValidationError, match="No line manager is confirmed for you"):
        services.request_create(person=unmanaged, by=unmanaged.user, **request_fields(next_weekday()))
    assert not DevelopmentRequest.objects.exists()
    assert not Notification.objects.exists()


def test_a_request_waiting_for_the_manager_to_confirm_says_who(unmanaged, manager):
    people_services.manager_confirmation_request(person=unmanaged, manager=manager, by=unmanaged.user)
    with pytest.raises(ValidationError, match=f"{manager} has not yet confirmed that you report to them"):
        services.request_create(person=unmanaged, by=unmanaged.user, **request_fields(next_weekday()))
    assert not DevelopmentRequest.objects.exists()


def test_once_the_manager_confirms_the_request_goes_to_them(unmanaged, manager):
    confirmation = people_services.manager_confirmation_request(person=unmanaged, manager=manager, by=unmanaged.user)
    people_services.manager_confirmation_answer(confirmation=confirmation, by=manager.user, confirm=True)
    unmanaged.refresh_from_db()
    request = services.request_create(person=unmanaged, by=unmanaged.user, **request_fields(next_weekday()))
    assert Notification.objects.get(kind="development.request_submitted").recipient == manager.user
    assert request.state == DevelopmentRequest.State.SUBMITTED


def test_the_request_page_says_so_before_anything_is_submitted(unmanaged):
    page = client_for(unmanaged).get(reverse("development:request_create")).content.decode()
    assert "This cannot be sent yet." in page and "No line manager is confirmed for you" in page
    assert "disabled>Send to my line manager" in page


def test_posting_anyway_shows_the_refusal_and_saves_nothing(unmanaged):
    start = next_weekday()
    data = {**request_fields(start), "start_date": start.isoformat(), "end_date": start.isoformat(), "days": "1"}
    response = client_for(unmanaged).post(reverse("development:request_create"), data)
    assert response.status_code == 200
    assert "No line manager is confirmed for you" in " ".join(response.context["form"].non_field_errors())
    assert not DevelopmentRequest.objects.exists()


def test_a_technician_with_a_manager_sees_no_warning(technician):
    page = client_for(technician).get(reverse("development:request_create")).content.decode()
    assert "This cannot be sent yet." not in page
