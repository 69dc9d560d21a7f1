"""Who a survey invites: one function per `Survey.Audience`, registered by key.

A function takes the survey and today and returns the StaffProfile queryset of people who
should be invited (the daily invitation job invites those not yet invited). Staff are read
through people's StaffProfile queryset (`current()`), never a copy.

The hook for later audiences: programme evaluations become surveys whose audience is a cohort's
participants. That app adds `COHORT = "cohort"` to `Survey.Audience` (a choices change, no
schema change), stores the cohort's id in `Survey.audience_ref`, and registers, in its own
ready() or surveys module:

    register(Survey.Audience.COHORT, lambda survey, today: cohort_participants(survey.audience_ref))

where `cohort_participants` is its own selector returning StaffProfiles. Nothing here changes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from people.models import StaffProfile

AudienceFn = Callable[[Any, date], Any]
_audiences: dict[str, AudienceFn] = {}

# Leavers are invited when HR records a leaving date: the daily job finds leaving dates from
# this many days ago onwards, so a date recorded a little late still brings the questionnaire.
LEAVER_LOOKBACK_DAYS = 30


def register(key: str, fn: AudienceFn) -> None:
    _audiences[key] = fn


def members(survey: Any, today: date) -> Any:
    """The people this survey should invite today (an unknown audience is a programming error)."""
    return _audiences[survey.audience](survey, today)


def _staff(survey):
    return StaffProfile.objects.filter(institution=survey.institution_id, user__is_active=True)


def _months_ago(today: date, months: int) -> date:
    return today - timedelta(days=round(months * 30.44))


register("all_staff", lambda survey, today: _staff(survey).current())
register("job_family", lambda survey, today: _staff(survey).current().filter(job_family=survey.job_family_id))
register("grade", lambda survey, today: _staff(survey).current().filter(grade=survey.grade_id))
register(
    "new_starters",
    lambda survey, today: (
        _staff(survey)
        .current()
        .filter(
            grade=survey.grade_id,
            start_date__lte=today,
            start_date__gt=_months_ago(today, survey.new_within_months or 3),
        )
    ),
)
register(
    "leavers",
    # Everyone with a leaving date recorded, from a month ago on, whose account still signs in
    # (answering needs it: an account HR has switched off gets no questionnaire).
    lambda survey, today: _staff(survey).filter(leaving_date__gte=today - timedelta(days=LEAVER_LOOKBACK_DAYS)),
)
