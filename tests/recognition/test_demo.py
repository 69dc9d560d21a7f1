"""The demo tells recognition's story: outputs of every kind across divisions, two years of
nominations, cases, last year's published report and celebrations."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from people.models import Celebration
from recognition.models import AcknowledgementCase, AnnualReport, Kind, Nomination, Output

pytestmark = pytest.mark.django_db


def test_the_demo_has_outputs_of_every_kind_two_years_of_nominations_and_celebrations(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=StringIO())
    icr = Output.objects.filter(person__institution__slug="icr")
    assert set(icr.values_list("kind", flat=True)) == set(Kind.values)
    assert icr.values("person__division").distinct().count() >= 6
    today = timezone.localdate()
    years = set(Nomination.objects.values_list("year", flat=True))
    assert {today.year - 1, today.year} <= years
    won = Nomination.objects.get(prize__name="Papin Prize", year=today.year - 1)
    assert (won.state, won.nominee.user.email) == (Nomination.State.WON, "technician@icr.ac.uk")
    published = Celebration.objects.filter(consent=Celebration.Consent.GIVEN)
    assert published.filter(source=f"recognition.Nomination:{won.pk}").exists()
    assert published.filter(source__startswith="recognition.Output:").exists()
    assert AcknowledgementCase.objects.filter(example="good").count() == 1
    assert AnnualReport.objects.filter(year=today.year - 1).exists()
    # What the report claims is what the records show: the technician's own outputs are counted.
    assert Output.objects.filter(person__user__email="technician@icr.ac.uk").count() == 5
