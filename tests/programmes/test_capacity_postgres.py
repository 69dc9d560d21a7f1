"""Capacity holds under concurrency: 100 simultaneous acceptances for 20 places on PostgreSQL."""

import threading

import pytest
from django.db import connection, connections

from core.tenancy import in_institution
from people.models import StaffProfile, User
from programmes import services
from programmes.models import Application, ApplicationTransition, Cohort
from tests.programmes.conftest import CohortFactory

pytestmark = pytest.mark.django_db(transaction=True)

PLACES = 20
APPLICANTS = 100


def _require_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("Row locks need PostgreSQL; run with DATABASE_URL=postgres://...")


def _connections_free():
    """How many more connections this server takes (other test runs share it), keeping a margin."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_connections")
        limit = int(cursor.fetchone()[0])
        cursor.execute("SELECT count(*) FROM pg_stat_activity")
        used = cursor.fetchone()[0]
    # the other test process and the live server share the server too: keep a wide margin
    return limit - used - 20


def _endorsed_applications(cohort, institution, count):
    users = User.objects.bulk_create(
        [User(email=f"applicant{i}@icr.ac.uk", first_name="Applicant", last_name=str(i)) for i in range(count)]
    )
    profiles = StaffProfile.objects.bulk_create([StaffProfile(user=u, institution=institution) for u in users])
    return Application.objects.bulk_create(
        [
            Application(cohort=cohort, applicant=p, statement="Please", state=Application.State.ENDORSED)
            for p in profiles
        ]
    )


def _run_at_once(applications, by, *, max_connections, institution):
    """Start one thread per application; they wait at a barrier and then all call accept together.

    A semaphore caps open connections at what the server allows (PostgreSQL's default is 100 in
    all, shared with other test runs); every thread still contends for the same cohort row.
    """
    barrier = threading.Barrier(len(applications))
    gate = threading.BoundedSemaphore(max_connections)
    outcomes, errors = [], []

    def accept(application):
        barrier.wait()
        # Each thread is a request: it enters the programme manager's institution, as the middleware does.
        with gate, in_institution(institution):
            try:
                services.application_accept(application=application, by=by)
                outcomes.append("accepted")
            except services.CohortFull:
                outcomes.append("full")
            except Exception as error:  # any other failure must fail the test, not vanish in a thread
                errors.append(repr(error))
            finally:
                connections.close_all()

    threads = [threading.Thread(target=accept, args=(application,)) for application in applications]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes, errors


def test_one_hundred_simultaneous_acceptances_fill_exactly_twenty_places(institution, programme_manager):
    _require_postgresql()
    cohort = CohortFactory(programme__institution=institution, capacity=PLACES)
    applications = _endorsed_applications(cohort, institution, APPLICANTS)
    free = _connections_free()
    if free < 20:
        pytest.skip(f"Only {free} PostgreSQL connections free")
    programme_manager.user.refresh_from_db()

    outcomes, errors = _run_at_once(
        applications, programme_manager.user, max_connections=min(APPLICANTS, free, 40), institution=institution
    )

    assert errors == []
    assert outcomes.count("accepted") == PLACES
    assert outcomes.count("full") == APPLICANTS - PLACES
    assert Application.objects.filter(cohort=cohort, state=Application.State.ACCEPTED).count() == PLACES
    assert Application.objects.filter(cohort=cohort, state=Application.State.ENDORSED).count() == APPLICANTS - PLACES
    assert ApplicationTransition.objects.filter(to_state=Application.State.ACCEPTED).count() == PLACES


def test_a_rush_on_a_first_come_cohort_gives_exactly_its_places(institution):
    _require_postgresql()
    cohort = CohortFactory(
        programme__institution=institution,
        programme__needs_endorsement=False,  # the rush is about places, not managers
        capacity=5,
        selection=Cohort.Selection.FIRST_COME,
        waiting_list=True,
    )
    users = User.objects.bulk_create([User(email=f"rush{i}@icr.ac.uk") for i in range(30)])
    profiles = StaffProfile.objects.bulk_create([StaffProfile(user=u, institution=institution) for u in users])
    barrier = threading.Barrier(len(profiles))
    errors = []

    def submit(profile):
        barrier.wait()
        try:
            with in_institution(institution):  # each thread is a request of the applicant's institution
                services.application_submit(cohort=cohort, applicant=profile, statement="Me please")
        except Exception as error:
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(profile,)) for profile in profiles]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    states = list(Application.objects.filter(cohort=cohort).values_list("state", flat=True))
    assert states.count(Application.State.ACCEPTED) == 5
    assert states.count(Application.State.WAITLISTED) == 25
