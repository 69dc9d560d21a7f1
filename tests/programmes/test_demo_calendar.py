"""The demo's calendar tells the truth: sessions on working days, each inside its cohort."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from programmes.models import Session


@pytest.mark.django_db
def test_every_demo_session_is_on_a_working_day_within_its_cohort(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=StringIO())

    sessions = list(Session.objects.select_related("cohort__programme"))
    assert sessions
    weekend = [s for s in sessions if timezone.localtime(s.starts_at).weekday() >= 5]
    assert not weekend, [(s.title, s.starts_at.date()) for s in weekend]
    outside = [
        s for s in sessions if not s.cohort.starts_on <= timezone.localtime(s.starts_at).date() <= s.cohort.ends_on
    ]
    assert not outside, [(s.cohort.programme.title, s.title, s.starts_at.date()) for s in outside]
