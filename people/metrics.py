"""Success measures the staff directory can compute (registered with core.metrics)."""

from datetime import timedelta

from django.db.models import CharField, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from core.metrics import MetricResult, metric
from notifications.models import Notification

from .models import StaffProfile
from .notifications import WELCOME
from .services import WELCOME_WINDOW_DAYS


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

    One query: each starter's welcome is found by its outbox key, people.welcome:<profile pk>.
    """
    # Only starters whose two-month window has closed can be judged; later ones may still be welcomed.
    latest_start = min(end, timezone.localdate() - timedelta(days=WELCOME_WINDOW_DAYS))
    welcome_sent = Notification.objects.filter(
        kind=WELCOME.key,
        idempotency_key=Concat(Value("people.welcome:"), Cast(OuterRef("pk"), CharField())),
        sent_at__isnull=False,
    ).values("sent_at")[:1]
    rows = list(
        StaffProfile.objects.for_institution(institution)
        .filter(grade__welcome_new_starters=True, start_date__gte=start, start_date__lte=latest_start)
        .annotate(welcome_sent_at=Subquery(welcome_sent))
        .values_list("start_date", "welcome_sent_at")
    )
    if not rows:
        return None
    window = timedelta(days=WELCOME_WINDOW_DAYS)
    welcomed = sum(1 for started, sent in rows if sent is not None and timezone.localdate(sent) - started <= window)
    return MetricResult(
        value=round(100 * welcomed / len(rows), 1),
        detail=f"{welcomed} of {len(rows)} new starters welcomed within 2 months",
        numerator=welcomed,
        denominator=len(rows),
    )
