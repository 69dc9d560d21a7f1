"""Apprenticeship fixtures: the reference data, an apprentice (reporting to the shared manager)
and a helper that enrols someone as the programme manager would."""

from datetime import date
from decimal import Decimal

import pytest

from apprenticeships import services
from apprenticeships.models import Intake, Provider, Route, Standard
from tests.factories import staff


@pytest.fixture
def standard(institution):
    return Standard.objects.create(
        institution=institution,
        reference="ST0248",
        title="Laboratory technician",
        version="1.2",
        level=3,
        typical_months=24,
        minimum_off_the_job_hours=400,
        assessment_methods="Observation with questions; professional discussion underpinned by a portfolio.",
        assessment_grades="Fail, pass, distinction",
    )


@pytest.fixture
def provider(institution):
    return Provider.objects.create(
        institution=institution, name="Southbank Science Skills", portfolio_link="https://login.onefile.co.uk/"
    )


@pytest.fixture
def intake(institution, standard, provider):
    return Intake.objects.create(
        institution=institution,
        name="Laboratory technicians, September 2025",
        standard=standard,
        provider=provider,
        start_date=date(2025, 9, 1),
        places=4,
    )


@pytest.fixture
def apprentice(institution, division, so_family, manager):
    return staff(
        institution,
        division=division,
        job_family=so_family,
        grade=so_family.grades.get(short_name="APP"),
        line_manager=manager,
    )


def enrol(
    person,
    by,
    standard,
    provider,
    *,
    start=date(2025, 9, 1),
    end=date(2027, 8, 31),
    route=Route.NEW_RECRUIT,
    intake=None,
    levy=True,
    **extra,
):
    return services.apprenticeship_enrol(
        by=by.user,
        apprentice=person,
        route=route,
        standard=standard,
        provider=provider,
        start_date=start,
        planned_end_date=end,
        levy_funded=levy,
        intake=intake,
        contracted_hours=Decimal("37.5"),
        **extra,
    )
