"""The mentoring signal "registered as <register>": mentors who hold the register a mentee is
working towards come first in the mentee's suggestions (registered in `apps.ready`)."""

from __future__ import annotations

from typing import Any

from .models import Journey

NAME = "registration"


def load(person_ids: list[int]) -> dict[int, dict[str, list[str]]]:
    """For each person, the registers they hold and those they are working towards (one query)."""
    facts: dict[int, dict[str, list[str]]] = {}
    rows = (
        Journey.objects.filter(person_id__in=person_ids, state__in=[Journey.State.REGISTERED, *Journey.OPEN_STATES])
        .values_list("person_id", "state", "register__code")
        .order_by("person_id", "-register__level")
    )
    for person_id, state, code in rows:
        entry = facts.setdefault(person_id, {"held": [], "seeking": []})
        entry["held" if state == Journey.State.REGISTERED else "seeking"].append(code)
    return facts


def registered_as(mentee: Any, mentor: Any) -> tuple[int, str] | None:
    """8 points for a mentor registered on the register the mentee works towards; 4 for a mentor
    holding any registration when the mentee has a journey open. Nothing otherwise."""
    seeking = ((mentee.facts or {}).get(NAME) or {}).get("seeking", []) if hasattr(mentee, "facts") else []
    held = ((mentor.facts or {}).get(NAME) or {}).get("held", []) if hasattr(mentor, "facts") else []
    if not seeking or not held:
        return None
    same = [code for code in held if code in seeking]
    if same:
        return 8, f"Registered as {same[0]}, the register you are working towards"
    return 4, f"Registered as {held[0]}"
