"""Institution administrators configure their own reference data in the Django admin."""

from people.models import Division, JobFamily
from tests.conftest import client_for
from tests.factories import DivisionFactory


def _admin_client(institution_admin):
    institution_admin.user.is_staff = True
    institution_admin.user.save()
    return client_for(institution_admin)


def test_institution_admin_sees_only_their_own_divisions(institution_admin, division, outsider):
    foreign = DivisionFactory(institution=outsider.institution, name="Foreign division")
    client = _admin_client(institution_admin)
    page = client.get("/admin/people/division/").content.decode()
    assert division.name in page
    assert "Foreign division" not in page
    assert client.get(f"/admin/people/division/{foreign.pk}/change/").status_code == 302  # "doesn't exist"
    assert Division.objects.get(pk=foreign.pk).name == "Foreign division"


def test_a_division_added_by_an_institution_admin_belongs_to_their_institution(institution_admin, outsider):
    client = _admin_client(institution_admin)
    client.post("/admin/people/division/add/", {"name": "Data Science"})
    assert Division.objects.get(name="Data Science").institution == institution_admin.institution


def test_institution_admin_cannot_put_a_grade_in_another_institutions_job_family(institution_admin, outsider):
    foreign_family = JobFamily.objects.create(institution=outsider.institution, name="Foreign family")
    client = _admin_client(institution_admin)
    response = client.post(
        "/admin/people/grade/add/",
        {"job_family": foreign_family.pk, "name": "Sneaky", "short_name": "SN", "level": 1},
    )
    assert "Select a valid choice" in response.content.decode()
    assert not foreign_family.grades.exists()


def test_institution_admin_cannot_change_email_domains_or_staff_in_the_admin(institution_admin):
    client = _admin_client(institution_admin)
    assert client.get("/admin/people/staffprofile/").status_code == 403
    page = client.get(f"/admin/people/institution/{institution_admin.institution.pk}/change/").content.decode()
    assert 'name="email_domains-0-domain"' not in page


def test_an_institution_added_in_the_admin_starts_with_the_sectors_ladders_which_its_admin_edits(db):

    from people.models import Grade, Institution, User
    from tests.conftest import _with_totp

    platform = User.objects.create_superuser(email="ops@example.org", password="x")
    _with_totp(platform)  # the admin asks everyone for a second factor
    client = client_for(platform)
    response = client.post(
        "/admin/people/institution/add/",
        {
            "name": "John Innes Centre",
            "short_name": "JIC",
            "slug": "jic",
            "email_domains-TOTAL_FORMS": "0",
            "email_domains-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    jic = Institution.objects.get(slug="jic")
    assert JobFamily.objects.filter(institution=jic).count() == 4
    assert Grade.objects.get(job_family__institution=jic, short_name="HSO").level == 3
