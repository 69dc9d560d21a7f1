"""The welcome message to new Scientific Officers (action 2H), sent once per person."""

import time
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from notifications.models import MessageTemplate, Notification
from people import selectors
from people.tasks import send_welcome_messages
from tests.factories import staff


@pytest.fixture
def starters(institution, so_family):
    today = timezone.localdate()
    so = so_family.grades.get(short_name="SO")
    hso = so_family.grades.get(short_name="HSO")
    return {
        "new_so": staff(institution, job_family=so_family, grade=so, start_date=today - timedelta(days=10)),
        "new_so_today": staff(institution, job_family=so_family, grade=so, start_date=today),
        "old_so": staff(institution, job_family=so_family, grade=so, start_date=today - timedelta(days=90)),
        "new_hso": staff(institution, job_family=so_family, grade=hso, start_date=today - timedelta(days=5)),
        "future_so": staff(institution, job_family=so_family, grade=so, start_date=today + timedelta(days=7)),
        "left_so": staff(
            institution,
            job_family=so_family,
            grade=so,
            start_date=today - timedelta(days=20),
            leaving_date=today - timedelta(days=1),
        ),
    }


def test_only_new_starters_on_a_welcomed_grade_are_due(starters):
    due = set(selectors.welcome_due())
    assert due == {starters["new_so"], starters["new_so_today"]}


def test_running_the_daily_job_twice_welcomes_each_starter_once(starters, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert send_welcome_messages() == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert send_welcome_messages() == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [starters["new_so"].user.email, starters["new_so_today"].user.email]
    )
    assert Notification.objects.filter(kind="people.welcome", status="sent").count() == 2
    assert "Scientific Officer Association" in mail.outbox[0].body


def test_administrators_wording_is_used_for_the_welcome(starters, institution, django_capture_on_commit_callbacks):
    MessageTemplate.objects.create(
        institution=institution,
        kind="people.welcome",
        subject="Welcome aboard",
        body="Hi {{ recipient.first_name }}, welcome as a new {{ grade }}.",
    )
    with django_capture_on_commit_callbacks(execute=True):
        send_welcome_messages()
    first = starters["new_so"].user.first_name
    assert f"Hi {first}, welcome as a new SO." in [m.body for m in mail.outbox]


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_the_daily_job_run_twice_at_once_on_a_real_worker_delivers_each_welcome_once(celery_worker_on_redis, starters):
    from concurrent.futures import ThreadPoolExecutor

    # beat firing twice: two copies of the job on the broker at the same moment
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda _: send_welcome_messages.delay(), range(2)))

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        sent = Notification.objects.filter(kind="people.welcome", status=Notification.Status.SENT).count()
        if sent >= 2 and len(mail.outbox) >= 2:
            break
        time.sleep(0.2)
    time.sleep(1)  # let any duplicate that would wrongly be sent arrive
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([starters["new_so"].user.email, starters["new_so_today"].user.email])
    assert Notification.objects.filter(kind="people.welcome").count() == 2
