"""Reminders exactly once through the outbox, found by the beat job; metrics against figures
computed by hand."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from core.metrics import get
from core.tenancy import across_institutions
from mentoring import selectors, services, tasks
from mentoring.models import Purpose, Relationship
from notifications.models import Notification
from tests.factories import staff
from tests.mentoring.conftest import grade, make_mentor, request_and_accept

pytestmark = pytest.mark.django_db
State = Relationship.State


def _messages(kind):
    return list(Notification.objects.filter(kind=kind).values_list("recipient__email", flat=True))


def test_a_request_waiting_five_working_days_reminds_the_mentor_once(technician, senior_mentor):
    today = timezone.localdate()
    relationship = services.relationship_request(
        mentee=technician, mentor=senior_mentor, purpose=Purpose.PROMOTION, hopes="x", by=technician.user
    )
    Relationship.objects.filter(pk=relationship.pk).update(requested_on=today - timedelta(days=1))
    tasks.send_reminders()
    assert _messages("mentoring.request_waiting") == []

    from core.dates import working_days_before

    Relationship.objects.filter(pk=relationship.pk).update(requested_on=working_days_before(today, 5))
    tasks.send_reminders()
    tasks.send_reminders()
    assert _messages("mentoring.request_waiting") == [senior_mentor.person.user.email]


def test_the_waiting_selector_counts_working_days():
    # Monday 2 March 2026: five working days back is Monday 23 February.
    with across_institutions():
        sql = str(selectors.requests_waiting_due(today=date(2026, 3, 2)).query)
    assert "2026-02-23" in sql


def test_no_meeting_for_eight_weeks_suggests_a_check_in_to_both_once_per_gap(technician, senior_mentor):
    today = timezone.localdate()
    relationship = request_and_accept(technician, senior_mentor)
    Relationship.objects.filter(pk=relationship.pk).update(
        last_contact_on=today - timedelta(weeks=8) + timedelta(days=1)
    )
    tasks.send_reminders()
    assert _messages("mentoring.check_in") == []

    Relationship.objects.filter(pk=relationship.pk).update(last_contact_on=today - timedelta(weeks=8))
    tasks.send_reminders()
    tasks.send_reminders()
    assert sorted(_messages("mentoring.check_in")) == sorted([technician.user.email, senior_mentor.person.user.email])

    # Eight more weeks without a meeting: once more each.
    Relationship.objects.filter(pk=relationship.pk).update(last_contact_on=today - timedelta(weeks=16))
    tasks.send_reminders()
    assert len(_messages("mentoring.check_in")) == 4


def test_a_logged_meeting_stops_the_check_in(technician, senior_mentor):
    today = timezone.localdate()
    relationship = request_and_accept(technician, senior_mentor, today=today - timedelta(weeks=10))
    services.meeting_log(relationship=relationship, met_on=today - timedelta(days=3), notes="", by=technician)
    tasks.send_reminders()
    assert _messages("mentoring.check_in") == []


@pytest.mark.parametrize("pairs", [1, 6])
def test_the_sweep_runs_the_same_queries_however_many_reminders(
    pairs, institution, so_family, django_assert_num_queries
):
    today = timezone.localdate()
    for _ in range(pairs):
        mentor = make_mentor(staff(institution, job_family=so_family, grade=grade(so_family, "SSO")), capacity=5)
        asker = staff(institution, job_family=so_family, grade=grade(so_family, "SO"))
        waiting = services.relationship_request(
            mentee=asker, mentor=mentor, purpose=Purpose.PROMOTION, hopes="x", by=asker.user
        )
        Relationship.objects.filter(pk=waiting.pk).update(requested_on=today - timedelta(days=30))
        mentee = staff(institution, job_family=so_family, grade=grade(so_family, "SO"))
        quiet = request_and_accept(mentee, mentor, today=today - timedelta(weeks=10))
        Relationship.objects.filter(pk=quiet.pk).update(last_contact_on=today - timedelta(weeks=9))
    # For each kind: the relationships due with their people, the keys already sent, one INSERT in
    # a savepoint (three statements), the new rows read back to queue their delivery; and who
    # switched the (optional) check-in suggestion off.
    with django_assert_num_queries(13):
        tasks.send_reminders()
    assert len(_messages("mentoring.request_waiting")) == pairs
    assert len(_messages("mentoring.check_in")) == 2 * pairs
    with django_assert_num_queries(5):  # everything already sent: nothing inserted
        tasks.send_reminders()
    assert len(_messages("mentoring.check_in")) == 2 * pairs


def test_the_beat_schedule_exists():
    from django_celery_beat.models import PeriodicTask

    assert PeriodicTask.objects.filter(task="mentoring.tasks.send_reminders", enabled=True).count() == 1


def test_people_with_an_active_mentor_by_purpose_match_the_hand_count(institution, so_family, senior_mentor):
    start, end = date(2026, 1, 1), date(2026, 6, 30)
    other = make_mentor(
        staff(institution, job_family=so_family, grade=grade(so_family, "PSO")),
        purposes=[Purpose.PROMOTION, Purpose.REGISTRATION, Purpose.LEADERSHIP],
        capacity=5,
    )
    people = [staff(institution, job_family=so_family, grade=grade(so_family, "SO")) for _ in range(5)]
    # 0: promotion, active since before the period: counts.
    request_and_accept(people[0], senior_mentor, today=date(2025, 11, 1))
    # 1: registration, started in the period and completed in it: counts.
    r = request_and_accept(people[1], other, Purpose.REGISTRATION, today=date(2026, 2, 1))
    services.relationship_close(
        relationship=r, outcome=State.COMPLETED, by=people[1].user, rating=5, comments="x", today=date(2026, 5, 1)
    )
    # 2: promotion and leadership, both active: counts once in all, once in each purpose.
    request_and_accept(people[2], other, Purpose.PROMOTION, today=date(2026, 3, 1))
    request_and_accept(people[2], senior_mentor, Purpose.REGISTRATION, today=date(2026, 3, 1))
    # 3: ended before the period: does not count.
    r = request_and_accept(people[3], other, Purpose.LEADERSHIP, today=date(2025, 6, 1))
    services.relationship_close(
        relationship=r,
        outcome=State.ENDED_EARLY,
        reason="moved",
        by=people[3].user,
        rating=3,
        comments="x",
        today=date(2025, 12, 1),
    )
    # 4: only asked: does not count.
    services.relationship_request(
        mentee=people[4], mentor=other, purpose=Purpose.LEADERSHIP, hopes="x", by=people[4].user
    )

    total = get("mentoring.people_with_active_mentor")(institution=institution, start=start, end=end)
    assert total.value == 3
    assert total.detail == "3 people (promotion 2; professional registration 2)"
    promotion = get("mentoring.people_with_active_mentor.promotion")(institution=institution, start=start, end=end)
    registration = get("mentoring.people_with_active_mentor.registration")(
        institution=institution, start=start, end=end
    )
    leadership = get("mentoring.people_with_active_mentor.leadership")(institution=institution, start=start, end=end)
    assert (promotion.value, registration.value, leadership.value) == (2, 2, 0)


def test_mentors_available_counts_free_places_today(institution, so_family, senior_mentor, other_institution):
    make_mentor(staff(institution), available=False)
    full = make_mentor(staff(institution, job_family=so_family, grade=grade(so_family, "PSO")), capacity=1)
    request_and_accept(staff(institution, job_family=so_family, grade=grade(so_family, "SO")), full)
    make_mentor(staff(institution, leaving_date=timezone.localdate() - timedelta(days=1)))
    make_mentor(staff(other_institution))
    result = get("mentoring.mentors_available")(institution=institution, start=date(2026, 1, 1), end=date(2026, 12, 31))
    # senior_mentor only: one unavailable, one full, one left, one at another institution.
    assert (result.value, result.denominator) == (1, 3)


def test_metrics_say_no_data_before_any_mentoring(institution):
    args = {"institution": institution, "start": date(2026, 1, 1), "end": date(2026, 12, 31)}
    assert get("mentoring.people_with_active_mentor")(**args) is None
    assert get("mentoring.mentors_available")(**args) is None
