"""Success measures the surveys can answer (4D)."""

from core.metrics import MetricResult, metric

from . import selectors


@metric(
    key="surveys.response_rate",
    label="Annual career development survey response rate",
    unit="%",
    how="Counts the responses to the annual career development surveys open at some point in the period and "
    "divides by the people invited to them (the whole technical staff, and new SOs invited while it was open).",
)
def response_rate(*, institution, start, end):
    responses, invited = selectors.annual_rate(institution=institution, start=start, end=end)
    if not invited:
        return None
    return MetricResult(
        value=selectors.rate(responses, invited),
        detail=f"{responses} responses from {invited} people invited",
        numerator=responses,
        denominator=invited,
    )
