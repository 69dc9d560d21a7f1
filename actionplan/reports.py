"""The success-measure report and the Technician Commitment submission, as PDF, XLSX and CSV.

Every file is built from the same rows (`measure_rows`), which read each measure's value from
`selectors.measure_values`, the one source the dashboard, the item page and the summary read
too, so the files and the pages always agree for the same day.
"""

import io
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from core.exports import append_row, csv_bytes
from core.text import number

from . import selectors
from .measures import STATUS_LABELS
from .models import ActionItem, Aim, ProgressUpdate, ReportRun

MEASURE_COLUMNS = [
    "Pillar",
    "Action",
    "Success measure",
    "Target",
    "Unit",
    "Value",
    "Status",
    "Figures",
    "How it was computed",
    "Value as of",
]


def update_evidence(update):
    """The update's evidence link, or the portal address of its (permission-checked) file."""
    if update.evidence_link:
        return update.evidence_link
    if update.evidence_file:
        path = reverse("actionplan:update_evidence", args=[update.pk])
        return settings.PORTAL_BASE_URL.rstrip("/") + path
    return ""


@dataclass
class MeasureRow:
    pillar: str
    code: str
    wording: str
    target: str
    unit: str
    value: str
    status: str
    detail: str
    how: str
    as_of: str
    evidence: str

    def cells(self):
        return [
            self.pillar,
            self.code,
            self.wording,
            self.target,
            self.unit,
            self.value,
            self.status,
            self.detail,
            self.how,
            self.as_of,
        ]


def _row(measure, *, value, status, detail, how, as_of):
    return MeasureRow(
        pillar=measure.item.pillar.get_aim_display(),
        code=measure.item.code,
        wording=measure.wording,
        target=number(measure.target),
        unit=measure.unit,
        value=number(value),
        status=STATUS_LABELS.get(status, status),
        detail=detail,
        how=how,
        as_of=f"{as_of:%Y-%m-%d}" if as_of else "",
        evidence=" ".join(filter(None, [measure.evidence_note, measure.evidence_link])),
    )


def measure_rows(plan, *, on, start=None, end=None):
    """One row per measure: its value on the day `on` (what every page shows that day), and how.

    `start`/`end` count each measure over that range instead of its own window (a quarter).
    Reports leave the plan's owners, so staff figures are as they may be published
    (`Evaluation.public_value`, core.disclosure).
    """
    rows = []
    for measure in selectors.measure_values(plan=plan, on=on, start=start, end=end):
        current = measure.current
        rows.append(
            _row(
                measure,
                value=current.public_value,
                status=current.status,
                detail=current.public_detail,
                how=current.how,
                as_of=current.as_of,
            )
        )
    return rows


def covers_the_plan_to_date(run, today):
    return run.start <= run.plan.start and run.end >= min(today, run.plan.end)


def build(run, on_progress=lambda p: None):
    """Return (ContentFile, filename) for the run.

    Each measure's value is the one the pages show for the run's last day (or today, if that
    is still to come). A report of the whole plan to date counts each measure over its own
    window, as the dashboard does; a report of a narrower range counts it over that range
    instead (e.g. what happened in one quarter). Nothing is written but the file.
    """
    today = timezone.localdate()
    on = min(run.end, today)
    on_progress(20)
    if covers_the_plan_to_date(run, today):
        rows = measure_rows(run.plan, on=on)
    else:
        rows = measure_rows(run.plan, on=on, start=run.start, end=run.end)
    on_progress(60)
    stamp = f"{run.plan.institution.short_name}-action-plan-{run.start:%Y%m%d}-{run.end:%Y%m%d}"
    if run.format == ReportRun.Format.CSV:
        content, name = _csv(run, rows), f"{stamp}.csv"
    elif run.format == ReportRun.Format.XLSX:
        content, name = _xlsx(run, rows), f"{stamp}.xlsx"
    elif run.format == ReportRun.Format.PDF:
        content, name = _pdf(run, rows), f"{stamp}.pdf"
    else:
        content, name = _submission_xlsx(run, rows), f"{stamp}-tc-submission.xlsx"
    on_progress(95)
    return ContentFile(content), name


def _heading(run):
    generated = timezone.localtime()
    return [
        f"{run.plan.institution.name}: {run.plan.title}",
        f"Success measures from {run.start:%d %b %Y} to {run.end:%d %b %Y}; generated {generated:%d %b %Y %H:%M}.",
        "'How it was computed' says how each value was counted and over which dates, "
        "'Value as of' the day it refers to.",
    ]


def _csv(run, rows):
    lines = [[line] for line in _heading(run)]
    return csv_bytes([*lines, MEASURE_COLUMNS, *(row.cells() for row in rows)])


def _xlsx(run, rows):
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Success measures"
    for line in _heading(run):
        append_row(sheet, [line])
    append_row(sheet, MEASURE_COLUMNS)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for row in rows:
        cells = row.cells()
        # Numbers as numbers, so the sheet can chart and sum them.
        cells[3] = float(row.target) if row.target else None
        cells[5] = float(row.value) if row.value else None
        append_row(sheet, cells)
    for column, width in zip("ABCDEFGHIJ", (18, 8, 60, 8, 10, 8, 10, 40, 60, 12), strict=True):
        sheet.column_dimensions[column].width = width
    for line in sheet.iter_rows(min_row=5):
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    _updates_sheet(book, run)
    return _save(book)


def _updates_sheet(book, run):
    sheet = book.create_sheet("Progress updates")
    append_row(sheet, ["Action", "Date", "Status", "Progress", "Evidence", "Author"])
    updates = (
        ProgressUpdate.objects.filter(item__plan=run.plan, date__gte=run.start, date__lte=run.end)
        .select_related("item", "author")
        .order_by("item__position", "-date")
    )
    for update in updates:
        evidence = update_evidence(update)
        append_row(
            sheet,
            [
                update.item.code,
                update.date,
                update.get_status_display(),
                update.narrative,
                evidence,
                str(update.author),
            ],
        )


def _save(book):
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _pdf(run, rows):
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=7.5, leading=9)
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=landscape(A4), leftMargin=12 * mm, rightMargin=12 * mm, title=run.plan.title)
    story = [Paragraph(_heading(run)[0], styles["Title"])]
    story += [Paragraph(line, styles["BodyText"]) for line in _heading(run)[1:]]
    story.append(Spacer(1, 6 * mm))
    columns = ["Action", "Success measure", "Target", "Value", "Status", "How it was computed", "As of"]
    data = [columns]
    for row in rows:
        target = f"{row.target} {row.unit}".strip() if row.target else "—"
        value = f"{row.value} {row.unit}".strip() if row.value else "—"
        how = row.how + (f" ({row.detail})" if row.detail else "")
        data.append(
            [
                row.code,
                Paragraph(row.wording, small),
                target,
                value,
                row.status,
                Paragraph(how, small),
                row.as_of,
            ]
        )
    table = Table(data, colWidths=[14 * mm, 80 * mm, 22 * mm, 22 * mm, 18 * mm, 95 * mm, 20 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTSIZE", (0, 0), (-1, -1), 7.5),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde5f0")),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story.append(table)
    doc.build(story)
    return out.getvalue()


def submission_sections(plan, rows=None, *, on: date | None = None):
    """The plan arranged by the four TC aims: each item under every aim it serves.

    An item tagged with two aims appears under both, as the TC submission asks what was done
    for each aim; its measures and evidence come with it.
    """
    rows = rows if rows is not None else measure_rows(plan, on=on or timezone.localdate())
    by_code = {}
    for row in rows:
        by_code.setdefault(row.code, []).append(row)
    items = list(
        ActionItem.objects.filter(plan=plan)
        .select_related("pillar")
        .prefetch_related("aims", "owners", "mit_recommendations", "updates")
    )
    sections = []
    for aim, label in Aim.choices:
        entries = []
        for item in items:
            if aim not in {pillar.aim for pillar in item.aims.all()}:
                continue
            updates = list(item.updates.all())  # newest first (model ordering)
            evidence = [update_evidence(u) for u in updates if u.evidence_link or u.evidence_file]
            evidence += [row.evidence for row in by_code.get(item.code, []) if row.evidence]
            entries.append(
                {
                    "item": item,
                    "owners": ", ".join(owner.short_name for owner in item.owners.all()),
                    "mit": ", ".join(mit.code for mit in item.mit_recommendations.all()),
                    "latest": updates[0] if updates else None,
                    "measures": by_code.get(item.code, []),
                    "evidence": evidence,
                }
            )
        sections.append({"aim": aim, "label": label, "entries": entries})
    return sections


def _submission_xlsx(run, rows):
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    book.remove(book.active)
    for section in submission_sections(run.plan, rows):
        sheet = book.create_sheet(section["label"][:31])
        append_row(sheet, [f"{run.plan.title}: {section['label']}"])
        append_row(
            sheet, ["Action", "Title", "Owners", "MIT", "Status", "Latest progress", "Success measures", "Evidence"]
        )
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for entry in section["entries"]:
            item, latest = entry["item"], entry["latest"]
            measures = "\n".join(
                f"{m.wording} Target {m.target or '—'} {m.unit}; value {m.value or 'no data'} ({m.status}). "
                f"{m.detail.rstrip('.') + '. ' if m.detail else ''}{m.how}"
                for m in entry["measures"]
            )
            append_row(
                sheet,
                [
                    item.code,
                    item.title,
                    entry["owners"],
                    entry["mit"],
                    item.get_status_display(),
                    f"{latest.date:%d %b %Y}: {latest.narrative}" if latest else "",
                    measures,
                    "\n".join(entry["evidence"]),
                ],
            )
        for column, width in zip("ABCDEFGH", (8, 40, 20, 12, 12, 60, 70, 40), strict=True):
            sheet.column_dimensions[column].width = width
        for line in sheet.iter_rows(min_row=3):
            for cell in line:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    return _save(book)
