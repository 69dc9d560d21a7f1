"""Apprenticeships (1C, 4C): existing staff studying through the levy, each intake's outcomes and
the completers in SO or equivalent roles within three months, from `apprenticeships.selectors`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from apprenticeships import selectors as apprenticeships
from core import disclosure

from ..catalogue import Chart, ReportFilters, Result, Row, Series, Table, report

OUTCOME_COLUMNS = ["Started", "Active", "Withdrawn", "Completed", "Did not complete", "In an SO role within 3 months"]


class ApprenticeshipFilters(ReportFilters):
    on = forms.DateField(
        label="As on",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Levy-funded study and completions are counted on this day. Empty: today.",
    )


@report(
    key="apprenticeships",
    title="Apprenticeships",
    actions="1C, 4C",
    description="Existing staff studying through the apprenticeship levy, each intake's outcomes, and "
    "apprentices in SO or equivalent roles within three months of completing.",
    permission="apprenticeships.see_all",
    filters=ApprenticeshipFilters,
    order=40,
)
def apprenticeship_outcomes(*, institution: Any, filters: dict[str, Any]) -> Result:
    on = filters.get("on") or timezone.localdate()
    outcomes = apprenticeships.outcomes_by_intake(institution, today=on)
    levy = apprenticeships.levy_in_progress(institution, on)
    since = apprenticeships.first_start(institution)
    so = apprenticeships.so_roles_within_3_months(institution, on, since=since)
    intakes = Table(
        caption="Outcomes by intake",
        group="Intake",
        columns=OUTCOME_COLUMNS,
        rows=[
            Row(
                str(o.intake),
                [o.started, o.active, o.withdrawn, o.completed, o.not_completed, o.so_within_3_months],
            )
            for o in outcomes
        ],
    )
    measures = Table(
        caption=f"On {on:%-d %B %Y}",
        group="Measure",
        columns=["Figure"],
        rows=[
            Row("Existing staff studying through the levy (1C)", [disclosure.count(levy.people)]),
            Row("Of them on a break in learning", [disclosure.count(levy.on_break)]),
            Row("Successful completions at least 3 months ago", [disclosure.count(so.completed)]),
            Row(
                "Of them in an SO or equivalent role within 3 months (4C)",
                [disclosure.percentage(so.in_so_role, so.completed)],
            ),
        ],
    )
    chart = Chart(
        kind="bar",
        description="Bar chart: apprentices started, completed and withdrawn, by intake.",
        labels=[str(o.intake) for o in outcomes],
        series=[
            Series("Started", [o.started for o in outcomes]),
            Series("Completed", [o.completed for o in outcomes]),
            Series("Withdrawn", [o.withdrawn for o in outcomes]),
        ],
        table=intakes.caption,
        axis="apprentices (rounded to 5)",
    )
    return Result(
        title=f"Apprenticeships on {on:%-d %B %Y}",
        summary=(
            "Levy-funded study of existing staff on the day, each intake's apprentices by outcome, and the share of "
            "successful completers (at least three months ago) in an SO or equivalent role within three months."
        ),
        tables=[measures, intakes],
        chart=chart,
    )
