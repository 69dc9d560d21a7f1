"""Off-the-job hours due to date: the funding rules as pure functions, tested alone.

Two rules, by start date:

- Starts before 1 August 2025: 20% of the apprentice's contracted hours over the planned
  duration, counting at most 30 hours a week and leaving out 5.6 weeks a year of statutory
  leave (the 2022-2025 funding rules).
- Starts from 1 August 2025: the standard's published minimum off-the-job hours.

Either total is reduced by the hours the provider removed for recognised prior learning, and
falls due evenly over the planned duration. A break in learning pauses the clock: its days do
not count as elapsed, so the hours due stand still during the break and the rest falls due
after it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from .models import NEW_OFF_THE_JOB_RULES_FROM

TWENTY_PERCENT = Decimal("0.2")
WEEKLY_HOURS_CAP = Decimal("30")
LEAVE_WEEKS_A_YEAR = Decimal("5.6")
WEEKS_A_YEAR = Decimal("52")
TENTH = Decimal("0.1")


def _tenth(value: Decimal) -> Decimal:
    return value.quantize(TENTH, rounding=ROUND_HALF_UP)


def total_required(
    *,
    start: date,
    planned_end: date,
    contracted_hours: Decimal,
    standard_minimum: int | None,
    prior_learning_hours: int = 0,
) -> Decimal:
    """The off-the-job hours the whole apprenticeship needs (see the module's docstring).

    A start from 1 August 2025 on a standard with no published minimum has no figure: 0.
    """
    if start >= NEW_OFF_THE_JOB_RULES_FROM:
        total = Decimal(standard_minimum or 0)
    else:
        weeks = Decimal((planned_end - start).days) / 7
        working_weeks = weeks - weeks * LEAVE_WEEKS_A_YEAR / WEEKS_A_YEAR
        total = TWENTY_PERCENT * min(contracted_hours, WEEKLY_HOURS_CAP) * working_weeks
    return _tenth(max(total - prior_learning_hours, Decimal("0")))


def _overlap_days(first: date, last_exclusive: date, breaks: Iterable[tuple[date, date | None]], on: date) -> int:
    """Days of [first, last_exclusive) inside a break (an open break lasts up to `on`)."""
    days = 0
    for starts_on, ends_on in breaks:
        end_exclusive = (ends_on + timedelta(days=1)) if ends_on else on
        lo, hi = max(first, starts_on), min(last_exclusive, end_exclusive)
        days += max((hi - lo).days, 0)
    return days


def due_to_date(
    *, total: Decimal, start: date, planned_end: date, on: date, breaks: Iterable[tuple[date, date | None]] = ()
) -> Decimal:
    """The share of `total` due by the end of `on`: active days elapsed over planned days, at most all."""
    planned_days = (planned_end - start).days
    if planned_days <= 0 or on < start:
        return Decimal("0")
    window_end = on + timedelta(days=1)
    elapsed = (window_end - start).days - _overlap_days(start, window_end, list(breaks), window_end)
    share = min(Decimal(max(elapsed, 0)) / planned_days, Decimal("1"))
    return _tenth(total * share)


@dataclass(frozen=True)
class OffTheJob:
    """Hours done against hours due to date, for one apprenticeship."""

    total: Decimal
    due: Decimal
    done: Decimal
    margin: int

    @property
    def behind_by(self) -> Decimal:
        return max(self.due - self.done, Decimal("0"))

    @property
    def behind(self) -> bool:
        """Behind by more than the apprenticeship's margin: the warning shows."""
        return self.behind_by > self.margin

    @property
    def percent_done(self) -> int:
        return int(self.done * 100 / self.total) if self.total else 0


def off_the_job(apprenticeship, *, done: Decimal, breaks, on: date) -> OffTheJob:
    """Hours done against due for an apprenticeship (its standard loaded; `breaks` its break rows)."""
    total = total_required(
        start=apprenticeship.start_date,
        planned_end=apprenticeship.planned_end_date,
        contracted_hours=apprenticeship.contracted_hours,
        standard_minimum=apprenticeship.standard.minimum_off_the_job_hours,
        prior_learning_hours=apprenticeship.prior_learning_hours,
    )
    # An apprenticeship that has ended owes nothing more after the day it ended.
    until = min(on, apprenticeship.ended_on) if apprenticeship.ended_on else on
    due = due_to_date(
        total=total,
        start=apprenticeship.start_date,
        planned_end=apprenticeship.planned_end_date,
        on=until,
        breaks=[(b.starts_on, b.ends_on) for b in breaks],
    )
    return OffTheJob(total=total, due=due, done=done or Decimal("0"), margin=apprenticeship.behind_margin_hours)
