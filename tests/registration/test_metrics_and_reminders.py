"""The 3B and 3C measures and the 3A figures against hand-computed values on a small data set, and
the other reminders (stalled journeys, waiting supporters, the CPD declaration) sent once each."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from core import metrics
from notifications.models import Notification
from programmes import services as programmes
from registration import selectors, services, tasks
from registration.models import Journey
from tests.factories import InstitutionFactory, JobFamilyFactory, staff
from tests.registration.conftest import at, join, journey_to, register

pytestmark = pytest.mark.django_db
State = Journey.State


@pytest.fixture
def families(institution, so_family):
    so_family.soa_covered = True
    so_family.save()
    return {
        "so": so_family,
        "as": JobFamilyFactory(institution=institution, name="Analytical Scientists"),
        "rm": JobFamilyFactory(institution=institution, name="Research Management"),
    }


def test_non_so_applicants_counts_people_outside_the_association_who_submitted_in_the_period(institution, families):
    today = timezone.localdate()
    start, end = today - timedelta(days=20), today
    applied_as = staff(institution, job_family=families["as"])
    applied_rm_twice = staff(institution, job_family=families["rm"])
    interested_rm = staff(institution, job_family=families["rm"])
    applied_so = staff(institution, job_family=families["so"])
    applied_too_early = staff(institution, job_family=families["as"])
    applied_no_family = staff(institution)
    supporter = staff(institution)
    for person in (applied_as, applied_rm_twice, applied_so, applied_no_family):
        journey_to(person, State.SUBMITTED, supporter=supporter)
    journey_to(applied_rm_twice, State.REGISTERED, code="RSciTech", supporter=supporter)
    journey_to(interested_rm, State.INTERESTED)
    journey_to(applied_too_early, State.SUBMITTED, supporter=supporter, today=today - timedelta(days=30))

    result = metrics.get("registration.non_so_applicants")(institution=institution, start=start, end=end)
    # Hand count: applied_as and applied_rm_twice (once); not the SO, the early, the family-less one.
    assert (result.value, result.detail) == (2, "2 people applied")


def test_non_so_applicants_is_none_before_any_journey(institution):
    assert (
        metrics.get("registration.non_so_applicants")(
            institution=institution, start=date(2024, 1, 1), end=date(2026, 12, 31)
        )
        is None
    )


def test_leadership_participants_pursuing_is_the_share_past_interested(institution, families, programme_manager):
    today = timezone.localdate()
    leadership = programmes.programme_ensure(
        institution=institution, title="Leadership programme", kind="leadership", summary="Lead"
    )
    running = programmes.cohort_ensure(
        programme=leadership,
        name="Now",
        starts_on=today - timedelta(days=60),
        ends_on=today + timedelta(days=60),
        capacity=10,
        opens_on=today - timedelta(days=90),
        closes_on=today - timedelta(days=61),
    )
    old = programmes.cohort_ensure(
        programme=leadership,
        name="Old",
        starts_on=today - timedelta(days=900),
        ends_on=today - timedelta(days=800),
        capacity=10,
        opens_on=today - timedelta(days=950),
        closes_on=today - timedelta(days=901),
    )
    people = [staff(institution, job_family=families["so"]) for _ in range(5)]
    preparing, interested, withdrawn, registered, nothing = people
    for person in people:
        join(running, person, programme_manager)
    join(old, staff(institution), programme_manager)  # a participant of a cohort outside the period
    journey_to(preparing, State.PREPARING)
    journey_to(interested, State.INTERESTED)
    services.journey_withdraw(journey=journey_to(withdrawn, State.PREPARING), by=withdrawn.user)
    journey_to(registered, State.REGISTERED, supporter=staff(institution))

    result = metrics.get("registration.leadership_participants_pursuing")(
        institution=institution, start=today - timedelta(days=30), end=today
    )
    # Hand count: preparing and registered of the 5 in the running cohort = 40%.
    assert (result.value, result.numerator, result.denominator) == (40, 2, 5)
    assert result.detail == "2 of 5 participants"


def test_registered_staff_now_and_at_the_plans_start(institution):
    today = timezone.localdate()
    start = today - timedelta(days=100)
    supporter = staff(institution)
    journey_to(staff(institution), State.REGISTERED, supporter=supporter, today=start - timedelta(days=10))
    journey_to(staff(institution), State.REGISTERED, supporter=supporter)
    leaver = staff(institution, leaving_date=today - timedelta(days=1))
    journey_to(leaver, State.REGISTERED, supporter=supporter, today=today - timedelta(days=5))
    journey_to(staff(institution), State.SUBMITTED, supporter=supporter)

    result = metrics.get("registration.registered_staff")(institution=institution, start=start, end=today)
    assert result.value == 2
    assert result.detail == f"2 registered at {today:%-d %b %Y}; 1 at {start:%-d %b %Y}"


def test_cohort_meetings_counts_the_workshops_held_in_the_last_12_months(institution, registration_programme):
    today = timezone.localdate()
    earlier = programmes.cohort_ensure(
        programme=registration_programme["programme"],
        name="Earlier",
        starts_on=today - timedelta(days=420),
        ends_on=today - timedelta(days=380),
        capacity=5,
        opens_on=today - timedelta(days=450),
        closes_on=today - timedelta(days=421),
    )
    programmes.session_ensure(cohort=earlier, title="Old workshop", starts_at=at(today - timedelta(days=400)))
    programmes.session_ensure(
        cohort=registration_programme["cohort"], title="Next workshop", starts_at=at(today + timedelta(days=30))
    )

    start = today - timedelta(days=500)
    result = metrics.get("registration.cohort_meetings")(
        institution=institution, start=start, end=today + timedelta(days=60)
    )
    # Held in the last 12 months: the workshops 150 and 20 days ago (not the one 400 days ago, not next month's);
    # the annual event is not a cohort meeting.
    assert result.value == 2
    by_year = {}
    for days in (400, 150, 20):
        year = (today - timedelta(days=days)).year
        by_year[year] = by_year.get(year, 0) + 1
    expected = "; ".join(f"{y}: {by_year.get(y, 0)}" for y in range(start.year, today.year + 1))
    assert result.detail == f"per year: {expected}"


def test_stalled_journeys_and_waiting_supporters_are_reminded_once(
    institution, technician, manager, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    stalled = journey_to(staff(institution), State.INTERESTED, today=today - timedelta(days=91))
    journey_to(staff(institution), State.INTERESTED, today=today - timedelta(days=80))  # not yet
    waiting = journey_to(technician, State.SUPPORTER_NAMED, today=today - timedelta(days=11))
    with django_capture_on_commit_callbacks(execute=False):
        tasks.send_reminders()
        tasks.send_reminders()
    assert list(
        Notification.objects.filter(kind="registration.journey_stalled").values_list("recipient", flat=True)
    ) == [stalled.person.user_id]
    assert list(
        Notification.objects.filter(kind="registration.support_waiting").values_list("recipient", flat=True)
    ) == [manager.user_id]
    assert waiting.supporter == manager


def test_the_cpd_declaration_is_asked_for_once_from_1_december(
    institution, technician, django_capture_on_commit_callbacks
):
    held = journey_to(technician, State.REGISTERED, supporter=staff(institution))
    due = selectors.cpd_declarations_due(today=date(2026, 12, 1))
    assert due == [held]
    assert services.remind_cpd_declarations(journeys=due, year=2026) == 1
    assert services.remind_cpd_declarations(journeys=due, year=2026) == 0
    assert selectors.cpd_declarations_due(today=date(2026, 11, 30)) == []
    services.cpd_declaration_save(
        person=technician,
        year=2026,
        benefit_to_practice="a",
        benefit_to_users="b",
        plan="",
        declare=True,
        today=date(2026, 12, 2),
    )
    assert selectors.cpd_declarations_due(today=date(2026, 12, 3)) == []
    assert Notification.objects.get(kind="registration.cpd_declaration_due").context == {
        "year": "2026",
        "register": "RSci",
    }
    assert register("RSci").code == "RSci"


@pytest.mark.parametrize("each", [1, 6])
def test_the_sweep_runs_the_same_queries_however_many_reminders(each, institution, django_assert_num_queries):
    # Half the people at a second institution, each with their own supporter: a sweep that loaded
    # people or institutions one by one would grow.
    december = date(timezone.localdate().year, 12, 2)
    for institution_of in [institution, InstitutionFactory()] * each:
        journey_to(
            staff(institution_of),
            State.REGISTERED,
            supporter=staff(institution_of),
            today=december - timedelta(days=40),
            renewal_on=december + timedelta(days=20),
        )
        journey_to(staff(institution_of), State.INTERESTED, today=december - timedelta(days=100))
        supporter = staff(institution_of)
        waiting_since = december - timedelta(days=12)
        journey_to(staff(institution_of), State.SUPPORTER_NAMED, supporter=supporter, today=waiting_since)
    kinds = ["renewal_due", "journey_stalled", "support_waiting", "cpd_declaration_due"]
    # For each of the four kinds: the due journeys with their people, the keys already sent, one
    # INSERT in a savepoint (three statements), the new rows read back to queue their delivery;
    # and who switched the optional ones off.
    with django_assert_num_queries(25):
        assert tasks.send_reminders(on=december.isoformat()) == dict.fromkeys(
            ["renewals", "stalled", "supporters", "declarations"], 2 * each
        )
    for kind in kinds:
        assert Notification.objects.filter(kind=f"registration.{kind}").count() == 2 * each
    with django_assert_num_queries(9):  # everything already sent: nothing inserted
        assert tasks.send_reminders(on=december.isoformat()) == dict.fromkeys(
            ["renewals", "stalled", "supporters", "declarations"], 0
        )
