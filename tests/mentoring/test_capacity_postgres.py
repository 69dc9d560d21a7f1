"""Capacity holds under concurrency: 40 simultaneous acceptances for a mentor with 3 places, on
PostgreSQL (run with DATABASE_URL=postgres://...)."""

import threading

import pytest
from django.db import connection, connections

from core.tenancy import in_institution
from mentoring import services
from mentoring.models import Purpose, Relationship, RelationshipTransition
from people.models import StaffProfile, User
from tests.factories import staff
from tests.mentoring.conftest import make_mentor

pytestmark = pytest.mark.django_db(transaction=True)

PLACES = 3
MENTEES = 40


def _connections_free():
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_connections")
        limit = int(cursor.fetchone()[0])
        cursor.execute("SELECT count(*) FROM pg_stat_activity")
        used = cursor.fetchone()[0]
    return limit - used - 20


def test_forty_simultaneous_acceptances_give_a_mentor_exactly_their_three_places(institution):
    if connection.vendor != "postgresql":
        pytest.skip("Row locks need PostgreSQL; run with DATABASE_URL=postgres://...")
    free = _connections_free()
    if free < 10:
        pytest.skip(f"Only {free} PostgreSQL connections free")
    mentor = make_mentor(staff(institution), capacity=PLACES)
    users = User.objects.bulk_create([User(email=f"mentee{i}@icr.ac.uk") for i in range(MENTEES)])
    mentees = StaffProfile.objects.bulk_create([StaffProfile(user=u, institution=institution) for u in users])
    waiting = Relationship.objects.bulk_create(
        [
            Relationship(
                institution=institution,
                mentee=m,
                mentor=mentor.person,
                purpose=Purpose.PROMOTION,
                hopes="Please",
                requested_on="2026-01-05",
            )
            for m in mentees
        ]
    )
    by = User.objects.get(pk=mentor.person.user_id)
    barrier = threading.Barrier(len(waiting))
    gate = threading.BoundedSemaphore(min(MENTEES, free, 30))
    outcomes, errors = [], []

    def accept(relationship):
        barrier.wait()
        with gate, in_institution(institution):  # each thread is a request of the mentor's institution
            try:
                services.relationship_accept(relationship=relationship, by=by)
                outcomes.append("accepted")
            except services.MentorFull:
                outcomes.append("full")
            except Exception as error:  # any other failure must fail the test, not vanish in a thread
                errors.append(repr(error))
            finally:
                connections.close_all()

    threads = [threading.Thread(target=accept, args=(r,)) for r in waiting]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert outcomes.count("accepted") == PLACES
    assert outcomes.count("full") == MENTEES - PLACES
    assert Relationship.objects.filter(mentor=mentor.person, state=Relationship.State.ACTIVE).count() == PLACES
    assert RelationshipTransition.objects.filter(to_state=Relationship.State.ACTIVE).count() == PLACES
