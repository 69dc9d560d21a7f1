"""How a success measure's value and status are worked out.

`measure_status` is a pure function of numbers and dates, so the rules are tested on their own.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from core import disclosure, metrics

MET = "met"
ON_TRACK = "on_track"
BEHIND = "behind"
NO_DATA = "no_data"
STATUS_LABELS = {MET: "Met", ON_TRACK: "On track", BEHIND: "Behind", NO_DATA: "No data"}


def measure_status(*, value, target, direction, start, due, today, cumulative=True, achieved=None):
    """Return met / on_track / behind / no_data.

    - No value (and no achieved flag): no data.
    - A measure without a numeric target is met when marked achieved; otherwise on track until
      its due date, behind after it.
    - "At most" targets: met while the value is at or below the target, else behind.
    - "At least" targets: met at or above the target. Past the due date, anything less is behind.
      Before it, a count that accumulates (people, events) is on track when it has reached the
      share of the target that the elapsed share of the period calls for; a rate (a %) has no
      such trajectory, so below the target it is behind.
    """
    if target is None:
        if achieved:
            return MET
        if achieved is None and value is None:
            return NO_DATA
        return BEHIND if due and today > due else ON_TRACK
    if value is None:
        return NO_DATA
    value, target = Decimal(value), Decimal(target)
    if direction == "at_most":
        return MET if value <= target else BEHIND
    if value >= target:
        return MET
    if due is None or today > due or not cumulative:
        return BEHIND
    span = (due - start).days
    elapsed = min(max((today - start).days, 0), span)
    expected = target * Decimal(elapsed) / Decimal(span) if span > 0 else target
    return ON_TRACK if value >= expected else BEHIND


@dataclass
class Evaluation:
    """A measure's value as of one day, with how it was computed."""

    value: Decimal | None
    status: str
    detail: str
    how: str
    computed: bool
    as_of: date
    # The value as it may be shown beyond the plan's owners (core.disclosure), for staff figures.
    figure: disclosure.Figure | None = None

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]

    @property
    def public_value(self):
        """The value for the published summary, the submission and reports (core.disclosure.measure):
        None for a share of fewer than 22.5 people."""
        return None if self.figure is not None and self.figure.hidden else self.value

    @property
    def public_detail(self) -> str:
        """The figures behind a hidden share name small numbers ("3 of 4 said yes"): not published."""
        if self.figure is not None and self.figure.hidden:
            return f"The figure is {self.figure.reason}, under the rules for publishing staff figures"
        return self.detail


def _window(measure, as_of):
    plan = measure.item.plan
    end = min(as_of, plan.end)
    if measure.window == "year":
        return max(plan.start, end - timedelta(days=365)), end
    return plan.start, end


def not_computed_text(measure):
    thing = measure.missing_data or "the data this measure needs"
    return f"Not computed yet: TechCareers does not record {thing} yet."


# What a metric answered for (key, institution, start, end), kept for one page or report, so
# two measures computed by the same metric over the same window run its queries once.
MetricAnswers = dict[tuple[str, int, date, date], "metrics.MetricResult | None"]


def measure_evaluate(measure, *, as_of, start=None, end=None, answers: MetricAnswers | None = None):
    """Compute (or read, for hand-recorded measures) the measure's value and status as of a day.

    Runs the metric's queries for computed measures (once per metric and window when `answers`
    is given); `measure.item.plan` must be loaded. `start`/`end` override the counting window
    (a report for a date range). Call it through `selectors.measure_values`, the one source of
    a measure's value for every page and report.
    """
    plan = measure.item.plan
    due = measure.due_date or plan.end
    window_start, window_end = _window(measure, as_of)
    start, end = start or window_start, end or window_end
    # The pace a count must keep: over the plan, or over a year for "per year" targets. In a
    # plan's first year the yearly count is still building up, so it is paced over that year too.
    cumulative = measure.unit != "%"
    pace_start, pace_due = plan.start, due
    if measure.window == "year":
        pace_start, pace_due = window_start, window_start + timedelta(days=365)
    if measure.metric_key:
        try:
            metric = metrics.get(measure.metric_key)
        except LookupError:
            metric = None
        result = None
        if metric is not None:
            key = (metric.key, plan.institution_id, start, end)
            if answers is not None and key in answers:
                result = answers[key]
            else:
                result = metric(institution=plan.institution, start=start, end=end)
                if answers is not None:
                    answers[key] = result
        if result is None:
            if metric is None:
                return Evaluation(None, NO_DATA, not_computed_text(measure), "", True, as_of)
            # The portal records this data; there is simply none in the period yet.
            detail = f"No data yet: nothing recorded from {start:%d %b %Y} to {end:%d %b %Y}."
            return Evaluation(None, NO_DATA, detail, metric.how, True, as_of)
        value = Decimal(str(result.value)).quantize(Decimal("0.01"))
        status = measure_status(
            value=value,
            target=measure.target,
            direction=measure.direction,
            start=pace_start,
            due=pace_due,
            today=as_of,
            cumulative=cumulative,
        )
        how = f"{metric.how} Counted from {start:%d %b %Y} to {end:%d %b %Y}."
        figure = disclosure.measure(measure.unit, value, numerator=result.numerator, denominator=result.denominator)
        return Evaluation(value, status, result.detail, how, True, as_of, figure)
    # A value recorded later than the day asked about did not exist yet on that day.
    recorded = measure.recorded_on is not None and measure.recorded_on <= as_of
    value = measure.recorded_value if recorded else None
    status = measure_status(
        value=value,
        target=measure.target,
        direction=measure.direction,
        start=pace_start,
        due=pace_due,
        today=as_of,
        cumulative=cumulative,
        achieved=measure.achieved if recorded else None,
    )
    if recorded:
        who = f" by {measure.recorded_by}" if measure.recorded_by_id else ""
        how = f"Recorded by hand on {measure.recorded_on:%d %b %Y}{who}."
        if measure.evidence_note or measure.evidence_link:
            how += f" Evidence: {measure.evidence_note} {measure.evidence_link}".rstrip()
    else:
        how = "Recorded by hand; nothing recorded yet."
    return Evaluation(value, status, measure.evidence_note if recorded else "", how, False, as_of)
