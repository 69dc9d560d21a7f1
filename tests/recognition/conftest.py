"""Recognition fixtures: recorded ORCID and Crossref answers in place of the network, and prizes."""

import json
from datetime import date
from pathlib import Path

import pytest

from recognition import clients, services
from recognition.models import Prize

RECORDINGS = Path(__file__).parent / "recordings"
ORCID = "0000-0002-1825-0097"  # ORCID's own example iD (Josiah Carberry), with a valid check digit
NUMPY_DOI = "10.1038/s41586-020-2649-2"


def recording(name):
    return json.loads((RECORDINGS / name).read_text())


@pytest.fixture
def recorded_network(monkeypatch):
    """Answer the client's requests from the recordings; any other URL fails the test.

    The client itself still refuses the network (tests/conftest.py); this replaces the one
    function that would have made the request, and records the URLs asked for.
    """
    answers = {
        f"{clients.ORCID_API}/{ORCID}/works": "orcid_works_0000-0002-1825-0097.json",
        f"{clients.CROSSREF_API}/10.1038%2Fs41586-020-2649-2": "crossref_10.1038_s41586-020-2649-2.json",
    }
    asked = []

    def fetch(url):
        asked.append(url)
        if url not in answers:
            raise AssertionError(f"No recording for {url}")
        return recording(answers[url])

    monkeypatch.setattr(clients, "fetch_json", fetch)
    return asked


@pytest.fixture
def orcid_technician(technician):
    technician.orcid = ORCID
    technician.save(update_fields=["orcid"])
    return technician


def make_prize(institution, name="Papin Prize", month=6, day=30, categories="", listed=True):
    return services.prize_save(
        institution=institution,
        values={
            "name": name,
            "scope": Prize.Scope.EXTERNAL,
            "organiser": "Science Council",
            "categories": categories,
            "deadline_month": month,
            "deadline_day": day,
            "listed": listed,
        },
    )


def paper(person, *, title="A paper", part="named_author", on=date(2024, 5, 1), kind="paper", doi=""):
    return services.output_save(
        person=person,
        values={"kind": kind, "title": title, "part": part, "published_on": on, "doi": doi},
        today=date(2026, 1, 1) if on.year < 2026 else on,
    )
