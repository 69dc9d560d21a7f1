import time
from datetime import date, timedelta
from datetime import time as time_of_day

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from core.dates import working_days_before
from development import selectors, services, tasks
from development.models import AllowancePolicy, DevelopmentRequest
from notifications.models import Notification, Preference

from .conftest import make_record, make_request, next_weekday

pytestmark = pytest.mark.django_db


def waiting_since(request, working_days):
    submitted = working_days_before(timezone.localdate(), working_days)
    DevelopmentRequest.objects.filter(pk=request.pk).update(
        submitted_at=timezone.make_aware(timezone.datetime.combine(submitted, timezone.datetime.min.time()))
    )
    request.refresh_from_db()
    return request


def test_working_days_skip_weekends():
    assert working_days_before(date(2026, 11, 23), 5) == date(2026, 11, 16)  # Monday to Monday
    assert working_days_before(date(2026, 11, 21), 1) == date(2026, 11, 20)  # Saturday to Friday


def test_manager_is_reminded_once_of_a_request_waiting_more_than_five_working_days(technician, manager):
    old = waiting_since(make_request(technician, start=next_weekday(), title="Old request"), 6)
    waiting_since(make_request(technician, start=next_weekday(days_ahead=40), title="Recent request"), 3)
    assert tasks.send_development_reminders() == {"approvals": 1, "nothing_recorded": 0}
    # The job counts what it queues: the second run of the day sends nothing.
    assert tasks.send_development_reminders() == {"approvals": 0, "nothing_recorded": 0}
    reminders = Notification.objects.filter(kind="development.approval_waiting")
    assert [(n.recipient, n.context["title"]) for n in reminders] == [(manager.user, "Old request")]
    assert reminders.get().link == old.get_absolute_url()


def test_the_managers_active_delegate_is_reminded_too(technician, manager, institution):
    from development.models import ManagerDelegate
    from tests.factories import staff

    delegate = staff(institution)
    today = timezone.localdate()
    ManagerDelegate.objects.create(manager=manager, delegate=delegate, starts_on=today, ends_on=today)
    waiting_since(make_request(technician, start=next_weekday()), 8)
    assert tasks.send_development_reminders()["approvals"] == 2
    recipients = Notification.objects.filter(kind="development.approval_waiting").values_list("recipient", flat=True)
    assert sorted(recipients) == sorted([manager.user.pk, delegate.user.pk])


def test_decided_requests_get_no_reminder(technician, manager):
    request = waiting_since(make_request(technician, start=next_weekday()), 9)
    DevelopmentRequest.objects.filter(pk=request.pk).update(state="approved")
    tasks.send_development_reminders()
    assert not Notification.objects.filter(kind="development.approval_waiting").exists()


def test_technician_with_nothing_recorded_is_reminded_after_mid_year_only(technician, manager, institution):
    policy = AllowancePolicy.objects.create(institution=institution, minimum_days=5)
    make_record(manager, on=date(2026, 2, 1))
    assert selectors.nothing_recorded_due(today=date(2026, 6, 30)) == []
    [due] = selectors.nothing_recorded_due(today=date(2026, 7, 3))
    assert (due.policy, due.year, due.people) == (policy, 2026, [technician])
    assert services.nothing_recorded_send(due=[due]) == 1
    assert services.nothing_recorded_send(due=[due]) == 0
    reminder = Notification.objects.get(kind="development.nothing_recorded")
    assert reminder.recipient == technician.user and reminder.context == {"minimum": "5", "year": "2026"}


def test_technician_with_an_approved_request_is_not_reminded(technician, institution):
    policy = AllowancePolicy.objects.create(institution=institution, minimum_days=5)
    make_request(technician, start=date(2026, 9, 1), state="approved")
    [due] = selectors.nothing_recorded_due(today=date(2026, 7, 3))
    assert due.policy == policy and technician not in due.people


def test_mid_year_reminder_can_be_switched_off_by_the_institution_and_by_the_person(technician, institution):
    policy = AllowancePolicy.objects.create(institution=institution, minimum_days=5, remind_mid_year=False)
    assert selectors.nothing_recorded_due(today=date(2026, 7, 3)) == []
    Preference.objects.create(user=technician.user, kind="development.nothing_recorded", enabled=False)
    due = selectors.NothingRecorded(policy=policy, year=2026, people=[technician])
    assert services.nothing_recorded_send(due=[due]) == 0
    assert not Notification.objects.exists()


@pytest.mark.parametrize("institutions", [1, 6])
def test_the_daily_job_runs_the_same_queries_however_many_institutions_and_reminders(
    institutions, django_assert_num_queries
):
    from development.models import ManagerDelegate
    from tests.factories import InstitutionFactory, staff

    on = date(timezone.localdate().year, 12, 1)  # past the middle of a calendar allowance year
    idle_people = []
    for _ in range(institutions):
        institution = InstitutionFactory()
        AllowancePolicy.objects.create(institution=institution, minimum_days=5)
        manager, delegate, idle = staff(institution), staff(institution), staff(institution)
        idle_people.append(idle)
        technician = staff(institution, line_manager=manager)
        ManagerDelegate.objects.create(manager=manager, delegate=delegate, starts_on=on, ends_on=on)
        request = make_request(technician, start=date(on.year, 12, 15))  # planned: not "nothing recorded"
        DevelopmentRequest.objects.filter(pk=request.pk).update(
            submitted_at=timezone.make_aware(timezone.datetime.combine(on - timedelta(days=14), time_of_day(9)))
        )
        for person in (manager, delegate):
            make_record(person, on=date(on.year, 2, 1))
    # Each institution's manager and delegate are told of the request, its idle member of staff
    # that nothing is recorded. Approvals: the waiting requests with their managers, the
    # delegations active that day, the keys already sent, one INSERT in a savepoint (three
    # statements), the new rows read back. Nothing recorded: the policies, their overrides, the
    # staff, who switched the (optional) reminder off, and the same four for the messages.
    with django_assert_num_queries(16):
        assert tasks.send_development_reminders(on=on.isoformat()) == {
            "approvals": 2 * institutions,
            "nothing_recorded": institutions,
        }
    reminded = Notification.objects.filter(kind="development.nothing_recorded").values_list("recipient", flat=True)
    assert sorted(reminded) == sorted(person.user_id for person in idle_people)
    with django_assert_num_queries(8):  # everything already sent: nothing inserted
        assert tasks.send_development_reminders(on=on.isoformat()) == {"approvals": 0, "nothing_recorded": 0}


def test_daily_reminder_job_is_scheduled_by_the_migration():
    task = PeriodicTask.objects.get(task="development.tasks.send_development_reminders")
    assert task.enabled and task.crontab.hour == "7"


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_reminder_job_runs_on_a_real_worker_and_twice_sends_once(celery_worker_on_redis, technician, manager):
    waiting_since(make_request(technician, start=next_weekday()), 7)
    first = tasks.send_development_reminders.delay()
    second = tasks.send_development_reminders.delay()
    deadline = timezone.now() + timedelta(seconds=20)
    while timezone.now() < deadline and not Notification.objects.filter(kind="development.approval_waiting").exists():
        time.sleep(0.2)
    time.sleep(1)  # let the second run finish too
    assert first.id != second.id
    assert Notification.objects.filter(kind="development.approval_waiting", recipient=manager.user).count() == 1


def test_a_declined_request_this_year_and_a_live_one_last_year_do_not_count_as_planned(technician, institution):
    policy = AllowancePolicy.objects.create(institution=institution, minimum_days=5)
    make_request(technician, start=date(2026, 9, 1), state="declined", title="Declined this year")
    make_request(technician, start=date(2025, 9, 1), state="approved", title="Approved last year")
    [due] = selectors.nothing_recorded_due(today=date(2026, 7, 3))
    assert due.policy == policy and technician in due.people
