"""Ranking suggested mentors: who went the same way as the mentee wants to go.

`rank(mentee, mentors)` is a pure function over rows already loaded (no queries): each signal
looks at the mentee and one mentor and returns points and a reason the mentee can read, or None.
A mentor's score is the sum of their signals' points; ties go to the mentor with more free
places, then by name, so the order is stable.

The built-in signals are the job family and the grade: a mentor in the mentee's own job family,
one level above the mentee's grade (where the mentee aims to go next), comes first. Other apps
add signals from what they record ("was promoted to the grade you aim for in the last three
years", "registered as RSciTech") with `register_signal(name, signal, load)` in their
`AppConfig.ready()`: `load(person_ids)` returns a dict of facts per person in one query, run once
per suggestion list by the selector, and put on each mentor and the mentee as `.facts[name]`, so
mentoring never imports the apps that feed it.

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

Loader = Callable[[list[int]], "dict[int, Any]"]


@dataclass(frozen=True)
class RegisteredSignal:
    name: str
    signal: Signal
    load: Loader


_registered: dict[str, RegisteredSignal] = {}


def register_signal(name: str, signal: Signal, load: Loader) -> None:
    """Add a signal fed by another app's records (see the module's docstring)."""
    if name in _registered and _registered[name].signal is not signal:
        raise ValueError(f"Mentoring signal {name!r} is registered twice.")
    _registered[name] = RegisteredSignal(name=name, signal=signal, load=load)


def registered_signals() -> list[RegisteredSignal]:
    return [_registered[name] for name in sorted(_registered)]


def attach_facts(mentee: Any, mentors: Sequence[Any]) -> None:
    """Load every registered signal's facts for the mentee and the mentors (one call per signal)."""
    people = [mentee, *(mentor.person for mentor in mentors)]
    person_ids = sorted({person.pk for person in people})
    for person in people:
        person.facts = getattr(person, "facts", {})
    for registered in registered_signals():
        facts = registered.load(person_ids) if person_ids else {}
        for person in people:
            person.facts[registered.name] = facts.get(person.pk)
    for mentor in mentors:
        mentor.facts = mentor.person.facts  # signals read mentor.facts and mentee.facts


def all_signals() -> tuple[Signal, ...]:
    return SIGNALS + tuple(registered.signal for registered in registered_signals())


def rank(mentee: Any, mentors: Iterable[Any], signals: Sequence[Signal] | None = None) -> list[Suggestion]:
    """Return the mentors as suggestions, best first (see the module's docstring).

    A registered signal reads its facts from `mentor.facts`: call `attach_facts` first.
    """
    signals = all_signals() if signals is None else signals
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
