"""Promotions twice a year (2F): each round's applications, promotions and promotion rate, by job
family and by grade applied from, from `promotions.selectors.round_summary` (already disclosed)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from promotions import selectors as promotions

from ..catalogue import Chart, ReportFilters, Result, Row, Series, Table, report

COLUMNS = ["Applications", "Promoted", "Promotion rate"]


class PromotionFilters(ReportFilters):
    year = forms.TypedChoiceField(
        label="Year",
        coerce=int,
        required=False,
        empty_value=None,
        help_text="The rounds whose panel met in this year. Leave on the latest for a saved schedule.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "The latest year")] + [(y, str(y)) for y in years(self.institution)]


def years(institution: Any) -> list[int]:
    this = timezone.localdate().year
    first = min((d.year for d in promotions.rounds_of(institution).values_list("panel_on", flat=True)), default=this)
    return list(range(max(this, first), min(first, this) - 1, -1))


def _rows(rows: list[promotions.SummaryRow]) -> list[Row]:
    return [Row(r.label, [r.applications, r.promoted, r.rate]) for r in rows]


@report(
    key="promotions",
    title="Promotions twice a year",
    actions="2F",
    description="Each round of the year: applications that reached the panel, promotions and the promotion "
    "rate, by job family and by the grade applied from.",
    permission="promotions.run",
    filters=PromotionFilters,
    order=20,
)
def promotion_rounds(*, institution: Any, filters: dict[str, Any]) -> Result:
    year = filters.get("year") or years(institution)[0]
    rounds = list(promotions.rounds_of(institution).filter(panel_on__year=year).order_by("panel_on"))
    tables: list[Table] = []
    totals = []
    for round in rounds:
        summary = promotions.round_summary(round)
        totals.append((round, summary.total))
        tables.append(
            Table(
                caption=f"{round.name}: by job family",
                group="Job family",
                columns=COLUMNS,
                rows=[*_rows(summary.by_job_family), *_rows([summary.total])],
            )
        )
        tables.append(
            Table(
                caption=f"{round.name}: by grade applied from",
                group="Grade",
                columns=COLUMNS,
                rows=[*_rows(summary.by_grade), *_rows([summary.total])],
            )
        )
    overview = Table(
        caption=f"Rounds in {year}",
        group="Round",
        columns=COLUMNS,
        rows=[
            Row(f"{round.name} (panel {round.panel_on:%-d %b %Y})", [t.applications, t.promoted, t.rate])
            for round, t in totals
        ],
    )
    chart = Chart(
        kind="bar",
        description=f"Bar chart: applications and promotions in each promotion round of {year}.",
        labels=[round.name for round, _ in totals],
        series=[
            Series("Applications", [t.applications for _, t in totals]),
            Series("Promoted", [t.promoted for _, t in totals]),
        ],
        table=overview.caption,
        axis="people (rounded to 5)",
    )
    return Result(
        title=f"Promotions in {year}",
        summary=(
            f"{len(rounds)} promotion round{'s' if len(rounds) != 1 else ''} met in {year}. Applications count those "
            "that reached the panel; the rate is promoted of those decided."
            if rounds
            else f"No promotion round met in {year}."
        ),
        tables=[overview, *tables],
        chart=chart,
    )
