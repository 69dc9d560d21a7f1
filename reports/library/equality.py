"""Equality across the development pipeline (R04): who is eligible and who reaches each stage of one
source (programmes, development days, the exchange, promotions, registration, apprenticeships), by
job family, grade, division or a characteristic the institution asks about. The figures are
`equality.selectors.pipeline_report`'s, already disclosed; the full page with its explanations is
`/equality/report/`."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils import timezone

from equality import selectors as equality
from equality.sources import SOURCES

from ..catalogue import Chart, ReportFilters, Result, Row, Series, Table, report


class PipelineFilters(ReportFilters):
    source = forms.ChoiceField(
        label="Stage of the pipeline",
        required=False,
        choices=[("", "Programmes")] + [(s.key, s.label) for s in SOURCES.values() if s.key != "programmes"],
    )
    breakdown = forms.ChoiceField(label="Break down by", required=False)
    months = forms.TypedChoiceField(
        label="Period",
        coerce=int,
        required=False,
        empty_value=None,
        choices=[("", "The last 12 months"), (6, "The last 6 months"), (24, "The last 2 years")],
        help_text="Counted back from the day the report is made, so a saved schedule sends the newest period.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offered = equality.breakdowns(equality.settings_for(self.institution))
        self.fields["breakdown"].choices = [("", offered[0][1])] + offered[1:]
        self.default_breakdown = offered[0][0]


@report(
    key="equality-pipeline",
    title="Equality across the development pipeline",
    actions="R04",
    description="Who is eligible and who reaches each stage of programmes, development days, the exchange, "
    "promotions, registration and apprenticeships, by job family, grade, division or a declared characteristic, "
    "as rates of the eligible.",
    permission="equality.see_pipeline",
    filters=PipelineFilters,
    order=70,
)
def equality_pipeline(*, institution: Any, filters: dict[str, Any]) -> Result:
    today = timezone.localdate()
    months = filters.get("months") or 12
    start: date = today - timedelta(days=round(months * 365 / 12))
    source = filters.get("source") or "programmes"
    breakdown = filters.get("breakdown") or equality.breakdowns(equality.settings_for(institution))[0][0]
    data = equality.pipeline_report(institution=institution, source=source, start=start, end=today, breakdown=breakdown)
    columns = ["Eligible"]
    for _, label in data.stages:
        columns += [label, f"{label}: % of eligible"]
    table = Table(
        caption=f"{data.source.label} by {data.breakdown_label.lower()}, {start:%-d %b %Y} to {today:%-d %b %Y}",
        group=data.breakdown_label,
        columns=columns,
        rows=[
            Row(row.label, [row.eligible, *(figure for cell in row.cells for figure in cell)])
            for row in [*data.rows, data.total]
        ],
    )
    chart = Chart(
        kind="bar",
        description=f"Bar chart: for each {data.breakdown_label.lower()}, the share of its eligible people who "
        f"reached each stage of {data.source.label.lower()}.",
        labels=[row.label for row in data.rows],
        series=[
            Series(f"{label} (% of eligible)", [row.cells[i][1] for row in data.rows])
            for i, (_, label) in enumerate(data.stages)
        ],  # fmt: skip
        table=table.caption,
        axis="% of eligible",
    )
    return Result(
        title=f"Equality in {data.source.label.lower()}",
        summary=f"Eligible: {data.source.eligible}. Each rate is of the group's eligible people; job family, "
        "grade and division are today's.",
        tables=[table],
        chart=chart,
    )
