"""Programme managers set up programmes and cohorts in the portal (not only in the admin)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from people import roles
from programmes.models import Application, Cohort, Programme
from tests.conftest import client_for
from tests.factories import staff
from tests.programmes.conftest import CohortFactory, make_application

pytestmark = pytest.mark.django_db


def _cohort_data(**overrides):
    today = timezone.localdate()
    data = {
        "name": "Autumn intake",
        "starts_on": today + timedelta(days=40),
        "ends_on": today + timedelta(days=100),
        "capacity": 25,
        "opens_on": today,
        "closes_on": today + timedelta(days=20),
        "min_level": "3",
        "max_level": "3",
        "eligibility_text": "HSO or equivalent",
        "selection": "selection",
        "waiting_list": "on",
        "questions": "Which project will you bring?",
    }
    data.update(overrides)
    return data


def test_programme_manager_creates_a_programme_for_their_institution(programme_manager, institution):
    response = client_for(programme_manager).post(
        reverse("programmes:programme_create"),
        {
            "title": "Ignite",
            "kind": "development",
            "owner": programme_manager.pk,
            "summary": "Mid-career programme",
            "attendance_rule_percent": 80,
        },
    )
    programme = Programme.objects.get()
    assert response.url == programme.get_absolute_url()
    assert (programme.institution, programme.owner) == (institution, programme_manager)


def test_a_duplicate_programme_title_is_refused(programme, programme_manager):
    response = client_for(programme_manager).post(
        reverse("programmes:programme_create"),
        {"title": "ignite", "kind": "development", "summary": "Again", "attendance_rule_percent": 80},
    )
    assert "already has a programme with this title" in response.content.decode()
    assert Programme.objects.count() == 1


def test_programme_manager_adds_a_cohort_with_a_level_rule_and_job_families(programme, programme_manager, so_family):
    response = client_for(programme_manager).post(
        reverse("programmes:cohort_create", args=[programme.pk]), _cohort_data(job_families=[so_family.pk])
    )
    cohort = Cohort.objects.get(programme=programme)
    assert response.url == reverse("programmes:cohort_run", args=[cohort.pk])
    assert (cohort.min_level, cohort.max_level, cohort.capacity) == (3, 3, 25)
    assert list(cohort.job_families.all()) == [so_family]


def test_cohort_form_names_the_grades_at_each_level(programme, programme_manager, so_family):
    content = client_for(programme_manager).get(reverse("programmes:cohort_create", args=[programme.pk])).content
    assert "3: HSO" in content.decode()


def test_a_window_closing_before_it_opens_is_refused(programme, programme_manager):
    today = timezone.localdate()
    response = client_for(programme_manager).post(
        reverse("programmes:cohort_create", args=[programme.pk]),
        _cohort_data(opens_on=today + timedelta(days=5), closes_on=today),
    )
    assert "Applications must close on or after the day they open." in response.content.decode()
    assert not Cohort.objects.exists()


def test_places_cannot_drop_below_the_places_taken(cohort, programme_manager, institution):
    for _ in range(3):
        make_application(cohort, staff(institution), Application.State.ACCEPTED)
    response = client_for(programme_manager).post(
        reverse("programmes:cohort_edit", args=[cohort.pk]),
        _cohort_data(name=cohort.name, capacity=2, opens_on=cohort.opens_on, closes_on=cohort.closes_on),
    )
    assert "3 places are already taken" in response.content.decode()
    cohort.refresh_from_db()
    assert cohort.capacity == 20


def test_setup_pages_are_forbidden_to_technicians_and_hidden_from_other_institutions(
    programme, technician, other_institution
):
    cohort = CohortFactory(programme=programme)
    urls = [
        reverse("programmes:programme_edit", args=[programme.pk]),
        reverse("programmes:cohort_create", args=[programme.pk]),
        reverse("programmes:cohort_edit", args=[cohort.pk]),
    ]
    foreign_pm = staff(other_institution, groups=[roles.PROGRAMME_MANAGER])
    for url in urls:
        assert client_for(technician).get(url).status_code == 403
        assert client_for(foreign_pm).get(url).status_code == 404
    client_for(foreign_pm).post(urls[0], {"title": "Hijacked", "kind": "module", "summary": "x"})
    programme.refresh_from_db()
    assert programme.title == "Ignite"


@pytest.mark.parametrize("count", [10, 60])
def test_programme_list_queries_do_not_grow(count, institution, programme_manager, django_assert_max_num_queries):
    Programme.objects.bulk_create(
        [Programme(institution=institution, title=f"P{i}", summary="s", owner=programme_manager) for i in range(count)]
    )
    client = client_for(programme_manager)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("programmes:run_programmes"))
    assert response.context["page"].paginator.count == count


def test_adding_places_offers_them_to_the_waiting_list_in_order(cohort, programme_manager, institution):
    cohort.capacity = 1
    cohort.save()
    make_application(cohort, staff(institution), Application.State.ACCEPTED)
    first = make_application(cohort, staff(institution), Application.State.WAITLISTED)
    second = make_application(cohort, staff(institution), Application.State.WAITLISTED)
    client_for(programme_manager).post(
        reverse("programmes:cohort_edit", args=[cohort.pk]),
        _cohort_data(name=cohort.name, capacity=2, opens_on=cohort.opens_on, closes_on=cohort.closes_on),
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == (Application.State.ACCEPTED, Application.State.WAITLISTED)
    assert first.transitions.last().by is None  # the portal offered it, not a person
