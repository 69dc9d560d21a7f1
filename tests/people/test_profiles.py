import pytest

from tests.conftest import client_for
from tests.factories import InstitutionFactory, staff


def test_staff_member_edits_their_own_profile_and_orcid(technician):
    response = client_for(technician).post(
        "/staff/me/edit/",
        {
            "first_name": "Priya",
            "last_name": "Shah",
            "job_title": "Imaging specialist",
            "orcid": "https://orcid.org/0000-0002-1825-0097",
            "bio": "Light-sheet microscopy.",
        },
    )
    assert response.status_code == 302
    technician.refresh_from_db()
    technician.user.refresh_from_db()
    assert technician.user.get_full_name() == "Priya Shah"
    assert technician.orcid == "0000-0002-1825-0097"
    assert technician.job_title == "Imaging specialist"


def test_an_invalid_orcid_is_refused_on_the_form_and_nothing_is_saved(technician):
    before = (technician.job_title, technician.user.first_name)
    response = client_for(technician).post(
        "/staff/me/edit/",
        {"first_name": "Changed", "last_name": "Name", "job_title": "Changed", "orcid": "0000-0002-1825-0098"},
    )
    assert response.status_code == 200
    assert "does not match its check digit" in response.content.decode()
    technician.refresh_from_db()
    technician.user.refresh_from_db()
    assert (technician.job_title, technician.user.first_name) == before
    assert technician.orcid == ""


def test_staff_cannot_change_their_own_grade_or_manager(technician, manager, so_family):
    pso = so_family.grades.get(short_name="PSO")
    client_for(technician).post(
        "/staff/me/edit/",
        {"first_name": "A", "last_name": "B", "job_title": "x", "grade": pso.pk, "line_manager": ""},
    )
    technician.refresh_from_db()
    assert technician.grade.short_name == "HSO"
    assert technician.line_manager == manager


def test_a_technician_cannot_edit_someone_elses_staff_record(technician, manager):
    response = client_for(technician).post(f"/staff/{manager.pk}/record/", {"job_title": "Hacked"})
    assert response.status_code == 403
    manager.refresh_from_db()
    assert manager.job_title != "Hacked"


def test_a_technician_gets_404_for_another_institutions_staff(technician, outsider):
    assert client_for(technician).get(f"/staff/{outsider.pk}/").status_code == 404
    assert client_for(outsider).get(f"/staff/{technician.pk}/").status_code == 404


def _record_data(profile, **changes):
    data = {
        "staff_number": profile.staff_number,
        "job_title": profile.job_title,
        "division": profile.division_id or "",
        "job_family": profile.job_family_id or "",
        "grade": profile.grade_id or "",
        "line_manager": profile.line_manager.user.email if profile.line_manager_id else "",
        "start_date": "",
        "leaving_date": "",
        "orcid": "",
    }
    data.update(changes)
    return data


def test_hr_refuses_a_management_loop_with_a_clear_message(hr, technician, manager):
    response = client_for(hr).post(
        f"/staff/{manager.pk}/record/", _record_data(manager, line_manager=technician.user.email)
    )
    assert response.status_code == 200
    assert "would make a management loop" in response.content.decode()
    manager.refresh_from_db()
    assert manager.line_manager is None


def test_hr_refuses_a_loop_through_several_levels(hr, institution, technician, manager):
    junior = staff(institution, line_manager=technician)
    response = client_for(hr).post(
        f"/staff/{manager.pk}/record/", _record_data(manager, line_manager=junior.user.email)
    )
    assert "would make a management loop" in response.content.decode()
    manager.refresh_from_db()
    assert manager.line_manager is None


def test_hr_cannot_choose_a_line_manager_from_another_institution(hr, technician, outsider):
    response = client_for(hr).post(
        f"/staff/{technician.pk}/record/", _record_data(technician, line_manager=outsider.user.email)
    )
    assert "No one else at this institution has this e-mail address in TechCareers" in response.content.decode()
    technician.refresh_from_db()
    assert technician.line_manager != outsider


def test_the_model_refuses_a_manager_from_another_institution_outside_forms(technician, outsider):
    from django.core.exceptions import ValidationError

    technician.line_manager = outsider
    with pytest.raises(ValidationError) as error:
        technician.full_clean()
    assert error.value.message_dict["line_manager"] == ["The line manager must work at the same institution."]


def test_hr_updates_a_staff_record(hr, technician, so_family):
    sso = so_family.grades.get(short_name="SSO")
    response = client_for(hr).post(
        f"/staff/{technician.pk}/record/",
        _record_data(technician, grade=sso.pk, start_date="2020-01-06", staff_number="S123", cause="promotion"),
    )
    assert response.status_code == 302
    technician.refresh_from_db()
    assert technician.grade == sso
    assert str(technician.start_date) == "2020-01-06"


def test_hr_of_another_institution_cannot_see_or_edit_our_staff(technician):
    other = InstitutionFactory()
    foreign_hr = staff(other, groups=["HR"])
    from tests.conftest import _with_totp

    _with_totp(foreign_hr.user)
    assert client_for(foreign_hr).get(f"/staff/{technician.pk}/record/").status_code == 404


def test_a_leaving_date_before_the_start_date_is_refused(hr, technician):
    response = client_for(hr).post(
        f"/staff/{technician.pk}/record/", _record_data(technician, start_date="2024-05-01", leaving_date="2024-04-01")
    )
    assert "The leaving date must be on or after the start date." in response.content.decode()
    technician.refresh_from_db()
    assert technician.leaving_date is None


def test_a_profile_shows_the_programmes_the_person_completed(technician, manager):
    from programmes.models import Application, Cohort, Programme

    programme = Programme.objects.create(
        institution=technician.institution, title="Ignite", summary="Mid-career programme", kind="development"
    )
    cohort = Cohort.objects.create(
        programme=programme,
        name="2025 intake",
        starts_on="2025-01-10",
        ends_on="2025-06-30",
        capacity=30,
        opens_on="2024-11-01",
        closes_on="2024-12-01",
    )
    Application.objects.create(cohort=cohort, applicant=technician, statement="x", state=Application.State.COMPLETED)
    page = client_for(manager).get(f"/staff/{technician.pk}/").content.decode()
    assert "Completed programmes" in page
    assert "Ignite, 2025 intake" in page
