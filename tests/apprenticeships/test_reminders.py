"""Reminders through the outbox, found by the daily beat job: review due in 2 weeks and overdue,
off-the-job hours behind, planned end approaching, destination not recorded 3 months after
completion. Each is sent once, even when the job runs twice."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from apprenticeships import services, tasks
from apprenticeships.models import GATEWAY_CHECKS, Apprenticeship
from notifications.models import Notification
from tests.apprenticeships.conftest import enrol

pytestmark = pytest.mark.django_db

ALL_TICKED = dict.fromkeys([name for name, _label in GATEWAY_CHECKS], True)


def sent(kind):
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__email", flat=True))


def run_twice():
    tasks.send_reminders()
    tasks.send_reminders()


@pytest.fixture
def today():
    return timezone.localdate()


def test_a_review_due_in_two_weeks_reminds_the_apprentice_and_manager_once(
    apprentice, manager, programme_manager, standard, provider, today
):
    a = enrol(
        apprentice,
        programme_manager,
        standard,
        provider,
        start=today - timedelta(days=80),
        end=today + timedelta(days=600),
    )
    # Enrolled 80 days ago: the first review is due 3 months after the start, within two weeks.
    assert today < a.next_review_due <= today + timedelta(days=14)
    # Keep the hours on track so only the review is due.
    services.hours_log(apprenticeship=a, by=apprentice.user, on=today, hours=Decimal("24"), activity="Online learning")
    services.hours_log(
        apprenticeship=a,
        by=apprentice.user,
        on=today - timedelta(days=1),
        hours=Decimal("24"),
        activity="Online learning",
    )
    run_twice()
    assert sent("apprenticeships.review_due") == sorted([apprentice.user.email, manager.user.email])
    assert sent("apprenticeships.review_overdue") == sent("apprenticeships.hours_behind") == []


def test_an_overdue_review_and_hours_behind_are_each_sent_once(
    apprentice, manager, programme_manager, standard, provider, today
):
    enrol(
        apprentice,
        programme_manager,
        standard,
        provider,
        start=today - timedelta(days=200),
        end=today + timedelta(days=530),
    )
    run_twice()
    both = sorted([apprentice.user.email, manager.user.email])
    assert sent("apprenticeships.review_overdue") == both
    # By the end of today 201 of the 730 planned days have passed: 400 * 201 / 730 = 110.1 hours due, none done.
    assert sent("apprenticeships.hours_behind") == both
    body = Notification.objects.get(kind="apprenticeships.hours_behind", recipient=apprentice.user).context
    assert (body["done"], body["due"]) == ("0", "110.1")


def test_a_break_in_learning_pauses_the_reminders(apprentice, programme_manager, standard, provider, today):
    a = enrol(
        apprentice,
        programme_manager,
        standard,
        provider,
        start=today - timedelta(days=200),
        end=today + timedelta(days=20),
    )
    services.break_start(
        apprenticeship=a, by=programme_manager.user, starts_on=today - timedelta(days=100), reason="Leave"
    )
    run_twice()
    assert (
        not Notification.objects.filter(kind__startswith="apprenticeships.")
        .exclude(kind="apprenticeships.enrolled")
        .exists()
    )


def test_the_planned_end_approaching_is_sent_once(apprentice, manager, programme_manager, standard, provider, today):
    enrol(
        apprentice,
        programme_manager,
        standard,
        provider,
        start=today - timedelta(days=40),
        end=today + timedelta(days=20),
    )
    run_twice()
    assert sent("apprenticeships.end_approaching") == sorted([apprentice.user.email, manager.user.email])


def test_a_destination_missing_three_months_after_completion_reminds_programme_managers_once(
    apprentice, programme_manager, standard, provider, today
):
    a = enrol(
        apprentice,
        programme_manager,
        standard,
        provider,
        start=today - timedelta(days=800),
        end=today - timedelta(days=100),
    )
    services.gateway_save(
        apprenticeship=a, by=programme_manager.user, checks=ALL_TICKED, gateway_on=today - timedelta(days=120)
    )
    services.assessment_record(
        apprenticeship=a, by=programme_manager.user, assessment_on=today - timedelta(days=80), grade="pass"
    )
    run_twice()
    assert sent("apprenticeships.destination_missing") == []  # only 80 days since completion
    Apprenticeship.objects.filter(pk=a.pk).update(ended_on=today - timedelta(days=95))
    run_twice()
    assert sent("apprenticeships.destination_missing") == [programme_manager.user.email]


def test_reminders_are_written_with_the_beat_scan_not_an_eta(apprentice, programme_manager, standard, provider, today):
    from django_celery_beat.models import PeriodicTask

    assert PeriodicTask.objects.filter(task="apprenticeships.tasks.send_reminders", enabled=True).exists()


def test_no_destination_reminder_when_career_history_shows_the_new_role(
    apprentice, so_family, hr, programme_manager, standard, provider, today
):
    from people.models import CareerEvent
    from people.services import staff_record_change

    a = enrol(
        apprentice,
        programme_manager,
        standard,
        provider,
        start=today - timedelta(days=800),
        end=today - timedelta(days=100),
    )
    services.gateway_save(
        apprenticeship=a, by=programme_manager.user, checks=ALL_TICKED, gateway_on=today - timedelta(days=130)
    )
    services.assessment_record(
        apprenticeship=a, by=programme_manager.user, assessment_on=today - timedelta(days=120), grade="pass"
    )
    staff_record_change(
        profile=apprentice,
        by=hr.user,
        cause=CareerEvent.Cause.APPRENTICESHIP_COMPLETED,
        effective_date=today - timedelta(days=110),
        grade=so_family.grades.get(short_name="SO"),
    )
    run_twice()
    assert sent("apprenticeships.destination_missing") == []


@pytest.mark.parametrize("apprentices", [1, 5])
def test_the_sweep_runs_the_same_queries_however_many_apprenticeships(
    apprentices,
    institution,
    so_family,
    manager,
    programme_manager,
    standard,
    provider,
    today,
    django_assert_num_queries,
):
    from tests.apprenticeships.conftest import provider_contact_at
    from tests.factories import staff

    contact = provider_contact_at(institution, provider=provider)
    for n in range(apprentices):
        person = staff(
            institution, job_family=so_family, grade=so_family.grades.get(short_name="APP"), line_manager=manager
        )
        # Started 200 days ago with no hours logged: the hours are behind; its one review waits for
        # the provider's sign-off, and the next one is overdue.
        a = enrol(person, programme_manager, standard, provider, start=today - timedelta(days=200))
        services.review_record(apprenticeship=a, by=manager.user, held_on=today - timedelta(days=3 + n), notes="Fine.")
        Apprenticeship.objects.filter(pk=a.pk).update(next_review_due=today - timedelta(days=10))
    Notification.objects.all().delete()
    # The apprenticeships with their people and breaks (2), their hours, the waiting reviews and the
    # provider's contacts (3); the atomic block around the writes (2); for each of the three kinds:
    # the keys already sent, one INSERT in a savepoint (three statements) and the new rows read back.
    with django_assert_num_queries(22):
        tasks.send_reminders()
    assert len(sent("apprenticeships.review_overdue")) == 2 * apprentices
    assert len(sent("apprenticeships.hours_behind")) == 2 * apprentices
    assert sent("apprenticeships.review_awaits_provider") == [contact.user.email] * apprentices
    with django_assert_num_queries(10):  # everything already sent: nothing inserted
        tasks.send_reminders()
    assert len(sent("apprenticeships.review_overdue")) == 2 * apprentices
