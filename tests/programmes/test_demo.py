from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from core import metrics
from notifications.models import Notification
from people.models import Institution
from programmes.models import (
    Application,
    Attendance,
    BulletinClick,
    BulletinPost,
    DigestSubscription,
    Event,
    Programme,
    Registration,
)
from surveys.models import Answer, Invitation, Participation, Response, Survey

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
    # The programme evaluations are surveys (1B): participants' and line managers' answers, and the
    # symposium's "valuable" answers (1D); their measures keep the figures of the story (see below).
    themes = set(
        Answer.objects.filter(response__survey__kind="programme_evaluation").values_list("question__theme", flat=True)
    )
    assert themes >= {"career", "performance", "valuable"}


def test_the_demo_evaluations_give_the_1b_and_1d_figures_of_the_story(django_capture_on_commit_callbacks):
    """Ignite: 9 of 10 participants and 7 of 8 managers say yes; the presenting module: 7 of 8;
    the symposium: 13 of 15 found it valuable, beside 13 of 15 agreeing in events' feedback."""
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=StringIO())
    icr = Institution.objects.get(slug="icr")
    period = {"institution": icr, "start": date(2024, 1, 1), "end": timezone.localdate()}
    figures = {
        key: (r.value, r.numerator, r.denominator)
        for key in ("participants_benefit", "managers_benefit", "partner_events_valuable")
        if (r := metrics.get(f"programmes.{key}")(**period))
    }
    assert figures == {
        "participants_benefit": (Decimal("88.9"), 16, 18),
        "managers_benefit": (Decimal("87.5"), 7, 8),
        "partner_events_valuable": (Decimal("86.7"), 26, 30),
    }

    # A second run changes nothing.
    def counts():
        models = (Survey, Response, Answer, Invitation, Participation, Notification)
        return [model.objects.count() for model in models]

    before = counts()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=StringIO())
    assert counts() == before
