"""The disclosure helper against hand-worked cases of HESA's rules (issue 15, point 2)."""

from decimal import Decimal

import pytest

from core import disclosure
from core.disclosure import average, count, percentage, protect


@pytest.mark.parametrize(
    ("n", "shown"),
    [(0, 0), (1, 0), (2, 0), (3, 5), (7, 5), (8, 10), (12, 10), (13, 15), (22, 20), (23, 25), (450, 450)],
)
def test_counts_are_rounded_to_the_nearest_five_with_0_1_2_as_0(n, shown):
    figure = count(n)
    assert figure.value == shown
    assert figure.shown == str(shown)
    assert not figure.hidden


def test_a_negative_count_is_a_mistake():
    with pytest.raises(ValueError):
        count(-1)


@pytest.mark.parametrize(
    ("numerator", "denominator", "shown"),
    [
        (5, 22, "not shown: fewer than 23 people"),
        (0, 0, "not shown: no one in the group"),
        (12, 23, "52%"),  # 52.17
        (1, 40, "3%"),  # 2.5 rounds half up
        (23, 23, "100%"),
    ],
)
def test_percentages_need_a_population_of_22_point_5(numerator, denominator, shown):
    assert percentage(numerator, denominator).shown == shown


def test_percentage_places():
    assert percentage(1, 30, places=1).value == Decimal("3.3")


@pytest.mark.parametrize(
    ("total", "n", "shown"),
    [
        (70, 7, "not shown: 7 people or fewer"),
        (0, 0, "not shown: no one in the group"),
        (81, 8, "10.1"),
        (16, 8, "2.0"),
    ],
)
def test_averages_need_more_than_7_people(total, n, shown):
    assert average(total, n).shown == shown


def test_one_hidden_percentage_takes_the_smallest_shown_one_with_it():
    # Job families: 100 people 50%, 40 people 25%, 10 people hidden. With the total shown
    # (150 people, 42.7%), the 10's share would be 150*0.427 - 50 - 10 = 4 of 10: so the
    # 40-person family is hidden too.
    figures = [percentage(50, 100), percentage(10, 40), percentage(4, 10)]
    protected = protect(figures)
    assert [f.shown for f in protected] == [
        "50%",
        disclosure.SECONDARY_REASON,
        "not shown: fewer than 23 people",
    ]


def test_two_hidden_figures_or_no_total_need_nothing_more():
    two_hidden = [percentage(50, 100), percentage(1, 10), percentage(2, 12)]
    assert [f.hidden for f in protect(two_hidden)] == [False, True, True]
    one_hidden = [percentage(50, 100), percentage(10, 40), percentage(4, 10)]
    assert [f.hidden for f in protect(one_hidden, total_shown=False)] == [False, False, True]


def test_two_breakdowns_of_one_population_each_hide_two_or_none():
    # The same 150 people by family and by grade: each breakdown is protected against the total
    # on its own, so neither leaves a single hidden figure to be recovered by subtraction.
    by_family = protect([average(700, 100), average(300, 40), average(40, 10), average(0, 0)])
    by_grade = protect([average(520, 75), average(480, 70), average(40, 5)])
    assert sum(f.hidden and f.population > 0 for f in by_family) != 1
    assert sum(f.hidden and f.population > 0 for f in by_grade) != 1
    assert by_grade[1].reason == disclosure.SECONDARY_REASON


def test_counts_are_not_secondarily_suppressed_and_kinds_are_not_mixed():
    assert [f.shown for f in protect([count(100), count(2)])] == ["100", "0"]
    with pytest.raises(ValueError):
        protect([count(3), percentage(1, 30)])


def test_totals_over_a_group_are_hidden_like_averages_and_protected():
    assert disclosure.total(Decimal("30"), 7).shown == "not shown: 7 people or fewer"
    assert disclosure.total(Decimal("30.25"), 8).shown == "30.3"
    protected = protect([disclosure.total(180, 30), disclosure.total(18, 6), disclosure.total(0, 10)])
    assert [f.hidden for f in protected] == [False, True, True]


def test_a_hidden_figure_has_short_words_for_a_table_cell():
    assert percentage(1, 10).short == "under 23 people"
    assert average(1, 3).short == "7 or fewer"
    assert protect([percentage(5, 30), percentage(1, 2), percentage(9, 40)])[0].short == "hidden with another"
    assert count(12).short == "10"


def test_a_measure_hides_a_share_of_a_small_group_and_shows_counts_as_they_are():
    assert disclosure.measure("%", 75, numerator=3, denominator=4).shown == "not shown: fewer than 23 people"
    assert disclosure.measure("%", 60, numerator=15, denominator=25) is None  # shown as computed
    assert disclosure.measure("people", 3) is None
    assert disclosure.measure("%", None, numerator=0, denominator=0) is None
