"""The mentoring signal this app feeds: "completed the same apprenticeship"."""

from __future__ import annotations

from typing import Any

FACTS = "apprenticeships"
POINTS = 25


def load_facts(person_ids: list[int]) -> dict[int, Any]:
    """The standards each person completed and is on now (one query, for the whole list)."""
    from .selectors import apprenticeship_facts

    return apprenticeship_facts(person_ids)


def completed_same_apprenticeship(mentee: Any, mentor: Any) -> tuple[int, str] | None:
    """25 points for a mentor who completed the apprenticeship the mentee is on now."""
    # Rows ranked without the facts loaded (mentoring's own unit tests) have no `.facts`.
    doing = (getattr(mentee, "facts", {}).get(FACTS) or {}).get("doing", set())
    completed = (getattr(mentor, "facts", {}).get(FACTS) or {}).get("completed", set())
    shared = sorted(doing & completed)
    if not shared:
        return None
    return POINTS, f"Completed the {shared[0]} apprenticeship you are on"
