"""The pipeline report page: who may open it, what it shows, its CSV, and its query count."""

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from development.models import DevelopmentRequest
from equality.models import Declaration
from programmes.models import Application
from tests.conftest import client_for
from tests.development.conftest import make_request
from tests.factories import staff
from tests.programmes.conftest import CohortFactory, ProgrammeFactory, make_application

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["technician", "manager", "mentor"])
def test_a_line_manager_or_technician_cannot_open_the_report_or_its_csv(request, who, technician):
    client = client_for(request.getfixturevalue(who))
    for url in (reverse("equality:report"), reverse("equality:report_csv")):
        response = client.get(url)
        assert response.status_code == 403, (who, url)
        assert "Only HR and programme managers can see the equality report." in response.content.decode()


@pytest.mark.parametrize("who", ["hr", "programme_manager"])
def test_hr_and_programme_managers_see_the_figures_and_the_chart(request, who, pipeline_data):
    page = client_for(request.getfixturevalue(who)).get(reverse("equality:report"), {"breakdown": "division"})
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="pipeline"' in html and 'id="pipeline-chart"' in html
    assert "Programmes by division" in html
    # Cancer Biology: 25 eligible, 10 applied (42%), 5 offered (21%), 5 completed (13%).
    row = html.split('<th scope="row" class="fw-normal">Cancer Biology</th>')[1].split("</tr>")[0]
    assert [cell.split(">")[-1] for cell in row.split("</td>")[:-1]] == ["25", "10", "42%", "5", "21%", "5", "13%"]
    assert "under 23 people" in html
    assert '"labels": ["Cancer Biology", "Scientific Services", "Structural Biology"]' in html
    assert "[42.0, null, null]" in html  # the chart leaves hidden rates out


def test_an_end_before_the_start_is_refused_beside_the_field(hr):
    response = client_for(hr).get(reverse("equality:report"), {"start": "2026-05-01", "end": "2026-04-01"})
    html = response.content.decode()
    assert "There is a problem" in html and "The end of the period must be on or after its start." in html
    assert 'data-testid="pipeline"' not in html


def test_each_source_and_each_enabled_characteristic_can_be_chosen(hr, pipeline_data):
    client = client_for(hr)
    for source, heading in [
        ("development", "Asked for days"),
        ("exchange", "Asked to visit"),
        ("promotions", "Intended or applied"),
        ("registration", "Started a journey"),
        ("apprenticeships", "Approved by manager"),
    ]:
        html = client.get(reverse("equality:report"), {"source": source, "breakdown": "grade"}).content.decode()
        assert heading in html, source
        assert "All staff" in html
    html = client.get(reverse("equality:report")).content.decode()
    assert '<option value="disability">Disability</option>' in html
    assert '<option value="religion">' not in html  # not enabled


def test_the_csv_streams_the_same_figures_after_confirming_it_is_you(hr, pipeline_data):
    stale = client_for(hr, reauthenticated=False).get(reverse("equality:report_csv"), {"breakdown": "division"})
    assert stale.status_code != 200
    response = client_for(hr).get(reverse("equality:report_csv"), {"breakdown": "division"})
    assert response.streaming
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].startswith("Division,Eligible,Applied,Applied: % of eligible,Offered a place")
    assert lines[1] == "Cancer Biology,25,10,42,5,21,5,13"
    assert lines[4] == "All staff,35,15,42,5,19,5,8"
    assert "HESA" in lines[-1]
    assert AuditEvent.objects.filter(kind="export", action__startswith="Exported equality-programmes-division").exists()


def _population(institution, division, so_family, programme_manager, size):
    hso = so_family.grades.get(short_name="HSO")
    cohort = CohortFactory(
        programme=ProgrammeFactory(institution=institution, owner=programme_manager), min_level=3, max_level=3
    )
    for number in range(size):
        person = staff(institution, division=division, job_family=so_family, grade=hso)
        Declaration.objects.create(person=person, sex="female" if number % 2 else "male", disability="no")
        make_application(cohort, person, state=Application.State.ACCEPTED if number % 3 else Application.State.DECLINED)
        make_request(person, start=timezone.localdate(), state=DevelopmentRequest.State.APPROVED)


@pytest.mark.parametrize("breakdown", ["job_family", "grade", "sex"])
@pytest.mark.parametrize("size", [3, 40])
def test_the_report_page_makes_the_same_number_of_queries_for_3_or_40_applicants(
    institution, division, so_family, programme_manager, hr, django_assert_max_num_queries, size, breakdown
):
    _population(institution, division, so_family, programme_manager, size)
    client = client_for(hr)
    # Session, user, roles and navigation (9); the settings, the cohorts and their job families,
    # the staff in post, the applications, the answers (sex only): none per person.
    with django_assert_max_num_queries(14 if breakdown == "sex" else 13):
        response = client.get(reverse("equality:report"), {"breakdown": breakdown})
    assert response.status_code == 200


@pytest.mark.parametrize("source", ["development", "exchange", "promotions", "registration", "apprenticeships"])
@pytest.mark.parametrize("size", [3, 40])
def test_every_source_keeps_its_query_count_at_two_sizes(
    institution, division, so_family, programme_manager, hr, django_assert_max_num_queries, size, source
):
    _population(institution, division, so_family, programme_manager, size)
    client = client_for(hr)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("equality:report"), {"source": source, "breakdown": "sex"})
    assert response.status_code == 200
