"""The measures of 1D, 1E and 2I computed from events, their feedback and module cohorts, against
figures worked out by hand."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from core import metrics
from programmes import services
from programmes.models import Event, Programme, Registration
from surveys import services as survey_services
from surveys.models import Invitation
from tests.factories import staff
from tests.programmes.conftest import CohortFactory, EventFactory, ProgrammeFactory, evaluated

pytestmark = pytest.mark.django_db


def _period():
    today = timezone.localdate()
    return {"start": today - timedelta(days=365), "end": today}


def _held(institution, days_ago, **kwargs):
    starts = timezone.now() - timedelta(days=days_ago)
    return EventFactory(institution=institution, starts_at=starts, ends_at=starts + timedelta(hours=2), **kwargs)


def _feedback(event, valuable_answers):
    """Attendees, one per answer to "Attending was valuable to me" (1-5), who all answer today."""
    people = [staff(event.institution) for _ in valuable_answers]
    for person in people:
        Registration.objects.create(event=event, person=person, state=Registration.State.REGISTERED, attended=True)
    survey = services.event_feedback_survey(event=event)
    questions = {q.theme: q for q in survey.questions.all()}
    for person, value in zip(people, valuable_answers, strict=True):
        invitation = Invitation.objects.get(survey=survey, person=person)
        survey_services.survey_answer(
            invitation=invitation, answers={questions["valuable"].pk: value, questions["recommend"].pk: 3}
        )


def test_network_meetings_counts_meetings_held_with_a_positive_evaluation_per_year(institution):
    network = ProgrammeFactory(institution=institution, kind=Programme.Kind.NETWORK, title="SPM network")
    meeting = {"kind": Event.Kind.NETWORK_MEETING, "network": network}
    _feedback(_held(institution, 300, **meeting), [5, 4, 4, 4, 2])  # 4 of 5 agree: positive
    _feedback(_held(institution, 200, **meeting), [4, 5, 2, 1])  # 2 of 4: half, positive
    _feedback(_held(institution, 100, **meeting), [4, 2, 3])  # 1 of 3: not positive
    _held(institution, 50, **meeting)  # no feedback yet: not counted
    _feedback(_held(institution, 20), [5, 5, 5])  # a talk, not a network meeting
    EventFactory(institution=institution, **meeting)  # not held yet

    result = metrics.get("programmes.network_meetings")(institution=institution, **_period())

    # 2 positive meetings over 366 days: 366 / 365.25 years, 2 / 1.002 = 1.996, shown 2.0
    assert (result.value, result.numerator) == (Decimal("2.0"), 2)
    assert result.detail.startswith("2 of 4 meetings held had a positive evaluation")


def test_partner_events_valuable_combines_event_feedback_with_the_programme_evaluations_yes_no_answers(institution):
    opened = _held(institution, 30, audience=Event.Audience.PARTNERS)
    _feedback(opened, [5, 4, 3, 2, 4, 4])  # 4 of 6 agree
    _feedback(_held(institution, 30, audience=Event.Audience.OWN), [1, 1, 1])  # not opened to partners
    symposium = ProgrammeFactory(institution=institution, kind=Programme.Kind.EVENT, open_to_partners=True)
    cohort = CohortFactory(programme=symposium)
    evaluated(cohort, [True, True, False, True], theme="valuable")  # 3 of 4 said yes to the yes-or-no question

    result = metrics.get("programmes.partner_events_valuable")(institution=institution, **_period())

    # (4 + 3) of (6 + 4) = 70.0%
    assert (result.value, result.numerator, result.denominator) == (Decimal("70.0"), 7, 10)


def test_partner_events_counts_held_events_opened_to_partners(institution):
    _held(institution, 40, audience=Event.Audience.PARTNERS)
    _held(institution, 400, audience=Event.Audience.PARTNERS)  # before the period
    _held(institution, 40, audience=Event.Audience.OWN)
    EventFactory(institution=institution, audience=Event.Audience.PARTNERS)  # not held yet
    result = metrics.get("programmes.partner_events")(institution=institution, **_period())
    assert result.value == 1


def test_modules_open_to_all_counts_module_programmes_with_a_cohort_for_everyone_in_the_period(institution, so_family):
    today = timezone.localdate()
    running = {"starts_on": today - timedelta(days=60), "ends_on": today + timedelta(days=30)}
    for title in ("Lab safety module", "Data management module"):
        CohortFactory(
            programme=ProgrammeFactory(institution=institution, kind=Programme.Kind.MODULE, title=title), **running
        )
    CohortFactory(
        programme=ProgrammeFactory(institution=institution, kind=Programme.Kind.MODULE), min_level=3, **running
    )  # for HSO only
    limited = CohortFactory(programme=ProgrammeFactory(institution=institution, kind=Programme.Kind.MODULE), **running)
    limited.job_families.add(so_family)  # one job family only
    CohortFactory(
        programme=ProgrammeFactory(institution=institution, kind=Programme.Kind.MODULE),
        starts_on=today - timedelta(days=500),
        ends_on=today - timedelta(days=400),
    )  # ran before the period
    CohortFactory(programme=ProgrammeFactory(institution=institution, kind=Programme.Kind.DEVELOPMENT), **running)

    result = metrics.get("programmes.modules_open_to_all")(institution=institution, **_period())

    assert result.value == 2
