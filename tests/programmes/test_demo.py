from io import StringIO

import pytest
from django.core.management import call_command

from programmes.models import Application, Attendance, Evaluation, Programme, Session

pytestmark = pytest.mark.django_db


def test_seed_demo_gives_every_programme_page_something_real(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=StringIO())
    states = set(Application.objects.values_list("state", flat=True))
    assert states == set(Application.State.values)
    assert set(Programme.objects.values_list("kind", flat=True)) >= {
        "development",
        "leadership",
        "module",
        "network",
        "event",
        "external",
    }
    mine = dict(
        Application.objects.filter(applicant__user__email="technician@icr.ac.uk").values_list(
            "cohort__programme__title", "state"
        )
    )
    assert mine == {"Ignite": "awaiting_endorsement", "Project management essentials": "accepted"}
    waiting = Application.objects.get(applicant__user__email="technician@icr.ac.uk", state="awaiting_endorsement")
    assert waiting.applicant.line_manager.user.email == "manager@icr.ac.uk"
    assert Application.objects.filter(applicant__user__email="partner@crick.ac.uk", state="accepted").exists()
    assert Session.objects.filter(cohort__programme__kind="network").count() == 6
    assert Attendance.objects.filter(present=True).exists()
    assert {e.question for e in Evaluation.objects.all()} == set(Evaluation.Question.values)
