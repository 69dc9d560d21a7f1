import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from core import metrics
from exchange import tasks
from exchange.models import ExchangeFeedback, ExchangePlacement
from exchange.selectors import development_records_for
from notifications.models import Notification

from .conftest import placement_in_state

State = ExchangePlacement.State


@pytest.mark.django_db
def test_the_feedback_reminder_job_is_scheduled_daily_by_beat():
    job = PeriodicTask.objects.get(task="exchange.tasks.send_feedback_reminders")
    assert (job.crontab.minute, job.crontab.hour, job.crontab.day_of_week) == ("30", "8", "*")
    assert job.enabled


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_the_reminder_job_on_a_real_worker_reminds_each_person_once(celery_worker_on_redis, offer, technician, host):
    placement = placement_in_state(offer, technician, State.DAYS_RECORDED)
    for _ in range(2):  # beat firing twice must not remind twice
        tasks.send_feedback_reminders.delay()
    deadline = time.monotonic() + 20
    while Notification.objects.filter(kind="exchange.feedback_reminder").count() < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(0.5)  # let a duplicate show up if there were one
    keys = sorted(
        Notification.objects.filter(kind="exchange.feedback_reminder").values_list("idempotency_key", flat=True)
    )
    assert keys == sorted(
        [
            f"exchange.feedback_reminder:{placement.pk}:{technician.pk}",
            f"exchange.feedback_reminder:{placement.pk}:{host.pk}",
        ]
    )


@pytest.mark.django_db
def test_the_participants_metric_counts_distinct_people_with_both_days_done_in_the_period(
    offer, technician, host, institution, division, manager
):
    metric = metrics.get("exchange.participants")
    year_start, year_end = date(2000, 1, 1), timezone.localdate() + timedelta(days=1)
    done = placement_in_state(offer, technician, State.COMPLETED)
    placement_in_state(offer, manager, State.SCHEDULED)  # days not done: not counted
    result = metric(institution=institution, start=year_start, end=year_end)
    assert result.value == 2
    assert "1 hosts, 1 visitors" in result.detail
    before = metric(institution=institution, start=year_start, end=done.both_days_done_on - timedelta(days=1))
    assert before.value == 0


@pytest.mark.django_db
def test_the_participants_metric_is_none_before_any_round_exists(institution):
    assert (
        metrics.get("exchange.participants")(institution=institution, start=date(2026, 1, 1), end=date(2026, 12, 31))
        is None
    )


@pytest.mark.django_db
def test_a_reflection_becomes_a_development_record_of_fifteen_hours(offer, technician, host):
    placement = placement_in_state(offer, technician, State.COMPLETED)
    ExchangeFeedback.objects.create(
        placement=placement, author=technician, role="visitor", rating=5, went_well="w", reflection="New assay idea"
    )
    [record] = development_records_for(technician)
    assert record.date == placement.visitor_day
    assert record.hours == Decimal("15.0")
    assert record.cpd_category == "work-based learning"
    assert record.reflection == "New assay idea"
    assert str(host) in record.title
    assert development_records_for(host) == []  # the host has not reflected yet


def test_the_reflection_is_listed_on_the_technicians_development_page(offer, technician, host):
    from tests.conftest import client_for

    placement = placement_in_state(offer, technician, State.COMPLETED)
    ExchangeFeedback.objects.create(
        placement=placement, author=technician, role="visitor", rating=5, went_well="w", reflection="New assay idea"
    )
    page = client_for(technician).get("/development/").content.decode()
    assert "Technician exchange" in page
    assert "New assay idea" in page
    assert "New assay idea" not in client_for(host).get("/development/").content.decode()
