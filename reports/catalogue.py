"""The report catalogue: a registry of reports, each a function that returns figures already
passed through `core.disclosure`.

A report is registered once, with its filters and the rule that says who may see it:

    @report(
        key="training",
        title="Training uptake by job family",
        actions="1G",
        description="Hours of training per head ...",
        permission="development.see_reports",
        filters=TrainingFilters,
    )
    def training(*, institution, filters) -> Result:
        data = development.selectors.training_report(institution, ...)
        return Result(title=..., chart=Chart(...), tables=[Table(...)])

The catalogue page lists the reports the viewer's rule allows; each report gets its page (the
filters, the chart and its data table), a streamed CSV and XLSX, and saved schedules, with no
more code. `Table` and `Chart` accept only `disclosure.Figure`s as figures (a bare number is a
TypeError), so a report cannot show a figure that has not been through disclosure control.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms

from core import disclosure


class ReportFilters(forms.Form):
    """The base of every report's filter form: built with the viewer's institution, so choices
    (years, rounds) can be read from its data. Every field must be optional, meaning "the latest"
    when empty: a saved schedule then always sends the newest period."""

    def __init__(self, data: Any = None, *, institution: Any, **kwargs: Any) -> None:
        self.institution = institution
        super().__init__(data, **kwargs)

    def values(self) -> dict[str, Any]:
        """The filters to build the report with: the cleaned data, or every field's default when
        the form was not sent. Call only when `is_valid()` (or unbound)."""
        if not self.is_bound:
            return {name: field.initial for name, field in self.fields.items()}
        return dict(self.cleaned_data)

    def stored(self) -> dict[str, str]:
        """The filters as given, to save with a schedule (strings, as in a query string)."""
        if not self.is_bound:
            return {}
        return {name: str(self.data.get(name, "")) for name in self.fields if self.data.get(name, "") != ""}


def _check_figures(figures: Sequence[Any], where: str) -> None:
    for figure in figures:
        if not isinstance(figure, disclosure.Figure):
            raise TypeError(
                f"{where}: {figure!r} is not a core.disclosure Figure. Every figure about staff in a report "
                "passes through core.disclosure (count, percentage, average, total, protect)."
            )


@dataclass(frozen=True)
class Row:
    label: str
    figures: Sequence[disclosure.Figure]
    note: str = ""  # words shown beside the row, e.g. "under-represented"


@dataclass(frozen=True)
class Table:
    """One breakdown: a row per group, a column per figure; every figure a disclosure.Figure."""

    caption: str
    group: str  # the heading of the first column ("Job family")
    columns: Sequence[str]
    rows: Sequence[Row]
    note_heading: str = ""

    def __post_init__(self) -> None:
        for row in self.rows:
            if len(row.figures) != len(self.columns):
                raise ValueError(f"Table {self.caption!r}: row {row.label!r} has {len(row.figures)} figures.")
            _check_figures(row.figures, f"Table {self.caption!r}, row {row.label!r}")


@dataclass(frozen=True)
class Series:
    label: str
    figures: Sequence[disclosure.Figure]

    def __post_init__(self) -> None:
        _check_figures(self.figures, f"Chart series {self.label!r}")


@dataclass(frozen=True)
class Chart:
    """A Chart.js chart. Hidden figures are gaps; the same figures are in the table named `table`."""

    kind: str  # "bar" or "line"
    description: str  # what it shows, for people who cannot see it
    labels: Sequence[str]
    series: Sequence[Series]
    table: str  # the caption of the table beside it with the same figures
    axis: str = ""

    def data(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "axis": self.axis,
            "labels": list(self.labels),
            "datasets": [{"label": s.label, "data": [_plain(figure) for figure in s.figures]} for s in self.series],
        }


def _plain(figure: disclosure.Figure) -> float | None:
    return None if figure.value is None else float(figure.value)


@dataclass(frozen=True)
class PostAction:
    """A button the report page shows that POSTs to another app's view (e.g. "Publish the 2025
    report"). That view checks its own rule; the page shows the button to those who see the report."""

    label: str
    url: str
    fields: dict[str, str] = field(default_factory=dict)


@dataclass
class Result:
    """What a report shows: a title for the period chosen, a lead paragraph, a chart and tables."""

    title: str
    summary: str
    tables: list[Table]
    chart: Chart | None = None
    notes: list[str] = field(default_factory=list)
    actions: list[PostAction] = field(default_factory=list)
    rules: str = disclosure.RULES_IN_WORDS

    def rows(self) -> Iterator[list[Any]]:
        """Every table as spreadsheet rows (CSV and XLSX): a header line per table, each figure as
        it may be shown (the number, or why it is hidden, in words)."""
        yield [self.title]
        for table in self.tables:
            yield []
            yield [table.caption]
            yield [table.group, *table.columns, *([table.note_heading] if table.note_heading else [])]
            for row in table.rows:
                cells = [cell_value(figure) for figure in row.figures]
                yield [row.label, *cells, *([row.note] if table.note_heading else [])]
        yield []
        for note in self.notes:
            yield [note]
        yield [self.rules]

    def text(self) -> str:
        """The report as plain text, for an e-mail: each table with its figures as shown."""
        lines = [self.title, "", self.summary]
        for table in self.tables:
            lines += ["", table.caption]
            for row in table.rows:
                cells = "; ".join(
                    f"{column}: {figure.shown}" for column, figure in zip(table.columns, row.figures, strict=True)
                )
                lines.append(f"- {row.label}: {cells}" + (f" ({row.note})" if row.note else ""))
        lines += ["", *self.notes, self.rules]
        return "\n".join(lines)


def cell_value(figure: disclosure.Figure) -> int | Decimal | str:
    """A spreadsheet cell: the number itself, so it sums and sorts, or the reason in words."""
    return figure.shown if figure.value is None else figure.value


Builder = Callable[..., Result]


@dataclass(frozen=True)
class Report:
    key: str
    title: str
    description: str
    actions: str
    permission: str
    filters: type[ReportFilters]
    build: Builder
    order: int = 50

    def result(self, *, institution: Any, filters: dict[str, Any]) -> Result:
        result = self.build(institution=institution, filters=filters)
        if not isinstance(result, Result):
            raise TypeError(f"Report {self.key!r} must return a reports.catalogue.Result.")
        return result


_reports: dict[str, Report] = {}


def report(
    *,
    key: str,
    title: str,
    description: str,
    permission: str,
    filters: type[ReportFilters] = ReportFilters,
    actions: str = "",
    order: int = 50,
) -> Callable[[Builder], Builder]:
    """Register `fn(*, institution, filters) -> Result` as a report of the catalogue.

    `permission` is a django-rules permission (checked without an object) naming who may see it;
    `filters` a `ReportFilters` form. The function is called inside the viewer's institution
    scope (a page) or the schedule's (a beat job).
    """

    def register(fn: Builder) -> Builder:
        if key in _reports and _reports[key].build is not fn:
            raise ValueError(f"A report with the key {key!r} is already registered.")
        _reports[key] = Report(key, title, description, actions, permission, filters, fn, order)
        return fn

    return register


def all_reports() -> list[Report]:
    return sorted(_reports.values(), key=lambda r: (r.order, r.title))


def get(key: str) -> Report | None:
    return _reports.get(key)
