"""Ranking suggested mentors: who went the same way as the mentee wants to go.

`rank(mentee, mentors)` is a pure function over rows already loaded (no queries): each signal
looks at the mentee and one mentor and returns points and a reason the mentee can read, or None.
A mentor's score is the sum of their signals' points; ties go to the mentor with more free
places, then by name, so the order is stable.

Until promotions, registrations and apprenticeships are recorded in their own apps, the signals
are the job family and the grade: a mentor in the mentee's own job family, one level above
the mentee's grade (where the mentee aims to go next), comes first. A later issue adds a signal
by appending a function to `SIGNALS`, e.g. "was promoted to the grade you aim for in the last
three years" or "registered as RSciTech", with the data it needs loaded by the selector.

Who may be suggested at all (available, offering the purpose, with room, never the mentee
themselves or their line manager, only within the institution unless partner mentoring is on)
is decided by `selectors.suggested_mentors` before ranking.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

Signal = Callable[[Any, Any], "tuple[int, str] | None"]


@dataclass(frozen=True)
class Suggestion:
    mentor: Any  # a MentorProfile with person, grade and job family loaded
    score: int
    reasons: tuple[str, ...]


def same_job_family(mentee: Any, mentor: Any) -> tuple[int, str] | None:
    """10 points for a mentor in the mentee's own job family (same institution: the same ladder)."""
    person = mentor.person
    if mentee.job_family_id and person.job_family_id == mentee.job_family_id:
        return 10, f"Also in {person.job_family.name}"
    return None


def grade_above(mentee: Any, mentor: Any) -> tuple[int, str] | None:
    """6 points for one level above the mentee's grade (the next step), one point fewer for each
    level further up (5 for two, 4 for three, ...); none when either grade is unknown."""
    person = mentor.person
    if mentee.grade is None or person.grade is None:
        return None
    gap = person.grade.level - mentee.grade.level
    if gap < 1:
        return None
    if gap == 1:
        return 6, f"One grade above yours ({person.grade.short_name}): the step you are aiming for"
    return max(7 - gap, 1), f"{gap} grades above yours ({person.grade.short_name})"


SIGNALS: tuple[Signal, ...] = (same_job_family, grade_above)


def rank(mentee: Any, mentors: Iterable[Any], signals: Sequence[Signal] = SIGNALS) -> list[Suggestion]:
    """Return the mentors as suggestions, best first (see the module's docstring)."""
    suggestions = []
    for mentor in mentors:
        found = [result for signal in signals if (result := signal(mentee, mentor)) is not None]
        suggestions.append(
            Suggestion(mentor=mentor, score=sum(points for points, _ in found), reasons=tuple(r for _, r in found))
        )
    return sorted(
        suggestions,
        key=lambda s: (-s.score, -getattr(s.mentor, "free_places", 0), str(s.mentor.person), s.mentor.pk),
    )
