"""The registry of computed success measures.

Each app registers the measures its own data can answer in `<app>/metrics.py`:

    from core.metrics import MetricResult, metric

    @metric(
        key="exchange.participants",
        label="Technicians who took part in the exchange",
        unit="people",
        how="Counts distinct people with both exchange days recorded, in the plan's period.",
    )
    def participants(*, institution, start, end):
        n = ...
        return MetricResult(value=n, detail=f"{n} people with both days recorded")

A metric returns None when the data it needs does not exist yet, so the measure can say so
instead of showing a number. The registry calls it inside the institution's scope, so a
metric can only ever count the institution it was asked about. `actionplan` reads this
registry; no feature app imports `actionplan`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from .tenancy import in_institution

_metrics: dict[str, Metric] = {}


@dataclass(frozen=True)
class MetricResult:
    value: Decimal | int | float
    detail: str = ""  # the figures behind the value, e.g. "18 of 20 respondents"
    numerator: int | None = None
    denominator: int | None = None


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    unit: str  # "%", "people", "events", "meetings", ...
    how: str  # plain-language description of how the number is computed
    compute: Callable[..., MetricResult | None]

    def __call__(self, *, institution: Any, start: date, end: date) -> MetricResult | None:
        with in_institution(institution):
            return self.compute(institution=institution, start=start, end=end)


def metric(*, key: str, label: str, unit: str, how: str) -> Callable:
    def register(fn: Callable[..., MetricResult | None]) -> Callable[..., MetricResult | None]:
        if key in _metrics and _metrics[key].compute is not fn:
            raise ValueError(f"Metric {key!r} is registered twice.")
        _metrics[key] = Metric(key=key, label=label, unit=unit, how=how, compute=fn)
        return fn

    return register


def get(key: str) -> Metric:
    try:
        return _metrics[key]
    except KeyError:
        raise LookupError(f"No metric {key!r} is registered.") from None


def all_metrics() -> list[Metric]:
    return sorted(_metrics.values(), key=lambda m: m.key)


def choices() -> list[tuple[str, str]]:
    return [(m.key, m.label) for m in all_metrics()]
