"""Query counts pinned at two data sizes: my outputs, the outputs list, the report, the prize
overview, a nomination, the cases list and the home dashboard."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from recognition import services
from tests.conftest import client_for
from tests.factories import DivisionFactory, staff

from .conftest import make_prize, paper

pytestmark = pytest.mark.django_db

NEXT_YEAR = timezone.localdate().year + 1


def _grow(institution, so_family, technician, manager, programme_manager, n):
    """n more staff with outputs in a new division, n outputs of the technician, n prizes each with a
    nomination, and n acknowledgement cases."""
    division = DivisionFactory(institution=institution)
    for i in range(n):
        person = staff(institution, division=division, job_family=so_family, line_manager=manager)
        paper(person, title=f"Paper {person.pk}", on=date(2024, 3, 1))
        output = paper(technician, title=f"Mine {person.pk}", on=date(2024, 4, 1), doi=f"10.1234/x.{person.pk}")
        output.projects.set(services._projects(institution.pk, [f"Project {person.pk}", "Shared"]))
        prize = make_prize(institution, f"Prize {person.pk}", month=1 + i % 12, day=10)
        nomination = services.nomination_draft(
            prize=prize,
            year=NEXT_YEAR,
            nominee=person,
            category="",
            citation="x",
            by=programme_manager.user,
        )
        services.nomination_agree(nomination=nomination, by=person.user)
        services.case_report(person=person, work="w", credit="fairly", account="a", may_use_anonymously=True)


PAGES = [
    ("my outputs", lambda: (reverse("recognition:mine"), {}), "technician", 13),
    ("outputs list", lambda: (reverse("recognition:outputs"), {}), "hr", 10),
    ("outputs list of a manager", lambda: (reverse("recognition:outputs"), {}), "manager", 12),
    ("report", lambda: (reverse("reports:report", args=["authorships"]), {"year": 2024}), "programme_manager", 20),
    ("prize overview", lambda: (reverse("recognition:prizes"), {"year": NEXT_YEAR}), "programme_manager", 12),
    ("cases", lambda: (reverse("recognition:cases"), {}), "programme_manager", 13),
    ("home", lambda: (reverse("home"), {}), "technician", 40),
]


@pytest.mark.parametrize(("label", "url", "who", "limit"), PAGES, ids=[p[0] for p in PAGES])
def test_pages_keep_their_query_count_as_data_grows(
    label,
    url,
    who,
    limit,
    institution,
    so_family,
    technician,
    manager,
    hr,
    programme_manager,
    django_assert_max_num_queries,
):
    people = {"technician": technician, "hr": hr, "manager": manager, "programme_manager": programme_manager}
    client = client_for(people[who])
    counts = []
    for n in (2, 12):
        _grow(institution, so_family, technician, manager, programme_manager, n)
        path, params = url()
        with django_assert_max_num_queries(limit) as captured:
            response = client.get(path, params)
        assert response.status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1], counts


def test_the_profile_section_keeps_its_query_count(
    institution, so_family, technician, manager, hr, programme_manager, django_assert_max_num_queries
):
    client = client_for(hr)
    counts = []
    for n in (2, 12):
        _grow(institution, so_family, technician, manager, programme_manager, n)
        with django_assert_max_num_queries(20) as captured:
            page = client.get(technician.get_absolute_url()).content.decode()
        assert page.count('data-testid="profile-outputs"') == 1
        assert all(output.title in page for output in technician.outputs.all())
        counts.append(len(captured))
    assert counts[0] == counts[1], counts
