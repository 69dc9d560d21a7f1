"""Each app's `pipeline_people` selector: who it puts at each stage, worked out by hand.

Every source leaves out rows from before the period and rows of another institution, and counts
someone who reached a stage and moved on (approved, then cancelled) as having reached it.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from apprenticeships import selectors as apprenticeships
from apprenticeships.models import ApprenticeshipRequest
from development import selectors as development
from development.models import DevelopmentRequest
from exchange import selectors as exchange
from exchange.models import ExchangePlacement
from promotions import selectors as promotions
from promotions.models import Application as PromotionApplication
from registration import selectors as registration
from registration.models import Journey, Register, RegisterFee
from registration.registers import ensure_registers
from tests.apprenticeships.conftest import enrol
from tests.development.conftest import make_request
from tests.exchange.conftest import placement_in_state
from tests.factories import staff
from tests.promotions.conftest import make_round
from tests.registration.conftest import journey_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(institution, division, so_family, manager, technician):
    """The technician (HSO) and four more of the manager's reports: two SOs, an HSO and an apprentice."""
    grade = {g.short_name: g for g in so_family.grades.all()}

    def person(short):
        return staff(institution, division=division, job_family=so_family, grade=grade[short], line_manager=manager)

    return {"hso": technician, "so1": person("SO"), "so2": person("SO"), "hso2": person("HSO"), "app": person("APP")}


def _period():
    today = timezone.localdate()
    return {"start": today - timedelta(days=365), "end": today}


def test_development_days_asked_approved_and_done(institution, team, outsider):
    long_ago = timezone.now() - timedelta(days=400)
    day = timezone.localdate()
    S = DevelopmentRequest.State
    make_request(team["hso"], start=day, state=S.COMPLETED).transitions.create(to_state=S.APPROVED)
    make_request(team["so1"], start=day, state=S.DECLINED)
    cancelled = make_request(team["so2"], start=day, state=S.CANCELLED)
    cancelled.transitions.create(from_state=S.SUBMITTED, to_state=S.APPROVED)  # approved, later cancelled
    make_request(team["hso2"], start=day, state=S.SUBMITTED, submitted_at=long_ago)  # before the period
    make_request(outsider, start=day, state=S.APPROVED)  # another institution
    people = development.pipeline_people(institution=institution, **_period())
    assert people == {
        "applied": {team["hso"].pk, team["so1"].pk, team["so2"].pk},
        "approved": {team["hso"].pk, team["so2"].pk},
        "completed": {team["hso"].pk},
    }


def test_the_exchange_asked_approved_and_completed(institution, team, offer):
    S = ExchangePlacement.State
    placement_in_state(offer, team["hso"], S.COMPLETED)
    placement_in_state(offer, team["so1"], S.REQUESTED)
    cancelled = placement_in_state(offer, team["so2"], S.CANCELLED)
    cancelled.transitions.create(from_state=S.REQUESTED, to_state=S.APPROVED, event="approved")
    old = placement_in_state(offer, team["hso2"], S.COMPLETED)
    ExchangePlacement.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=400))
    people = exchange.pipeline_people(institution=institution, **_period())
    assert people == {
        "applied": {team["hso"].pk, team["so1"].pk, team["so2"].pk},
        "approved": {team["hso"].pk, team["so2"].pk},
        "completed": {team["hso"].pk},
    }


def test_promotions_eligible_are_one_grade_below_a_grade_the_rounds_promote_to(
    institution, team, manager, criteria, so_family
):
    # Criteria for HSO and SSO: the SOs (-> HSO) and the HSOs (-> SSO) are eligible; the
    # apprentice and the SSO manager (no PSO criteria) are not.
    round = make_round(institution, opens=-60, submissions_close_on=-5, panel_on=-2, outcomes_on=-1)
    make_round(institution, name="Long ago", opens=-500, submissions_close_on=-450, panel_on=-440, outcomes_on=-430)
    sso = so_family.grades.get(short_name="SSO")
    S = PromotionApplication.State
    now = timezone.now()
    for person, state, submitted in [
        (team["hso"], S.PROMOTED, now),
        (team["so1"], S.NOT_PROMOTED, now),
        (team["so2"], S.INTENDED, None),
    ]:
        PromotionApplication.objects.create(
            round=round,
            applicant=person,
            target_grade=sso,
            criteria=criteria["SSO"],
            state=state,
            intended_at=now,
            submitted_at=submitted,
            **({"new_grade": sso, "effective_date": timezone.localdate()} if state == S.PROMOTED else {}),
        )
    people = promotions.pipeline_people(institution=institution, **_period())
    assert people == {
        "eligible": {team["hso"].pk, team["hso2"].pk, team["so1"].pk, team["so2"].pk},
        "applied": {team["hso"].pk, team["so1"].pk, team["so2"].pk},
        "submitted": {team["hso"].pk, team["so1"].pk},
        "promoted": {team["hso"].pk},
    }


def test_registration_started_submitted_and_registered(institution, team):
    ensure_registers(Register, RegisterFee)  # the sector's registers (a data migration; a flush empties them)
    journey_to(team["hso"], Journey.State.REGISTERED)
    journey_to(team["so1"], Journey.State.SUBMITTED)
    journey_to(team["so2"], Journey.State.INTERESTED)
    journey_to(team["hso2"], Journey.State.REGISTERED, today=timezone.localdate() - timedelta(days=400))
    people = registration.pipeline_people(institution=institution, **_period())
    assert people == {
        "applied": {team["hso"].pk, team["so1"].pk, team["so2"].pk},
        "submitted": {team["hso"].pk, team["so1"].pk},
        "registered": {team["hso"].pk},
    }


def test_apprenticeships_asked_approved_started_and_completed(institution, team, programme_manager, standard, provider):
    S = ApprenticeshipRequest.State

    def ask(person, state):
        request = ApprenticeshipRequest.objects.create(
            person=person,
            standard=standard,
            provider=provider,
            preferred_start=timezone.localdate(),
            why="To grow",
            time_plan="Fridays",
            state=state,
        )
        if state in (S.APPROVED, S.ENROLLED):
            request.transitions.create(from_state=S.SUBMITTED, to_state=S.APPROVED)
        return request

    ask(team["so1"], S.APPROVED)
    ask(team["so2"], S.DECLINED)
    today = timezone.localdate()
    started = enrol(team["app"], programme_manager, standard, provider, start=today - timedelta(days=30))
    done = enrol(team["hso2"], programme_manager, standard, provider, start=today - timedelta(days=300))
    type(done).objects.filter(pk=done.pk).update(state="completed")
    enrol(team["hso"], programme_manager, standard, provider, start=today - timedelta(days=700))  # before the period
    people = apprenticeships.pipeline_people(institution=institution, **_period())
    assert people == {
        "applied": {team["so1"].pk, team["so2"].pk},
        "approved": {team["so1"].pk},
        "started": {started.apprentice_id, done.apprentice_id},
        "completed": {team["hso2"].pk},
    }
