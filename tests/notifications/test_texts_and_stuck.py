"""Message texts administrators edit cannot reach the models; messages stuck in SENDING are shown
to their institution's administrators, who decide what happens to them."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django_scopes import scope

from core.tenancy import ScopeError, in_institution
from notifications import kinds, services
from notifications.models import MessageTemplate, Notification
from tests.conftest import client_for
from tests.factories import staff

WELCOME_URL = "/notifications/messages/people.welcome/"


@pytest.mark.parametrize("model", [Notification, MessageTemplate], ids=lambda model: model.__name__)
def test_an_unscoped_query_of_the_outbox_raises(model):
    with scope(), pytest.raises(ScopeError):
        list(model.objects.all())


def test_inside_a_scope_another_institutions_messages_and_texts_are_invisible(technician, outsider):
    mine = Notification.objects.create(
        recipient=technician.user, institution=technician.institution, kind="x", idempotency_key="a"
    )
    Notification.objects.create(
        recipient=outsider.user, institution=outsider.institution, kind="x", idempotency_key="b"
    )
    MessageTemplate.objects.create(institution=outsider.institution, kind="people.welcome", subject="s", body="b")
    with in_institution(technician.institution):
        assert list(Notification.objects.all()) == [mine]
        assert not MessageTemplate.objects.exists()


def test_a_text_reaching_the_password_hash_is_refused_beside_the_field(institution_admin):
    response = client_for(institution_admin).post(
        WELCOME_URL, {"subject": "Hello", "body": "Your hash: {{ recipient.password }}"}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "recipient.password" in form.errors["body"][0]
    assert "subject" not in form.errors
    assert not MessageTemplate.objects.exists()


def test_a_text_loading_a_tag_library_is_refused_beside_the_field(institution_admin):
    response = client_for(institution_admin).post(
        WELCOME_URL, {"subject": "{% load static %}Hello", "body": "Welcome, {{ recipient.first_name }}."}
    )
    form = response.context["form"]
    assert form.errors["subject"] == ["The tag {% load %} cannot be used in a message text."]
    assert "{% load %} cannot be used" in response.content.decode()
    assert not MessageTemplate.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        "{% include 'base.html' %}",
        "{% debug %}",
        "{{ recipient.first_name|upper }}{{ recipient.first_name|safe }}",
        "{% if recipient.password %}x{% endif %}",
        "{{ link|default:recipient.password }}",
        "{% if grade %}a{% elif link %}b{% endif %}",
        "{{ institution.email_domains }}",
    ],
)
def test_anything_but_variables_and_simple_ifs_is_refused(institution_admin, body):
    response = client_for(institution_admin).post(WELCOME_URL, {"subject": "Hello", "body": body})
    assert "body" in response.context["form"].errors
    assert not MessageTemplate.objects.exists()


def test_the_service_refuses_an_unsafe_text_too():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.message_template_save(
            institution=None, kind="people.welcome", subject="Hi", body="{{ recipient.password }}", by=None
        )
    assert "body" in error.value.message_dict


def test_a_valid_custom_text_with_a_condition_is_saved_and_renders(
    institution_admin, technician, django_capture_on_commit_callbacks
):
    body = (
        "Dear {{ recipient.first_name }} ({{ recipient.email }}),\n"
        "{% if grade %}welcome as a new {{ grade }} at {{ institution.name }}{% else %}welcome{% endif %}.\n"
        "{{ link|default:'the portal' }}"
    )
    response = client_for(institution_admin).post(
        WELCOME_URL, {"subject": "Welcome, {{ recipient.name }}", "body": body}
    )
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        services.notification_enqueue(
            recipient=technician.user, kind="people.welcome", idempotency_key="t:1", context={"grade": "SO"}, link="/"
        )
    message = mail.outbox[0]
    assert message.subject == f"[TechCareers] Welcome, {technician.user}"
    assert message.body.startswith(
        f"Dear {technician.user.first_name} ({technician.user.email}),\n"
        f"welcome as a new SO at {technician.institution.name}.\nhttp"
    )


def test_a_text_saved_before_the_rules_cannot_render_the_password_hash(technician, django_capture_on_commit_callbacks):
    MessageTemplate.objects.create(
        institution=technician.institution,
        kind="people.welcome",
        subject="Hi",
        body="[{{ recipient.password }}][{{ recipient.profile }}][{{ institution.email_domains }}]",
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.notification_enqueue(recipient=technician.user, kind="people.welcome", idempotency_key="t:2")
    assert mail.outbox[0].body == "[][][]"


def test_the_edit_page_lists_the_variables_the_message_may_use(institution_admin):
    page = client_for(institution_admin).get(WELCOME_URL).content.decode()
    for name in ("recipient.first_name", "recipient.email", "institution.name", "grade", "link"):
        assert f"{{{{ {name} }}}}" in page
    assert "recipient.password" not in page


def test_every_standard_text_passes_its_own_rules():
    from notifications import texts

    for kind in kinds.all_kinds():
        assert texts.problems(kind=kind, subject=kind.subject, body=kind.body) == {}, kind.key


# --- Messages stuck in SENDING ---------------------------------------------------------------


def _stuck(profile, key, minutes_ago=30, error=""):
    return Notification.objects.create(
        recipient=profile.user,
        institution=profile.institution,
        kind="people.welcome",
        idempotency_key=key,
        status=Notification.Status.SENDING,
        claimed_at=timezone.now() - timedelta(minutes=minutes_ago),
        attempts=1,
        last_error=error,
    )


def test_administrators_see_their_institutions_stuck_messages_with_their_error(institution_admin, technician, outsider):
    ours = _stuck(technician, "s:1", error="SMTP timeout on the previous try")
    _stuck(technician, "s:2", minutes_ago=1)  # still being sent right now
    theirs = _stuck(outsider, "s:3", error="Crick's own trouble")
    page = client_for(institution_admin).get("/notifications/stuck/").content.decode()
    assert f'data-testid="stuck-{ours.pk}"' in page
    assert "SMTP timeout on the previous try" in page
    assert technician.user.email in page
    assert f'data-testid="stuck-{theirs.pk}"' not in page
    assert "Crick&#x27;s own trouble" not in page and "Crick's own trouble" not in page
    assert page.count('data-testid="stuck-') == 1


def test_the_stuck_messages_page_is_under_the_admin_menu_for_administrators_only(institution_admin, technician):
    assert "/notifications/stuck/" in client_for(institution_admin).get("/").content.decode()
    assert "/notifications/stuck/" not in client_for(technician).get("/").content.decode()
    assert client_for(technician).get("/notifications/stuck/").status_code == 403


def test_an_outsider_gets_404_for_another_institutions_stuck_message(technician, other_institution):
    row = _stuck(technician, "s:4")
    foreign_admin = staff(other_institution, groups=["Institution administrator"])
    from tests.conftest import _with_totp

    _with_totp(foreign_admin.user)
    client = client_for(foreign_admin)
    assert client.post(f"/notifications/stuck/{row.pk}/", {"action": "send_again"}).status_code == 404
    row.refresh_from_db()
    assert row.status == Notification.Status.SENDING


def test_a_colleague_who_is_not_an_administrator_is_refused(technician, manager):
    row = _stuck(technician, "s:5")
    assert client_for(manager).post(f"/notifications/stuck/{row.pk}/", {"action": "mark_failed"}).status_code == 403
    row.refresh_from_db()
    assert row.status == Notification.Status.SENDING


def test_an_administrator_marks_a_stuck_message_as_failed(institution_admin, technician):
    row = _stuck(technician, "s:6", error="the worker was killed")
    response = client_for(institution_admin).post(f"/notifications/stuck/{row.pk}/", {"action": "mark_failed"})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == Notification.Status.FAILED
    assert f"Marked as failed by {institution_admin.user}" in row.last_error
    assert mail.outbox == []


def test_an_administrator_sends_a_stuck_message_again(
    institution_admin, technician, django_capture_on_commit_callbacks
):
    row = _stuck(technician, "s:7")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(institution_admin).post(f"/notifications/stuck/{row.pk}/", {"action": "send_again"})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == Notification.Status.SENT
    assert [m.to for m in mail.outbox] == [[technician.user.email]]
    # a second click finds nothing stuck: the row is sent, never twice by this page
    assert (
        client_for(institution_admin).post(f"/notifications/stuck/{row.pk}/", {"action": "send_again"}).status_code
        == 404
    )


# --- The outbox row is written with the change ------------------------------------------------


def test_the_welcome_is_in_the_outbox_even_if_the_commit_callbacks_never_run(
    so_family, institution, django_capture_on_commit_callbacks
):
    from people import services as people_services

    profile = staff(
        institution, job_family=so_family, grade=so_family.grades.get(short_name="SO"), start_date=timezone.localdate()
    )
    with django_capture_on_commit_callbacks(execute=False):  # a crash between the commit and the callbacks
        people_services.welcome_send(profile=profile)
    row = Notification.objects.get(kind="people.welcome", recipient=profile.user)
    assert row.status == Notification.Status.PENDING
    assert row.institution == institution


def test_delivery_run_outside_any_scope_uses_the_institutions_own_text(technician, django_capture_on_commit_callbacks):
    from notifications.tasks import deliver_notification

    MessageTemplate.objects.create(
        institution=technician.institution, kind="people.welcome", subject="Ours", body="Our text"
    )
    with django_capture_on_commit_callbacks(execute=False):
        row = services.notification_enqueue(recipient=technician.user, kind="people.welcome", idempotency_key="t:3")
    with scope():  # a worker's thread: no scope at all
        deliver_notification(row.pk)
    row.refresh_from_db()
    assert (row.status, row.body) == (Notification.Status.SENT, "Our text")


def test_a_mail_server_that_keeps_refusing_is_tried_a_bounded_number_of_times_then_given_up(
    technician, settings, django_capture_on_commit_callbacks
):
    from notifications.tasks import MAX_ATTEMPTS, deliver_notification

    settings.EMAIL_BACKEND = "tests.notifications.failing_backend.FailingBackend"
    with django_capture_on_commit_callbacks(execute=False):
        row = services.notification_enqueue(recipient=technician.user, kind="people.welcome", idempotency_key="t:4")
    deliver_notification.delay(row.pk)  # in-process: each retry runs at once
    row.refresh_from_db()
    assert row.status == Notification.Status.FAILED
    assert row.attempts == MAX_ATTEMPTS
    assert "mail server is down" in row.last_error
