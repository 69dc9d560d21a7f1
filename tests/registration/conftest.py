"""Registration fixtures: the registers (from the data migration), a journey at any stage, and the
registration programme on the programmes app."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from development.models import TrainingRecord
from mentoring import services as mentoring
from programmes import services as programmes
from registration import services
from registration.models import Journey, Payer, ProgrammeSettings, Register

State = Journey.State


def register(code):
    return Register.objects.get(code=code)


def record(person, category, *, reflection="What I learnt and how I use it.", days_ago=30, title=None):
    return TrainingRecord.objects.create(
        person=person,
        title=title or f"{category} activity {days_ago}",
        activity_type="course",
        delivery="internal",
        date=timezone.localdate() - timedelta(days=days_ago),
        hours=Decimal("3"),
        cpd_category=category,
        reflection=reflection,
    )


def journey_to(person, state, *, code="RSci", supporter=None, pm=None, today=None, payer=Payer.PROGRAMME, **outcome):
    """A journey moved through the services to `state` (no mentor: interested -> preparing)."""
    today = today or timezone.localdate()
    journey = services.journey_start(person=person, register_id=register(code).pk, by=person.user, today=today)
    if state == State.INTERESTED:
        return journey
    journey = services.journey_start_preparing(journey=journey, by=person.user, today=today)
    if state == State.PREPARING:
        return journey
    supporter = supporter or person.line_manager
    journey = services.journey_name_supporter(journey=journey, supporter=supporter, by=person.user, today=today)
    if state == State.SUPPORTER_NAMED:
        return journey
    journey = services.journey_supporter_agree(journey=journey, by=supporter.user, today=today)
    journey = services.journey_submit(
        journey=journey,
        licensed_body=register(code).licensed_body_list[0],
        submitted_on=outcome.pop("submitted_on", today),
        first_year_payer=payer,
        grant_name="Wellcome grant" if payer == Payer.GRANT else "",
        by=person.user,
        today=today,
    )
    if state == State.SUBMITTED:
        return journey
    if state == State.REGISTERED:
        return services.journey_record_outcome(
            journey=journey,
            outcome=State.REGISTERED,
            by=person.user,
            registered_on=outcome.get("registered_on", journey.submitted_on),
            registration_number="RSCI-1",
            renewal_on=outcome.get("renewal_on", today + timedelta(days=365)),
            today=max(today, outcome.get("registered_on", today)),
        )
    return services.journey_record_outcome(
        journey=journey, outcome=State.UNSUCCESSFUL, by=person.user, feedback="More examples, please."
    )


def pair_registration_mentor(mentee, mentor, by):
    profile = mentoring.mentor_profile_save(
        person=mentor, available=True, capacity=10, bio="Registered as RSci.", purposes=["registration"]
    )
    return mentoring.relationship_pair(
        mentee=mentee, mentor=profile, purpose="registration", hopes="My RSci application.", by=by
    )


def at(day, hour=10):
    return timezone.make_aware(datetime.combine(day, time(hour)))


@pytest.fixture
def registration_programme(institution, programme_manager):
    """The institution's registration programme with this year's cohort (two workshops held) and an
    annual event."""
    today = timezone.localdate()
    programme = programmes.programme_ensure(
        institution=institution, title="Professional Registration Programme", kind="development", summary="PR"
    )
    event = programmes.programme_ensure(
        institution=institution, title="Registration annual event", kind="event", summary="Annual"
    )
    ProgrammeSettings.objects.create(institution=institution, programme=programme, annual_event=event)
    cohort = programmes.cohort_ensure(
        programme=programme,
        name="Cohort now",
        starts_on=today - timedelta(days=200),
        ends_on=today + timedelta(days=100),
        capacity=10,
        opens_on=today - timedelta(days=240),
        closes_on=today - timedelta(days=210),
    )
    workshops = [
        programmes.session_ensure(cohort=cohort, title="Workshop 1", starts_at=at(today - timedelta(days=150))),
        programmes.session_ensure(cohort=cohort, title="Workshop 2", starts_at=at(today - timedelta(days=20))),
    ]
    event_cohort = programmes.cohort_ensure(
        programme=event,
        name="Event now",
        starts_on=today - timedelta(days=100),
        ends_on=today - timedelta(days=100),
        capacity=100,
        opens_on=today - timedelta(days=130),
        closes_on=today - timedelta(days=101),
    )
    programmes.session_ensure(cohort=event_cohort, title="Registration day", starts_at=at(today - timedelta(days=100)))
    return {"programme": programme, "cohort": cohort, "workshops": workshops, "event": event}


def join(cohort, person, pm, workshops=(), present=True):
    application = programmes.participant_ensure(
        cohort=cohort, applicant=person, statement="I want to register.", at=timezone.now(), decided_by=pm.user
    )
    for session in workshops:
        programmes.attendance_ensure(session=session, application=application, present=present, by=pm.user)
    return application
