"""The off-the-job rules as pure functions, with figures worked out by hand."""

from datetime import date
from decimal import Decimal

from apprenticeships.hours import OffTheJob, due_to_date, total_required


def test_a_start_before_august_2025_needs_20_percent_of_hours_capped_at_30_a_week_less_leave():
    # 2 Sep 2024 to 31 Aug 2026 is 728 days = 104 weeks; 5.6 weeks' leave a year takes 104 * 5.6 / 52
    # = 11.2 weeks, leaving 92.8. 37.5 contracted hours count as 30: 0.2 * 30 * 92.8 = 556.8.
    total = total_required(
        start=date(2024, 9, 2), planned_end=date(2026, 8, 31), contracted_hours=Decimal("37.5"), standard_minimum=400
    )
    assert total == Decimal("556.8")


def test_part_time_hours_count_as_contracted_under_the_old_rule():
    # 25 hours a week over the same 92.8 working weeks: 0.2 * 25 * 92.8 = 464.0
    total = total_required(
        start=date(2024, 9, 2), planned_end=date(2026, 8, 31), contracted_hours=Decimal("25"), standard_minimum=None
    )
    assert total == Decimal("464.0")


def test_a_start_from_august_2025_needs_the_standards_minimum_less_prior_learning():
    total = total_required(
        start=date(2025, 8, 1),
        planned_end=date(2027, 7, 31),
        contracted_hours=Decimal("37.5"),
        standard_minimum=400,
        prior_learning_hours=40,
    )
    assert total == Decimal("360.0")


def test_hours_fall_due_evenly_over_the_planned_duration():
    # 1 Sep 2025 to 1 Sep 2027: 730 planned days. By the end of 30 Nov 2025, 91 days have passed:
    # 400 * 91 / 730 = 49.86 -> 49.9
    assert due_to_date(
        total=Decimal(400), start=date(2025, 9, 1), planned_end=date(2027, 9, 1), on=date(2025, 11, 30)
    ) == (Decimal("49.9"))


def test_a_break_in_learning_stops_the_clock():
    # The same, with a break from 1 to 30 Oct 2025 (30 days): 61 active days, 400 * 61 / 730 = 33.42 -> 33.4
    breaks = [(date(2025, 10, 1), date(2025, 10, 30))]
    due = due_to_date(
        total=Decimal(400), start=date(2025, 9, 1), planned_end=date(2027, 9, 1), on=date(2025, 11, 30), breaks=breaks
    )
    assert due == Decimal("33.4")
    # During an open break nothing more falls due: on 15 Oct as on 30 Nov with the break still open.
    open_break = [(date(2025, 10, 1), None)]
    on_break = due_to_date(
        total=Decimal(400),
        start=date(2025, 9, 1),
        planned_end=date(2027, 9, 1),
        on=date(2025, 10, 15),
        breaks=open_break,
    )
    later = due_to_date(
        total=Decimal(400),
        start=date(2025, 9, 1),
        planned_end=date(2027, 9, 1),
        on=date(2025, 11, 30),
        breaks=open_break,
    )
    # Only the 30 days of September count: 400 * 30 / 730 = 16.44 -> 16.4
    assert on_break == later == Decimal("16.4")


def test_nothing_is_due_before_the_start_and_no_more_than_all_after_the_planned_end():
    args = {"total": Decimal(400), "start": date(2025, 9, 1), "planned_end": date(2027, 9, 1)}
    assert due_to_date(on=date(2025, 8, 31), **args) == Decimal("0")
    assert due_to_date(on=date(2028, 1, 1), **args) == Decimal("400.0")


def test_behind_only_beyond_the_margin():
    assert not OffTheJob(total=Decimal(400), due=Decimal(50), done=Decimal(36), margin=15).behind
    assert OffTheJob(total=Decimal(400), due=Decimal(50), done=Decimal(34), margin=15).behind
    assert OffTheJob(total=Decimal(400), due=Decimal(50), done=Decimal(34), margin=15).behind_by == Decimal(16)
