"""Re-sending is idempotent even when two copies of a batch arrive at the same moment (PostgreSQL):
the unique constraint on person and external id skips the second copy's rows, and each item is
reported created by exactly one of the two calls."""

import threading

import pytest
from django.db import connection, connections

from core.tenancy import in_institution
from development.models import TrainingRecord
from development.services import training_completions_receive
from tests.factories import staff

pytestmark = pytest.mark.django_db(transaction=True)

COPIES = 4


def test_copies_of_a_batch_sent_at_once_create_each_record_once(institution, institution_admin):
    if connection.vendor != "postgresql":
        pytest.skip("Concurrent inserts need PostgreSQL; run with DATABASE_URL=postgres://...")
    people = [staff(institution, staff_number=f"P{n}") for n in range(5)]
    items = [
        {"external_id": f"lms-{n}", "staff_number": f"P{n % 5}", "course": f"C{n}", "date": "2026-03-02", "hours": 2}
        for n in range(200)
    ]
    barrier = threading.Barrier(COPIES)
    outcomes, errors = [], []

    def send():
        try:
            barrier.wait()
            with in_institution(institution):  # as the endpoint calls it
                outcomes.append(
                    training_completions_receive(
                        institution=institution, items=items, by=institution_admin.user, source="Learning system"
                    )
                )
        except Exception as error:  # reported below, with the thread's error
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(COPIES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert TrainingRecord.objects.filter(person__in=people).count() == 200
    created = [r.external_id for results in outcomes for r in results if r.status == "created"]
    assert sorted(created) == sorted(item["external_id"] for item in items)  # each once, by one call
    assert all(r.status in ("created", "unchanged") and r.record_id for results in outcomes for r in results)
