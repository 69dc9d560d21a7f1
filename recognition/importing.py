"""Reading works out of ORCID and Crossref answers, without touching the database or the network.

`orcid_works(data)` turns an ORCID works summary (the public API's `/works`, or the works part of
an exported record) into candidate outputs and a list of problems, one line per work that cannot
be imported, with its reason. Merging by DOI and skipping what is already recorded is the
service's job (`services.outputs_import`), because only it knows what the person has.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError

from .models import Kind, normalise_doi, validate_doi

# ORCID work types (https://info.orcid.org/ufaqs/what-work-types-does-orcid-support/) to our kinds;
# any other type is a journal paper until the person says otherwise.
ORCID_KINDS = {
    "journal-article": Kind.PAPER,
    "review": Kind.PAPER,
    "conference-paper": Kind.PAPER,
    "book-chapter": Kind.PAPER,
    "preprint": Kind.PREPRINT,
    "working-paper": Kind.PREPRINT,
    "patent": Kind.PATENT,
    "data-set": Kind.DATASET,
    "software": Kind.SOFTWARE,
    "research-tool": Kind.PROTOCOL,
}
CROSSREF_KINDS = {
    "journal-article": Kind.PAPER,
    "posted-content": Kind.PREPRINT,
    "dataset": Kind.DATASET,
    "component": Kind.DATASET,
    "proceedings-article": Kind.PAPER,
    "book-chapter": Kind.PAPER,
}


@dataclass
class Candidate:
    title: str
    kind: str
    published_on: date
    doi: str = ""
    venue: str = ""
    other_identifier: str = ""
    put_code: int | None = None


@dataclass
class Parsed:
    candidates: list[Candidate]
    problems: list[str]


def _value(node: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


def _date(year: Any, month: Any = None, day: Any = None) -> date:
    """A date from ORCID's or Crossref's parts; a missing month or day is the first."""
    return date(int(year), int(month or 1), int(day or 1))


def _orcid_date(summary: dict) -> date | None:
    parts = summary.get("publication-date") or {}
    year = _value(parts, "year", "value")
    if not year:
        return None
    return _date(year, _value(parts, "month", "value"), _value(parts, "day", "value"))


def _external_ids(node: dict) -> list[dict]:
    ids = _value(node, "external-ids", "external-id")
    return [i for i in ids if isinstance(i, dict)] if isinstance(ids, list) else []


def _label(number: int, summary: dict) -> str:
    title = _value(summary, "title", "title", "value") or "untitled"
    return f"Work {number} (“{str(title)[:80]}”)"


def orcid_works(data: Any, *, today: date) -> Parsed:
    """Candidates and problems from an ORCID works summary, in the record's order.

    Takes a `/works` answer (`{"group": [...]}`) or a whole record (`activities-summary.works`).
    A group is one work as ORCID sees it; its first summary (the preferred source) is read.
    """
    if isinstance(data, dict) and "activities-summary" in data:
        data = _value(data, "activities-summary", "works")
    groups = data.get("group") if isinstance(data, dict) else None
    if not isinstance(groups, list):
        raise ValidationError("This is not an ORCID works list: no works were found in it.")
    parsed = Parsed(candidates=[], problems=[])
    for number, group in enumerate(groups, start=1):
        summaries = group.get("work-summary") if isinstance(group, dict) else None
        if not summaries or not isinstance(summaries[0], dict):
            parsed.problems.append(f"Work {number}: the record lists no details for it.")
            continue
        summary = summaries[0]
        label = _label(number, summary)
        title = (_value(summary, "title", "title", "value") or "").strip()
        if not title:
            parsed.problems.append(f"Work {number}: it has no title.")
            continue
        try:
            published_on = _orcid_date(summary)
        except (TypeError, ValueError):
            parsed.problems.append(f"{label}: its publication date is not a real date.")
            continue
        if published_on is None:
            parsed.problems.append(f"{label}: it has no publication date.")
            continue
        if published_on > today:
            parsed.problems.append(f"{label}: its date, {published_on:%d %B %Y}, is in the future.")
            continue
        doi, other = "", ""
        for external in _external_ids(summary) or _external_ids(group):
            id_type = (external.get("external-id-type") or "").lower()
            id_value = (external.get("external-id-value") or "").strip()
            if id_type == "doi" and not doi:
                doi = id_value
            elif id_value and not other:
                other = f"{id_type.upper()}: {id_value}"[:200]
        if doi:
            try:
                validate_doi(doi)
            except ValidationError:
                parsed.problems.append(f"{label}: its DOI “{doi[:60]}” is not a valid DOI.")
                continue
        put_code = summary.get("put-code")
        parsed.candidates.append(
            Candidate(
                title=title[:500],
                kind=ORCID_KINDS.get(summary.get("type") or "", Kind.PAPER),
                published_on=published_on,
                doi=normalise_doi(doi),
                venue=(_value(summary, "journal-title", "value") or "")[:300],
                other_identifier=other,
                put_code=int(put_code) if isinstance(put_code, int | str) and str(put_code).isdigit() else None,
            )
        )
    return parsed


def crossref_work(data: Any, *, doi: str, today: date) -> Candidate:
    """The candidate output for one DOI from Crossref's answer; ValidationError with the reason."""
    message = data.get("message") if isinstance(data, dict) else None
    if not isinstance(message, dict):
        raise ValidationError({"doi": "Crossref's answer for this DOI could not be read."})
    titles = message.get("title") or []
    title = (titles[0] if titles else "").strip()
    if not title:
        raise ValidationError({"doi": "Crossref has no title for this DOI; add the output by hand."})
    parts = None
    for key in ("published", "issued", "published-online", "published-print", "created"):
        date_parts = _value(message, key, "date-parts")
        if date_parts and date_parts[0] and date_parts[0][0]:
            parts = date_parts[0]
            break
    if parts is None:
        raise ValidationError({"doi": "Crossref has no date for this DOI; add the output by hand."})
    published_on = _date(*(list(parts) + [None, None])[:3])
    if published_on > today:
        raise ValidationError({"doi": f"Crossref dates this DOI {published_on:%d %B %Y}, in the future."})
    venues = message.get("container-title") or [message.get("publisher") or ""]
    return Candidate(
        title=title[:500],
        kind=CROSSREF_KINDS.get(message.get("type") or "", Kind.PAPER),
        published_on=published_on,
        doi=normalise_doi(message.get("DOI") or doi),
        venue=(venues[0] if venues else "")[:300],
    )
