"""Apprenticeships' success measures: exactly the two keys the seed plan names (1C and 4C).

Each counts on the reporting date (the end of the period the action plan asks about)."""

from core.metrics import MetricResult, metric

from . import selectors
from .models import Apprenticeship


def _has_apprenticeships(institution):
    return Apprenticeship.objects.filter(institution=institution).exists()


@metric(
    key="apprenticeships.levy_in_progress",
    label="Existing staff studying via the apprenticeship levy",
    unit="people",
    how="Counts, on the reporting date, distinct existing members of staff (not new recruits) on a levy-funded "
    "apprenticeship in progress: started on or before that day and not withdrawn, completed or failed by then "
    "(at the gateway still counts). Someone on a break in learning that day is not studying and is left out. "
    "None until the institution has recorded any apprenticeship.",
)
def levy_in_progress(*, institution, start, end):
    if not _has_apprenticeships(institution):
        return None
    found = selectors.levy_in_progress(institution, end)
    detail = f"{found.people} existing staff on levy-funded apprenticeships on {end:%-d %b %Y}"
    if found.on_break:
        detail += f" ({found.on_break} more on a break in learning, not counted)"
    return MetricResult(value=found.people, numerator=found.people, detail=detail)


@metric(
    key="apprenticeships.so_roles_within_3_months",
    label="Apprentices in SO or equivalent roles within 3 months of completing",
    unit="%",
    how="Of apprentices who completed successfully (pass, merit or distinction at the end-point assessment) "
    "in the period and at least 3 months before its end (the reporting date), the percentage who held a "
    "Scientific Officer or equivalent grade (grade level 2 or above on any ladder) within 3 calendar months of "
    "completing: read from career history for roles here, or from the destination recorded for roles "
    "elsewhere. Apprentices who withdrew or failed the assessment are not in the count. None until someone "
    "has completed in the period at least 3 months before its end.",
)
def so_roles_within_3_months(*, institution, start, end):
    found = selectors.so_roles_within_3_months(institution, end, since=start)
    if not found.completed:
        return None
    value = round(found.in_so_role * 100 / found.completed, 1)
    detail = (
        f"{found.in_so_role} of {found.completed} apprentices who completed from {start:%-d %b %Y} to 3 months "
        f"before {end:%-d %b %Y} took an SO or equivalent role within 3 months"
    )
    if found.elsewhere:
        detail += f" ({found.elsewhere} in roles elsewhere)"
    return MetricResult(value=value, numerator=found.in_so_role, denominator=found.completed, detail=detail)
