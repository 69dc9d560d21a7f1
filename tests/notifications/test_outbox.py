"""The outbox: one row per message key, one e-mail per row, whatever happens to workers."""

import pytest
from django.core import mail

from notifications import kinds, services
from notifications.models import MessageTemplate, Notification, Preference
from notifications.tasks import deliver_pending_notifications
from tests.conftest import client_for

REMINDER = kinds.register(
    kinds.Kind(
        key="tests.reminder",
        label="Test reminder",
        subject="Hello {{ recipient.first_name }}",
        body="Your thing is due on {{ due }}.",
        optional=True,
    )
)


def _enqueue(profile, key="tests.reminder:1", **kwargs):
    return services.notification_enqueue(
        recipient=profile.user, kind=REMINDER.key, idempotency_key=key, context={"due": "1 May"}, **kwargs
    )


def test_a_message_is_rendered_and_sent_once_when_queued(technician, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = _enqueue(technician)
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [technician.user.email]
    assert mail.outbox[0].subject == f"[TechCareers] Hello {technician.user.first_name}"
    assert notification.body == "Your thing is due on 1 May."


def test_the_same_key_twice_makes_one_row_and_one_email(technician, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = _enqueue(technician)
        second = _enqueue(technician)
    assert first is not None and second is None
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1


def test_delivering_a_row_twice_sends_it_once(technician, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        notification = _enqueue(technician)
    assert services.notification_deliver(notification.pk) is True
    assert services.notification_deliver(notification.pk) is False
    assert len(mail.outbox) == 1


def test_a_row_left_sending_by_a_dead_worker_is_never_sent_again(technician, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        notification = _enqueue(technician)
    # the worker claimed the row, then died before it could mark it sent
    Notification.objects.filter(pk=notification.pk).update(status=Notification.Status.SENDING)
    Notification.objects.filter(pk=notification.pk).update(created_at=notification.created_at.replace(year=2020))
    deliver_pending_notifications()
    assert services.notification_deliver(notification.pk) is False
    assert mail.outbox == []


def test_a_mail_server_failure_gives_the_row_back_for_a_retry(technician, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        notification = _enqueue(technician)
    settings.EMAIL_BACKEND = "tests.notifications.failing_backend.FailingBackend"
    with pytest.raises(services.DeliveryError):
        services.notification_deliver(notification.pk)
    notification.refresh_from_db()
    assert notification.status == Notification.Status.PENDING
    assert "mail server is down" in notification.last_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.notification_deliver(notification.pk) is True
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT and notification.attempts == 2


def test_the_sweep_requeues_rows_whose_task_was_lost(technician, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        notification = _enqueue(technician)
    Notification.objects.filter(pk=notification.pk).update(created_at=notification.created_at.replace(year=2020))
    assert deliver_pending_notifications() == 1
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert len(mail.outbox) == 1


def test_a_switched_off_optional_reminder_is_not_queued(technician):
    response = client_for(technician).post("/notifications/preferences/", {})  # every box unticked
    assert response.status_code == 302
    assert Preference.objects.get(user=technician.user, kind=REMINDER.key).enabled is False
    assert _enqueue(technician) is None
    assert not Notification.objects.exists()


def test_the_institutions_own_wording_replaces_the_standard_text(technician, django_capture_on_commit_callbacks):
    MessageTemplate.objects.create(
        institution=technician.institution, kind=REMINDER.key, subject="Reminder", body="Due {{ due }}!"
    )
    with django_capture_on_commit_callbacks(execute=True):
        _enqueue(technician)
    assert mail.outbox[0].body == "Due 1 May!"


def test_people_see_their_own_notifications_and_get_404_for_others(
    technician, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        mine = _enqueue(technician)
    page = client_for(technician).get("/notifications/").content.decode()
    assert f"Hello {technician.user.first_name}" in page
    assert client_for(manager).get(f"/notifications/{mine.pk}/").status_code == 404
    response = client_for(technician).get(f"/notifications/{mine.pk}/")
    assert "Your thing is due on 1 May." in response.content.decode()
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_only_institution_administrators_edit_message_texts(technician, institution_admin):
    url = f"/notifications/messages/{REMINDER.key}/"
    assert client_for(technician).get(url).status_code == 403
    response = client_for(institution_admin).post(url, {"subject": "Hi", "body": "{% if %}broken"})
    assert "template error" in response.content.decode()
    assert not MessageTemplate.objects.exists()
    client_for(institution_admin).post(url, {"subject": "Hi", "body": "Due {{ due }}"})
    saved = MessageTemplate.objects.get(institution=institution_admin.institution, kind=REMINDER.key)
    assert (saved.subject, saved.updated_by) == ("Hi", institution_admin.user)
