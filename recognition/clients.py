"""The only code in the portal that talks to ORCID and Crossref.

Both are public, read-only APIs that need no key. Every call has a timeout and reads at most
`MAX_RESPONSE_BYTES` (an ORCID record of a few hundred works is well under 2 MB), so a slow or
hostile server cannot hold a web worker or fill its memory. Failures become `LookupFailed` with
a message the person can act on.

Tests never touch the network: `settings.RECOGNITION_REMOTE_LOOKUPS` is False under pytest
(tests/conftest.py) and the client refuses; tests hand recorded responses to the parsers in
`recognition.importing` instead, or replace `fetch_json`.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from django.conf import settings

ORCID_API = "https://pub.orcid.org/v3.0"
CROSSREF_API = "https://api.crossref.org/works"
TIMEOUT_SECONDS = 10
MAX_RESPONSE_BYTES = 5 * 1024 * 1024
USER_AGENT = "TechCareers/1.0 (research technicians' careers portal; mailto:{contact})"


class LookupFailed(Exception):
    """ORCID or Crossref could not answer; the message says why in words the person can act on."""


class NetworkRefused(LookupFailed):
    """Remote look-ups are switched off (always in tests)."""


def fetch_json(url: str) -> Any:
    """GET `url` as JSON, with a timeout and a cap on the size read; raise LookupFailed."""
    if not getattr(settings, "RECOGNITION_REMOTE_LOOKUPS", True):
        raise NetworkRefused("Look-ups at ORCID and Crossref are switched off here; upload your ORCID export instead.")
    contact = getattr(settings, "DEFAULT_FROM_EMAIL", "") or "admin@example.org"
    request = urllib.request.Request(
        url, headers={"Accept": "application/json", "User-Agent": USER_AGENT.format(contact=contact)}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (https constants)
            body = response.read(MAX_RESPONSE_BYTES + 1)
    except urllib.error.HTTPError as error:
        if error.code == 404:
            raise LookupFailed("Not found: check the ORCID iD or DOI.") from error
        raise LookupFailed(f"The service answered with an error ({error.code}); try again later.") from error
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise LookupFailed(
            "The service could not be reached (your network may block it); try again later, or upload "
            "your ORCID export file instead."
        ) from error
    if len(body) > MAX_RESPONSE_BYTES:
        raise LookupFailed("The answer was too large to read; upload your ORCID export file instead.")
    try:
        return json.loads(body)
    except ValueError as error:
        raise LookupFailed("The service's answer could not be read; try again later.") from error


def orcid_works(orcid: str) -> Any:
    """The public works summary of an ORCID record (one request: titles, types, dates, DOIs)."""
    return fetch_json(f"{ORCID_API}/{urllib.parse.quote(orcid, safe='')}/works")


def crossref_work(doi: str) -> Any:
    """Crossref's metadata for one DOI."""
    return fetch_json(f"{CROSSREF_API}/{urllib.parse.quote(doi, safe='')}")
