from datetime import date
from decimal import Decimal

import pytest

from core import metrics
from tests.factories import staff

from .conftest import make_record

pytestmark = pytest.mark.django_db


def test_training_per_head_counts_hours_in_the_period_over_staff_employed_then(institution, technician, manager):
    make_record(technician, on=date(2026, 2, 1), hours="6")
    make_record(manager, on=date(2026, 3, 1), hours="3")
    make_record(manager, on=date(2025, 3, 1), hours="100")  # outside the period
    staff(institution, start_date=date(2027, 1, 1))  # not yet employed
    result = metrics.get("development.training_per_head")(
        institution=institution, start=date(2026, 1, 1), end=date(2026, 12, 31)
    )
    assert result.value == Decimal("4.50") and result.denominator == 2


def test_share_of_staff_with_training_and_none_without_staff(institution, other_institution, technician, manager):
    make_record(technician, on=date(2026, 2, 1))
    result = metrics.get("development.staff_with_training")(
        institution=institution, start=date(2026, 1, 1), end=date(2026, 12, 31)
    )
    assert (result.numerator, result.denominator, result.value) == (1, 2, Decimal("50.0"))
    assert (
        metrics.get("development.staff_with_training")(
            institution=other_institution, start=date(2026, 1, 1), end=date(2026, 12, 31)
        )
        is None
    )


def test_guidance_updates_count_versions_that_took_effect_in_the_period(institution):
    from development.models import GuidanceVersion

    measure = metrics.get("development.guidance_updates")
    assert measure(institution=institution, start=date(2026, 1, 1), end=date(2026, 12, 31)) is None
    for audience, day in [("staff", date(2025, 1, 10)), ("staff", date(2026, 1, 12)), ("managers", date(2026, 1, 12))]:
        GuidanceVersion.objects.create(
            institution=institution, audience=audience, title="G", effective_from=day, body="."
        )
    result = measure(institution=institution, start=date(2026, 1, 1), end=date(2026, 12, 31))
    assert result.value == 2 and result.detail == "1 for staff, 1 for managers"
