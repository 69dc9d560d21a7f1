"""Query counts pinned at two data sizes: the mentor list, the suggestions, my mentoring, the
relationship page, the overview and the dashboard."""

import pytest
from django.urls import reverse

from mentoring import services
from mentoring.models import Purpose
from tests.conftest import client_for
from tests.factories import staff
from tests.mentoring.conftest import grade, make_mentor, request_and_accept

pytestmark = pytest.mark.django_db


def _grow(institution, so_family, senior_mentor, technician, n):
    """n more mentors (one with a mentee each) and n more relationships around the technician and the mentor."""
    for i in range(n):
        mentor = make_mentor(
            staff(institution, job_family=so_family, grade=grade(so_family, "PSO" if i % 2 else "SSO")),
            purposes=[Purpose.PROMOTION, Purpose.LEADERSHIP],
            capacity=3,
        )
        request_and_accept(staff(institution, job_family=so_family, grade=grade(so_family, "SO")), mentor)
    for _ in range(n):
        mentee = staff(institution, job_family=so_family, grade=grade(so_family, "SO"))
        services.relationship_request(
            mentee=mentee, mentor=senior_mentor, purpose=Purpose.REGISTRATION, hopes="x", by=mentee.user
        )


PAGES = [
    # 19: one query per registered signal's loader (registration's "registered as", promotions'
    # "promoted to the grade you aim for", apprenticeships' "completed the same apprenticeship")
    ("find", lambda ctx: (reverse("mentoring:find"), {"purpose": "promotion"}), "technician", 19),
    ("mentors", lambda ctx: (reverse("mentoring:find"), {}), "technician", 13),
    ("mine as mentor", lambda ctx: (reverse("mentoring:mine"), {}), "mentor", 13),
    ("overview", lambda ctx: (reverse("mentoring:overview"), {}), "programme_manager", 12),
    ("home", lambda ctx: (reverse("home"), {}), "mentor", 40),
]


@pytest.mark.parametrize(("label", "url", "who", "limit"), PAGES, ids=[p[0] for p in PAGES])
def test_pages_keep_their_query_count_as_data_grows(
    label,
    url,
    who,
    limit,
    institution,
    so_family,
    senior_mentor,
    technician,
    programme_manager,
    django_assert_max_num_queries,
):
    people = {"technician": technician, "mentor": senior_mentor.person, "programme_manager": programme_manager}
    client = client_for(people[who])
    counts = []
    for n in (2, 12):
        _grow(institution, so_family, senior_mentor, technician, n)
        path, params = url(None)
        with django_assert_max_num_queries(limit) as captured:
            response = client.get(path, params)
        assert response.status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1], counts


def test_the_relationship_page_keeps_its_query_count_as_meetings_grow(
    technician, senior_mentor, django_assert_max_num_queries
):
    relationship = request_and_accept(technician, senior_mentor)
    client = client_for(technician)
    counts = []
    for n in (2, 20):
        for _ in range(n):
            services.meeting_log(relationship=relationship, met_on=relationship.started_on, notes="x", by=technician)
        with django_assert_max_num_queries(14) as captured:
            assert client.get(relationship.get_absolute_url()).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]
