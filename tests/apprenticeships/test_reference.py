"""Reference data: standards, providers (with staff recommendations) and intakes."""

import pytest
from django.urls import reverse

from apprenticeships.models import Intake, Provider, Recommendation, Standard
from tests.apprenticeships.conftest import enrol
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_a_programme_manager_adds_a_standard_and_a_provider_and_others_cannot(
    programme_manager, technician, institution
):
    pm = client_for(programme_manager)
    response = pm.post(
        reverse("apprenticeships:standard_create"),
        {
            "reference": "ST0626",
            "title": "Laboratory scientist (degree)",
            "version": "1.1",
            "level": 6,
            "typical_months": 60,
            "minimum_off_the_job_hours": 1100,
            "assessment_methods": "Project; professional discussion.",
            "assessment_grades": "Fail, pass, merit, distinction",
        },
    )
    assert response.status_code == 302
    standard = Standard.objects.get(reference="ST0626")
    assert (standard.institution, standard.level, standard.minimum_off_the_job_hours) == (institution, 6, 1100)
    response = pm.post(
        reverse("apprenticeships:provider_create"),
        {"name": "Northgate University", "portfolio_link": "https://app.aptem.co.uk/", "contact_email": "a@b.example"},
    )
    provider = Provider.objects.get(name="Northgate University")
    assert response.url == provider.get_absolute_url()
    assert client_for(technician).get(reverse("apprenticeships:standard_create")).status_code == 403
    assert client_for(technician).post(reverse("apprenticeships:provider_create"), {"name": "X"}).status_code == 403
    assert Provider.objects.count() == 1
    page = client_for(technician).get(reverse("apprenticeships:reference")).content.decode()
    assert "ST0626 Laboratory scientist (degree)" in page and "Northgate University" in page


def test_a_standard_with_a_level_out_of_range_is_refused_beside_the_field(programme_manager):
    response = client_for(programme_manager).post(
        reverse("apprenticeships:standard_create"),
        {
            "reference": "ST0001",
            "title": "x",
            "version": "1",
            "level": 9,
            "typical_months": 24,
            "assessment_methods": "y",
            "assessment_grades": "Fail, pass",
        },
    )
    assert response.context["form"].errors == {"level": ["Ensure this value is less than or equal to 7."]}
    assert not Standard.objects.exists()


def test_any_member_of_staff_recommends_a_provider_with_a_comment(technician, provider, standard):
    client = client_for(technician)
    empty = client.post(provider.get_absolute_url(), {"course": "L3", "rating": 4, "comment": ""})
    assert "comment" in empty.context["form"].errors and not Recommendation.objects.exists()
    client.post(
        provider.get_absolute_url(),
        {"standard": standard.pk, "course": "Level 3, 2023", "rating": 4, "comment": "Good tutors."},
    )
    recommendation = Recommendation.objects.get()
    assert (recommendation.by, recommendation.rating, recommendation.standard) == (technician, 4, standard)
    assert "Good tutors." in client.get(provider.get_absolute_url()).content.decode()


def test_an_intakes_places_cannot_drop_below_its_apprentices(programme_manager, apprentice, standard, provider, intake):
    enrol(apprentice, programme_manager, standard, provider, intake=intake)
    response = client_for(programme_manager).post(
        reverse("apprenticeships:intake_edit", args=[intake.pk]),
        {
            "name": intake.name,
            "standard": standard.pk,
            "provider": provider.pk,
            "start_date": intake.start_date.isoformat(),
            "places": 0,
        },
    )
    assert "places" in response.context["form"].errors
    assert Intake.objects.get().places == 4


def test_a_full_intake_takes_no_more_apprentices(institution, so_family, programme_manager, standard, provider, intake):
    from apprenticeships import services
    from tests.factories import staff

    intake.places = 1
    intake.save()
    grade = so_family.grades.get(short_name="APP")
    enrol(staff(institution, job_family=so_family, grade=grade), programme_manager, standard, provider, intake=intake)
    with pytest.raises(services.ValidationError) as refused:
        enrol(
            staff(institution, job_family=so_family, grade=grade), programme_manager, standard, provider, intake=intake
        )
    assert refused.value.message_dict == {"intake": [f"{intake} has no free place (1 in all)."]}
