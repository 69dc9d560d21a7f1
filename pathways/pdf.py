"""The personal development plan as a PDF for the appraisal (reportlab, no query of its own
beyond the goals and history handed in)."""

from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from core.text import number

STATES = {"": "new", "draft": "draft", "submitted": "sent to the line manager", "agreed": "agreed"}


def plan_pdf(plan, goals, history, training=()) -> bytes:
    """The plan, its goals and progress, its record (who moved it when) and the year's training."""
    styles = getSampleStyleSheet()
    buffer = BytesIO()
    person = plan.person
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"Personal development plan {plan.year}",
        author=person.user.get_full_name(),
    )
    small = styles["BodyText"].clone("small", fontSize=9, leading=11)
    story = [
        Paragraph(f"Personal development plan {plan.year}", styles["Title"]),
        Paragraph(
            escape(
                f"{person.user.get_full_name()}, {person.grade or 'grade not recorded'}"
                f"{', ' + person.job_title if person.job_title else ''}"
            ),
            styles["Heading3"],
        ),
        Paragraph(escape(_status(plan)), styles["BodyText"]),
        Spacer(1, 6 * mm),
        Paragraph("Goals and progress", styles["Heading2"]),
    ]
    rows = [
        [
            Paragraph("<b>Goal</b>", small),
            Paragraph("<b>Linked to</b>", small),
            Paragraph("<b>By</b>", small),
            Paragraph("<b>Progress</b>", small),
        ]
    ]
    for goal in goals:
        linked = goal.get_link_display() if goal.link else "—"
        if goal.reference_label:
            linked += f": {goal.reference_label}"
        elif goal.capability:
            linked += f": {goal.capability.name}"
        progress = goal.get_progress_display()
        if goal.progress_note:
            progress += f": {goal.progress_note}"
        if goal.progress_on:
            progress += f" (marked {goal.progress_on:%d %b %Y})"
        rows.append(
            [
                Paragraph(escape(goal.title), small),
                Paragraph(escape(linked), small),
                Paragraph(f"{goal.due_on:%d %b %Y}" if goal.due_on else "—", small),
                Paragraph(escape(progress), small),
            ]
        )
    table = Table(rows, colWidths=[62 * mm, 42 * mm, 22 * mm, 48 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef7")),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa5b1")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story += [table, Spacer(1, 6 * mm), Paragraph("The year's record", styles["Heading2"])]
    for moved in history:
        who = moved.by.get_full_name() if moved.by else "the portal"
        before, after = STATES.get(moved.from_state, moved.from_state), STATES.get(moved.to_state, moved.to_state)
        text = f"{moved.at:%d %B %Y}: {before} → {after}, by {who}"
        if moved.reason:
            text += f" ({moved.reason})"
        story.append(Paragraph(escape(text), small))
    story += [Spacer(1, 6 * mm), Paragraph(f"Training recorded in {plan.year}", styles["Heading2"])]
    for record in training:
        amount = f"{number(record.days)} days" if record.days else f"{number(record.hours)} hours"
        story.append(Paragraph(escape(f"{record.date:%d %b %Y}: {record.title} ({amount})"), small))
    if not training:
        story.append(Paragraph("No training recorded this year yet.", small))
    doc.build(story)
    return buffer.getvalue()


def _status(plan) -> str:
    if plan.agreed_by and plan.agreed_at and plan.state == "agreed":
        return f"Agreed by {plan.agreed_by.get_full_name()} on {plan.agreed_at:%d %B %Y}."
    return f"Status: {plan.get_state_display()}."
