"""core.uploads.open_table: one streaming reader for every import, formula cells neutralised."""

import io
import tracemalloc

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core import uploads
from development import services
from development.models import TrainingImport


def _csv(text):
    return io.BytesIO(text.encode())


def test_formula_cells_are_neutralised_and_named_and_numbers_are_not_formulas():
    content = "Name,Hours,Note\n=1+1,-3,plain\n@SUM(A1),-2.5,+44 20 7352 8133\n,,\nAda,4,-minus\n"
    with uploads.open_table(_csv(content), "a.csv", max_rows=10) as table:
        assert table.headers == ["name", "hours", "note"]
        rows = list(table.rows())
    assert [row.number for row in rows] == [2, 3, 5]  # the blank row 4 is skipped
    assert rows[0].values == {"name": "'=1+1", "hours": "-3", "note": "plain"} and rows[0].formulas == ("name",)
    assert rows[1].formulas == ("name", "note") and rows[1].values["note"] == "'+44 20 7352 8133"
    assert rows[2].formulas == ("note",) and rows[2].values["name"] == "Ada"


def test_an_xlsx_formula_is_read_as_its_formula_not_its_cached_result():
    workbook = openpyxl.Workbook()
    workbook.active.append(["Course", "Hours"])
    workbook.active.append(['=HYPERLINK("http://evil.example","Safety")', "=2+1"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    with uploads.open_table(buffer, "a.xlsx", max_rows=10) as table:
        (row,) = table.rows()
    assert row.formulas == ("course", "hours") and row.values["hours"] == "'=2+1"


def test_reading_streams_in_bounded_memory():
    """Fifty thousand rows pass through while the reader holds only the row being read."""
    content = _csv("a,b,c\n" + "".join(f"S{n:06d},Person {n},person{n}@icr.ac.uk\n" for n in range(50_000)))
    tracemalloc.start()
    try:
        with uploads.open_table(content, "big.csv", max_rows=60_000) as table:
            count = sum(1 for _row in table.rows())
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 50_000
    assert peak < 512 * 1024, f"peak {peak} bytes"  # a list of the rows alone would be ~20 MB


def test_the_row_cap_stops_reading_at_the_first_row_past_it():
    with pytest.raises(uploads.TooManyRows), uploads.open_table(_csv("a\n1\n2\n3\n"), "a.csv", max_rows=2) as table:
        list(table.rows())


@pytest.mark.django_db
def test_the_training_import_refuses_a_formula_cell(technician, hr, django_capture_on_commit_callbacks):
    content = f'course,date,email,hours\n=HYPERLINK("x"),2026-03-04,{technician.user.email},3\n'.encode()
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.training_import_start(
            institution=technician.institution, by=hr.user, upload=SimpleUploadedFile("a.csv", content)
        )
    batch = TrainingImport.objects.get(pk=batch.pk)
    (row,) = batch.bad_rows
    assert row["course"].startswith("'=HYPERLINK") and "Formula cell in course" in row["errors"][0]
