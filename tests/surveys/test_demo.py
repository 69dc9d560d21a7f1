from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from core import metrics
from people.models import Institution, StaffProfile
from surveys.models import Participation, Response, Survey
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_seed_demo_has_a_closed_annual_survey_and_answered_leaver_questionnaires():
    call_command("seed_demo", stdout=StringIO())
    today = timezone.localdate()
    annual = Survey.objects.get(kind=Survey.Kind.ANNUAL)
    assert annual.state == Survey.State.PUBLISHED and annual.closes_on < today
    invited, answered = annual.invitations.count(), annual.participations.count()
    assert 0.2 < answered / invited < 0.32  # about a quarter: above the 20% target of 4D
    assert Response.objects.filter(survey=annual).count() == answered
    assert not Response.objects.filter(survey=annual, respondent__isnull=False).exists()  # anonymous
    result = metrics.get("surveys.response_rate")(
        institution=Institution.objects.get(slug="icr"), start=today - timedelta(days=365), end=today
    )
    assert (result.numerator, result.denominator) == (answered, invited)

    leaver_survey = Survey.objects.get(kind=Survey.Kind.LEAVER)
    leavers = Participation.objects.filter(survey=leaver_survey).values_list("person", flat=True)
    assert len(leavers) == 9
    assert all(p.leaving_date for p in StaffProfile.objects.filter(pk__in=leavers))
    # The programme manager reads the leavers' results: nine responses (more than 7), shown, rounded.
    page = client_for(StaffProfile.objects.get(user__email="programmes@icr.ac.uk")).get(
        reverse("surveys:results", args=[leaver_survey.pk])
    )
    assert "about 10 responses from about 10 people invited" in page.content.decode()
    assert "What is your main reason for leaving?" in page.content.decode()
    assert Survey.objects.filter(kind=Survey.Kind.NEW_STARTER, invitations__isnull=False).exists()

    counts = (Survey.objects.count(), Participation.objects.count(), Response.objects.count())
    call_command("seed_demo", stdout=StringIO())
    assert (Survey.objects.count(), Participation.objects.count(), Response.objects.count()) == counts
