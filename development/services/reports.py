"""The training report's spreadsheet, built by a worker as a `core.jobs.Job`."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from openpyxl import Workbook

from core import disclosure
from core.exports import append_row
from people.models import Institution

from .. import selectors
from ..models import ReportExport


def report_export_start(*, institution: Institution, by: Any, year: int, margin: int | None = None) -> ReportExport:
    """Record the request for a spreadsheet and queue its building once the row is committed."""
    with transaction.atomic():
        export = ReportExport.objects.create(institution=institution, requested_by=by, year=year, margin=margin)
        export.enqueue()
    return export


def report_export_build(*, export: ReportExport) -> ReportExport:
    """Build the XLSX file of the training report (figures as they may be shown) and attach it.

    Run by the job's worker (the export is claimed and RUNNING); the job marks it done.
    """
    report = selectors.training_report(export.institution, export.year, margin=export.margin)
    export.set_progress(50)
    header, rows = selectors.report_table(report)
    workbook = Workbook()
    sheet: Any = workbook.active
    sheet.title = f"Training {report.label}".replace("/", "-")
    append_row(sheet, [f"Training per head, {report.institution} {report.label}"])
    append_row(sheet, [disclosure.RULES_IN_WORDS])
    append_row(sheet, header)
    for row in rows:
        append_row(sheet, [float(value) if isinstance(value, Decimal) else value for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with transaction.atomic():
        export.file.save(f"training-report-{export.year}.xlsx", ContentFile(buffer.getvalue()), save=False)
        export.save(update_fields=["file"])
    return export
