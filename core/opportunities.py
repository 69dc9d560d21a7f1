"""The registry of opportunity sources for the opportunities bulletin (1F).

Each app that has opportunities to advertise registers a source in its own module, imported
at start-up (its `dashboard.py` or `AppConfig.ready()`):

    from core.opportunities import Opportunity, opportunity_source

    @opportunity_source("recognition.prize")
    def prize_deadlines(*, user, today):
        return [
            Opportunity(
                key=f"recognition.prize:{prize.pk}",
                kind="prize",
                title=prize.name,
                summary=prize.summary,
                url=prize.get_absolute_url(),
                deadline=prize.deadline,
                audience="own",
                offered_by=prize.institution.short_name,
            )
            for prize in ...  # one query, whatever the number of prizes
        ]

A source returns what the user may see today, in a fixed number of queries (the bulletin's
query count is pinned). `key` is stable and unique across sources ("<source>:<id>"): clicks
are counted by it. `url` is an address in the portal or an http(s) link; the bulletin never
links to it directly but through its click-counting redirect. `uptake` (applications,
registrations) is shown beside the clicks to programme managers; None when the source cannot
know it (an external post). The bulletin app (programmes) reads this registry; no source
imports the bulletin.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

# The kinds the bulletin filters by, in the order it lists them.
KINDS = {
    "programme": "Programmes and cohorts",
    "event": "Events",
    "external": "External programmes",
    "prize": "Prizes and awards",
    "post": "Jobs and secondments",
}
# Who an opportunity is for, as the bulletin's audience filter says it.
AUDIENCES = {
    "own": "Our institution's staff",
    "partners": "Opened to partner institutions",
    "external": "Offered outside the portal",
}

Source = Callable[..., list["Opportunity"]]
_sources: dict[str, Source] = {}


@dataclass(frozen=True)
class Opportunity:
    key: str  # "<source>:<id>", unique across sources: clicks are counted by it
    kind: str  # one of KINDS
    title: str
    summary: str
    url: str  # a path in the portal, or an http(s) link for an external opportunity
    audience: str = "own"  # one of AUDIENCES
    deadline: date | None = None  # last day to apply or register
    starts_on: date | None = None
    offered_by: str = ""  # the institution or provider, as readers know it
    uptake: int | None = None  # applications or registrations so far; None when unknown
    uptake_label: str = ""  # e.g. "applications", "registrations"

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)

    @property
    def audience_label(self) -> str:
        return AUDIENCES.get(self.audience, self.audience)


def opportunity_source(name: str) -> Callable[[Source], Source]:
    """Register `fn(*, user, today) -> list[Opportunity]` under `name` (once)."""

    def register(fn: Source) -> Source:
        if name in _sources and _sources[name] is not fn:
            raise ValueError(f"Opportunity source {name!r} is registered twice.")
        _sources[name] = fn
        return fn

    return register


def opportunities_for(user: Any, *, today: date) -> list[Opportunity]:
    """Every source's opportunities for this user, soonest deadline first (none last), then by title."""
    found: list[Opportunity] = []
    for name in sorted(_sources):
        found.extend(_sources[name](user=user, today=today))
    return sorted(found, key=lambda o: (o.deadline is None, o.deadline or date.max, o.title.lower()))


def sources() -> list[str]:
    return sorted(_sources)
