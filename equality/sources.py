"""The stages of the development pipeline the equality report follows, one source per app.

Each source is an app's own selector, `pipeline_people(*, institution, start, end)`, returning
the ids of the institution's staff at each stage (a dict of sets). A source that decides who is
eligible returns "eligible" too; otherwise everyone in post in the period is. Stages are listed
in the order a person passes them; each rate is taken against the eligible population.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from apprenticeships import selectors as apprenticeships
from development import selectors as development
from exchange import selectors as exchange
from programmes import selectors as programmes
from promotions import selectors as promotions
from registration import selectors as registration


@dataclass(frozen=True)
class Source:
    key: str
    label: str
    load: Callable[..., dict[str, set[int]]]
    stages: tuple[tuple[str, str], ...]  # (key, column heading), in pipeline order
    eligible: str  # who counts as eligible, in words

    def people(self, *, institution, start: date, end: date) -> dict[str, set[int]]:
        return self.load(institution=institution, start=start, end=end)


IN_POST = "everyone in post at some time in the period"

SOURCES: dict[str, Source] = {
    source.key: source
    for source in (
        Source(
            "programmes",
            "Programmes",
            programmes.pipeline_people,
            (("applied", "Applied"), ("offered", "Offered a place"), ("completed", "Completed")),
            "staff in post whom the rules of a cohort opening in the period admit",
        ),
        Source(
            "development",
            "Development days",
            development.pipeline_people,
            (("applied", "Asked for days"), ("approved", "Approved"), ("completed", "Done")),
            IN_POST,
        ),
        Source(
            "exchange",
            "Technician exchange",
            exchange.pipeline_people,
            (("applied", "Asked to visit"), ("approved", "Approved"), ("completed", "Completed")),
            IN_POST,
        ),
        Source(
            "promotions",
            "Promotions",
            promotions.pipeline_people,
            (("applied", "Intended or applied"), ("submitted", "Submitted"), ("promoted", "Promoted")),
            "staff in post one grade below a grade the period's rounds promote to",
        ),
        Source(
            "registration",
            "Professional registration",
            registration.pipeline_people,
            (("applied", "Started a journey"), ("submitted", "Submitted"), ("registered", "Registered")),
            IN_POST,
        ),
        Source(
            "apprenticeships",
            "Apprenticeships",
            apprenticeships.pipeline_people,
            (
                ("applied", "Asked for one"),
                ("approved", "Approved by manager"),
                ("started", "Started"),
                ("completed", "Completed"),
            ),
            IN_POST,
        ),
    )
}
