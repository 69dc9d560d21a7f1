"""Issue 16, problem 8 (inputs): text has a maximum length and dates a sane range on every form."""

import pytest
from django import forms
from django.urls import reverse

from core.forms import TEXT_MAX_LENGTH
from development.models import DevelopmentRequest
from people.models import StaffProfile
from tests.conftest import client_for
from tests.development.conftest import next_weekday
from tests.development.test_requests import request_form

pytestmark = pytest.mark.django_db


def test_a_one_megabyte_bio_is_refused_beside_the_field(technician):
    response = client_for(technician).post(
        "/staff/me/edit/",
        {"first_name": "Ada", "last_name": "Lovelace", "job_title": "HSO", "orcid": "", "bio": "x" * 1_000_000},
    )
    assert response.status_code == 200
    assert f"at most {TEXT_MAX_LENGTH} characters" in response.context["form"].errors["bio"][0]
    assert StaffProfile.objects.get(pk=technician.pk).bio == ""


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1949-12-31"])
def test_dates_out_of_the_sane_range_are_refused_beside_the_field(technician, manager, policy, day):
    start = next_weekday()
    response = client_for(technician).post(
        reverse("development:request_create"), request_form(start, start_date=day, end_date=day)
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "Enter a date between 01 Jan 1950 and 31 Dec 2100." in errors.get("start_date", [])
    assert not DevelopmentRequest.objects.exists()  # nothing half-saved


def test_every_form_gets_the_bounds_and_the_browser_is_told(technician):
    page = client_for(technician).get(reverse("development:request_create")).content.decode()
    assert 'min="1950-01-01"' in page and 'max="2100-12-31"' in page
    assert f'maxlength="{TEXT_MAX_LENGTH}"' in page  # the benefit textarea


def test_a_library_form_is_bounded_too():
    class Plain(forms.Form):
        note = forms.CharField(widget=forms.Textarea)
        on = forms.DateField()
        at = forms.DateTimeField()

    form = Plain({"note": "x" * (TEXT_MAX_LENGTH + 1), "on": "0001-01-01", "at": "9999-12-31 10:00"})
    assert not form.is_valid()
    assert set(form.errors) == {"note", "on", "at"}
    assert Plain({"note": "fine", "on": "2026-03-04", "at": "2026-03-04 10:00"}).is_valid()
