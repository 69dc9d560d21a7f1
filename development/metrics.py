"""Success measures the development data can answer (1A, 1G)."""

from decimal import Decimal

from django.db.models import Exists, OuterRef, Sum

from core.metrics import MetricResult, metric
from core.tenancy import across_institutions
from people.models import StaffProfile

from .models import GuidanceVersion, TrainingRecord


def _staff_in_period(institution, start, end):
    """Staff employed at some point in the period; an unconfirmed sign-up is not staff."""
    return (
        StaffProfile.objects.for_institution(institution)
        .staff()
        .exclude(start_date__gt=end)
        .exclude(leaving_date__lt=start)
    )


@metric(
    key="development.training_per_head",
    label="Training hours per head of technical staff",
    unit="hours",
    how="Sums the hours of every training record (requested, logged or imported) dated in the period and "
    "divides by the staff employed at some point in the period.",
)
def training_per_head(*, institution, start, end):
    staff = _staff_in_period(institution, start, end)
    headcount = staff.count()
    if not headcount:
        return None
    records = TrainingRecord.objects.filter(person__in=staff, date__gte=start, date__lte=end)
    hours = records.aggregate(total=Sum("hours"))["total"] or Decimal(0)
    value = (hours / headcount).quantize(Decimal("0.01"))
    return MetricResult(value=value, detail=f"{hours} hours over {headcount} staff", denominator=headcount)


@metric(
    key="development.staff_with_training",
    label="Technical staff with development recorded",
    unit="%",
    how="Counts staff with at least one training record dated in the period, as a share of the staff "
    "employed at some point in the period.",
)
def staff_with_training(*, institution, start, end):
    staff = _staff_in_period(institution, start, end)
    headcount = staff.count()
    if not headcount:
        return None
    # EXISTS rather than a join with DISTINCT: 9x faster over a million records. The subquery is
    # correlated to the outer staff, which the institution's scope already limits: built across
    # institutions, it does not join each record's person again for the scope (26 ms to 13 ms).
    with across_institutions():
        records = TrainingRecord.objects.filter(person=OuterRef("pk"), date__gte=start, date__lte=end)
    trained = staff.filter(Exists(records)).count()
    return MetricResult(
        value=round(100 * Decimal(trained) / headcount, 1),
        detail=f"{trained} of {headcount} staff",
        numerator=trained,
        denominator=headcount,
    )


@metric(
    key="development.guidance_updates",
    label="Development-days guidance versions published",
    unit="versions",
    how="Counts the dated versions of the staff and managers' guidance on development days that took effect "
    "in the period (the plan asks for annual updates).",
)
def guidance_updates(*, institution, start, end):
    versions = GuidanceVersion.objects.for_institution(institution)
    if not versions.exists():
        return None
    in_period = versions.filter(effective_from__gte=start, effective_from__lte=end)
    staff = in_period.filter(audience=GuidanceVersion.Audience.STAFF).count()
    managers = in_period.filter(audience=GuidanceVersion.Audience.MANAGERS).count()
    return MetricResult(value=staff + managers, detail=f"{staff} for staff, {managers} for managers")
