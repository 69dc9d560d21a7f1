"""Every CSV and XLSX the portal writes goes through here, so no cell can run as a formula.

A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (and, in some, a tab, a NUL or a
carriage return) as a formula: a training title "=HYPERLINK(...)" typed by one person would
run on the computer of the administrator who opens the export. Imports keep text as given;
exports always escape it: such a text cell gets a leading apostrophe, which every
spreadsheet shows as the text it was. Numbers, dates and booleans are written as they are.

    return csv_response(rows, filename="my-training-records.csv")      # streamed, header first
    sheet = new_sheet(book, "Training");  append_row(sheet, values)     # openpyxl
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

from django.http import StreamingHttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")


def safe_cell(value: Any) -> Any:
    """The value to write in a cell: text that a spreadsheet would run gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in values]


def csv_lines(rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """Yield one CSV line per row, every cell neutralised; reads `rows` lazily (stream big exports)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        buffer.seek(0)
        buffer.truncate(0)
        writer.writerow(["" if value is None else value for value in safe_row(row)])
        yield buffer.getvalue()


def csv_bytes(rows: Iterable[Iterable[Any]]) -> bytes:
    """The whole CSV file (for a file a job saves), with a BOM so Excel reads accents right."""
    return "".join(csv_lines(rows)).encode("utf-8-sig")


def csv_response(rows: Iterable[Iterable[Any]], *, filename: str) -> StreamingHttpResponse:
    """A streamed CSV download of `rows` (the header is the first row)."""
    response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def append_row(sheet: Any, values: Iterable[Any]) -> None:
    """`sheet.append(values)` for openpyxl, every text cell neutralised and kept as text.

    openpyxl itself stores a string that starts with "=" as a formula; the apostrophe stops it.
    """
    sheet.append(safe_row(values))


XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_CHUNK = 64 * 1024


def xlsx_response(rows: Iterable[Iterable[Any]], *, filename: str, title: str = "Sheet1") -> StreamingHttpResponse:
    """A streamed XLSX download of `rows`, every text cell neutralised.

    openpyxl's write-only workbook writes each row to a temporary file as it is read (memory stays
    flat however long the report), and the finished file is streamed out in chunks.
    """
    import tempfile

    from openpyxl import Workbook

    def chunks() -> Iterator[bytes]:
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title[:31] or "Sheet1")
        for row in rows:
            append_row(sheet, row)
        with tempfile.TemporaryFile() as handle:
            workbook.save(handle)
            handle.seek(0)
            while chunk := handle.read(XLSX_CHUNK):
                yield chunk

    response = StreamingHttpResponse(chunks(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
