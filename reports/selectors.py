"""Reads of the report catalogue: saved schedules, who may receive them, and the leavers' figures
(staff records, in `people`). Scoped to the institution in scope."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

from core.access import get_visible_or_404
from people import roles
from people.models import Institution, StaffProfile
from people.selectors import holders_of

from .models import Schedule

NOT_RECORDED = "Not recorded"


def schedules_of(user: Any) -> QuerySet[Schedule]:
    """The schedules of the viewer's institution (HR and programme managers share them), with
    their recipients prefetched (two queries)."""
    return (
        Schedule.objects.for_institution(user.institution)
        .select_related("created_by__user")
        .prefetch_related("recipients__user")
        .order_by("report_key", "pk")
    )


def get_schedule_for_user(user: Any, pk: Any) -> Schedule:
    return get_visible_or_404(schedules_of(user), pk)


def possible_recipients(institution: Institution) -> list[StaffProfile]:
    """Current HR staff and programme managers (institution administrators hold both roles)."""
    return holders_of(institution, roles.HR, roles.PROGRAMME_MANAGER, roles.INSTITUTION_ADMIN)


def schedules_due(*, today: date) -> QuerySet[Schedule]:
    """Active schedules not yet sent for the period containing `today`, for the beat job
    `reports.tasks.send_scheduled_reports` (read across institutions; index `schedule_active_idx`).

    A monthly schedule is due once a calendar month, a quarterly one once a quarter; which period
    was last sent is kept on the row, and the outbox key names the period as well.
    """
    month = f"{today:%Y-%m}"
    quarter = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    return Schedule.objects.filter(active=True).filter(
        (Q(frequency=Schedule.Frequency.MONTHLY) & ~Q(last_period=month))
        | (Q(frequency=Schedule.Frequency.QUARTERLY) & ~Q(last_period=quarter))
    )


def leavers(institution: Institution, start: date, end: date) -> tuple[Counter[str], Counter[str]]:
    """Staff whose leaving date falls in [start, end], counted by job family and by grade (one query)."""
    rows = (
        StaffProfile.objects.for_institution(institution)
        .staff()
        .filter(leaving_date__gte=start, leaving_date__lte=end)
        .values_list("job_family__name", "grade__short_name")
    )
    families: Counter[str] = Counter()
    grades: Counter[str] = Counter()
    for family, grade in rows:
        families[family or NOT_RECORDED] += 1
        grades[grade or NOT_RECORDED] += 1
    return families, grades


def alumni(institution: Institution, on: date) -> Counter[str]:
    """Former staff on record (left before `on`), by job family (one query)."""
    rows = (
        StaffProfile.objects.for_institution(institution)
        .staff()
        .filter(leaving_date__lt=on)
        .values_list("job_family__name", flat=True)
    )
    return Counter(family or NOT_RECORDED for family in rows)
