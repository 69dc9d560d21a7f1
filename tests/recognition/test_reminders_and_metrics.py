"""Reminders exactly once through the outbox, found by the daily beat job; the 2D measure against
figures computed by hand."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from core.metrics import get
from notifications.models import Notification
from recognition import tasks
from tests.factories import staff

from .conftest import make_prize, paper

pytestmark = pytest.mark.django_db

TODAY = date(2025, 5, 20)


def _to(kind):
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__email", flat=True))


def test_a_prize_deadline_in_30_days_reminds_the_coordinator_and_managers_once(
    institution, technician, manager, programme_manager, hr, outsider
):
    make_prize(institution, "Papin Prize", month=6, day=19)  # 30 days after TODAY
    make_prize(institution, "RITA awards", month=6, day=20)  # 31 days: not yet
    make_prize(institution, "Unlisted award", month=6, day=1, listed=False)
    make_prize(outsider.institution, "Crick award", month=6, day=1)
    tasks.send_reminders(on=(TODAY - timedelta(days=1)).isoformat())
    assert _to("recognition.prize_deadline") == []
    tasks.send_reminders(on=TODAY.isoformat())
    tasks.send_reminders(on=TODAY.isoformat())
    assert _to("recognition.prize_deadline") == sorted([manager.user.email, programme_manager.user.email])
    message = Notification.objects.filter(kind="recognition.prize_deadline").first()
    assert message.context["deadline"] == "19 June 2025" and message.context["nominated"] == 0
    # Crick's own prize reminds Crick's people only (nobody there manages anyone or coordinates).
    assert not Notification.objects.filter(kind="recognition.prize_deadline", institution=outsider.institution)


def test_the_yearly_prompt_to_update_outputs_goes_once_a_year_from_november(institution, technician, manager):
    paper(technician, on=date(2024, 1, 1))
    tasks.send_reminders(on="2025-10-31")
    assert _to("recognition.update_outputs") == []
    tasks.send_reminders(on="2025-11-01")
    Notification.objects.update(sent_at=timezone.now())  # delivered, as the outbox would
    tasks.send_reminders(on="2025-11-02")
    assert _to("recognition.update_outputs") == sorted([technician.user.email, manager.user.email])
    prompt = Notification.objects.get(kind="recognition.update_outputs", recipient=technician.user)
    assert prompt.context == {"year": 2025, "count": 1}
    assert prompt.idempotency_key == f"recognition.update_outputs:{technician.pk}:2025"
    tasks.send_reminders(on="2026-11-01")
    assert Notification.objects.filter(kind="recognition.update_outputs").count() == 4


@pytest.mark.parametrize("people", [2, 12])
def test_the_yearly_prompts_run_the_same_queries_however_many_staff(people, institution, django_assert_num_queries):
    for _ in range(people):
        paper(staff(institution), on=date(2024, 1, 1))
    # Prizes due, the staff with their outputs counted, who switched the prompt off, the prompts
    # already sent, one INSERT in a savepoint (three statements), the new rows read back.
    with django_assert_num_queries(8):
        tasks.send_reminders(on="2025-11-01")
    prompts = Notification.objects.filter(kind="recognition.update_outputs")
    assert prompts.count() == people
    assert {prompt.context["count"] for prompt in prompts} == {1}
    with django_assert_num_queries(4):  # every prompt already sent: nothing is inserted
        tasks.send_reminders(on="2025-11-02")
    assert prompts.count() == people


def test_the_beat_schedule_exists():
    assert PeriodicTask.objects.filter(task="recognition.tasks.send_reminders").exists()


def test_staff_with_outputs_matches_the_hand_count(institution, technician, manager, so_family):
    # 5 staff employed at the end: technician (2 outputs), manager (1, acknowledged), 3 without.
    # A leaver with an output left before the end: not counted. 2 of 5 = 40.0%.
    others = [staff(institution, job_family=so_family) for _ in range(3)]
    paper(technician, on=date(2024, 1, 1))
    paper(technician, title="Second", on=date(2024, 2, 1))
    paper(manager, part="acknowledged", on=date(2023, 1, 1))
    leaver = staff(institution, leaving_date=date(2025, 3, 1))
    paper(leaver)
    assert len(others) == 3
    result = get("recognition.staff_with_outputs")(
        institution=institution, start=date(2025, 1, 1), end=date(2025, 12, 31)
    )
    assert (result.value, result.numerator, result.denominator) == (40.0, 2, 5)
    assert result.detail == "2 of 5 technical staff have at least one output recorded"


def test_the_prize_measure_has_no_data_without_a_listed_prize(institution):
    make_prize(institution, listed=False)
    assert (
        get("recognition.prize_nominees")(institution=institution, start=date(2025, 1, 1), end=date(2025, 12, 31))
        is None
    )


def test_no_report_published_is_zero_not_missing(institution):
    result = get("recognition.annual_report_produced")(
        institution=institution, start=date(2025, 1, 1), end=date(2025, 12, 31)
    )
    assert (result.value, result.detail) == (0, "No report published")
