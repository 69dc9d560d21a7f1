"""Measure status rules, the 2H welcome metric against hand-computed values, and measures whose
data TechCareers does not record yet."""

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from actionplan.measures import BEHIND, MET, NO_DATA, ON_TRACK, measure_evaluate, measure_status
from actionplan.models import SuccessMeasure
from core import metrics
from notifications.models import Notification
from tests.factories import staff

START, DUE = date(2024, 1, 1), date(2026, 12, 31)
HALFWAY = START + (DUE - START) / 2


@pytest.mark.parametrize(
    ("value", "today", "expected"),
    [
        (4, HALFWAY, MET),
        (2, HALFWAY, ON_TRACK),  # half the target at half time
        (1, HALFWAY, BEHIND),
        (3, DUE + timedelta(days=1), BEHIND),  # past due and short of it
        (5, DUE + timedelta(days=1), MET),
        (None, HALFWAY, NO_DATA),
    ],
)
def test_a_count_target_is_on_track_when_it_keeps_pace_with_the_time_elapsed(value, today, expected):
    status = measure_status(value=value, target=4, direction="at_least", start=START, due=DUE, today=today)
    assert status == expected


def test_a_rate_below_its_target_is_behind_even_early_since_a_share_has_no_pace():
    args = {"target": 90, "direction": "at_least", "start": START, "due": DUE, "today": HALFWAY, "cumulative": False}
    assert measure_status(value=85, **args) == BEHIND
    assert measure_status(value=90, **args) == MET


def test_an_at_most_target_is_met_at_or_below_it():
    args = {"target": 10, "direction": "at_most", "start": START, "due": DUE, "today": HALFWAY}
    assert measure_status(value=10, **args) == MET
    assert measure_status(value=12, **args) == BEHIND


def test_a_measure_without_a_number_is_met_when_achieved_and_behind_once_past_due():
    args = {"value": None, "target": None, "direction": "at_least", "start": START, "due": DUE}
    assert measure_status(**args, today=HALFWAY, achieved=True) == MET
    assert measure_status(**args, today=HALFWAY, achieved=False) == ON_TRACK
    assert measure_status(**args, today=DUE + timedelta(days=1), achieved=False) == BEHIND
    assert measure_status(**args, today=HALFWAY, achieved=None) == NO_DATA


# --- The 2H welcome metric (people/metrics.py) ------------------------------------------------


def _welcomed(profile, days_after_start):
    sent = datetime.combine(profile.start_date + timedelta(days=days_after_start), time(10))
    Notification.objects.create(
        recipient=profile.user,
        kind="people.welcome",
        idempotency_key=f"people.welcome:{profile.pk}",
        status="sent",
        sent_at=timezone.make_aware(sent),
    )


@pytest.mark.django_db
def test_welcome_metric_counts_starters_welcomed_within_two_months(institution, so_family, other_institution):
    today = timezone.localdate()
    so = so_family.grades.get(short_name="SO")
    hso = so_family.grades.get(short_name="HSO")
    in_time = staff(institution, job_family=so_family, grade=so, start_date=today - timedelta(days=100))
    late = staff(institution, job_family=so_family, grade=so, start_date=today - timedelta(days=90))
    staff(institution, job_family=so_family, grade=so, start_date=today - timedelta(days=80))  # never welcomed
    recent = staff(institution, job_family=so_family, grade=so, start_date=today - timedelta(days=30))
    hso_starter = staff(institution, job_family=so_family, grade=hso, start_date=today - timedelta(days=100))
    before_period = staff(institution, job_family=so_family, grade=so, start_date=today - timedelta(days=400))
    elsewhere = staff(other_institution, start_date=today - timedelta(days=100))
    _welcomed(in_time, 10)
    _welcomed(late, 70)
    for profile in (recent, hso_starter, before_period, elsewhere):
        _welcomed(profile, 1)

    result = metrics.get("people.welcome_within_2_months")(
        institution=institution, start=today - timedelta(days=365), end=today
    )

    # Starters on SO in the period whose two months are up: in_time, late and the unwelcomed one.
    assert (result.numerator, result.denominator) == (1, 3)
    assert result.value == 33.3
    assert result.detail == "1 of 3 new starters welcomed within 2 months"


@pytest.mark.django_db
def test_welcome_metric_has_no_value_before_anyone_has_had_two_months(institution, so_family):
    today = timezone.localdate()
    staff(institution, job_family=so_family, grade=so_family.grades.get(short_name="SO"), start_date=today)
    result = metrics.get("people.welcome_within_2_months")(
        institution=institution, start=today - timedelta(days=30), end=today
    )
    assert result is None


# --- Measures without data --------------------------------------------------------------------


@pytest.mark.django_db
def test_a_measure_whose_metric_is_not_registered_says_what_is_not_recorded(plan):
    measure = SuccessMeasure.objects.select_related("item__plan").get(metric_key="surveys.response_rate")
    measure.metric_key = "tests.not_registered"  # surveys.response_rate is registered now (issue 14)
    with pytest.raises(LookupError):
        metrics.get(measure.metric_key)

    evaluation = measure_evaluate(measure, as_of=date(2025, 6, 1))

    assert evaluation.value is None and evaluation.status == NO_DATA
    assert evaluation.detail == "Not computed yet: TechCareers does not record survey responses yet."


@pytest.mark.django_db
def test_a_registered_metric_that_returns_none_shows_no_number(plan, fake_metric):
    measure = SuccessMeasure.objects.select_related("item__plan").get(metric_key="exchange.participants")
    measure.metric_key, measure.missing_data = "tests.fake", "fake people"

    evaluation = measure_evaluate(measure, as_of=date(2025, 6, 1))

    assert evaluation.value is None and evaluation.status == NO_DATA
    # the portal records this data, there is just none in the period: say so, not "does not record"
    assert evaluation.detail.startswith("No data yet: nothing recorded from")
    assert "does not record" not in evaluation.detail


@pytest.mark.django_db
def test_a_computed_measure_states_its_value_status_and_how_it_was_computed(plan, fake_metric):
    measure = SuccessMeasure.objects.select_related("item__plan").get(metric_key="exchange.participants")
    measure.metric_key = "tests.fake"
    fake_metric["result"] = metrics.MetricResult(value=3, detail="3 people with both days")

    evaluation = measure_evaluate(measure, as_of=date(2025, 6, 1))

    assert evaluation.value == 3 and evaluation.status == ON_TRACK  # 3 of 4, about 40% of the way through
    assert fake_metric["window"] == (date(2024, 1, 1), date(2025, 6, 1))
    assert evaluation.how == "Counts the fake people. Counted from 01 Jan 2024 to 01 Jun 2025."


@pytest.mark.django_db
def test_a_per_year_measure_counts_the_last_twelve_months(plan, fake_metric):
    measure = SuccessMeasure.objects.select_related("item__plan").get(item__code="2I")
    measure.metric_key = "tests.fake"
    fake_metric["result"] = metrics.MetricResult(value=2)

    evaluation = measure_evaluate(measure, as_of=date(2025, 6, 1))

    assert fake_metric["window"] == (date(2024, 6, 1), date(2025, 6, 1))
    assert evaluation.status == BEHIND  # 2 of the 3 meetings a year, over a full year


@pytest.mark.django_db
def test_in_the_plans_first_year_a_per_year_count_is_paced_over_that_year(plan, fake_metric):
    measure = SuccessMeasure.objects.select_related("item__plan").get(item__code="2I")
    measure.metric_key = "tests.fake"
    fake_metric["result"] = metrics.MetricResult(value=1)

    early = measure_evaluate(measure, as_of=date(2024, 5, 1))  # 4 months in: 1 of 3 keeps pace
    late = measure_evaluate(measure, as_of=date(2024, 11, 1))  # 10 months in: 1 is behind

    assert fake_metric["window"] == (date(2024, 1, 1), date(2024, 11, 1))
    assert (early.status, late.status) == (ON_TRACK, BEHIND)
