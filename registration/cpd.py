"""Checking a CPD record against the registers' standards: pure functions over loaded rows.

The Science Council's CPD standards (for RSciTech, RSci, CSci) ask a registrant to
1. keep a continuous, up-to-date and accurate record of their CPD activities;
2. show a mixture of activities, in at least three of the five categories (work-based learning,
   professional activity, formal or educational, self-directed learning, other);
3. reflect on what they learnt (a reflective record, not a list of courses);
4. show the benefit to the quality of their practice; and
5. show the benefit to the users of their work.

The Engineering Council's CPD code (for EngTech, IEng, CEng) asks registrants to record their
CPD and reflect on what they learnt, to evaluate it against their objectives (the benefit to
their practice), and to plan what comes next.

`check(standard, activities, declaration)` returns a verdict and, for what is missing, a sentence
the person can act on. It makes no query: the caller loads the 12 months of training records and
the year's declaration.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

SCIENCE = "science"
ENGINEERING = "engineering"
MIN_CATEGORIES = 3
CATEGORIES = {
    "work_based": "Work-based learning",
    "professional": "Professional activity",
    "formal": "Formal or educational",
    "self_directed": "Self-directed learning",
    "other": "Other",
}


@dataclass(frozen=True)
class Activity:
    """One CPD activity as the check reads it (from a development training record)."""

    title: str
    category: str  # one of CATEGORIES
    reflection: str


@dataclass(frozen=True)
class Verdict:
    met: bool
    missing: tuple[str, ...]
    categories: tuple[str, ...]  # labels of the categories covered, in the standard's order

    @property
    def summary(self) -> str:
        if self.met:
            return "Your record meets the standard."
        return f"{len(self.missing)} thing{'s' if len(self.missing) != 1 else ''} missing."


def activities_from(records: Iterable[Any]) -> list[Activity]:
    """Activities from training records (anything with title, cpd_category and reflection)."""
    return [Activity(title=r.title, category=r.cpd_category, reflection=r.reflection or "") for r in records]


def _unreflected(activities: Sequence[Activity]) -> list[str]:
    return [a.title for a in activities if not a.reflection.strip()]


def _names(titles: list[str]) -> str:
    shown = ", ".join(f"“{t}”" for t in titles[:3])
    return shown + (f" and {len(titles) - 3} more" if len(titles) > 3 else "")


def check(standard: str, activities: Sequence[Activity], declaration: Any | None) -> Verdict:
    """The verdict of a 12-month record against the council's standard (`SCIENCE` or `ENGINEERING`).

    `declaration` is the year's CpdDeclaration (or anything with benefit_to_practice,
    benefit_to_users and plan), or None when none is started. Other councils are checked as the
    Science Council's standards, the stricter of the two.
    """
    missing: list[str] = []
    covered = [label for value, label in CATEGORIES.items() if any(a.category == value for a in activities)]
    practice = (getattr(declaration, "benefit_to_practice", "") or "").strip()
    users = (getattr(declaration, "benefit_to_users", "") or "").strip()
    plan = (getattr(declaration, "plan", "") or "").strip()
    if not activities:
        missing.append("No CPD activities are recorded in the last 12 months: log your training and learning.")
    unreflected = _unreflected(activities)
    if unreflected:
        missing.append(f"Add a reflection (what you learnt and how you use it) to {_names(unreflected)}.")
    if standard == ENGINEERING:
        if not practice:
            missing.append("Say how this year's CPD benefited your practice, against what you set out to learn.")
        if not plan:
            missing.append("Write your plan for next year's development.")
    else:
        if activities and len(covered) < MIN_CATEGORIES:
            absent = [label for label in CATEGORIES.values() if label not in covered]
            missing.append(
                f"Your activities cover {len(covered)} of the 5 categories; the standard asks for at least "
                f"{MIN_CATEGORIES}. Add activities in {' or '.join(absent[: MIN_CATEGORIES - len(covered) + 1])}."
            )
        if not practice:
            missing.append("Say how your CPD benefited the quality of your practice.")
        if not users:
            missing.append("Say how your CPD benefited the users of your work.")
    return Verdict(met=not missing, missing=tuple(missing), categories=tuple(covered))
