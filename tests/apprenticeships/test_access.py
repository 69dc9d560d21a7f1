"""An apprentice sees only their own record, a line manager their reports', HR and programme
managers their institution's, another institution's staff none."""

from datetime import date

import pytest
from django.urls import reverse

from apprenticeships import services
from apprenticeships.models import ApprenticeshipRequest
from people import roles
from tests.apprenticeships.conftest import enrol
from tests.conftest import client_for
from tests.factories import staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(institution, so_family, apprentice, programme_manager, standard, provider):
    """The apprentice (reporting to `manager`) and a second apprentice reporting to someone else."""
    other_manager = staff(institution, job_family=so_family, grade=so_family.grades.get(short_name="SSO"))
    other = staff(
        institution, job_family=so_family, grade=so_family.grades.get(short_name="APP"), line_manager=other_manager
    )
    return (
        enrol(apprentice, programme_manager, standard, provider),
        enrol(other, programme_manager, standard, provider),
        other_manager,
    )


def test_an_apprentice_sees_their_own_record_and_no_one_elses(two, apprentice):
    mine, theirs, _ = two
    client = client_for(apprentice)
    page = client.get(mine.get_absolute_url())
    assert page.status_code == 200 and f"{apprentice}: Laboratory technician" in page.content.decode()
    assert client.get(theirs.get_absolute_url()).status_code == 404
    home = client.get(reverse("apprenticeships:home"))
    assert [row.apprenticeship for row in home.context["mine"]] == [mine]
    assert home.context["managed"] == []


def test_a_line_manager_sees_their_reports_apprenticeships_only(two, manager):
    mine, theirs, other_manager = two
    client = client_for(manager)
    assert client.get(mine.get_absolute_url()).status_code == 200
    assert client.get(theirs.get_absolute_url()).status_code == 404
    assert [row.apprenticeship for row in client.get(reverse("apprenticeships:home")).context["managed"]] == [mine]
    assert client_for(other_manager).get(theirs.get_absolute_url()).status_code == 200


def test_another_institutions_staff_see_none_of_it_whatever_their_role(two, other_institution, provider, intake):
    mine, _theirs, _ = two
    for groups in ([], [roles.PROGRAMME_MANAGER], [roles.HR]):
        client = client_for(staff(other_institution, groups=groups))
        for url in (
            mine.get_absolute_url(),
            reverse("apprenticeships:hours", args=[mine.pk]),
            reverse("apprenticeships:edit", args=[mine.pk]),
            provider.get_absolute_url(),
            reverse("apprenticeships:intake", args=[intake.pk]),
        ):
            assert client.get(url).status_code == 404, (groups, url)
        if groups:
            listed = client.get(reverse("apprenticeships:programme")).context["page"].object_list
            assert listed == []


def test_hr_sees_every_apprenticeship_but_only_programme_managers_run_them(two, hr, programme_manager):
    mine, theirs, _ = two
    client = client_for(hr)
    assert client.get(theirs.get_absolute_url()).status_code == 200
    assert len(client.get(reverse("apprenticeships:programme")).context["page"].object_list) == 2
    assert client.get(reverse("apprenticeships:enrol")).status_code == 403
    assert client.post(reverse("apprenticeships:withdraw", args=[mine.pk]), {}).status_code == 403
    assert client_for(programme_manager).get(reverse("apprenticeships:enrol")).status_code == 200


def test_a_technician_cannot_open_the_programme_page_nor_log_someone_elses_hours(two, technician, manager):
    mine, _theirs, _ = two
    assert client_for(technician).get(reverse("apprenticeships:programme")).status_code == 403
    # The manager sees the record but only the apprentice logs hours.
    assert client_for(manager).get(reverse("apprenticeships:hours", args=[mine.pk])).status_code == 403


def test_a_request_is_seen_by_the_person_their_manager_and_programme_managers_only(
    institution, so_family, technician, manager, programme_manager, standard, outsider
):
    made = services.request_submit(
        person=technician,
        by=technician.user,
        standard=standard,
        preferred_start=date(2099, 1, 1),
        why="To lead the lab's quality work.",
        time_plan="Fridays.",
    )
    colleague = staff(institution, job_family=so_family, grade=so_family.grades.get(short_name="HSO"))
    for person, status in (
        (technician, 200),
        (manager, 200),
        (programme_manager, 200),
        (colleague, 404),
        (outsider, 404),
    ):
        assert client_for(person).get(made.get_absolute_url()).status_code == status, person
    # Only the line manager decides; the programme manager may see it but not approve it.
    response = client_for(programme_manager).post(made.get_absolute_url(), {"decision": "approve"})
    assert response.status_code == 403
    made.refresh_from_db()
    assert made.state == ApprenticeshipRequest.State.SUBMITTED
