"""Programme data is institution-scoped: outside a scope a query raises, inside one another
institution's rows do not exist, and partner sharing is the one explicit way across."""

import pytest
from django.test import Client
from django.urls import reverse

from core.tenancy import ScopeError, in_institution, scoped_models
from core.workflow import transition
from programmes import selectors, services
from programmes.models import (
    Application,
    Attendance,
    BulletinClick,
    BulletinPost,
    CalendarFeed,
    Cohort,
    DigestSubscription,
    Event,
    EventKindSetting,
    ManagerNotice,
    Programme,
    Registration,
    RegistrationTransition,
    Session,
)
from tests.conftest import client_for
from tests.factories import staff
from tests.programmes.conftest import CohortFactory, EventFactory, ProgrammeFactory, SessionFactory, make_application

State = Application.State
pytestmark = pytest.mark.django_db

SCOPED = {
    Programme,
    Cohort,
    Application,
    Session,
    Attendance,
    ManagerNotice,
    CalendarFeed,
    Event,
    EventKindSetting,
    Registration,
    RegistrationTransition,
    BulletinPost,
    BulletinClick,
    DigestSubscription,
}


def test_every_programme_model_holding_institution_data_is_scoped():
    assert {model for model in scoped_models() if model._meta.app_label == "programmes"} == SCOPED


@pytest.mark.parametrize("model", sorted(SCOPED, key=lambda model: model.__name__), ids=lambda model: model.__name__)
def test_an_unscoped_query_of_the_model_raises(model):
    from django_scopes import scope

    with scope(), pytest.raises(ScopeError):  # a scope with no institution named: nothing entered
        list(model.objects.all())


def _one_of_each(institution, person):
    cohort = CohortFactory(programme=ProgrammeFactory(institution=institution))
    application = make_application(cohort, person, State.COMPLETED)
    session = SessionFactory(cohort=cohort)
    Attendance.objects.create(session=session, application=application, present=True)
    ManagerNotice.objects.create(cohort=cohort, manager=person)
    CalendarFeed.objects.create(user=person.user)
    event = EventFactory(institution=institution)
    registration = Registration(event=event, person=person)
    transition(registration, Registration.State.REGISTERED, by=person.user)
    EventKindSetting.objects.create(institution=institution, kind=Event.Kind.WORKSHOP, needs_endorsement=True)
    BulletinPost.objects.create(institution=institution, title="Aurora", summary="Leadership", url="https://a.example")
    BulletinClick.objects.create(person=person, opportunity=f"programmes.event:{event.pk}")
    DigestSubscription.objects.create(person=person)
    return cohort


@pytest.mark.parametrize("model", sorted(SCOPED, key=lambda model: model.__name__), ids=lambda model: model.__name__)
def test_a_row_of_another_institution_is_invisible_inside_a_scope(
    model, institution, other_institution, technician, outsider
):
    _one_of_each(institution, technician)
    _one_of_each(other_institution, outsider)
    assert model.objects.count() == 2
    with in_institution(institution):
        assert model.objects.count() == 1
        path = model._default_manager.institution_path
        assert set(model.objects.values_list(path, flat=True)) == {institution.pk}
    with in_institution(None):
        assert model.objects.count() == 0


def test_partner_sharing_lists_and_fetches_a_partner_programme_inside_the_viewers_scope(
    institution, other_institution, outsider
):
    institution.partners.add(other_institution)
    shared = ProgrammeFactory(institution=institution, title="ICR symposium", open_to_partners=True)
    ProgrammeFactory(institution=institution, title="ICR only")
    cohort = CohortFactory(programme=shared)
    with in_institution(other_institution):
        assert list(selectors.programmes_visible_to(outsider.user)) == [shared]
        assert selectors.get_programme_for_user(outsider.user, shared.pk) == shared
        assert selectors.get_cohort_for_user(outsider.user, cohort.pk) == cohort
        assert not Programme.objects.exists()  # without the explicit sharing, nothing of ICR's


def test_a_partner_applicant_sees_applies_to_and_withdraws_from_a_shared_programme(
    institution, other_institution, outsider
):
    institution.partners.add(other_institution)
    cohort = CohortFactory(
        programme=ProgrammeFactory(institution=institution, open_to_partners=True, needs_endorsement=False)
    )
    client = client_for(outsider)
    response = client.post(reverse("programmes:apply", args=[cohort.pk]), {"statement": "Count me in"})
    application = Application.objects.get(applicant=outsider)
    assert response.url == application.get_absolute_url()
    assert application.state == State.ENDORSED  # the programme needs no endorsement
    assert [a.pk for a in client.get(reverse("programmes:my_applications")).context["applications"]] == [application.pk]
    page = client.get(application.get_absolute_url())
    assert page.status_code == 200 and len(page.context["history"]) == 1
    client.post(reverse("programmes:withdraw", args=[application.pk]))
    application.refresh_from_db()
    assert application.state == State.WITHDRAWN


def test_a_partner_line_manager_endorses_their_reports_application_to_a_shared_programme(
    institution, other_institution
):
    institution.partners.add(other_institution)
    boss = staff(other_institution)
    report = staff(other_institution, line_manager=boss)
    cohort = CohortFactory(programme=ProgrammeFactory(institution=institution, open_to_partners=True))
    application = services.application_submit(cohort=cohort, applicant=report, statement="Please")
    client = client_for(boss)
    assert [a.pk for a in client.get(reverse("programmes:team")).context["applications"]] == [application.pk]
    client.post(reverse("programmes:endorse", args=[application.pk]), {"decision": "endorse"})
    application.refresh_from_db()
    assert application.state == State.ENDORSED


def test_the_calendar_feed_is_read_by_token_without_a_session(cohort, technician):
    make_application(cohort, technician, State.ACCEPTED)
    SessionFactory(cohort=cohort, title="Kick-off")
    feed = CalendarFeed.objects.create(user=technician.user)
    response = Client().get(reverse("programmes:calendar_feed", args=[feed.token]))
    assert response.status_code == 200
    assert b"Kick-off" in response.content
    assert Client().get(reverse("programmes:calendar_feed", args=["not-a-token"])).status_code == 404


def test_a_partner_attendees_calendar_feed_lists_the_shared_programmes_sessions(institution, other_institution):
    institution.partners.add(other_institution)
    partner = staff(other_institution)
    cohort = CohortFactory(programme=ProgrammeFactory(institution=institution, open_to_partners=True))
    make_application(cohort, partner, State.ACCEPTED)
    SessionFactory(cohort=cohort, title="Symposium day")
    feed = CalendarFeed.objects.create(user=partner.user)
    response = Client().get(reverse("programmes:calendar_feed", args=[feed.token]))
    assert b"Symposium day" in response.content
