"""Disclosure control: every figure about groups of staff shown in a report, chart, export or
summary passes through here, so no one can be picked out from a small number.

The rules are HESA's rounding and suppression methodology for staff data, which UK
institutions already publish by:

- a count is rounded to the nearest multiple of 5, and 0, 1 and 2 are shown as 0;
- a percentage is not shown where its population (the denominator) is under 22.5 people;
- an average is not shown where it is based on 7 people or fewer, nor is a total over a group
  (hours, records) of that size.

Percentages and averages are worked out from the unrounded figures, then shown or not.

Differencing: rounded counts cannot be subtracted back to an exact small number, but an exact
percentage or average can. When one figure of a breakdown is hidden and the breakdown's total
is shown, the hidden one could be worked out from the total and the others, so `protect`
hides the next smallest as well (secondary suppression). Every breakdown of a population
(by job family, by grade, by division) is protected on its own against the same total, so no
two breakdowns can be combined to recover a hidden figure either: each hides at least two
figures or none.

A hidden figure says why in words ("not shown: fewer than 23 people"), never "<5".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

ROUND_TO = 5
SHOWN_AS_ZERO = 2  # counts of 0, 1 and 2 are shown as 0
PERCENTAGE_MIN_POPULATION = Decimal("22.5")
AVERAGE_MAX_HIDDEN = 7  # averages of 7 or fewer people are hidden

RULES_IN_WORDS = (
    "Counts of people are rounded to the nearest 5 (0, 1 and 2 are shown as 0); percentages are not shown "
    "for groups under 22.5 people and averages not for 7 people or fewer (HESA's rules for staff data). "
    "Where one figure is hidden, another is hidden with it so that it cannot be worked out from the total."
)

COUNT, PERCENTAGE, AVERAGE, TOTAL = "count", "percentage", "average", "total"


@dataclass(frozen=True)
class Figure:
    """One figure as it may be shown. `value` is None when it is hidden; `shown` is the text."""

    kind: str
    value: int | Decimal | None
    population: int  # the people it is built from: never shown, used for secondary suppression
    reason: str = ""  # why it is hidden, in words
    suffix: str = ""
    prefix: str = ""  # "+" before a rise (a change year on year)

    @property
    def hidden(self) -> bool:
        return self.value is None

    @property
    def shown(self) -> str:
        if self.value is None:
            return self.reason
        return f"{self.prefix}{self.value}{self.suffix}"

    @property
    def short(self) -> str:
        """For a crowded table cell: the number, or the reason in two or three words."""
        if self.value is not None:
            return self.shown
        return SHORT_REASONS.get(self.reason, "not shown")

    def __str__(self) -> str:
        return self.shown


def rounded(n: int) -> int:
    """A head count rounded by HESA's rule: nearest multiple of 5, with 0, 1 and 2 as 0."""
    if n < 0:
        raise ValueError("A count of people cannot be negative.")
    if n <= SHOWN_AS_ZERO:
        return 0
    return int((Decimal(n) / ROUND_TO).quantize(Decimal(1), rounding=ROUND_HALF_UP)) * ROUND_TO


def count(n: int) -> Figure:
    """A number of people (or of things that each stand for a person, e.g. applications)."""
    return Figure(kind=COUNT, value=rounded(n), population=n)


def percentage(numerator: int, denominator: int, *, places: int = 0) -> Figure:
    """`numerator` of `denominator` people as a percentage, hidden for populations under 22.5."""
    if denominator < PERCENTAGE_MIN_POPULATION:
        reason = "not shown: no one in the group" if denominator == 0 else "not shown: fewer than 23 people"
        return Figure(kind=PERCENTAGE, value=None, population=denominator, reason=reason)
    value = (Decimal(numerator) * 100 / denominator).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return Figure(kind=PERCENTAGE, value=value, population=denominator, suffix="%")


def average(total: int | float | Decimal, n: int, *, places: int = 1) -> Figure:
    """The mean of `total` over `n` people, hidden when `n` is 7 or fewer."""
    if n <= AVERAGE_MAX_HIDDEN:
        reason = "not shown: no one in the group" if n == 0 else "not shown: 7 people or fewer"
        return Figure(kind=AVERAGE, value=None, population=n, reason=reason)
    value = (Decimal(str(total)) / n).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return Figure(kind=AVERAGE, value=value, population=n)


def total(amount: int | float | Decimal, n: int, *, places: int = 1) -> Figure:
    """A sum over `n` people (hours of training, records): hidden like an average, for 7 people
    or fewer, since a small group's total is close to each person's own figure."""
    if n <= AVERAGE_MAX_HIDDEN:
        reason = "not shown: no one in the group" if n == 0 else "not shown: 7 people or fewer"
        return Figure(kind=TOTAL, value=None, population=n, reason=reason)
    value = Decimal(str(amount)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return Figure(kind=TOTAL, value=value, population=n)


SECONDARY_REASON = "not shown, so that a hidden figure cannot be worked out from the total"
SHORT_REASONS = {
    "not shown: no one in the group": "no one",
    "not shown: fewer than 23 people": "under 23 people",
    "not shown: 7 people or fewer": "7 or fewer",
    SECONDARY_REASON: "hidden with another",
}


def protect(figures: Sequence[Figure], *, total_shown: bool = True) -> list[Figure]:
    """One breakdown's figures (one per group, of the same kind), protected against differencing.

    If exactly one percentage, average or total is hidden while the breakdown's total is shown,
    the smallest shown one is hidden too. Counts need nothing more: rounded, they cannot be subtracted back.
    """
    result = list(figures)
    if not total_shown or not result:
        return result
    kinds = {figure.kind for figure in result}
    if len(kinds) != 1:
        raise ValueError("Protect one breakdown of one kind of figure at a time.")
    if kinds == {COUNT}:
        return result
    hidden = [figure for figure in result if figure.hidden and figure.population > 0]
    shown = [(figure.population, index) for index, figure in enumerate(result) if not figure.hidden]
    if len(hidden) == 1 and shown:
        _, index = min(shown)
        result[index] = replace(result[index], value=None, reason=SECONDARY_REASON)
    return result


def measure(
    unit: str, value: int | float | Decimal | None, *, numerator: int | None = None, denominator: int | None = None
) -> Figure | None:
    """How a success measure's value may be published (the plan's summary, reports, submission).

    A share of people is a percentage like any other: hidden for fewer than 22.5 people, since
    with 4 respondents "75% found it valuable" tells who said what. A count of people taking part
    in an action ("5 individuals studying via apprenticeship levy") is one institution-wide total,
    never broken down by group, so it is shown as it is: rounding it to the nearest 5 would hide
    whether a target of 3 or 5 was met, and no second figure exists to difference it against.
    Returns None when there is nothing to hide (show the value itself).
    """
    if value is None or unit != "%" or denominator is None:
        return None
    share = percentage(numerator or 0, denominator)
    return share if share.hidden else None


CHANGE = "change"


def change(current: Figure, previous: Figure) -> Figure:
    """The change from `previous` to `current` (year on year), each already disclosed: shown only
    when both are, so a hidden figure cannot be worked out from the other and the change."""
    if current.value is None or previous.value is None:
        hidden = current if current.value is None else previous
        return Figure(kind=CHANGE, value=None, population=hidden.population, reason=hidden.reason)
    value = current.value - previous.value
    sign = "+" if value > 0 else ""
    suffix = " points" if current.kind == PERCENTAGE else ""
    return Figure(
        kind=CHANGE, value=value, population=min(current.population, previous.population), suffix=suffix, prefix=sign
    )


def too_few(n: int) -> bool:
    """Whether figures built from each person's own answers (an average, the free-text answers, a
    response-level export, a group named beside its answers) must be hidden for a group of `n`:
    7 people or fewer, the rule for averages."""
    return n <= AVERAGE_MAX_HIDDEN
