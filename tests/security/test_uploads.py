"""Issue 16, problem 2: uploads are bounded before they are read."""

import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from core import uploads
from development.models import TrainingImport
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

ROW = (
    b'<row><c t="inlineStr"><is><t>Laboratory safety</t></is></c>'
    b'<c t="inlineStr"><is><t>2026-03-04</t></is></c><c t="inlineStr"><is><t>a@icr.ac.uk</t></is></c></row>'
)


def zip_bomb(rows=110_000):
    """A real workbook whose sheet is rewritten as `rows` identical rows: ~14 MB of XML in ~60 kB."""
    book = openpyxl.Workbook()
    book.active.append(["course", "date", "email", "hours"])
    plain = io.BytesIO()
    book.save(plain)
    bomb = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for item in source.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                out.writestr(item, source.read(item))
                continue
            with out.open(item.filename, "w") as sheet:
                sheet.write(
                    b'<?xml version="1.0" encoding="UTF-8"?><worksheet '
                    b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                )
                for _ in range(rows // 1000):
                    sheet.write(ROW * 1000)
                sheet.write(b"</sheetData></worksheet>")
    return bomb.getvalue()


def _upload(client, content, name, capture):
    with capture(execute=True):
        return client.post(reverse("development:import_upload"), {"file": SimpleUploadedFile(name, content)})


def test_a_zip_bomb_is_refused_from_the_archive_directory_before_it_is_parsed(
    hr, django_capture_on_commit_callbacks, monkeypatch
):
    content = zip_bomb()
    assert len(content) < 200_000
    parsed = []
    monkeypatch.setattr("openpyxl.load_workbook", lambda *a, **k: parsed.append(1))  # must never be reached
    _upload(client_for(hr), content, "attendance.xlsx", django_capture_on_commit_callbacks)
    batch = TrainingImport.objects.get()
    assert batch.status == TrainingImport.Status.FAILED
    assert "expands to far more than its size" in batch.error
    assert parsed == []


def test_a_workbook_too_large_uncompressed_is_refused(monkeypatch):
    monkeypatch.setattr(uploads, "XLSX_MAX_MEMBER_BYTES", 1024 * 1024)
    monkeypatch.setattr(uploads, "XLSX_MAX_RATIO", 10**9)
    with pytest.raises(uploads.UploadRefused, match="too large when uncompressed"):
        uploads.check_xlsx_archive(io.BytesIO(zip_bomb(rows=20_000)))


def test_rows_are_streamed_and_the_cap_applies_while_reading():
    book = openpyxl.Workbook()
    for number in range(60):
        book.active.append([f"row {number}"])
    content = io.BytesIO()
    book.save(content)
    content.seek(0)
    read = []
    with pytest.raises(uploads.TooManyRows):
        for row in uploads.xlsx_rows(content, max_rows=10):
            read.append(row)
    assert len(read) == 11  # the header and ten rows; the eleventh data row stopped the reading


def test_an_over_long_csv_stops_at_the_cap(hr, django_capture_on_commit_callbacks, monkeypatch):
    monkeypatch.setattr("development.services.imports.IMPORT_MAX_ROWS", 5)
    content = ("course,date,email,hours\n" + "Safety,2026-03-04,a@icr.ac.uk,1\n" * 6).encode()
    _upload(client_for(hr), content, "attendance.csv", django_capture_on_commit_callbacks)
    assert TrainingImport.objects.get().error == "More than 5 rows; split the file."


def test_a_csv_that_is_not_utf8_is_refused_with_how_to_fix_it(hr, django_capture_on_commit_callbacks):
    content = "course,date,email,hours\nSécurité,2026-03-04,a@icr.ac.uk,1\n".encode("cp1252")
    _upload(client_for(hr), content, "attendance.csv", django_capture_on_commit_callbacks)
    batch = TrainingImport.objects.get()
    assert batch.status == TrainingImport.Status.FAILED
    assert "Save As › CSV UTF-8" in batch.error


def test_a_request_larger_than_the_cap_is_refused_from_its_length_before_it_is_read(technician, settings):
    settings.MAX_REQUEST_SIZE = 1024 * 1024
    client = client_for(technician)
    body = b"x" * (2 * 1024 * 1024)
    response = client.generic(
        "POST", reverse("development:record_create"), body, content_type="application/octet-stream"
    )
    assert response.status_code == 413
    assert "too large" in response.content.decode()


def test_the_default_request_cap_refuses_a_50_mb_evidence_file_unread(technician):
    client = Client()
    client.force_login(technician.user)
    response = client.generic(
        "POST",
        reverse("development:record_create"),
        b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(50 * 1024 * 1024),
    )
    assert response.status_code == 413
