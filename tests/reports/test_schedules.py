"""Saved schedules: HR or a programme manager saves a report with its filters to be e-mailed
monthly or quarterly; the daily beat job sends it once per period, however often it runs."""

import time
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from notifications.models import Notification
from notifications.services import render
from reports import services, tasks
from reports.models import Schedule
from tests.conftest import client_for
from tests.factories import JobFamilyFactory, staff

from .conftest import make_record

pytestmark = pytest.mark.django_db

KIND = "reports.scheduled"


@pytest.fixture
def training_data(institution):
    family = JobFamilyFactory(institution=institution, name="Laboratory Technicians")
    for _ in range(25):
        make_record(staff(institution, job_family=family), on=date(2026, 3, 1), hours="4")


def save(client, key="training", query="", **post):
    return client.post(
        reverse("reports:schedule_create", args=[key]), {"filters": query, "frequency": "monthly", **post}
    )


def test_hr_saves_a_report_with_its_filters_for_chosen_recipients(hr, programme_manager, training_data):
    response = save(client_for(hr), query="year=2026&margin=30", recipients=[hr.pk, programme_manager.pk])
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:report", args=["training"]) + "?year=2026&margin=30#schedules"
    schedule = Schedule.objects.get()
    assert schedule.report_key == "training" and schedule.frequency == "monthly"
    assert schedule.filters == {"year": "2026", "margin": "30"} and schedule.created_by == hr
    assert set(schedule.recipients.all()) == {hr, programme_manager}
    index = client_for(programme_manager).get(reverse("reports:index")).content.decode()
    assert "Training uptake by job family" in index.split('data-testid="schedules"')[1]


def test_a_schedule_with_no_recipient_is_refused_beside_the_field(hr, training_data):
    response = save(client_for(hr), query="year=2026")
    page = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in page and "Choose at least one person to send it to." in page
    assert not Schedule.objects.exists()


def test_only_hr_and_programme_managers_can_be_chosen(hr, technician, outsider, training_data):
    response = save(client_for(hr), recipients=[technician.pk])
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    with pytest.raises(ValidationError, match="may not see"):
        services.schedule_save(
            by=hr.user, report_key="training", filters={}, frequency="monthly", recipients=[technician]
        )
    with pytest.raises(ValidationError, match="may not see"):
        services.schedule_save(
            by=hr.user, report_key="training", filters={}, frequency="monthly", recipients=[outsider]
        )
    assert not Schedule.objects.exists()


def test_a_technician_cannot_save_or_stop_a_schedule(hr, technician, training_data):
    assert save(client_for(technician), recipients=[hr.pk]).status_code == 403
    schedule = services.schedule_save(
        by=hr.user, report_key="training", filters={}, frequency="monthly", recipients=[hr]
    )
    assert client_for(technician).post(reverse("reports:schedule_stop", args=[schedule.pk])).status_code == 403


def test_another_institutions_schedule_is_a_404(hr, other_institution, training_data):
    from people import roles
    from tests.conftest import _with_totp

    their_hr = staff(other_institution, groups=[roles.HR])
    _with_totp(their_hr.user)
    schedule = services.schedule_save(
        by=hr.user, report_key="training", filters={}, frequency="monthly", recipients=[hr]
    )
    assert client_for(their_hr).post(reverse("reports:schedule_stop", args=[schedule.pk])).status_code == 404
    schedule.refresh_from_db()
    assert schedule.active


def test_it_is_emailed_once_per_month_with_the_figures_as_shown(hr, programme_manager, training_data):
    schedule = services.schedule_save(
        by=hr.user,
        report_key="training",
        filters={"year": "2026"},
        frequency="monthly",
        recipients=[hr, programme_manager],
    )
    assert services.schedule_send(schedule_id=schedule.pk, today=date(2026, 11, 1)) == 2
    assert services.schedule_send(schedule_id=schedule.pk, today=date(2026, 11, 20)) == 0  # the same month
    messages = Notification.objects.filter(kind=KIND)
    assert {m.recipient for m in messages} == {hr.user, programme_manager.user}
    assert {m.idempotency_key for m in messages} == {
        f"reports.scheduled:{schedule.pk}:2026-11:{hr.pk}",
        f"reports.scheduled:{schedule.pk}:2026-11:{programme_manager.pk}",
    }
    subject, body = render(messages.get(recipient=hr.user))
    assert subject == "Training per head, 2026: November 2026"
    # 25 staff with 4 hours each and the two recipients (no job family) with none: 100 hours over
    # 27 people. The two are hidden, so the one family is hidden with them (it is the total less them).
    assert "- Institution: Headcount: 25; People trained: 25; % trained: 93%; Hours: 100.0; Records: 25;" in body
    assert "- Laboratory Technicians: Headcount: 25; People trained: 25; % trained: not shown, so that" in body
    assert "rounded to the nearest 5" in body and "/reports/training/?year=2026" in body
    assert services.schedule_send(schedule_id=schedule.pk, today=date(2026, 12, 1)) == 2  # the next month
    assert Notification.objects.filter(kind=KIND).count() == 4


def test_a_quarterly_schedule_is_sent_once_a_quarter(hr, training_data):
    schedule = services.schedule_save(
        by=hr.user, report_key="leavers", filters={}, frequency="quarterly", recipients=[hr]
    )
    sent = [
        services.schedule_send(schedule_id=schedule.pk, today=date(2026, m, d)) for m, d in ((10, 1), (11, 1), (12, 31))
    ]
    assert sent == [1, 0, 0]
    assert services.schedule_send(schedule_id=schedule.pk, today=date(2027, 1, 1)) == 1
    keys = set(Notification.objects.filter(kind=KIND).values_list("idempotency_key", flat=True))
    assert keys == {
        f"reports.scheduled:{schedule.pk}:2026-Q4:{hr.pk}",
        f"reports.scheduled:{schedule.pk}:2027-Q1:{hr.pk}",
    }


def test_the_beat_job_run_twice_sends_each_recipient_one_message(hr, programme_manager, training_data):
    schedule = services.schedule_save(
        by=hr.user, report_key="training", filters={}, frequency="monthly", recipients=[hr, programme_manager]
    )
    stopped = services.schedule_save(by=hr.user, report_key="leavers", filters={}, frequency="monthly", recipients=[hr])
    services.schedule_stop(schedule=stopped, by=hr.user)
    assert tasks.send_scheduled_reports() == 1
    assert tasks.send_scheduled_reports() == 0  # nothing due any more this month
    assert tasks.send_schedule(schedule.pk) == 0  # a retried or duplicated task sends nothing
    assert Notification.objects.filter(kind=KIND).count() == 2
    schedule.refresh_from_db()
    assert schedule.last_period == f"{timezone.localdate():%Y-%m}"


def test_a_recipient_who_lost_the_role_is_not_sent_it(hr, programme_manager, training_data):
    schedule = services.schedule_save(
        by=hr.user, report_key="training", filters={}, frequency="monthly", recipients=[hr, programme_manager]
    )
    programme_manager.user.groups.clear()
    assert services.schedule_send(schedule_id=schedule.pk, today=date(2026, 11, 1)) == 1
    assert Notification.objects.get(kind=KIND).recipient == hr.user


def test_the_daily_job_is_scheduled_by_the_migration():
    task = PeriodicTask.objects.get(task="reports.tasks.send_scheduled_reports")
    assert task.enabled and task.crontab.hour == "6"


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_the_job_on_a_real_worker_run_twice_sends_once(celery_worker_on_redis, hr, programme_manager, institution):
    schedule = services.schedule_save(
        by=hr.user, report_key="leavers", filters={}, frequency="monthly", recipients=[hr, programme_manager]
    )
    first = tasks.send_scheduled_reports.delay()
    second = tasks.send_scheduled_reports.delay()
    deadline = timezone.now() + timedelta(seconds=20)
    while timezone.now() < deadline and Notification.objects.filter(kind=KIND).count() < 2:
        time.sleep(0.2)
    time.sleep(1)  # let the second run finish too
    assert first.id != second.id
    assert Notification.objects.filter(kind=KIND, recipient=hr.user).count() == 1
    assert Notification.objects.filter(kind=KIND, recipient=programme_manager.user).count() == 1
    schedule.refresh_from_db()
    assert schedule.last_period == f"{timezone.localdate():%Y-%m}"
