"""Leavers and alumni (4E): staff who left in the year by job family and grade, former staff on
record, and the leaver questionnaire's summary (`surveys.selectors.survey_results`, through
`core.disclosure`)."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from django import forms
from django.utils import timezone

from core import disclosure
from surveys import selectors as surveys

from .. import selectors
from ..catalogue import Chart, ReportFilters, Result, Row, Series, Table, report

YEARS = 5


class LeaverFilters(ReportFilters):
    year = forms.TypedChoiceField(
        label="Year",
        coerce=int,
        required=False,
        empty_value=None,
        help_text="Staff whose leaving date is in this calendar year. Leave on the latest for a saved schedule.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        this = timezone.localdate().year
        self.fields["year"].choices = [("", "This year")] + [(y, str(y)) for y in range(this, this - YEARS, -1)]


def _counted(counter: Counter[str]) -> list[Row]:
    names = sorted(counter, key=lambda name: (name == selectors.NOT_RECORDED, name))
    return [Row(name, [disclosure.count(counter[name])]) for name in names] + [
        Row("All", [disclosure.count(sum(counter.values()))])
    ]


@report(
    key="leavers",
    title="Leavers and alumni",
    actions="4E",
    description="Staff who left in the year by job family and grade, former staff on record, and the summary of "
    "the leaver questionnaire (reasons for leaving, where people go next), for the careers event.",
    permission="surveys.run_surveys",
    filters=LeaverFilters,
    order=60,
)
def leavers(*, institution: Any, filters: dict[str, Any]) -> Result:
    year = filters.get("year") or timezone.localdate().year
    families, grades = selectors.leavers(institution, date(year, 1, 1), date(year, 12, 31))
    former = selectors.alumni(institution, min(date(year, 12, 31), timezone.localdate()))
    by_family = Table(
        caption=f"Leavers in {year}, by job family", group="Job family", columns=["Leavers"], rows=_counted(families)
    )
    tables = [
        by_family,
        Table(caption=f"Leavers in {year}, by grade", group="Grade", columns=["Leavers"], rows=_counted(grades)),
        Table(
            caption="Former staff on record (alumni), by job family",
            group="Job family",
            columns=["Former staff"],
            rows=_counted(former),
        ),
    ]
    notes = []
    for survey in surveys.leaver_surveys(institution)[:1]:
        results = surveys.survey_results(survey)
        tables.append(
            Table(
                caption=f"{survey.title}: responses",
                group="Figure",
                columns=["Value"],
                rows=[
                    Row("People invited", [results.invited]),
                    Row("Responses", [results.responded]),
                    Row("Response rate", [results.rate]),
                ],
            )
        )
        if results.suppressed:
            notes.append(f"{survey.title}: 7 responses or fewer so far, so its answers are not shown.")
        for question in results.questions:
            if not question.rows:
                continue
            rows = [Row(label, [people, share]) for label, people, share in question.rows]
            if question.mean is not None:
                scale = "1 = strongly disagree, 5 = strongly agree"
                notes.append(f"{question.question.text} Mean answer ({scale}): {question.mean.shown}.")
            tables.append(
                Table(
                    caption=question.question.text,
                    group="Answer",
                    columns=["People", "Share of those answering"],
                    rows=rows,
                )
            )
    chart = Chart(
        kind="bar",
        description=f"Bar chart: staff who left in {year}, by job family.",
        labels=[row.label for row in by_family.rows[:-1]],
        series=[Series("Leavers", [row.figures[0] for row in by_family.rows[:-1]])],
        table=by_family.caption,
        axis="people (rounded to 5)",
    )
    return Result(
        title=f"Leavers and alumni, {year}",
        summary=(
            f"About {disclosure.count(sum(families.values())).shown} staff left in {year}. The leaver questionnaire "
            "summary below counts every answer given so far, for presenting at the careers event."
        ),
        tables=tables,
        chart=chart,
        notes=notes,
    )
