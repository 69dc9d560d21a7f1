"""Who a survey invites: one function per `Survey.Audience`, registered by key.

A function takes the survey and today and returns the StaffProfile queryset of people who
should be invited (the daily invitation job invites those not yet invited). Staff are read
through people's StaffProfile queryset (`current()`), never a copy.

The hook for later audiences: an app adds a value to `Survey.Audience` (a choices change, no
schema change), stores the id of the object it names in `Survey.audience_ref`, and registers, in
its own ready():

    register("cohort_participants", lambda survey, today: completed_in_cohort(survey.audience_ref, today))

where `completed_in_cohort` is its own selector returning StaffProfiles. Programme evaluations
(1B) do exactly this (`programmes.apps`).

An audience *about* people (a line manager asked about each report who completed a programme)
registers with `about=True` a function returning (person id, subject id) pairs; each pair is one
invitation, one answer.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from people.models import StaffProfile

AudienceFn = Callable[[Any, date], Any]
_audiences: dict[str, AudienceFn] = {}
_about: set[str] = set()

# Leavers are invited when HR records a leaving date: the daily job finds leaving dates from
# this many days ago onwards, so a date recorded a little late still brings the questionnaire.
LEAVER_LOOKBACK_DAYS = 30


def register(key: str, fn: AudienceFn, *, about: bool = False) -> None:
    _audiences[key] = fn
    if about:
        _about.add(key)


def is_about(key: str) -> bool:
    """Whether the audience invites people about others (one invitation per person and subject)."""
    return key in _about


def members(survey: Any, today: date) -> Any:
    """The people this survey should invite today (an unknown audience is a programming error).

    For an audience about people: (person id, subject id) pairs.
    """
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
