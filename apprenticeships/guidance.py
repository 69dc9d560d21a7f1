"""The versioned guidance on levy-funded apprenticeships for staff and line managers (1C).

One page of the `guidance` app (versions by date and audience, history, a yearly review), with
a version for staff (who can apply, how the levy works, the time it takes) and one for line
managers. This app only names it, quotes the version in effect and links to it; `demo.py` writes
the first versions with `guidance.services.ensure_page`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from guidance import selectors

SLUG = "apprenticeships"
TITLE = "Apprenticeships for staff: who can apply, the levy and the time it takes"


@dataclass(frozen=True)
class Quoted:
    url: str
    version: object | None  # the GuidanceVersion in effect for the audience, or None if not published


def quote(audience: str) -> Quoted:
    """The version in effect today for "staff" or "managers", and the page's address (one query)."""
    return Quoted(url=reverse("guidance:page", args=[SLUG]), version=selectors.current_version(SLUG, audience=audience))
