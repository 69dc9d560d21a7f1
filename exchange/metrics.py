from core.metrics import MetricResult, metric

from .models import ExchangePlacement, ExchangeRound


@metric(
    key="exchange.participants",
    label="Technicians who took part in the exchange (4A)",
    unit="people",
    how="Counts distinct people, hosts and visitors, in exchange placements whose two reciprocal days were "
    "both recorded as done, with the later day in the period. None until the institution has an exchange round.",
)
def exchange_participants(*, institution, start, end):
    if not ExchangeRound.objects.for_institution(institution).exists():
        return None
    placements = ExchangePlacement.objects.for_institution(institution).filter(
        state__in=[ExchangePlacement.State.DAYS_RECORDED, ExchangePlacement.State.COMPLETED],
        both_days_done_on__gte=start,
        both_days_done_on__lte=end,
    )
    visitors = set(placements.values_list("visitor_id", flat=True))
    hosts = set(placements.values_list("offer__host_id", flat=True))
    people = visitors | hosts
    return MetricResult(
        value=len(people),
        detail=f"{len(people)} people ({len(hosts)} hosts, {len(visitors)} visitors) in "
        f"{placements.count()} exchanges with both days done",
        numerator=len(people),
    )
