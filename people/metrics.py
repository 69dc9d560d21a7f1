"""Success measures the staff directory can compute (registered with core.metrics)."""

from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from core.metrics import MetricResult, metric
from notifications.selectors import sent_times

from .models import StaffProfile
from .notifications import WELCOME
from .selectors import WELCOME_WINDOW_DAYS
from .services import welcome_key


@metric(
    key="people.welcome_within_2_months",
    label="New starters welcomed within 2 months",
    unit="%",
    how=(
        "Share of staff who started on a welcomed grade (e.g. SO) in the period, at least 2 months ago, "
        f"whose welcome message was sent within {WELCOME_WINDOW_DAYS} days of their start date."
    ),
)
def welcome_within_2_months(*, institution, start, end):
    """Return the share welcomed in time; None when nobody in the period has had the full two months.

    Two queries: the starters, then when each one's welcome was sent (asked of the outbox by
    the welcome's key, which `people.services.welcome_key` owns).
    """
    # Only starters whose two-month window has closed can be judged; later ones may still be welcomed.
    latest_start = min(end, timezone.localdate() - timedelta(days=WELCOME_WINDOW_DAYS))
    rows = list(
        StaffProfile.objects.for_institution(institution)
        .filter(grade__welcome_new_starters=True, start_date__gte=start, start_date__lte=latest_start)
        .values_list("pk", "start_date")
    )
    if not rows:
        return None
    sent = sent_times(kind=WELCOME.key, idempotency_keys=[welcome_key(pk) for pk, _ in rows])
    window = timedelta(days=WELCOME_WINDOW_DAYS)
    welcomed = sum(
        1
        for pk, started in rows
        if (at := sent.get(welcome_key(pk))) is not None and timezone.localdate(at) - started <= window
    )
    return MetricResult(
        value=round(100 * welcomed / len(rows), 1),
        detail=f"{welcomed} of {len(rows)} new starters welcomed within 2 months",
        numerator=welcomed,
        denominator=len(rows),
    )


@metric(
    key="people.orcid_share",
    label="Technical staff with an ORCID iD",
    unit="%",
    how=(
        "Share of technical staff employed on the last day of the period (or today, if that is later) "
        "whose staff record holds an ORCID iD. Sign-ups whose e-mail address is unconfirmed are not staff."
    ),
)
def orcid_share(*, institution, start, end):
    """Return the share with an ORCID iD, with both counts; None when nobody is employed then.

    One query (two conditional counts). Raw counts: the action plan shows the value beyond its
    owners through `core.disclosure` (`actionplan.measures`), as every staff figure.
    """
    on = min(end, timezone.localdate())
    staff = (
        StaffProfile.objects.for_institution(institution)
        .staff()
        .filter(
            Q(start_date__isnull=True) | Q(start_date__lte=on), Q(leaving_date__isnull=True) | Q(leaving_date__gt=on)
        )
    )
    counts = staff.aggregate(total=Count("pk"), with_orcid=Count("pk", filter=~Q(orcid="")))
    total, with_orcid = counts["total"], counts["with_orcid"]
    if not total:
        return None
    return MetricResult(
        value=round(100 * with_orcid / total, 1),
        detail=f"{with_orcid} of {total} technical staff have an ORCID iD",
        numerator=with_orcid,
        denominator=total,
    )
