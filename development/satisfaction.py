"""How valuable staff found their training (the `value_rating` each person may give a record),
for the training report in the report catalogue. Raw figures: the report passes them through
`core.disclosure`.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Avg

from people.models import Institution

from .models import TrainingRecord

NOT_RECORDED = "Not recorded"


def ratings_by_family(institution: Institution, start: date, end: date) -> dict[str, list[Decimal]]:
    """Each rating person's mean rating (1 to 5) of their training records dated in [start, end],
    grouped by their job family ("Not recorded" when none). One query."""
    rows = (
        TrainingRecord.objects.for_institution(institution)
        .in_period(start, end)
        .filter(value_rating__isnull=False)
        .values("person_id", "person__job_family__name")
        .annotate(mean=Avg("value_rating"))
        .order_by()
    )
    by_family: dict[str, list[Decimal]] = defaultdict(list)
    for row in rows:
        by_family[row["person__job_family__name"] or NOT_RECORDED].append(Decimal(str(row["mean"])))
    return dict(by_family)
