"""Promotions test helpers: criteria for HSO and SSO, and a round open today."""

from datetime import timedelta

import pytest
from django.utils import timezone

from promotions import services
from promotions.models import QualificationAsked, Round


def grade(family, short):
    return family.grades.get(short_name=short)


def publish(institution, family, short, by, **extra):
    return services.criteria_publish(
        institution=institution,
        target_grade=grade(family, short),
        by=by,
        expectations=extra.pop("expectations", f"Leads work expected of an {short}."),
        qualification_asked=extra.pop("qualification_asked", QualificationAsked.PHD),
        equivalent_years=extra.pop("equivalent_years", 6),
        equivalent_registrations=extra.pop("equivalent_registrations", "RSci, CSci"),
        equivalent_programmes=extra.pop("equivalent_programmes", "Ignite"),
        **extra,
    )


def make_round(institution, *, opens=-1, name="Spring", **days):
    """A round whose dates are offsets in days from today (opens yesterday, submissions open now)."""
    today = timezone.localdate()
    offsets = {
        "opens_on": opens,
        "mentoring_from": days.get("mentoring_from", opens),
        "submissions_open_on": days.get("submissions_open_on", opens),
        "submissions_close_on": days.get("submissions_close_on", 20),
        "panel_on": days.get("panel_on", 30),
        "outcomes_on": days.get("outcomes_on", 40),
    }
    round = Round.objects.create(
        institution=institution, name=name, **{k: today + timedelta(days=v) for k, v in offsets.items()}
    )
    from promotions.selectors import criteria_in_force

    round.criteria.set(criteria_in_force(institution))
    return round


@pytest.fixture
def criteria(institution, so_family, hr):
    return {
        "SSO": publish(institution, so_family, "SSO", hr.user),
        "HSO": publish(institution, so_family, "HSO", hr.user, qualification_asked=QualificationAsked.DEGREE),
    }


@pytest.fixture
def open_round(institution, criteria):
    return make_round(institution)
