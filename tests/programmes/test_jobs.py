"""Daily jobs: the manager notice (4B) and the reminders, through the outbox, each sent once."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from core.dates import working_days_before
from notifications.models import Notification, Preference
from programmes import selectors, tasks
from programmes.models import Application, ManagerNotice
from tests.factories import staff
from tests.programmes.conftest import CohortFactory, SessionFactory, make_application

State = Application.State
pytestmark = pytest.mark.django_db


def test_beat_schedules_exist_for_every_daily_job():
    names = set(PeriodicTask.objects.filter(task__startswith="programmes.tasks.").values_list("task", flat=True))
    assert names == {
        "programmes.tasks.notify_managers_of_open_cohorts",
        "programmes.tasks.remind_window_closing",
        "programmes.tasks.remind_endorsements_waiting",
        "programmes.tasks.remind_sessions_tomorrow",
        "programmes.tasks.remind_events_tomorrow",
        "programmes.tasks.send_bulletin_digests",
    }


def test_managers_of_eligible_staff_are_told_once_when_a_cohort_opens(cohort, technician, manager, institution):
    # manager (SSO) is not eligible for the HSO cohort but manages an HSO: they are told; the
    # programme manager has no eligible report: they are not.
    assert tasks.notify_managers_of_open_cohorts() == 1
    assert tasks.notify_managers_of_open_cohorts() == 1  # a second run finds the cohort but tells nobody again
    notices = ManagerNotice.objects.filter(cohort=cohort)
    assert [n.manager for n in notices] == [manager]
    sent = Notification.objects.filter(kind="programmes.cohort_opened_manager")
    assert [n.recipient for n in sent] == [manager.user]
    assert "Spring intake" in sent.get().subject or sent.get().context["cohort"] == "Spring intake"


def test_a_cohort_that_opened_more_than_3_days_ago_is_not_announced(cohort, technician):
    cohort.opens_on = timezone.localdate() - timedelta(days=4)
    cohort.save()
    assert tasks.notify_managers_of_open_cohorts() == 0
    assert not ManagerNotice.objects.exists()


def test_window_closing_reminds_eligible_staff_who_have_not_applied_and_respects_opt_out(
    cohort, technician, institution, so_family
):
    cohort.closes_on = timezone.localdate() + timedelta(days=2)
    cohort.save()
    hso = so_family.grades.get(short_name="HSO")
    applied = staff(institution, job_family=so_family, grade=hso)
    make_application(cohort, applied, State.ENDORSED)
    opted_out = staff(institution, job_family=so_family, grade=hso)
    Preference.objects.create(user=opted_out.user, kind="programmes.window_closing", enabled=False)
    tasks.remind_window_closing()
    tasks.remind_window_closing()
    recipients = list(Notification.objects.filter(kind="programmes.window_closing").values_list("recipient", flat=True))
    assert recipients == [technician.user_id]


def test_endorsement_waiting_more_than_3_working_days_reminds_the_manager_once(submitted, manager):
    # Submitted on a Monday; by Thursday three working days have passed.
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday() + 7)
    Application.objects.filter(pk=submitted.pk).update(
        submitted_at=timezone.make_aware(datetime.combine(monday, time(10)))
    )
    assert list(selectors.endorsements_waiting(today=monday + timedelta(days=2))) == []
    assert list(selectors.endorsements_waiting(today=monday + timedelta(days=3))) == [submitted]
    tasks.remind_endorsements_waiting()
    tasks.remind_endorsements_waiting()
    reminder = Notification.objects.get(kind="programmes.endorsement_waiting")
    assert reminder.recipient == manager.user


@pytest.mark.parametrize("waiting", [2, 12])
def test_the_endorsement_sweep_runs_the_same_queries_however_many_wait(
    waiting, cohort, institution, django_assert_num_queries
):
    # Each application has its own manager: a sweep that loaded managers one by one would grow.
    long_ago = timezone.now() - timedelta(days=14)
    for _ in range(waiting):
        applicant = staff(institution, line_manager=staff(institution))
        application = make_application(cohort, applicant, State.AWAITING_ENDORSEMENT)
        Application.objects.filter(pk=application.pk).update(submitted_at=long_ago)
    # The waiting applications with their people, the keys already sent, one INSERT in a savepoint
    # (three statements), and the new rows read back to queue their delivery.
    with django_assert_num_queries(6):
        tasks.remind_endorsements_waiting()
    assert Notification.objects.filter(kind="programmes.endorsement_waiting").count() == waiting
    with django_assert_num_queries(2):  # a second run finds every key sent and inserts nothing
        tasks.remind_endorsements_waiting()
    assert Notification.objects.filter(kind="programmes.endorsement_waiting").count() == waiting


def test_working_days_skip_the_weekend():
    friday = datetime(2026, 11, 27).date()
    monday = friday + timedelta(days=3)
    assert working_days_before(monday, 1) == friday
    assert working_days_before(monday, 3) == datetime(2026, 11, 25).date()


def test_participants_are_reminded_of_tomorrows_session_once(cohort, technician, institution):
    make_application(cohort, technician, State.ACCEPTED)
    make_application(cohort, staff(institution), State.ENDORSED)  # not a participant
    tomorrow = timezone.localdate() + timedelta(days=1)
    SessionFactory(cohort=cohort, starts_at=timezone.make_aware(datetime.combine(tomorrow, time(10))))
    SessionFactory(
        cohort=cohort, starts_at=timezone.make_aware(datetime.combine(tomorrow + timedelta(days=1), time(10)))
    )
    assert tasks.remind_sessions_tomorrow() == 1
    tasks.remind_sessions_tomorrow()
    reminders = Notification.objects.filter(kind="programmes.session_tomorrow")
    assert [n.recipient for n in reminders] == [technician.user]


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_manager_notice_runs_on_a_real_worker(celery_worker_on_redis, institution, so_family, division):
    manager = staff(institution, job_family=so_family, grade=so_family.grades.get(short_name="PSO"))
    staff(institution, job_family=so_family, grade=so_family.grades.get(short_name="HSO"), line_manager=manager)
    cohort = CohortFactory(programme__institution=institution, min_level=3, max_level=3)
    result = tasks.notify_managers_of_cohort.delay(cohort.pk)
    deadline = timezone.now() + timedelta(seconds=30)
    while not ManagerNotice.objects.filter(cohort=cohort).exists() and timezone.now() < deadline:
        import time as clock

        clock.sleep(0.2)
    assert result is not None
    assert list(ManagerNotice.objects.filter(cohort=cohort).values_list("manager", flat=True)) == [manager.pk]
    assert Notification.objects.filter(kind="programmes.cohort_opened_manager", recipient=manager.user).count() == 1
