"""The demo tells Priya Shah's story, and seeding it twice changes nothing."""

from io import StringIO

import pytest
from django.core.management import call_command

from pathways.models import Goal, Pathway, PathwayVersion, Plan, Rating, SelfAssessment
from people.models import User
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _counts():
    return [m.objects.count() for m in (Pathway, PathwayVersion, SelfAssessment, Rating, Plan, Goal)]


def test_seeding_the_demo_twice_changes_nothing(settings):
    call_command("seed_demo", stdout=StringIO())
    first = _counts()
    call_command("seed_demo", stdout=StringIO())
    assert _counts() == first
    assessment = SelfAssessment.objects.get(person__user__email="technician@icr.ac.uk")
    assert assessment.state == SelfAssessment.State.REVIEWED
    assert Plan.objects.get(person__user__email="technician@icr.ac.uk").state == Plan.State.AGREED
    assert set(Pathway.objects.filter(published=True).values_list("job_family__name", flat=True)) == {
        "Scientific Officer",
        "Research Management",
    }
    # every pathways page answers every demo account: a page, or a refusal that says why
    pages = ["/pathways/", "/pathways/next-step/", "/pathways/self-assessment/", "/pathways/plan/",
             "/pathways/readiness/", "/pathways/manage/", "/pathways/frameworks/upload/"]  # fmt: skip
    refused = {}
    for email in ["technician@icr.ac.uk", "manager@icr.ac.uk", "mentor@icr.ac.uk", "programmes@icr.ac.uk",
                  "hr@icr.ac.uk", "admin@icr.ac.uk", "partner@crick.ac.uk"]:  # fmt: skip
        client = client_for(User.objects.get(email=email))
        for path in pages:
            status = client.get(path).status_code
            assert status in (200, 403), (email, path, status)
            if status == 403:
                refused.setdefault(email, []).append(path)
    assert refused["technician@icr.ac.uk"] == [
        "/pathways/readiness/",
        "/pathways/manage/",
        "/pathways/frameworks/upload/",
    ]
    assert "programmes@icr.ac.uk" not in refused
