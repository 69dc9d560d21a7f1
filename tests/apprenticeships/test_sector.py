"""Recommendations shared with the sector (1C): every institution's technicians read them, without names."""

import pytest
from django.test import Client
from django.urls import reverse

from apprenticeships import services
from apprenticeships.models import Provider, Recommendation, Standard
from tests.conftest import client_for
from tests.factories import staff

pytestmark = pytest.mark.django_db


def _their_provider(institution, name="Southbank Science Skills"):
    return Provider.objects.create(institution=institution, name=name)


def test_sharing_is_chosen_on_the_form_and_the_sector_page_names_the_institution_not_the_person(
    technician, provider, standard, outsider, other_institution
):
    client_for(technician).post(
        provider.get_absolute_url(),
        {
            "standard": standard.pk,
            "course": "Level 3, 2023",
            "rating": 5,
            "comment": "Tutors who know research labs.",
            "shared_with_sector": "on",
        },
    )
    assert Recommendation.objects.get().shared_with_sector
    services.recommendation_add(
        provider=provider, by=technician, course="Level 3, 2024", rating=2, comment="Kept to ourselves."
    )

    page = client_for(outsider).get(reverse("apprenticeships:sector")).content.decode()
    assert "Tutors who know research labs." in page
    assert "Kept to ourselves." not in page  # not shared
    assert f"A technician at {technician.institution.short_name}" in page
    assert technician.user.last_name not in page and technician.user.email not in page


def test_the_same_college_at_two_institutions_is_one_provider_on_the_sector_page(
    technician, provider, outsider, other_institution
):
    services.recommendation_add(
        provider=provider, by=technician, course="L3", rating=5, comment="Ours.", shared_with_sector=True
    )
    theirs = _their_provider(other_institution, name="southbank  science skills")
    services.recommendation_add(
        provider=theirs, by=outsider, course="L3", rating=3, comment="Theirs.", shared_with_sector=True
    )
    response = client_for(technician).get(reverse("apprenticeships:sector"))
    [college] = response.context["providers"]
    assert {r.comment for r in college.recommendations} == {"Ours.", "Theirs."}
    assert college.institutions == sorted([technician.institution.short_name, other_institution.short_name])


def test_the_filters_narrow_by_standard_and_words(technician, provider, standard):
    services.recommendation_add(
        provider=provider,
        by=technician,
        standard=standard,
        course="Lab technician",
        rating=5,
        comment="A.",
        shared_with_sector=True,
    )
    other = _their_provider(technician.institution, name="Northgate University Apprenticeships")
    services.recommendation_add(
        provider=other, by=technician, course="Data analyst", rating=4, comment="B.", shared_with_sector=True
    )
    client = client_for(technician)
    by_standard = client.get(reverse("apprenticeships:sector"), {"standard": "st0248"}).context["providers"]
    assert [p.name for p in by_standard] == ["Southbank Science Skills"]
    by_words = client.get(reverse("apprenticeships:sector"), {"q": "northgate"}).context["providers"]
    assert [p.name for p in by_words] == ["Northgate University Apprenticeships"]
    nothing = client.get(reverse("apprenticeships:sector"), {"q": "nowhere"}).content.decode()
    assert "No shared recommendation matches" in nothing


def test_signed_out_visitors_are_sent_to_sign_in():
    response = Client().get(reverse("apprenticeships:sector"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("institutions", [2, 6])
def test_the_sector_page_takes_the_same_queries_for_any_number_of_institutions(
    institutions, technician, django_assert_num_queries
):
    from tests.factories import InstitutionFactory

    for n in range(institutions):
        place = InstitutionFactory()
        person = staff(place)
        standard = Standard.objects.create(
            institution=place, reference="ST0248", title="Lab", version="1", level=3, typical_months=24
        )
        services.recommendation_add(
            provider=_their_provider(place, name=f"College {n % 3}"),
            by=person,
            standard=standard,
            course="L3",
            rating=4,
            comment=f"Comment {n}.",
            shared_with_sector=True,
        )
    client = client_for(technician)
    client.get(reverse("apprenticeships:sector"))
    with django_assert_num_queries(8):
        response = client.get(reverse("apprenticeships:sector"))
    assert sum(len(p.recommendations) for p in response.context["providers"]) == institutions
