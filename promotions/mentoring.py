"""The mentoring signal promotions offers: "promoted to the grade you aim for in the last 3 years".

`load_promoted_recently(person_ids)` runs once per suggestion list (one query): the grades each
person was promoted to through a round in the last three years. The signal gives a mentor points
when one of those grades is the one above the mentee's own (same job family, or the same level in
another family: levels are comparable).
"""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from .selectors import promoted_since

PROMOTED_RECENTLY = "promotions.promoted_recently"
YEARS = 3
POINTS = 8


def load_promoted_recently(person_ids: list[int]) -> dict[int, list[Any]]:
    since = timezone.localdate() - timedelta(days=round(365.25 * YEARS))
    return promoted_since(person_ids, since)


def promoted_to_your_next_grade(mentee: Any, mentor: Any) -> tuple[int, str] | None:
    if getattr(mentee, "grade", None) is None:
        return None
    # A mentor ranked without `attach_facts` (e.g. in mentoring's own tests) has no facts: no points.
    for grade in getattr(mentor, "facts", {}).get(PROMOTED_RECENTLY) or []:
        if grade.level == mentee.grade.level + 1:
            return POINTS, f"Promoted to {grade.short_name} in the last {YEARS} years: the grade you aim for"
    return None
