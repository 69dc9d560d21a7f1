"""Authorships by division (2E): the share of technical staff with a named authorship and with an
acknowledgement, by division and job family, from `recognition.selectors.authorship_report`
(already disclosed). Publishing the year's report stays recognition's (`recognition:report_publish`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse
from django.utils import timezone

from people import selectors as people
from recognition import selectors as recognition

from ..catalogue import Chart, PostAction, ReportFilters, Result, Row, Series, Table, report

COLUMNS = ["Technical staff", "With a named authorship (%)", "With an acknowledgement (%)"]
YEARS = 5


class AuthorshipFilters(ReportFilters):
    year = forms.TypedChoiceField(
        label="Year",
        coerce=int,
        required=False,
        empty_value=None,
        help_text="Outputs dated in this year. Leave on the latest for a saved schedule.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        this = timezone.localdate().year
        self.fields["year"].choices = [("", "This year")] + [(y, str(y)) for y in range(this, this - YEARS, -1)]


def _rows(rows: list[recognition.GroupRow]) -> list[Row]:
    return [Row(r.name, [r.staff, r.named, r.acknowledged]) for r in rows]


@report(
    key="authorships",
    title="Authorships by division",
    actions="2E",
    description="The share of technical staff with a named authorship, and with an acknowledgement, by division "
    "and job family; outputs by kind; the five-year trend. Publish the year's report from here.",
    permission="recognition.see_report",
    filters=AuthorshipFilters,
    order=50,
)
def authorships(*, institution: Any, filters: dict[str, Any]) -> Result:
    year = filters.get("year") or timezone.localdate().year
    data = recognition.authorship_report(institution=institution, year=year)
    total = Row("All technical staff", [data.total.staff, data.total.named, data.total.acknowledged])
    by_division = Table(
        caption=f"By division, {year}", group="Division", columns=COLUMNS, rows=[*_rows(data.by_division), total]
    )
    by_family = Table(
        caption=f"By job family, {year}", group="Job family", columns=COLUMNS, rows=[*_rows(data.by_job_family), total]
    )
    by_kind = Table(
        caption=f"Outputs by kind, {year}",
        group="Kind",
        columns=["Outputs"],
        rows=[Row(label, [figure]) for label, figure in data.by_kind],
    )
    trend = Table(
        caption="Trend",
        group="Year",
        columns=COLUMNS,
        rows=[Row(str(t.year), [t.staff, t.named, t.acknowledged]) for t in data.trend],
    )
    chart = Chart(
        kind="bar",
        description=f"Bar chart: the share of technical staff with a named authorship and with an acknowledgement, "
        f"by division, {year}.",
        labels=[r.name for r in data.by_division],
        series=[
            Series("With a named authorship", [r.named for r in data.by_division]),
            Series("With an acknowledgement", [r.acknowledged for r in data.by_division]),
        ],
        table=by_division.caption,
        axis="% of technical staff",
    )
    published = data.published
    status = (
        f"Published on {published.published_at:%-d %B %Y}." if published else f"The {year} report is not published yet."
    )
    celebrated = [c.title for c in people.celebrations(year=year)[:20]]
    return Result(
        title=f"Authorship and acknowledgement, {year}",
        summary=(
            f"Technical staff employed on {data.on:%-d %B %Y}, and the share of them with at least one named "
            f"authorship, and with at least one acknowledgement, on outputs dated in {year}. {status}"
        ),
        tables=[by_division, by_family, by_kind, trend],
        chart=chart,
        notes=[f"Celebrated in {year}: " + "; ".join(celebrated) + "."] if celebrated else [],
        actions=[
            PostAction(
                "Publish again" if published else f"Publish the {year} report",
                reverse("recognition:report_publish"),
                {"year": str(year)},
            )
        ],
    )
