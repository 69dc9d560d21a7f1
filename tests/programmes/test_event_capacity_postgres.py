"""An event's places hold under simultaneous registrations: 60 people at once for 15 places on
PostgreSQL, each thread its own connection; exactly 15 places, the rest on the waiting list."""

import threading

import pytest
from django.db import connection, connections

from core.tenancy import in_institution
from people.models import StaffProfile, User
from programmes import services
from programmes.models import Registration
from tests.programmes.conftest import EventFactory
from tests.programmes.test_capacity_postgres import _connections_free, _require_postgresql

pytestmark = pytest.mark.django_db(transaction=True)

PLACES = 15
PEOPLE = 60


def _people(institution, count):
    users = User.objects.bulk_create(
        [User(email=f"registrant{i}@icr.ac.uk", first_name="Registrant", last_name=str(i)) for i in range(count)]
    )
    return StaffProfile.objects.bulk_create([StaffProfile(user=u, institution=institution) for u in users])


def _register_at_once(event, people, institution, max_connections):
    barrier = threading.Barrier(len(people))
    gate = threading.BoundedSemaphore(max_connections)
    errors = []

    def register(person):
        barrier.wait()
        with gate, in_institution(institution):
            try:
                services.event_register(event=event, person=person, by=person.user)
            except Exception as error:  # any failure must fail the test, not vanish in a thread
                errors.append(repr(error))
            finally:
                connections.close_all()

    threads = [threading.Thread(target=register, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def test_simultaneous_registrations_never_take_more_places_than_there_are(institution):
    _require_postgresql()
    free = _connections_free()
    if free < 5:
        pytest.skip("The PostgreSQL server has too few free connections for this test now.")
    event = EventFactory(institution=institution, capacity=PLACES)
    people = _people(institution, PEOPLE)

    errors = _register_at_once(event, people, institution, max_connections=min(free, 30))

    assert errors == []
    states = list(Registration.objects.filter(event=event).values_list("state", flat=True))
    assert len(states) == PEOPLE
    assert states.count(Registration.State.REGISTERED) == PLACES
    assert states.count(Registration.State.WAITLISTED) == PEOPLE - PLACES
    assert connection.vendor == "postgresql"


def test_simultaneous_registrations_for_a_full_event_without_a_waiting_list_refuse_the_rest(institution):
    _require_postgresql()
    free = _connections_free()
    if free < 5:
        pytest.skip("The PostgreSQL server has too few free connections for this test now.")
    event = EventFactory(institution=institution, capacity=5, waiting_list=False)
    people = _people(institution, 20)

    errors = _register_at_once(event, people, institution, max_connections=min(free, 20))

    assert len(errors) == 15 and all("is full" in error for error in errors)
    assert Registration.objects.filter(event=event).count() == 5
    assert set(Registration.objects.filter(event=event).values_list("state", flat=True)) == {
        Registration.State.REGISTERED
    }
