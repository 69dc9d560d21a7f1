"""Success measures computed from programme data (action plan 1B, 1D, 2I, 4B)."""

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q
from django.utils import timezone

from core.metrics import MetricResult, metric

from .models import Cohort, Evaluation, ManagerNotice, Programme, Session
from .selectors import MANAGER_NOTICE_DAYS, staff_eligible_for


def _percent(numerator, denominator):
    return (Decimal(100) * numerator / denominator).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _yes_share(*, institution, start, end, question):
    answers = Evaluation.objects.filter(
        application__cohort__programme__institution=institution,
        question=question,
        submitted_at__date__gte=start,
        submitted_at__date__lte=end,
    ).aggregate(total=Count("pk"), yes=Count("pk", filter=Q(answer=True)))
    if not answers["total"]:
        return None
    yes, total = answers["yes"], answers["total"]
    return MetricResult(
        value=_percent(yes, total), detail=f"{yes} of {total} answered yes", numerator=yes, denominator=total
    )


@metric(
    key="programmes.participants_benefit",
    label="Participants who say the programme assisted their career development",
    unit="%",
    how="Share of 'yes' among participants' answers to 'Did the programme assist your career development?', "
    "asked after completing any of the institution's programmes, by the date they answered.",
)
def participants_benefit(*, institution, start, end):
    return _yes_share(institution=institution, start=start, end=end, question=Evaluation.Question.CAREER)


@metric(
    key="programmes.managers_benefit",
    label="Managers who say the programme assisted their report's performance",
    unit="%",
    how="Share of 'yes' among line managers' answers to 'Did the programme assist their performance at work?', "
    "asked once their report completed a programme, by the date they answered.",
)
def managers_benefit(*, institution, start, end):
    return _yes_share(institution=institution, start=start, end=end, question=Evaluation.Question.PERFORMANCE)


@metric(
    key="programmes.partner_events",
    label="Events and programmes opened to partner institutions",
    unit="events",
    how="Counts cohorts of the institution's programmes that are open to partner institutions and had at least "
    "one session in the period.",
)
def partner_events(*, institution, start, end):
    cohorts = Cohort.objects.filter(
        programme__institution=institution,
        programme__open_to_partners=True,
        sessions__starts_at__date__gte=start,
        sessions__starts_at__date__lte=end,
    ).distinct()
    if not Programme.objects.filter(institution=institution, open_to_partners=True).exists():
        return None
    n = cohorts.count()
    return MetricResult(value=n, detail=f"{n} cohort(s) open to partners with a session in the period", numerator=n)


@metric(
    key="programmes.partner_events_valuable",
    label="Attendees of partner-opened events who found attendance valuable",
    unit="%",
    how="Share of 'yes' among attendees' answers to 'Was attendance valuable?' for programmes and events opened "
    "to partner institutions, by the date they answered.",
)
def partner_events_valuable(*, institution, start, end):
    return _yes_share(institution=institution, start=start, end=end, question=Evaluation.Question.VALUABLE)


@metric(
    key="programmes.network_meetings",
    label="Network meetings held per year",
    unit="meetings",
    how="Counts sessions of the institution's networks (programme kind 'network') that started in the period and "
    "before today, divided by the period's length in years (at least one year).",
)
def network_meetings(*, institution, start, end):
    if not Programme.objects.filter(institution=institution, kind=Programme.Kind.NETWORK).exists():
        return None
    held = Session.objects.filter(
        cohort__programme__institution=institution,
        cohort__programme__kind=Programme.Kind.NETWORK,
        starts_at__date__gte=start,
        starts_at__date__lte=end,
        starts_at__lte=timezone.now(),
    ).count()
    years = max(Decimal((end - start).days + 1) / Decimal("365.25"), Decimal(1))
    per_year = (Decimal(held) / years).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return MetricResult(value=per_year, detail=f"{held} meetings over {years:.1f} year(s)", numerator=held)


@metric(
    key="programmes.managers_notified_within_3_days",
    label="Managers told within 3 days of a programme opening",
    unit="%",
    how="For each cohort whose applications opened in the period (and at least 3 days ago), the line managers of "
    "the staff eligible for it today; the share of those (cohort, manager) pairs with a notice recorded no later "
    "than 3 days after the opening date.",
)
def managers_notified_within_3_days(*, institution, start, end):
    last_due = min(end, timezone.localdate() - timedelta(days=MANAGER_NOTICE_DAYS))
    cohorts = Cohort.objects.filter(
        programme__institution=institution, opens_on__gte=start, opens_on__lte=last_due
    ).select_related("programme")
    expected = on_time = 0
    for cohort in cohorts:
        managers = set(
            staff_eligible_for(cohort)
            .filter(line_manager__isnull=False)
            .values_list("line_manager_id", flat=True)
            .distinct()
        )
        if not managers:
            continue
        deadline = cohort.opens_on + timedelta(days=MANAGER_NOTICE_DAYS)
        told = {
            notice.manager_id
            for notice in ManagerNotice.objects.filter(cohort=cohort, manager_id__in=managers)
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
