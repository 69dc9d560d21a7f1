"""core.disclosure's year-on-year change and its rule for figures built from each person's answers."""

from decimal import Decimal

from core import disclosure


def test_a_change_is_shown_only_when_both_years_are():
    this, last = disclosure.average(60, 10, places=2), disclosure.average(30, 10, places=2)
    rise = disclosure.change(this, last)
    assert rise.value == Decimal("3.00") and rise.shown == "+3.00"
    assert disclosure.change(last, this).shown == "-3.00"
    hidden = disclosure.change(disclosure.average(20, 5), last)
    assert hidden.hidden and hidden.shown == "not shown: 7 people or fewer"
    assert disclosure.change(this, disclosure.average(0, 0)).shown == "not shown: no one in the group"


def test_a_change_in_a_percentage_is_in_points():
    assert disclosure.change(disclosure.percentage(30, 50), disclosure.percentage(20, 50)).shown == "+20 points"


def test_seven_people_or_fewer_are_too_few_for_their_own_answers():
    assert [n for n in range(12) if disclosure.too_few(n)] == list(range(8))
