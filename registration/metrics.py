"""Professional registration's success measures (3A-3C).

The plan file names two keys (3B `registration.non_so_applicants`, 3C
`registration.leadership_participants_pursuing`); 3A's measures are in words only, and the issue
asks for two of them as numbers: registered staff now against the plan's start, and cohort
meetings held per year (target 2).
"""

from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from core.metrics import MetricResult, metric
from programmes import selectors as programmes

from .models import Journey, JourneyTransition
from .selectors import settings_of

State = Journey.State


@metric(
    key="registration.non_so_applicants",
    label="People outside the SO-association job families who applied for registration",
    unit="people",
    how="Counts distinct members of staff whose job family is not covered by the Scientific Officer Association "
    "and who submitted a professional registration application (to any register) with a submission date in the "
    "period. People with no job family recorded are not counted. None until any journey is recorded.",
)
def non_so_applicants(*, institution, start, end):
    journeys = Journey.objects.filter(institution=institution)
    if not journeys.exists():
        return None
    applied = journeys.filter(
        submitted_on__gte=start, submitted_on__lte=end, person__job_family__soa_covered=False
    ).aggregate(n=Count("person", distinct=True))["n"]
    return MetricResult(value=applied, numerator=applied, detail=f"{applied} people applied")


@metric(
    key="registration.leadership_participants_pursuing",
    label="Leadership programme participants pursuing registration",
    unit="%",
    how="Of the distinct people who held a place (accepted or completed) on a cohort of a management and "
    "leadership programme running at some time in the period, the share with a registration journey past "
    "“interested” (mentor found, preparing, supporter named, submitted, registered or unsuccessful) at the "
    "period's end; withdrawn journeys do not count. None when no such cohort had participants.",
)
def leadership_participants_pursuing(*, institution, start, end):
    participant_ids = set(
        programmes.leadership_participants(institution, start, end).values_list("applicant_id", flat=True)
    )
    if not participant_ids:
        return None
    pursuing = _pursuing_at(participant_ids, end)
    share = round(100 * len(pursuing) / len(participant_ids))
    return MetricResult(
        value=share,
        numerator=len(pursuing),
        denominator=len(participant_ids),
        detail=f"{len(pursuing)} of {len(participant_ids)} participants",
    )


def _pursuing_at(person_ids, end):
    """People whose journey, as recorded by the end of the period, was in a pursuing stage (one query).

    Read from the transitions, so a journey that moved on after the period still counts as it
    stood then; the latest move up to the period's end decides.
    """
    moves = (
        JourneyTransition.objects.filter(journey__person_id__in=person_ids, at__date__lte=end)
        .values_list("journey_id", "journey__person_id", "to_state")
        .order_by("journey_id", "at", "pk")
    )
    latest = {}
    for journey_id, person_id, to_state in moves:
        latest[journey_id] = (person_id, to_state)
    return {person_id for person_id, state in latest.values() if state in Journey.PURSUING_STATES}


@metric(
    key="registration.registered_staff",
    label="Staff holding a professional registration",
    unit="people",
    how="Counts distinct current members of staff registered (any register) at the period's end, from the "
    "registration dates recorded on their journeys; the detail gives the same count on the day the period "
    "starts (the plan's start), so uptake can be seen to be maintained. None until any journey is recorded.",
)
def registered_staff(*, institution, start, end):
    journeys = Journey.objects.filter(institution=institution)
    if not journeys.exists():
        return None
    today = timezone.localdate()
    registered = journeys.filter(state=State.REGISTERED).filter(
        Q(person__leaving_date__isnull=True) | Q(person__leaving_date__gt=min(end, today))
    )
    counts = registered.aggregate(
        now=Count("person", distinct=True, filter=Q(registered_on__lte=end)),
        at_start=Count("person", distinct=True, filter=Q(registered_on__lt=start)),
    )
    return MetricResult(
        value=counts["now"],
        numerator=counts["now"],
        detail=f"{counts['now']} registered at {end:%-d %b %Y}; {counts['at_start']} at {start:%-d %b %Y}",
    )


@metric(
    key="registration.cohort_meetings",
    label="Registration programme cohort meetings in the last 12 months",
    unit="meetings",
    how="Counts the sessions (workshops) of the Professional Registration Programme's cohorts that took place "
    "in the 12 months up to the period's end (or today, if earlier); the target is at least 2 a year. The "
    "detail lists the meetings per calendar year of the period. None until the institution names its "
    "registration programme.",
)
def cohort_meetings(*, institution, start, end):
    settings = settings_of(institution)
    if settings is None:
        return None
    until = min(end, timezone.localdate())
    now = timezone.now()
    held = [
        s for s in programmes.sessions_of_programmes_between([settings.programme_id], start, until) if s.ends_at <= now
    ]
    last_year = [s for s in held if timezone.localtime(s.starts_at).date() > until - timedelta(days=365)]
    by_year: dict[int, int] = {}
    for session in held:
        year = timezone.localtime(session.starts_at).year
        by_year[year] = by_year.get(year, 0) + 1
    years = "; ".join(f"{year}: {by_year.get(year, 0)}" for year in range(start.year, until.year + 1))
    return MetricResult(value=len(last_year), numerator=len(last_year), detail=f"per year: {years}")
