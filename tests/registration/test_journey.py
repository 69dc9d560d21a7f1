"""A technician goes through a journey to "registered" with a mentor, a supporter and workshop
attendance, through the pages; each move is recorded; the renewal reminder is sent once."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from people.models import Celebration
from registration import tasks
from registration.models import Journey, JourneyTransition
from tests.conftest import client_for
from tests.factories import staff
from tests.registration.conftest import join, pair_registration_mentor, record, register

pytestmark = pytest.mark.django_db
State = Journey.State


def test_a_technician_goes_from_interest_to_registered_with_a_mentor_a_supporter_and_workshops(
    institution, so_family, technician, manager, programme_manager, registration_programme
):
    today = timezone.localdate()
    evidence = record(technician, "work_based", title="Flow cytometry training")
    join(registration_programme["cohort"], technician, programme_manager, registration_programme["workshops"])
    me = client_for(technician)

    response = me.post(reverse("registration:start"), {"register": register("RSci").pk})
    journey = Journey.objects.get(person=technician)
    assert response.url == journey.get_absolute_url()
    assert journey.state == State.INTERESTED

    # Without a mentor the page says where to find one, and nothing moves.
    response = me.post(reverse("registration:record_mentor", args=[journey.pk]), follow=True)
    assert "There is no active professional registration mentor yet" in response.content.decode()
    journey.refresh_from_db()
    assert journey.state == State.INTERESTED

    mentor = staff(institution, job_family=so_family, grade=so_family.grades.get(short_name="PSO"))
    pair_registration_mentor(technician, mentor, programme_manager.user)
    me.post(reverse("registration:record_mentor", args=[journey.pk]))
    journey.refresh_from_db()
    assert (journey.state, journey.mentor) == (State.MENTOR_FOUND, mentor)

    me.post(reverse("registration:prepare", args=[journey.pk]))
    me.post(
        reverse("registration:statement", args=[journey.pk, 0]),
        {"statement": "I designed the induction for new users.", "evidence_record_ids": [evidence.pk]},
    )
    statement = journey.statements.get()
    assert (statement.area, statement.evidence_record_ids) == (
        "Application of knowledge and understanding",
        [evidence.pk],
    )

    me.post(reverse("registration:supporter", args=[journey.pk]), {"supporter": manager.user.email})
    journey.refresh_from_db()
    assert (journey.state, journey.supporter, journey.supporter_agreed_on) == (State.SUPPORTER_NAMED, manager, None)
    asked = Notification.objects.get(kind="registration.support_requested")
    assert asked.recipient == manager.user

    # The technician cannot submit before the supporter agrees; the supporter agrees from the page.
    page = me.get(journey.get_absolute_url()).content.decode()
    assert "Waiting for" in page and "Record my submission" not in page
    client_for(manager).post(reverse("registration:agree", args=[journey.pk]))
    journey.refresh_from_db()
    assert journey.supporter_agreed_on == today

    me.post(
        reverse("registration:submit", args=[journey.pk]),
        {
            "licensed_body": "Royal Society of Biology",
            "submitted_on": today.isoformat(),
            "first_year_payer": "programme",
            "later_years_payer": "person",
            "grant_name": "",
        },
    )
    journey.refresh_from_db()
    assert (journey.state, journey.licensed_body, journey.first_year_payer) == (
        State.SUBMITTED,
        "Royal Society of Biology",
        "programme",
    )

    renewal = today + timedelta(days=365)
    me.post(
        reverse("registration:outcome", args=[journey.pk]),
        {
            "outcome": "registered",
            "registered_on": today.isoformat(),
            "registration_number": "RSCI-123",
            "renewal_on": renewal.isoformat(),
        },
    )
    journey.refresh_from_db()
    assert (journey.state, journey.registered_on, journey.registration_number, journey.renewal_on) == (
        State.REGISTERED,
        today,
        "RSCI-123",
        renewal,
    )
    celebration = Celebration.objects.get(source=f"registration.Journey:{journey.pk}")
    assert (celebration.person, celebration.kind, celebration.consent) == (technician, "registration", "asked")
    assert celebration.title == f"{technician} is registered as RSci"
    moves = list(JourneyTransition.objects.filter(journey=journey).values_list("from_state", "to_state"))
    assert moves == [
        ("", "interested"),
        ("interested", "mentor_found"),
        ("mentor_found", "preparing"),
        ("preparing", "supporter_named"),
        ("supporter_named", "submitted"),
        ("submitted", "registered"),
    ]
    page = me.get(journey.get_absolute_url()).content.decode()
    assert "Workshop 1" in page and "Workshop 2" in page  # the workshops attended
    profile_page = me.get(reverse("people:profile", args=[technician.pk])).content.decode()
    assert "RSci (Registered Scientist), registered" in profile_page


def test_the_renewal_reminder_is_sent_once_30_days_before_even_when_the_job_runs_twice(
    technician, manager, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    due = journey_registered(technician, renewal_on=today + timedelta(days=30))
    journey_registered(manager, renewal_on=today + timedelta(days=31))  # not yet: 31 days ahead
    with django_capture_on_commit_callbacks(execute=False):
        tasks.send_reminders()
        tasks.send_reminders()
    sent = Notification.objects.filter(kind="registration.renewal_due")
    assert [(n.recipient, n.idempotency_key) for n in sent] == [
        (technician.user, f"registration.renewal_due:{due.pk}:{due.renewal_on.isoformat()}")
    ]
    assert sent.get().context["renewal_on"] == f"{due.renewal_on:%-d %B %Y}"


def journey_registered(person, *, renewal_on):
    from tests.registration.conftest import journey_to

    supporter = staff(person.institution)
    return journey_to(person, State.REGISTERED, supporter=supporter, renewal_on=renewal_on)


def test_mentors_registered_on_the_register_a_mentee_works_towards_are_suggested_first(
    institution, so_family, technician, programme_manager
):
    from mentoring import selectors as mentoring
    from tests.mentoring.conftest import make_mentor

    pso = so_family.grades.get(short_name="PSO")
    registered, other = (staff(institution, job_family=so_family, grade=pso) for _ in range(2))
    for person in (registered, other):
        make_mentor(person, purposes=["registration"], capacity=3)
    from tests.registration.conftest import journey_to

    journey_to(registered, State.REGISTERED, supporter=staff(institution))
    journey_to(technician, State.PREPARING)
    suggestions = mentoring.suggested_mentors(mentee=technician, purpose="registration")
    assert [s.mentor.person for s in suggestions] == [registered, other]
    assert "Registered as RSci, the register you are working towards" in suggestions[0].reasons
