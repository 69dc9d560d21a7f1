"""The staff import's two phases run on a real Celery worker on Redis (PostgreSQL only)."""

import time
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from people import services_staff_import
from people.models import CareerEvent, StaffImport, StaffProfile
from tests.people.test_staff_import import HEADER

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def _wait_for(batch, stage):
    deadline = timezone.now() + timedelta(seconds=30)
    while timezone.now() < deadline:
        batch.refresh_from_db()
        if batch.stage == stage and batch.is_finished or batch.has_failed:
            return batch
        time.sleep(0.2)
    return batch


def test_a_real_worker_checks_the_file_then_writes_it_once_hr_confirms(celery_worker_on_redis, hr, division, so_family):
    rows = [
        "W1,Wendy Worker,w1@icr.ac.uk,Cancer Biology,Scientific Officer,SSO,,2019-04-01,,Open-ended",
        "W2,Will Worker,w2@icr.ac.uk,Cancer Biology,Scientific Officer,HSO,W1,2021-09-01,,Fixed-term",
        "W3,Nobody Here,w3@icr.ac.uk,Nowhere,Scientific Officer,HSO,W1,2021-09-01,,",
    ]
    upload = SimpleUploadedFile("staff.csv", ("\n".join([HEADER, *rows]) + "\n").encode())
    batch = services_staff_import.staff_import_start(institution=hr.institution, by=hr.user, upload=upload)
    batch = _wait_for(batch, StaffImport.Stage.CHECKED)
    assert (batch.status, batch.stage) == (StaffImport.Status.DONE, StaffImport.Stage.CHECKED), batch.error
    assert (batch.good_count, batch.bad_count) == (2, 1)
    assert not StaffProfile.objects.filter(staff_number__startswith="W").exists()

    services_staff_import.staff_import_confirm(batch=batch, by=hr.user, invite=False)
    batch = _wait_for(batch, StaffImport.Stage.IMPORTED)
    assert (batch.status, batch.stage, batch.written_rows) == (StaffImport.Status.DONE, "imported", 2), batch.error
    will = StaffProfile.objects.get(staff_number="W2")
    assert will.line_manager.staff_number == "W1"
    assert CareerEvent.objects.get(person=will).effective_date.isoformat() == "2021-09-01"
