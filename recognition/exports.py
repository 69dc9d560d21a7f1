"""CSV and XLSX downloads: the annual report (figures as shown, already suppressed) and the
outputs a viewer may see. Every cell goes through `core.exports`."""

import io
from collections.abc import Iterable, Iterator
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook

from core.exports import append_row, csv_response

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def output_rows(outputs: Iterable[Any]) -> Iterator[list[Any]]:
    yield ["Person", "Division", "Kind", "Title", "Part", "CRediT roles", "DOI", "Other identifier", "Date", "Projects"]
    for output in outputs:
        yield [
            str(output.person),
            str(output.person.division or ""),
            output.get_kind_display(),
            output.title,
            output.get_part_display(),
            "; ".join(output.credit_role_labels),
            output.doi,
            output.other_identifier,
            output.published_on,
            "; ".join(p.name for p in output.projects.all()),
        ]


def csv_download(rows: Iterable[Iterable[Any]], *, filename: str):
    return csv_response(rows, filename=filename)


def xlsx_download(rows: Iterable[Iterable[Any]], *, filename: str, title: str) -> HttpResponse:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    for row in rows:
        append_row(sheet, row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
