"""Success measures computed from promotions data (action plan 1H, 2F and the promotion half of 4B)."""

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from core.metrics import MetricResult, metric
from guidance.selectors import updated_between

from .models import CriteriaVersion, ManagerNotice, Round
from .selectors import GUIDELINES_SLUG, MANAGER_NOTICE_DAYS, degree_check, eligible_staff


def _percent(numerator: int, denominator: int) -> Decimal:
    return (Decimal(100) * numerator / denominator).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@metric(
    key="promotions.updates_published",
    label="Promotion updates published",
    unit="updates",
    how="Counts the promotion rounds whose summary (applications, outcomes and rates by job family and grade) "
    "HR published in the period, by the day it was published.",
)
def updates_published(*, institution, start, end):
    if not Round.objects.filter(institution=institution).exists():
        return None
    n = Round.objects.filter(
        institution=institution, summary_published_at__date__gte=start, summary_published_at__date__lte=end
    ).count()
    return MetricResult(value=n, detail=f"{n} round summaries published in the period", numerator=n)


@metric(
    key="promotions.criteria_updated",
    label="Promotion criteria and guidelines updated",
    unit="versions",
    how="Counts the versions of promotion criteria (any grade) published in the period, by their publication "
    "date, plus the versions of the 'promotion-guidelines' guidance page that took effect in the period; a "
    "first version counts as well as each update.",
)
def criteria_updated(*, institution, start, end):
    versions = CriteriaVersion.objects.filter(institution=institution)
    guidelines = len(updated_between(GUIDELINES_SLUG, start, end))
    if not versions.exists() and not guidelines:
        return None
    n = versions.filter(published_on__gte=start, published_on__lte=end).count()
    return MetricResult(
        value=n + guidelines,
        detail=f"{n} criteria version(s) and {guidelines} guidelines version(s) in the period",
        numerator=n + guidelines,
    )


@metric(
    key="promotions.vacancies_degree_unjustified",
    label="Technical vacancies asking for a degree without a recorded reason",
    unit="%",
    how="Of the technical vacancies recorded in the period, the share whose job description asks for a degree "
    "with no reason chosen from the checklist (regulator, degree-level theory, teaching, funder's condition).",
)
def vacancies_degree_unjustified(*, institution, start, end):
    counts = degree_check(institution, start=start, end=end)
    if not counts["total"]:
        return None
    return MetricResult(
        value=_percent(counts["unjustified"], counts["total"]),
        detail=f"{counts['unjustified']} of {counts['total']} vacancies ask for a degree without a reason",
        numerator=counts["unjustified"],
        denominator=counts["total"],
    )


@metric(
    key="promotions.managers_notified_within_3_days",
    label="Managers told within 3 days of a promotion round opening",
    unit="%",
    how="For each promotion round that opened in the period (and at least 3 days ago), the line managers of the "
    "staff eligible for it today; the share of those (round, manager) pairs with a notice recorded no later than "
    "3 days after the round opened. The promotion half of 4B, beside programmes.managers_notified_within_3_days.",
)
def managers_notified_within_3_days(*, institution, start, end):
    last_due = min(end, timezone.localdate() - timedelta(days=MANAGER_NOTICE_DAYS))
    expected = on_time = 0
    for round in Round.objects.filter(institution=institution, opens_on__gte=start, opens_on__lte=last_due):
        managers = set(
            eligible_staff(round).filter(line_manager__isnull=False).values_list("line_manager_id", flat=True)
        )
        if not managers:
            continue
        deadline = round.opens_on + timedelta(days=MANAGER_NOTICE_DAYS)
        told = {
            notice.manager_id
            for notice in ManagerNotice.objects.filter(round=round, manager_id__in=managers)
            if timezone.localdate(notice.notified_at) <= deadline
        }
        expected += len(managers)
        on_time += len(told)
    if not expected:
        return None
    return MetricResult(
        value=_percent(on_time, expected),
        detail=f"{on_time} of {expected} manager notices within {MANAGER_NOTICE_DAYS} days",
        numerator=on_time,
        denominator=expected,
    )
