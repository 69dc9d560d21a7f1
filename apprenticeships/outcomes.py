"""Whether a completed apprentice took an SO or equivalent role within 3 months (4C).

Pure functions over rows already loaded. "SO or equivalent" is a grade at the Scientific
Officer's level or above on any ladder: grade levels are comparable across job families and
institutions (people/ladders.py: SO, Research Administrator and Animal Technician are level 2).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from core.dates import add_months

SO_LEVEL = 2
WITHIN_MONTHS = 3  # "within 3 months of successfully completing" (4C)


@dataclass(frozen=True)
class Destination:
    role: str
    started_on: date
    elsewhere: bool
    so_equivalent: bool
    within_3_months: bool

    @property
    def counts(self) -> bool:
        """An SO or equivalent role that started within 3 months of completion."""
        return self.so_equivalent and self.within_3_months


def deadline(completed_on: date) -> date:
    return add_months(completed_on, WITHIN_MONTHS)


def role_from_history(completed_on: date, events: Sequence[Any]) -> Destination | None:
    """The role held after completion, from career events (oldest first, grade loaded).

    The first SO-or-above grade held on or after the completion day (already held that day, or
    a later event), else the grade held after the last change on or after completion; None when
    career history shows nothing at or after completion, or the person left.
    """
    standing = None
    later = []
    for event in events:
        if event.effective_date <= completed_on:
            standing = event
        else:
            later.append(event)
    candidates = ([standing] if standing is not None else []) + later
    for event in candidates:
        if event.cause == "left" or event.grade is None:
            continue
        if event.grade.level >= SO_LEVEL:
            started = max(event.effective_date, completed_on)
            return Destination(
                role=event.grade.name,
                started_on=started,
                elsewhere=False,
                so_equivalent=True,
                within_3_months=started <= deadline(completed_on),
            )
    held = [e for e in candidates if e.cause != "left" and e.grade is not None]
    if not held or (later and later[-1].cause == "left"):
        return None
    last = held[-1]
    return Destination(
        role=last.grade.name,
        started_on=max(last.effective_date, completed_on),
        elsewhere=False,
        so_equivalent=False,
        within_3_months=False,
    )


def destination_of(apprenticeship: Any, events: Sequence[Any]) -> Destination | None:
    """The destination of a completed apprenticeship: recorded (elsewhere) or from career history."""
    completed_on = apprenticeship.ended_on
    if completed_on is None:
        return None
    if apprenticeship.destination_elsewhere:
        if apprenticeship.destination_start is None:
            return None
        return Destination(
            role=apprenticeship.destination_role,
            started_on=apprenticeship.destination_start,
            elsewhere=True,
            so_equivalent=apprenticeship.destination_so_equivalent,
            within_3_months=apprenticeship.destination_start <= deadline(completed_on),
        )
    return role_from_history(completed_on, events)
