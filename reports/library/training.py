"""Training uptake by job family (1G): development's training report, with the year before it and
how valuable staff found their training. The figures are `development.selectors.training_report`'s
own, already through `core.disclosure`; nothing here recounts them."""

from __future__ import annotations

from typing import Any

from django import forms

from core import disclosure
from development import satisfaction
from development import selectors as development

from ..catalogue import Chart, ReportFilters, Result, Row, Series, Table, report

VALUABLE = 4  # a mean rating of 4 or 5 ("valuable", "very valuable") on value_rating's 1 to 5 scale


class TrainingFilters(ReportFilters):
    year = forms.TypedChoiceField(
        label="Allowance year",
        coerce=int,
        required=False,
        empty_value=None,
        help_text="Leave on the latest year for a saved schedule that always sends the newest figures.",
    )
    margin = forms.IntegerField(
        label="Under-represented below the average by (%)",
        min_value=0,
        max_value=100,
        required=False,
        help_text="Empty: the margin in the allowance policy.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        policy, years = development.report_years(self.institution)
        self.years = years
        self.fields["year"].choices = [("", "The latest year")] + [(year, policy.year_label(year)) for year in years]


def _rows(section: list[development.ReportRow], columns: list[str]) -> list[Row]:
    return [
        Row(row.label, [row.shown[key] for key in columns], note="under-represented" if row.under_represented else "")
        for row in section
    ]


def satisfaction_table(ratings: dict[str, list[Any]], caption: str) -> Table:
    """People who rated their training, their average rating and the share finding it valuable
    (a mean of 4 or 5), by job family; each column protected against the total."""
    families = sorted(ratings, key=lambda name: (name == satisfaction.NOT_RECORDED, name))
    people = [disclosure.count(len(ratings[f])) for f in families]
    averages = disclosure.protect([disclosure.average(sum(ratings[f]), len(ratings[f]), places=1) for f in families])
    valuable = disclosure.protect(
        [disclosure.percentage(sum(1 for mean in ratings[f] if mean >= VALUABLE), len(ratings[f])) for f in families]
    )
    every = [mean for f in families for mean in ratings[f]]
    rows = [Row(f, [p, a, v]) for f, p, a, v in zip(families, people, averages, valuable, strict=True)]
    rows.append(
        Row(
            "Institution",
            [
                disclosure.count(len(every)),
                disclosure.average(sum(every), len(every), places=1),
                disclosure.percentage(sum(1 for mean in every if mean >= VALUABLE), len(every)),
            ],
        )
    )
    return Table(
        caption=caption,
        group="Job family",
        columns=["People who rated their training", "Average rating (1 to 5)", "Found it valuable (4 or 5)"],
        rows=rows,
    )


@report(
    key="training",
    title="Training uptake by job family",
    actions="1G",
    description="Training per head by job family, grade and division for an allowance year, against the year "
    "before, and how valuable staff rated their training.",
    permission="development.see_reports",
    filters=TrainingFilters,
    order=10,
)
def training(*, institution: Any, filters: dict[str, Any]) -> Result:
    _, years = development.report_years(institution)
    year = filters.get("year") or years[0]
    margin = filters.get("margin")
    this = development.training_report(institution, year, margin=margin)
    last = development.training_report(institution, year - 1, margin=margin)
    before = {row.label: row for row in last.by_family}
    keys = [key for key, _ in development.REPORT_COLUMNS]
    headings = [heading for _, heading in development.REPORT_COLUMNS]

    family_rows = []
    for row in [*this.by_family, this.total]:
        previous = before.get(row.label) if row is not this.total else last.total
        per_head_before = (
            previous.shown["hours_per_head"] if previous else disclosure.average(0, 0)  # no such family last year
        )
        family_rows.append(
            Row(
                row.label,
                [
                    *(row.shown[key] for key in keys),
                    per_head_before,
                    disclosure.change(row.shown["hours_per_head"], per_head_before),
                ],
                note="under-represented" if row.under_represented else "",
            )
        )
    by_family = Table(
        caption=f"By job family, {this.label}",
        group="Job family",
        columns=[*headings, f"Hours per head {last.label}", "Change in hours per head"],
        rows=family_rows,
        note_heading="Under-represented?",
    )
    tables = [by_family]
    for heading, section in this.sections()[1:]:
        tables.append(
            Table(
                caption=f"By {heading.lower()}, {this.label}",
                group=heading,
                columns=headings,
                rows=_rows(section, keys),
                note_heading="Under-represented?",
            )
        )
    tables.append(
        satisfaction_table(
            satisfaction.ratings_by_family(institution, this.start, this.end),
            caption=f"How valuable staff found their training, {this.label}",
        )
    )
    chart = Chart(
        kind="bar",
        description=f"Bar chart: training hours per head by job family, {this.label} and {last.label}.",
        labels=[row.label for row in this.by_family],
        series=[
            Series(this.label, [row.shown["hours_per_head"] for row in this.by_family]),
            Series(last.label, [family_rows[i].figures[len(keys)] for i in range(len(this.by_family))]),
        ],
        table=by_family.caption,
        axis="hours per head",
    )
    return Result(
        title=f"Training per head, {this.label}",
        summary=(
            f"All training recorded between {this.start:%-d %b %Y} and {this.end:%-d %b %Y}, per person employed "
            f"in that time: {this.total.shown['hours_per_head'].shown} hours per head across the institution "
            f"(about {this.total.shown['headcount'].shown} staff). Job families below {this.threshold} hours per "
            f"head ({this.margin}% under the average) are marked under-represented."
        ),
        tables=tables,
        chart=chart,
    )
