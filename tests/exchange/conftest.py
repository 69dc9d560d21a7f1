"""Exchange fixtures: an open round, a host in another division with their own line manager."""

from datetime import timedelta

import pytest
from django.utils import timezone

from exchange.models import ExchangeOffer, ExchangePlacement, ExchangeRound
from tests.factories import DivisionFactory, staff


@pytest.fixture
def other_division(institution):
    return DivisionFactory(institution=institution, name="Structural Biology")


@pytest.fixture
def host_manager(institution, other_division, so_family):
    return staff(
        institution, division=other_division, job_family=so_family, grade=so_family.grades.get(short_name="PSO")
    )


@pytest.fixture
def host(institution, other_division, so_family, host_manager):
    return staff(
        institution,
        division=other_division,
        job_family=so_family,
        grade=so_family.grades.get(short_name="SSO"),
        line_manager=host_manager,
        job_title="Crystallography facility scientist",
    )


@pytest.fixture
def exchange_round(institution):
    today = timezone.localdate()
    return ExchangeRound.objects.create(
        institution=institution,
        title="2026 technician exchange pilot",
        year=today.year,
        opens_on=today - timedelta(days=10),
        closes_on=today + timedelta(days=30),
    )


@pytest.fixture
def offer(exchange_round, host):
    return ExchangeOffer.objects.create(
        round=exchange_round,
        host=host,
        facility_or_team="Crystallography facility",
        skills_on_show="Protein crystallisation, X-ray data collection",
        possible_dates="Any Tuesday in March",
        places=1,
    )


def make_offer(exchange_round, host, places=1, name=None):
    return ExchangeOffer.objects.create(
        round=exchange_round,
        host=host,
        facility_or_team=name or f"Facility of {host}",
        skills_on_show="Skills",
        possible_dates="Any weekday",
        places=places,
    )


def placement_in_state(offer, visitor, state, *, days_ago=10):
    """Make a placement directly in a state, for tests about later steps (services tested elsewhere)."""
    today = timezone.localdate()
    fields = {"offer": offer, "visitor": visitor, "hopes_to_learn": "Learn crystallography", "state": state}
    now = timezone.now()
    if state != ExchangePlacement.State.REQUESTED:
        fields.update(
            visitor_manager_approved_by=visitor.line_manager,
            visitor_manager_approved_at=now,
            host_manager_approved_by=offer.host.line_manager,
            host_manager_approved_at=now,
        )
    if state in (
        ExchangePlacement.State.SCHEDULED,
        ExchangePlacement.State.DAYS_RECORDED,
        ExchangePlacement.State.COMPLETED,
    ):
        fields.update(host_day=today - timedelta(days=days_ago), visitor_day=today - timedelta(days=days_ago - 3))
    if state in (ExchangePlacement.State.DAYS_RECORDED, ExchangePlacement.State.COMPLETED):
        fields.update(host_day_done_at=now, visitor_day_done_at=now, both_days_done_on=fields["visitor_day"])
    return ExchangePlacement.objects.create(**fields)
