"""Who sees what: the pair, programme managers and HR (never the notes), nobody else; another
institution's mentoring is a 404 on every page."""

import pytest
from django.urls import reverse

from mentoring import services
from mentoring.models import MentoringSettings, Relationship
from tests.conftest import client_for
from tests.factories import staff
from tests.mentoring.conftest import make_mentor, request_and_accept

pytestmark = pytest.mark.django_db

NOTES = "Confidential: thinking of leaving the team."


@pytest.fixture
def relationship(technician, senior_mentor):
    relationship = request_and_accept(technician, senior_mentor)
    services.meeting_log(relationship=relationship, met_on=relationship.started_on, notes=NOTES, by=technician)
    return relationship


RELATIONSHIP_PAGES = [
    ("mentoring:relationship", "get"),
    ("mentoring:accept", "post"),
    ("mentoring:decline", "get"),
    ("mentoring:withdraw", "post"),
    ("mentoring:meeting_log", "get"),
    ("mentoring:close", "get"),
    ("mentoring:feedback", "get"),
]


@pytest.mark.parametrize(("name", "method"), RELATIONSHIP_PAGES)
def test_every_relationship_page_is_a_404_for_an_outsider(outsider, relationship, name, method):
    response = getattr(client_for(outsider), method)(reverse(name, args=[relationship.pk]))
    assert response.status_code == 404


def test_a_mentor_profile_of_another_institution_is_a_404(outsider, senior_mentor, outsider_mentor, technician):
    assert client_for(outsider).get(reverse("mentoring:mentor", args=[senior_mentor.pk])).status_code == 404
    assert client_for(technician).get(reverse("mentoring:mentor", args=[outsider_mentor.pk])).status_code == 404
    assert client_for(technician).get(reverse("mentoring:mentor", args=[senior_mentor.pk])).status_code == 200


def test_the_outsiders_lists_show_nothing_of_another_institution(outsider, relationship, senior_mentor):
    client = client_for(outsider)
    mine = client.get(reverse("mentoring:mine"))
    assert mine.context["as_mentee"] == [] and mine.context["as_mentor"] == []
    find = client.get(reverse("mentoring:find"), {"purpose": "promotion"})
    assert find.context["suggestions"] == [] and find.context["page"].paginator.count == 0
    assert str(senior_mentor.person) not in find.content.decode()


def test_an_outsider_programme_manager_gets_no_overview_of_another_institution(other_institution, relationship):
    from people import roles

    pm = staff(other_institution, groups=[roles.PROGRAMME_MANAGER])
    response = client_for(pm).get(reverse("mentoring:overview"))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0
    assert client_for(pm).get(reverse("mentoring:relationship", args=[relationship.pk])).status_code == 404


def test_the_pair_read_the_meeting_notes(relationship, technician, senior_mentor):
    for person in (technician, senior_mentor.person):
        page = client_for(person).get(relationship.get_absolute_url())
        assert page.status_code == 200 and NOTES in page.content.decode()


def test_the_line_manager_does_not_see_the_mentoring_at_all(relationship, manager):
    assert relationship.mentee.line_manager == manager
    assert client_for(manager).get(relationship.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("who", ["hr", "programme_manager"])
def test_hr_and_programme_managers_see_the_meeting_dates_but_never_the_notes(relationship, who, request):
    person = request.getfixturevalue(who)
    page = client_for(person).get(relationship.get_absolute_url())
    body = page.content.decode()
    assert page.status_code == 200
    assert page.context["meetings"][0].met_on == relationship.started_on
    assert NOTES not in body and "private to the mentor and the mentee" in body


def test_a_colleague_of_the_same_institution_gets_a_404(relationship, institution):
    colleague = staff(institution)
    assert client_for(colleague).get(relationship.get_absolute_url()).status_code == 404


def test_the_mentee_cannot_accept_their_own_request(technician, senior_mentor):
    relationship = services.relationship_request(
        mentee=technician, mentor=senior_mentor, purpose="promotion", hopes="x", by=technician.user
    )
    response = client_for(technician).post(reverse("mentoring:accept", args=[relationship.pk]))
    assert response.status_code == 403
    relationship.refresh_from_db()
    assert relationship.state == Relationship.State.REQUESTED


def test_only_the_institution_admin_edits_the_settings(institution_admin, technician, institution):
    assert client_for(technician).get(reverse("mentoring:settings")).status_code == 403
    client = client_for(institution_admin)
    assert client.get(reverse("mentoring:settings")).status_code == 200
    assert client.post(reverse("mentoring:settings"), {"partner_mentoring": "on"}).status_code == 302
    assert MentoringSettings.objects.get(institution=institution).partner_mentoring is True


def test_a_partner_mentor_sees_their_partner_mentee_when_both_share_mentoring(
    institution, other_institution, technician
):
    institution.partners.add(other_institution)
    for inst in (institution, other_institution):
        MentoringSettings.objects.create(institution=inst, partner_mentoring=True)
    partner_mentor = make_mentor(staff(other_institution))
    relationship = request_and_accept(technician, partner_mentor)
    assert relationship.institution == institution
    client = client_for(partner_mentor.person)
    assert client.get(relationship.get_absolute_url()).status_code == 200
    assert str(technician) in client.get(reverse("home")).content.decode()


def test_the_admin_never_shows_the_meeting_notes(relationship, django_user_model):
    from tests.conftest import _with_totp

    admin = django_user_model.objects.create_superuser(email="root@example.org", password="x")
    _with_totp(admin)  # the admin asks everyone for a second factor
    client = client_for(admin)
    page = client.get(reverse("admin:mentoring_relationship_change", args=[relationship.pk]))
    assert page.status_code == 200
    assert NOTES not in page.content.decode()


@pytest.mark.parametrize("name", ["mentoring:overview", "mentoring:pair", "mentoring:settings"])
def test_a_technician_is_refused_the_running_pages(technician, name):
    assert client_for(technician).get(reverse(name)).status_code == 403


def test_an_outsider_programme_manager_cannot_pair_our_staff(other_institution, technician, senior_mentor):
    from people import roles

    pm = staff(other_institution, groups=[roles.PROGRAMME_MANAGER])
    response = client_for(pm).post(
        reverse("mentoring:pair"),
        {
            "mentee": technician.user.email,
            "mentor": senior_mentor.person.user.email,
            "purpose": "promotion",
            "hopes": "x",
        },
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"mentee", "mentor"}
    assert str(technician) not in response.content.decode()
    assert not Relationship.objects.exists()
