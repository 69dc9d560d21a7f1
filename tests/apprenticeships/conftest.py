"""Apprenticeship fixtures: the reference data, an apprentice (reporting to the shared manager)
and a helper that enrols someone as the programme manager would."""

from datetime import date
from decimal import Decimal

import pytest

from apprenticeships import services
from apprenticeships.models import Intake, Provider, Route, Standard
from tests.factories import PASSWORD, staff


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


def provider_contact_at(institution, *, provider=None, email=None):
    """Someone who signed up to act for a provider at the institution (invited, accepted), as the
    services make them; a provider of that institution is made if none is given."""
    from django.utils import timezone

    from apprenticeships.models import ProviderContact
    from people.models import User

    provider = provider or Provider.objects.create(institution=institution, name=f"Provider of {institution.slug}")
    email = email or f"assessor{ProviderContact.objects.count() + 1}@{institution.slug}-provider.example"
    user = User.objects.create_user(email=email, password=PASSWORD, first_name="Dev", last_name="Patel")
    return ProviderContact.objects.create(
        provider=provider,
        name="Dev Patel",
        email=email,
        user=user,
        invited_at=timezone.now(),
        accepted_at=timezone.now(),
    )


@pytest.fixture
def provider_contact(institution, provider):
    return provider_contact_at(institution, provider=provider, email="dev.patel@southbank.example")
