from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from programmes.models import (
    Application,
    Attendance,
    BulletinClick,
    BulletinPost,
    DigestSubscription,
    Evaluation,
    Event,
    Programme,
    Registration,
)

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
    # The network's meetings are events: three a year, members registered, the past ones attended.
    meetings = Event.objects.filter(
        kind=Event.Kind.NETWORK_MEETING, network__title="Scientific Project Managers network"
    )
    assert meetings.count() == 6
    assert Registration.objects.filter(event__in=meetings, attended=True).exists()
    # Past and future events; a partner-opened one the partner attended; a full one with a waiting list.
    assert Event.objects.filter(ends_at__lt=timezone.now()).exists() and Event.objects.filter(
        starts_at__gt=timezone.now()
    )
    assert Registration.objects.filter(person__user__email="partner@crick.ac.uk", attended=True).exists()
    assert Registration.objects.filter(state=Registration.State.WAITLISTED).exists()
    # Bulletin posts with clicks, and the weekly digest's subscribers.
    assert BulletinPost.objects.exists() and BulletinClick.objects.count() > 50
    assert DigestSubscription.objects.filter(person__user__email="technician@icr.ac.uk").exists()
    assert Attendance.objects.filter(present=True).exists()
    assert {e.question for e in Evaluation.objects.all()} == set(Evaluation.Question.values)
