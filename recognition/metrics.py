"""Recognition's success measures: 3D (a nominee for each prize per year), 2D (technical staff
with an output recorded; the share with an ORCID iD is `people.orcid_share`, already registered
by people, which owns the iD) and 2E (the annual report produced)."""

from datetime import date

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from core.metrics import MetricResult, metric
from core.tenancy import across_institutions
from people.models import StaffProfile

from .models import AnnualReport, Nomination, Output, Prize


def _deadlines_in(prize: Prize, start: date, end: date) -> list[date]:
    return [d for year in range(start.year, end.year + 1) if start <= (d := prize.deadline_in(year)) <= end]


@metric(
    key="recognition.prize_nominees",
    label="Listed prizes with at least one nominee",
    unit="share of prizes (1 = every prize)",
    how=(
        "For every listed prize, each yearly deadline that falls in the period is one prize round. A round "
        "counts when the institution submitted at least one nomination for it (submitted, won or not won; "
        "drafts and withdrawn ones do not count) on or before the period's end. The value is the share of "
        "rounds with a nominee, from 0 to 1: 1 means every prize had at least one nominee. None when no "
        "listed prize had a deadline in the period."
    ),
)
def prize_nominees(*, institution, start, end):
    """Two queries: the listed prizes and the nominated (prize, year) pairs."""
    rounds = [
        (prize, deadline)
        for prize in Prize.objects.filter(institution=institution, listed=True)
        for deadline in _deadlines_in(prize, start, end)
    ]
    if not rounds:
        return None
    nominated = set(
        Nomination.objects.filter(
            prize__institution=institution,
            state__in=Nomination.NOMINATED_STATES,
            submitted_on__lte=end,
            year__gte=start.year,
            year__lte=end.year,
        ).values_list("prize_id", "year")
    )
    covered = sum(1 for prize, deadline in rounds if (prize.pk, deadline.year) in nominated)
    missing = sorted({prize.name for prize, deadline in rounds if (prize.pk, deadline.year) not in nominated})
    detail = f"{covered} of {len(rounds)} prize rounds had a nominee"
    if missing:
        detail += f" (none yet for: {', '.join(missing)})"
    return MetricResult(
        value=round(covered / len(rounds), 2), detail=detail, numerator=covered, denominator=len(rounds)
    )


@metric(
    key="recognition.staff_with_outputs",
    label="Technical staff with at least one output recorded",
    unit="%",
    how=(
        "Share of technical staff employed on the last day of the period (or today, if that is earlier) "
        "who have at least one output of any kind recorded in the portal (typed in or imported, any date), "
        "whatever their part in it. Sign-ups whose e-mail address is unconfirmed are not staff."
    ),
)
def staff_with_outputs(*, institution, start, end):
    """One query (two conditional counts); None when nobody is employed then."""
    on = min(end, timezone.localdate())
    # Correlated to the outer staff, which the institution's scope limits: built across
    # institutions, the subquery does not join each output's person again for the scope.
    with across_institutions():
        outputs = Output.objects.filter(person=OuterRef("pk"))
    staff = (
        StaffProfile.objects.for_institution(institution)
        .staff()
        .filter(
            Q(start_date__isnull=True) | Q(start_date__lte=on), Q(leaving_date__isnull=True) | Q(leaving_date__gt=on)
        )
        .annotate(has_output=Exists(outputs))
    )
    counts = staff.aggregate(total=Count("pk"), with_outputs=Count("pk", filter=Q(has_output=True)))
    total, with_outputs = counts["total"], counts["with_outputs"]
    if not total:
        return None
    return MetricResult(
        value=round(100 * with_outputs / total, 1),
        detail=f"{with_outputs} of {total} technical staff have at least one output recorded",
        numerator=with_outputs,
        denominator=total,
    )


@metric(
    key="recognition.annual_report_produced",
    label="Annual authorship and acknowledgement report produced",
    unit="reports",
    how=(
        "Counts the annual authorship and acknowledgement reports (2E) published in the portal during the "
        "period (the day HR or the coordinator pressed Publish; republishing a year counts once, on its "
        "latest day)."
    ),
)
def annual_report_produced(*, institution, start, end):
    years = list(
        AnnualReport.objects.filter(
            institution=institution, published_at__date__gte=start, published_at__date__lte=end
        ).values_list("year", flat=True)
    )
    detail = f"Published: the {', '.join(str(y) for y in sorted(years))} report" if years else "No report published"
    return MetricResult(value=len(years), detail=detail, numerator=len(years))
