"""The registry of computed success measures.

Each app registers the metrics its own data can answer in `<app>/metrics.py`, e.g.

    from actionplan.metrics import MetricResult, metric

    @metric(
        key="programmes.exchange_participants",
        label="Technicians who took part in the exchange",
        unit="people",
        how="Counts distinct people with both exchange days recorded, in the plan's period.",
    )
    def exchange_participants(*, institution, start, end):
        n = ...
        return MetricResult(value=n, detail=f"{n} people with both days recorded")

A metric returns None when the data it needs does not exist yet, so the measure can say so
instead of showing a number.
"""

from dataclasses import dataclass
from decimal import Decimal

_metrics = {}


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
    compute: object  # callable(*, institution, start, end) -> MetricResult | None

    def __call__(self, *, institution, start, end):
        return self.compute(institution=institution, start=start, end=end)


def metric(*, key, label, unit, how):
    def register(fn):
        _metrics[key] = Metric(key=key, label=label, unit=unit, how=how, compute=fn)
        return fn

    return register


def get(key):
    try:
        return _metrics[key]
    except KeyError:
        raise LookupError(f"No metric {key!r} is registered.") from None


def all_metrics():
    return sorted(_metrics.values(), key=lambda m: m.key)


def choices():
    return [(m.key, m.label) for m in all_metrics()]
