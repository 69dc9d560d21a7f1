"""Issue 16, problems 3 and 4: Redis down or a mail server refusing or hanging never turns a
saved change into a 500, never blocks a worker, and never leaves a message stuck silently."""

import runpy
import time
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings as django_settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from development.models import DevelopmentRequest, TrainingImport
from notifications.models import Notification
from notifications.tasks import deliver_notification, deliver_pending_notifications
from tests.conftest import _reset_broker_connections, client_for
from tests.development.conftest import next_weekday
from tests.development.test_requests import request_form
from tests.factories import PASSWORD
from tests.security.services import SMTPListener

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_on(redis_server, settings, monkeypatch):
    """Celery publishes to the test's own redis-server (not in-process), as in production."""
    from techcareers.celery import app

    # Celery's broker_url prefers the CELERY_BROKER_URL environment variable (set in CI) over
    # the configuration, so without this the publish would reach CI's Redis, not the stopped one.
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)

    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager", "broker_pool_limit")}
    app.conf.update(broker_url=redis_server.url, task_always_eager=False, broker_pool_limit=None)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    _reset_broker_connections(app)
    yield redis_server
    app.conf.update(saved)
    _reset_broker_connections(app)


def _production_caches(redis_url, monkeypatch):
    """The CACHES the settings module builds for CACHE_URL=redis_url (read afresh, as at start-up)."""
    monkeypatch.setenv("CACHE_URL", redis_url)
    return runpy.run_path(str(django_settings.BASE_DIR / "techcareers" / "settings.py"))["CACHES"]


def test_a_request_saved_while_redis_is_down_answers_302_and_its_message_goes_out_once_redis_returns(
    broker_on, technician, manager, policy, django_capture_on_commit_callbacks, caplog
):
    broker_on.stop()
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(technician).post(reverse("development:request_create"), request_form(next_weekday()))
    elapsed = time.monotonic() - started
    assert response.status_code == 302
    assert elapsed < 2, f"took {elapsed:.1f} s"
    assert DevelopmentRequest.objects.filter(person=technician).exists()
    waiting = Notification.objects.get(recipient=manager.user, kind="development.request_submitted")
    assert waiting.status == Notification.Status.PENDING
    assert "the sweep will send it" in caplog.text

    broker_on.start()
    Notification.objects.filter(pk=waiting.pk).update(created_at=timezone.now() - timedelta(minutes=1, seconds=5))
    from techcareers.celery import app

    app.conf.task_always_eager = True  # the worker, here in-process
    deliver_pending_notifications()
    deliver_pending_notifications()  # a second beat run sends nothing again
    waiting.refresh_from_db()
    assert waiting.status == Notification.Status.SENT
    assert [m.to for m in mail.outbox] == [[manager.user.email]]


def test_the_outbox_sweep_runs_every_minute():
    task = PeriodicTask.objects.get(task="notifications.tasks.deliver_pending_notifications")
    assert task.enabled
    assert (task.crontab.minute, task.crontab.hour) == ("*", "*")


def test_a_training_file_uploaded_while_redis_is_down_waits_queued_for_the_sweep(
    broker_on, hr, django_capture_on_commit_callbacks
):
    broker_on.stop()
    upload = SimpleUploadedFile("attendance.csv", b"course,date,email,hours\nSafety,2026-03-04,a@b.ac.uk,3\n")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(hr).post(reverse("development:import_upload"), {"file": upload})
    assert response.status_code == 302
    assert TrainingImport.objects.get().status == TrainingImport.Status.QUEUED


def test_sign_in_keeps_working_and_limited_while_the_cache_redis_is_down(
    redis_server, settings, monkeypatch, technician, manager
):
    settings.CACHES = _production_caches(redis_server.url, monkeypatch)
    for profile in (technician, manager):
        EmailAddress.objects.create(user=profile.user, email=profile.user.email, verified=True, primary=True)
    redis_server.stop()

    started = time.monotonic()
    response = Client().post("/accounts/login/", {"login": manager.user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert time.monotonic() - started < 2

    client = Client()
    for _ in range(5):
        response = client.post("/accounts/login/", {"login": technician.user.email, "password": "wrong"})
        assert response.status_code == 200
    response = client.post("/accounts/login/", {"login": technician.user.email, "password": PASSWORD})
    assert "Too many failed login attempts" in response.content.decode()


@pytest.fixture
def notification(technician):
    from notifications.services import notification_enqueue

    return notification_enqueue(
        recipient=technician.user, kind="people.welcome", idempotency_key="fault-test", context={}
    )


@pytest.fixture
def smtp(settings):
    listeners = []

    def start(mode):
        listener = SMTPListener(mode)
        listeners.append(listener)
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = listener.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        return listener

    yield start
    for listener in listeners:
        listener.close()


def test_the_mail_server_may_take_at_most_twenty_seconds_well_inside_the_task_time_limit():
    assert django_settings.EMAIL_TIMEOUT is not None
    assert 0 < django_settings.EMAIL_TIMEOUT <= 30
    assert django_settings.EMAIL_TIMEOUT * 2 < django_settings.CELERY_TASK_SOFT_TIME_LIMIT


def test_a_refusing_mail_server_leaves_the_message_failed_after_its_retries(smtp, notification):
    listener = smtp("refuse")
    deliver_notification.delay(notification.pk)
    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert notification.attempts == 6
    assert "No mail service here" in notification.last_error
    assert listener.connections == 6


def test_a_hanging_mail_server_times_out_and_the_message_is_retried_not_left_sending(smtp, notification, settings):
    settings.EMAIL_TIMEOUT = 1  # the project's 20 s, shortened for the test
    listener = smtp("hang")
    started = time.monotonic()
    deliver_notification.delay(notification.pk)
    assert time.monotonic() - started < 6 * 1 + 5
    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED  # never SENDING
    assert notification.attempts == 6
    assert "timed out" in notification.last_error
    assert listener.connections == 6
