"""Races that only a real database with row locks can show."""

import threading
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from core.tenancy import in_institution
from development import services
from development.models import DevelopmentRequest, TrainingImport

from .conftest import next_weekday


def fields(start, title):
    return {
        "activity_type": "course",
        "title": title,
        "delivery": "external",
        "provider": "",
        "start_date": start,
        "end_date": start + timedelta(days=1),
        "days": Decimal("2"),
        "cost": Decimal("0"),
        "paid_by": "none",
        "benefit": "Skills.",
    }


@pytest.mark.django_db(transaction=True)
def test_two_overlapping_requests_submitted_at_once_cannot_both_be_saved(technician):
    if connection.vendor != "postgresql":
        pytest.skip("Needs PostgreSQL row locks.")
    start = next_weekday()
    barrier = threading.Barrier(2)
    outcomes = []

    def submit(title):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            # A new thread starts with no scope; a web request would enter the viewer's institution.
            with in_institution(technician.institution_id):
                services.request_create(person=technician, by=technician.user, **fields(start, title))
            outcomes.append("saved")
        except services.ValidationError:
            outcomes.append("refused")
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=submit, args=(f"Course {n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "saved"]
    assert DevelopmentRequest.objects.count() == 1


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_uploaded_file_is_checked_by_a_real_worker(celery_worker_on_redis, technician, hr, settings):
    content = f"course,date,email,hours\nLaboratory safety,2026-03-04,{technician.user.email},3\n".encode()
    batch = services.training_import_start(
        institution=technician.institution, by=hr.user, upload=SimpleUploadedFile("a.csv", content)
    )
    deadline = timezone.now() + timedelta(seconds=20)
    while timezone.now() < deadline:
        batch.refresh_from_db()
        if batch.is_finished:
            break
        time.sleep(0.2)
    assert batch.status == TrainingImport.Status.DONE and batch.stage == TrainingImport.Stage.CHECKED
    assert len(batch.good_rows) == 1
