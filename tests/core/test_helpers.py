"""The small shared helpers: numbers, days, working days, and a service's errors on a form."""

from datetime import date
from decimal import Decimal

import pytest
from django import forms
from django.core.exceptions import ValidationError

from core import text
from core.dates import add_months, working_days_before
from core.forms import add_service_errors


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("80.00"), "80"),
        (Decimal("66.70"), "66.7"),
        (Decimal("2.345"), "2.35"),
        (3, "3"),
        (0.5, "0.5"),
        (None, ""),
    ],
)
def test_a_number_drops_trailing_zeros_and_keeps_two_places_at_most(value, shown):
    assert text.number(value) == shown


def test_a_figure_reads_with_its_unit_and_no_data_says_so():
    assert text.with_unit(Decimal("80.0"), "%") == "80%"
    assert text.with_unit(5, "people") == "5 people"
    assert text.with_unit(None, "people") == "no data"


@pytest.mark.parametrize(("value", "shown"), [(1, "1 day"), (Decimal("1.0"), "1 day"), (Decimal("2.5"), "2.5 days")])
def test_days_read_as_people_say_them(value, shown):
    assert text.days(value) == shown


def test_working_days_before_skips_weekends():
    monday = date(2026, 11, 23)
    assert working_days_before(monday, 1) == date(2026, 11, 20)  # the Friday before
    assert working_days_before(monday, 5) == date(2026, 11, 16)
    assert working_days_before(monday, 0) == monday


class _DatesForm(forms.Form):
    start = forms.DateField()
    end = forms.DateField()


def test_a_services_field_error_lands_beside_the_field_and_others_on_top():
    form = _DatesForm(data={"start": "2026-01-02", "end": "2026-01-01"})
    assert form.is_valid()
    add_service_errors(form, ValidationError({"end": "The last day is before the first.", "cost": "Not shown here."}))
    assert form.errors["end"] == ["The last day is before the first."]
    assert form.non_field_errors() == ["Not shown here."]


def test_a_services_plain_error_lands_on_top():
    form = _DatesForm(data={"start": "2026-01-01", "end": "2026-01-01"})
    assert form.is_valid()
    add_service_errors(form, ValidationError("The cohort is full."))
    assert form.non_field_errors() == ["The cohort is full."]


def test_add_months_keeps_the_day_or_takes_the_months_last():
    assert add_months(date(2026, 3, 15), 12) == date(2027, 3, 15)
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2026, 1, 10), -2) == date(2025, 11, 10)
