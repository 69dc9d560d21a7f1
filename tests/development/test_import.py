import io

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from development.models import TrainingImport, TrainingRecord
from people import roles
from tests.conftest import _with_totp, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def numbered(technician, manager):
    technician.staff_number = "S00042"
    technician.save()
    return technician


def good_csv(technician, manager):
    return (
        "course,date,email,staff_number,hours\n"
        f"Laboratory safety,2026-03-04,{technician.user.email},,3\n"
        f"Laboratory safety,04/03/2026,{manager.user.email},,3\n"
        "Radiation protection,2026-05-12,,S00042,1.5\n"
    )


def upload(client, content, name="attendance.csv", capture=None):
    with capture(execute=True):
        response = client.post(
            reverse("development:import_upload"), {"file": SimpleUploadedFile(name, content)}, follow=False
        )
    return response


def test_good_file_is_checked_then_imported_and_reimporting_adds_nothing(
    numbered, manager, hr, django_capture_on_commit_callbacks
):
    client = client_for(hr)
    response = upload(client, good_csv(numbered, manager).encode(), capture=django_capture_on_commit_callbacks)
    batch = TrainingImport.objects.get()
    assert response.url == batch.get_absolute_url()
    assert batch.stage == "checked" and len(batch.good_rows) == 3 and not batch.bad_rows
    assert not TrainingRecord.objects.exists()  # checking writes nothing

    client.post(reverse("development:import_commit", args=[batch.pk]), {"mode": "all"})
    batch.refresh_from_db()
    assert batch.stage == "imported" and batch.imported_count == 3
    assert TrainingRecord.objects.filter(source="imported").count() == 3
    assert TrainingRecord.objects.get(person=numbered, title="Radiation protection").hours == 1.5

    upload(client, good_csv(numbered, manager).encode(), capture=django_capture_on_commit_callbacks)
    again = TrainingImport.objects.latest("pk")
    assert len(again.bad_rows) == 3 and all("already imported" in r["errors"][0] for r in again.bad_rows)
    client.post(reverse("development:import_commit", args=[again.pk]), {"mode": "good"})
    assert TrainingRecord.objects.count() == 3


def test_bad_rows_are_each_reported_and_all_or_nothing_writes_nothing(
    numbered, manager, hr, django_capture_on_commit_callbacks
):
    content = (
        "course,date,email,hours\n"
        f"Laboratory safety,2026-03-04,{numbered.user.email},3\n"
        "Laboratory safety,2026-03-04,nobody@icr.ac.uk,3\n"
        f"Laboratory safety,2026-13-45,{manager.user.email},3\n"
        f"Laboratory safety,2026-03-04,{numbered.user.email},3\n"
        f"Fire warden,2026-03-05,{manager.user.email},-1\n"
    )
    client = client_for(hr)
    upload(client, content.encode(), capture=django_capture_on_commit_callbacks)
    batch = TrainingImport.objects.get()
    problems = {row["row"]: " ".join(row["errors"]) for row in batch.bad_rows}
    assert set(problems) == {3, 4, 5, 6}
    assert "Unknown person" in problems[3]
    assert "Bad date" in problems[4]
    assert "Duplicate" in problems[5]
    assert "Bad hours" in problems[6]
    page = client.get(batch.get_absolute_url()).content.decode()
    assert "nobody@icr.ac.uk" in page and "Unknown person" in page

    response = client.post(reverse("development:import_commit", args=[batch.pk]), {"mode": "all"}, follow=True)
    assert "4 rows have problems, so nothing was imported" in response.content.decode()
    batch.refresh_from_db()
    assert batch.stage == "checked" and not TrainingRecord.objects.exists()

    client.post(reverse("development:import_commit", args=[batch.pk]), {"mode": "good"})
    assert list(TrainingRecord.objects.values_list("person", "title")) == [(numbered.pk, "Laboratory safety")]


def test_xlsx_file_with_real_dates_is_checked(numbered, hr, django_capture_on_commit_callbacks):
    from datetime import datetime

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Course", "Date", "Staff number", "Hours"])
    sheet.append(["Good clinical practice", datetime(2026, 2, 3), "s00042", 6])
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload(client_for(hr), buffer.getvalue(), name="gcp.xlsx", capture=django_capture_on_commit_callbacks)
    batch = TrainingImport.objects.get()
    assert batch.good_rows == [
        {
            "row": 2,
            "person_id": numbered.pk,
            "person": str(numbered),
            "course": "Good clinical practice",
            "date": "2026-02-03",
            "hours": "6",
            "errors": [],
        }
    ]


def test_file_without_the_needed_columns_fails_with_a_message(hr, django_capture_on_commit_callbacks):
    upload(client_for(hr), b"name,when\nx,y\n", capture=django_capture_on_commit_callbacks)
    batch = TrainingImport.objects.get()
    assert batch.status == "failed" and "Missing columns: course, date, hours, email or staff_number" in batch.error


def test_people_of_another_institution_are_unknown(outsider, hr, django_capture_on_commit_callbacks):
    content = f"course,date,email,hours\nSafety,2026-03-04,{outsider.user.email},3\n"
    upload(client_for(hr), content.encode(), capture=django_capture_on_commit_callbacks)
    assert "Unknown person" in TrainingImport.objects.get().bad_rows[0]["errors"][0]


def test_progress_partial_polls_while_checking_and_stops_when_done(hr, institution):
    batch = TrainingImport.objects.create(
        institution=institution, original_name="a.csv", file="x.csv", total_rows=200, checked_rows=50
    )
    response = client_for(hr).get(batch.get_absolute_url(), HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert 'hx-trigger="every 1s"' in page and "50 of 200" in page and "<html" not in page
    batch.status, batch.stage = "done", "checked"
    batch.save()
    assert 'hx-trigger="every 1s"' not in client_for(hr).get(batch.get_absolute_url()).content.decode()


def test_imports_are_for_hr_and_programme_managers_and_hidden_from_other_institutions(
    technician, hr, institution, outsider
):
    batch = TrainingImport.objects.create(institution=institution, original_name="a.csv", file="x.csv")
    assert client_for(technician).get(reverse("development:import_upload")).status_code == 403
    assert client_for(technician).get(batch.get_absolute_url()).status_code == 403
    assert client_for(hr).get(batch.get_absolute_url()).status_code == 200
    outsider.user.groups.add(Group.objects.get_or_create(name=roles.PROGRAMME_MANAGER)[0])
    _with_totp(outsider.user)  # programme managers sign in with a second factor
    assert client_for(outsider).get(batch.get_absolute_url()).status_code == 404
    assert (
        client_for(outsider).post(reverse("development:import_commit", args=[batch.pk]), {"mode": "good"}).status_code
        == 404
    )


def test_an_upload_whose_check_was_lost_is_checked_again_by_the_sweep(
    numbered, institution, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.core.files.base import ContentFile
    from django.utils import timezone
    from django_celery_beat.models import PeriodicTask

    from core.tasks import sweep_stuck_jobs

    content = f"course,date,email,hours\nSafety,2026-03-04,{numbered.user.email},3\n".encode()
    batch = TrainingImport(institution=institution, original_name="lost.csv")
    batch.file.save("lost.csv", ContentFile(content))
    recent = TrainingImport.objects.create(institution=institution, original_name="new.csv", file=batch.file.name)
    TrainingImport.objects.filter(pk=batch.pk).update(created_at=timezone.now() - timedelta(minutes=20))
    assert sweep_stuck_jobs()["resent"] == 1
    batch.refresh_from_db()
    recent.refresh_from_db()
    assert batch.stage == "checked" and batch.status == "done" and len(batch.good_rows) == 1
    assert recent.stage == "checking" and recent.status == "queued"  # young uploads are left to their own task
    assert PeriodicTask.objects.get(task="core.tasks.sweep_stuck_jobs").crontab.minute == "*/10"
    assert not PeriodicTask.objects.filter(task="development.tasks.requeue_stalled_imports").exists()


def test_rows_imported_by_someone_else_since_the_check_are_skipped_and_not_counted(
    numbered, manager, hr, django_capture_on_commit_callbacks
):
    from datetime import date

    client = client_for(hr)
    upload(client, good_csv(numbered, manager).encode(), capture=django_capture_on_commit_callbacks)
    batch = TrainingImport.objects.get()
    TrainingRecord.objects.create(
        person=numbered, source="imported", title="Laboratory safety", date=date(2026, 3, 4), hours=3,
        activity_type="course", delivery="internal", cpd_category="formal",
    )  # fmt: skip
    client.post(reverse("development:import_commit", args=[batch.pk]), {"mode": "all"})
    batch.refresh_from_db()
    assert batch.imported_count == 2 and TrainingRecord.objects.count() == 3
