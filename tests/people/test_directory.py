from people.models import StaffProfile
from tests.conftest import client_for
from tests.factories import DivisionFactory, UserFactory, staff


def _names(response):
    return [str(person) for person in response.context["page"].object_list]


def test_directory_lists_only_current_staff_of_my_institution(technician, manager, outsider):
    leaver = staff(technician.institution, leaving_date="2020-01-01", start_date="2010-01-01")
    names = _names(client_for(technician).get("/staff/"))
    assert str(manager) in names and str(technician) in names
    assert str(outsider) not in names
    assert str(leaver) not in names


def test_directory_searches_names_and_job_titles(technician, institution):
    staff(institution, user=UserFactory(first_name="Rosalind", last_name="Franklin"), job_title="Crystallographer")
    client = client_for(technician)
    assert _names(client.get("/staff/?q=rosalind")) == ["Rosalind Franklin"]
    assert _names(client.get("/staff/?q=crystallo")) == ["Rosalind Franklin"]
    assert _names(client.get("/staff/?q=nobody-has-this-name")) == []


def test_directory_filters_by_division_job_family_and_grade(technician, manager, institution, so_family):
    other_division = DivisionFactory(institution=institution, name="Structural Biology")
    elsewhere = staff(
        institution, division=other_division, job_family=so_family, grade=so_family.grades.get(short_name="SO")
    )
    client = client_for(technician)
    assert _names(client.get(f"/staff/?division={other_division.pk}")) == [str(elsewhere)]
    hso = so_family.grades.get(short_name="HSO")
    assert _names(client.get(f"/staff/?grade={hso.pk}")) == [str(technician)]
    assert set(_names(client.get(f"/staff/?job_family={so_family.pk}"))) == {
        str(technician),
        str(manager),
        str(elsewhere),
    }


def test_directory_refuses_a_division_of_another_institution_as_a_filter(technician, outsider):
    foreign = DivisionFactory(institution=outsider.institution)
    response = client_for(technician).get(f"/staff/?division={foreign.pk}")
    assert "Select a valid choice" in response.content.decode()


def test_directory_paginates_25_to_a_page(technician, institution):
    for _ in range(30):
        staff(institution)
    response = client_for(technician).get("/staff/?page=2")
    assert response.context["page"].number == 2
    assert len(response.context["page"].object_list) == StaffProfile.objects.count() - 25


def _add_staff(institution, division, family, grade, manager, count, start):
    from people.models import User

    User.objects.bulk_create(UserFactory.build(email=f"bulk{start + i}@icr.ac.uk", password="!") for i in range(count))
    StaffProfile.objects.bulk_create(
        StaffProfile(
            user=user, institution=institution, division=division, job_family=family, grade=grade, line_manager=manager
        )
        for user in User.objects.filter(email__startswith="bulk", profile__isnull=True)
    )


def test_directory_uses_the_same_number_of_queries_for_50_and_500_staff(
    technician, institution, division, so_family, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    grade = so_family.grades.get(short_name="SO")
    client = client_for(technician)
    counts = []
    for size, start in [(50, 0), (500, 50)]:
        _add_staff(institution, division, so_family, grade, technician, size - StaffProfile.objects.count(), start)
        with CaptureQueriesContext(connection) as queries, django_assert_max_num_queries(15):
            response = client.get(f"/staff/?job_family={so_family.pk}")
        assert response.context["page"].paginator.count >= size
        counts.append(len(queries))
    assert counts[0] == counts[1]
