"""The CPD audit pack: a 12-month record with evidence, as a PDF a licensed body could sample.

Built from a `selectors.CpdRecord` (already loaded: no query here). It lists every activity of
the 12 months with its category, hours, reflection and evidence, the year's statements of
benefit and plan, the verdict against the standard and, in words, what is missing.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from .selectors import CpdRecord

STANDARD_NAMES = {
    "science": "the Science Council's CPD standards",
    "engineering": "the Engineering Council's CPD code",
}


def _p(text: str) -> str:
    return escape(text or "").replace("\n", "<br/>")


def audit_pack_pdf(record: CpdRecord) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    body = styles["BodyText"]
    small = body.clone("small", fontSize=8, leading=10)
    person = record.person
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, title=f"CPD audit pack: {person}"
    )
    held = ", ".join(
        f"{h.code} (no. {h.number or 'not recorded'}, since {h.registered_on:%d %b %Y})"
        for h in record.held
        if h.registered_on
    )
    story = [
        Paragraph(_p(f"CPD audit pack: {person}"), styles["Title"]),
        Paragraph(_p(f"{person.institution}. Record from {record.start:%d %b %Y} to {record.end:%d %b %Y}."), body),
        Paragraph(_p(f"Registrations held: {held or 'none yet'}."), body),
        Paragraph(_p(f"Checked against {STANDARD_NAMES[record.standard]}: {record.verdict.summary}"), body),
    ]
    for line in record.verdict.missing:
        story.append(Paragraph(_p(f"Missing: {line}"), body))
    story.append(Spacer(1, 4 * mm))
    story.append(Paragraph("Hours by category", styles["Heading2"]))
    story.append(Paragraph(_p("; ".join(f"{label}: {hours} h" for label, hours in record.hours_by_category)), body))
    story.append(Paragraph("Activities", styles["Heading2"]))
    data = [["Date", "Activity", "Category", "Hours", "Reflection", "Evidence"]]
    for r in record.records:
        data.append(
            [
                f"{r.date:%d %b %Y}",
                Paragraph(_p(f"{r.title}" + (f" ({r.provider})" if r.provider else "")), small),
                Paragraph(_p(r.get_cpd_category_display()), small),
                str(r.hours),
                Paragraph(_p(r.reflection or "No reflection recorded."), small),
                Paragraph(_p(r.evidence_type or ("Certificate on file" if r.evidence else "None")), small),
            ]
        )
    if len(data) == 1:
        data.append(["", Paragraph("No activities recorded in these 12 months.", small), "", "", "", ""])
    table = Table(data, colWidths=[20 * mm, 42 * mm, 26 * mm, 12 * mm, 55 * mm, 25 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde5f0")),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story.append(table)
    declaration = record.declaration
    story.append(Paragraph(f"Statements for {record.end.year}", styles["Heading2"]))
    for label, text in (
        ("Benefit to my practice", getattr(declaration, "benefit_to_practice", "")),
        ("Benefit to the users of my work", getattr(declaration, "benefit_to_users", "")),
        ("Plan for next year", getattr(declaration, "plan", "")),
    ):
        story.append(Paragraph(f"<b>{label}</b>", body))
        story.append(Paragraph(_p(text or "Not written yet."), body))
    declared_on = getattr(declaration, "declared_on", None)
    story.append(Spacer(1, 4 * mm))
    story.append(
        Paragraph(
            _p(
                f"Declared on {declared_on:%d %b %Y}."
                if declared_on
                else f"The {record.end.year} CPD is not declared yet."
            ),
            body,
        )
    )
    doc.build(story)
    return out.getvalue()
