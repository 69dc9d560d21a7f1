"""seed_demo's equality story: settings, declarations (one withdrawn), one audited look, idempotent,
and a pipeline report with figures to show."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from core.models import AuditEvent
from equality import selectors
from equality.models import Declaration, EqualitySettings
from people.models import Institution, StaffProfile

pytestmark = pytest.mark.django_db


def _snapshot(icr):
    return (
        sorted(
            Declaration.objects.filter(person__institution=icr).values_list("person_id", "sex", "ethnicity", "caring")
        ),
        AuditEvent.objects.filter(institution_id=icr.pk, kind="equality").count(),
    )


def test_the_demo_tells_the_equality_story_and_a_second_run_changes_nothing():
    call_command("seed_demo", stdout=StringIO())
    icr = Institution.objects.get(slug="icr")
    settings = EqualitySettings.objects.get(institution=icr)
    assert settings.ask_caring and not settings.ask_religion
    assert [p.user.email for p in settings.record_viewers.all()] == ["hr@icr.ac.uk"]

    priya = StaffProfile.objects.get(user__email="technician@icr.ac.uk")
    assert Declaration.objects.get(person=priya).ethnicity == "asian_indian"
    assert not Declaration.objects.filter(person__user__email="mentor@icr.ac.uk").exists()  # withdrew
    assert Declaration.objects.get(person__user__email="admin@icr.ac.uk").sex == "prefer_not_to_say"
    staff = StaffProfile.objects.filter(institution=icr).staff().count()
    declared = Declaration.objects.filter(person__institution=icr).count()
    assert 0.6 < declared / staff < 0.8
    assert AuditEvent.objects.filter(
        kind="equality", action=f"Looked at the equality answers of {priya}", actor__email="hr@icr.ac.uk"
    ).exists()

    before = _snapshot(icr)
    call_command("seed_demo", stdout=StringIO())
    assert _snapshot(icr) == before

    today = timezone.localdate()
    rows = selectors.pipeline(
        institution=icr, source="development", start=today.replace(year=today.year - 1), end=today, breakdown="sex"
    )
    female = next(row for row in rows if row["Sex"] == "Female")
    assert isinstance(female["Eligible"], int) and female["Eligible"] > 100
    assert (
        isinstance(female["Asked for days: % of eligible"], str)
        and female["Asked for days: % of eligible"][0].isdigit()
    )
