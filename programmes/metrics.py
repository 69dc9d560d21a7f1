"""Success measures computed from programme data (action plan 1B, 1D, 2I, 4B)."""

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q
from django.utils import timezone

from core.metrics import MetricResult, metric
from surveys import selectors as survey_selectors
from surveys.questionnaires import CAREER_THEME, PERFORMANCE_THEME, VALUABLE_THEME, YES

from .bulletin import clicked_pairs_and_uptake, uptake_after_clicks
from .models import Cohort, Event, ManagerNotice, Programme
from .selectors import MANAGER_NOTICE_DAYS, managers_of_eligible_staff

FEEDBACK_AUDIENCE = "event_attendees"  # the survey audience of event feedback (programmes.apps)
# The programme evaluations' survey audiences (programmes.apps).
PARTICIPANTS, MANAGERS = "cohort_participants", "cohort_managers"


def _percent(numerator, denominator):
    return (Decimal(100) * numerator / denominator).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _yes_share(*, institution, start, end, audience, theme):
    yes, total = survey_selectors.option_share(
        institution=institution, audience=audience, theme=theme, option=YES, start=start, end=end
    )
    if not total:
        return None
    return MetricResult(
        value=_percent(yes, total), detail=f"{yes} of {total} answered yes", numerator=yes, denominator=total
    )


@metric(
    key="programmes.participants_benefit",
    label="Participants who say the programme assisted their career development",
    unit="%",
    how="Share of 'Yes' among the answers to 'Did the programme assist your career development?' in the "
    "participants' evaluation surveys of the institution's programmes (sent to each participant on completing a "
    "cohort), counting the answers given in the period.",
)
def participants_benefit(*, institution, start, end):
    """One query: the survey engine counts the answers (surveys.selectors.option_share)."""
    return _yes_share(institution=institution, start=start, end=end, audience=PARTICIPANTS, theme=CAREER_THEME)


@metric(
    key="programmes.managers_benefit",
    label="Managers who say the programme assisted their report's performance",
    unit="%",
    how="Share of 'Yes' among line managers' answers to 'Did the programme assist their performance at work?' in "
    "the managers' evaluation surveys of the institution's programmes (sent to the line manager of each "
    "participant who completes a cohort, one answer per participant), counting the answers given in the period.",
)
def managers_benefit(*, institution, start, end):
    """One query: the survey engine counts the answers (surveys.selectors.option_share)."""
    return _yes_share(institution=institution, start=start, end=end, audience=MANAGERS, theme=PERFORMANCE_THEME)


@metric(
    key="programmes.partner_events",
    label="Events and programmes opened to partner institutions",
    unit="events",
    how="Counts the institution's events opened to partner institutions that started in the period (and have "
    "started by now), plus cohorts of its programmes open to partner institutions with at least one session in "
    "the period.",
)
def partner_events(*, institution, start, end):
    """Two queries: one aggregate over the events, one over the programmes opened to partners."""
    held_in_period = Q(
        starts_at__date__gte=start, starts_at__date__lte=end, starts_at__lte=timezone.now(), cancelled_at=None
    )
    events = Event.objects.filter(institution=institution, audience=Event.Audience.PARTNERS).aggregate(
        opened=Count("pk"), held=Count("pk", filter=held_in_period)
    )
    programmes = Programme.objects.filter(institution=institution, open_to_partners=True).aggregate(
        opened=Count("pk", distinct=True),
        cohorts=Count(
            "cohorts",
            distinct=True,
            filter=Q(cohorts__sessions__starts_at__date__gte=start, cohorts__sessions__starts_at__date__lte=end),
        ),
    )
    if not events["opened"] and not programmes["opened"]:
        return None
    held, cohorts = events["held"], programmes["cohorts"]
    n = held + cohorts
    return MetricResult(
        value=n, detail=f"{held} event(s) and {cohorts} cohort(s) opened to partners in the period", numerator=n
    )


@metric(
    key="programmes.partner_events_valuable",
    label="Attendees of partner-opened events who found attendance valuable",
    unit="%",
    how="Share of answers agreeing or strongly agreeing with 'Attending was valuable to me' in the feedback "
    "surveys of the institution's events opened to partner institutions, plus the 'Yes' answers to 'Was "
    "attending valuable to you?' in the participants' evaluation surveys of programmes opened to partners, "
    "among all such answers given in the period.",
)
def partner_events_valuable(*, institution, start, end):
    event_ids = Event.objects.filter(institution=institution, audience=Event.Audience.PARTNERS).values("pk")
    by_event = survey_selectors.agreement_by_ref(
        audience=FEEDBACK_AUDIENCE, refs=event_ids, theme=VALUABLE_THEME, start=start, end=end
    )
    agree = sum(a for a, _ in by_event.values())
    total = sum(t for _, t in by_event.values())
    yes, answered = survey_selectors.option_share(
        institution=institution, audience=PARTICIPANTS, theme=VALUABLE_THEME, option=YES, start=start, end=end
    )
    agree += yes
    total += answered
    if not total:
        return None
    return MetricResult(
        value=_percent(agree, total),
        detail=f"{agree} of {total} answers found attendance valuable",
        numerator=agree,
        denominator=total,
    )


def positive(agree: int, answering: int) -> bool:
    """A meeting's evaluation is positive when at least half its feedback answers agree it was valuable."""
    return answering > 0 and 2 * agree >= answering


@metric(
    key="programmes.network_meetings",
    label="Network meetings held per year with a positive evaluation",
    unit="meetings",
    how="Counts the institution's network meetings (events of kind 'network meeting') that took place in the "
    "period and whose feedback is positive (at least half the answers agree or strongly agree that attending was "
    "valuable), divided by the period's length in years (at least one year).",
)
def network_meetings(*, institution, start, end):
    """One query for the meetings, and one for their feedback when any was held in the period."""
    meetings = list(
        Event.objects.filter(institution=institution, kind=Event.Kind.NETWORK_MEETING).values_list(
            "pk", "starts_at", "cancelled_at"
        )
    )
    if not meetings:
        return None
    now = timezone.now()
    held = [
        pk
        for pk, starts_at, cancelled_at in meetings
        if cancelled_at is None and starts_at <= now and start <= timezone.localdate(starts_at) <= end
    ]
    feedback = (
        survey_selectors.agreement_by_ref(audience=FEEDBACK_AUDIENCE, refs=held, theme=VALUABLE_THEME) if held else {}
    )
    good = sum(1 for pk in held if positive(*feedback.get(pk, (0, 0))))
    years = max(Decimal((end - start).days + 1) / Decimal("365.25"), Decimal(1))
    per_year = (Decimal(good) / years).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return MetricResult(
        value=per_year,
        detail=f"{good} of {len(held)} meetings held had a positive evaluation, over {years:.1f} year(s)",
        numerator=good,
    )


@metric(
    key="programmes.modules_open_to_all",
    label="Programme modules open to all staff",
    unit="modules",
    how="Counts the institution's programmes of kind 'module' with a cohort running at some point in the period "
    "that admits all staff: no grade range and no job-family restriction.",
)
def modules_open_to_all(*, institution, start, end):
    modules = Programme.objects.filter(institution=institution, kind=Programme.Kind.MODULE)
    if not modules.exists():
        return None
    open_to_all = (
        Cohort.objects.filter(
            programme__in=modules,
            starts_on__lte=end,
            ends_on__gte=start,
            min_level__isnull=True,
            max_level__isnull=True,
            job_families__isnull=True,
        )
        .order_by()
        .values("programme")
        .distinct()
        .count()
    )
    return MetricResult(value=open_to_all, detail=f"{open_to_all} module(s) open to all staff", numerator=open_to_all)


@metric(
    key="programmes.bulletin_clicks",
    label="Clicks on the opportunities bulletin",
    unit="clicks",
    how="Counts clicks through the bulletin (the page, the weekly e-mail and the feed) by the institution's staff "
    "in the period; one person counts once a day per opportunity.",
)
def bulletin_clicks(*, institution, start, end):
    clicks, uptake = uptake_after_clicks(institution=institution, start=start, end=end)
    if not clicks:
        return None
    return MetricResult(
        value=clicks, detail=f"{clicks} clicks; {uptake} led to an application or registration", numerator=clicks
    )


@metric(
    key="programmes.bulletin_uptake",
    label="Uptake of opportunities advertised on the bulletin",
    unit="%",
    how="Of the (person, cohort or event) pairs clicked on the bulletin by the institution's staff in the period, "
    "the share where that person then applied to the cohort or registered for the event, on or after the day "
    "of the click and within the period.",
)
def bulletin_uptake(*, institution, start, end):
    pairs, uptake = clicked_pairs_and_uptake(institution=institution, start=start, end=end)
    if not pairs:
        return None
    return MetricResult(
        value=_percent(uptake, pairs),
        detail=f"{uptake} of {pairs} opportunities clicked were taken up",
        numerator=uptake,
        denominator=pairs,
    )


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
    cohorts = {
        cohort.pk: cohort
        for cohort in Cohort.objects.filter(
            programme__institution=institution, opens_on__gte=start, opens_on__lte=last_due
        )
        .select_related("programme")
        .prefetch_related("job_families")
    }
    # Five queries whatever the number of cohorts: the cohorts, their families, the partners and
    # the managed staff (managers_of_eligible_staff), every notice.
    expected_pairs = managers_of_eligible_staff(cohorts.values())
    notices = ManagerNotice.objects.filter(cohort__in=list(cohorts)).values_list(
        "cohort_id", "manager_id", "notified_at"
    )
    on_time_pairs = {
        (cohort_id, manager_id)
        for cohort_id, manager_id, notified_at in notices
        if timezone.localdate(notified_at) <= cohorts[cohort_id].opens_on + timedelta(days=MANAGER_NOTICE_DAYS)
    }
    expected = len(expected_pairs)
    on_time = len(expected_pairs & on_time_pairs)
    if not expected:
        return None
    return MetricResult(
        value=_percent(on_time, expected),
        detail=f"{on_time} of {expected} manager notices within {MANAGER_NOTICE_DAYS} days",
        numerator=on_time,
        denominator=expected,
    )
