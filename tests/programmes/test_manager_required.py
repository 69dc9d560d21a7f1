"""An application needing the line manager's endorsement needs a confirmed line manager."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from notifications.models import Notification
from programmes import services
from programmes.models import Application
from tests.conftest import client_for
from tests.factories import staff
from tests.programmes.conftest import CohortFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db
State = Application.State


@pytest.fixture
def unmanaged(institution, so_family):
    return staff(institution, job_family=so_family, grade=so_family.grades.get(short_name="HSO"))


@pytest.fixture
def ignite(institution):
    return CohortFactory(programme=ProgrammeFactory(institution=institution, title="Ignite"), min_level=3, max_level=3)


def test_an_application_needing_endorsement_is_refused_without_a_line_manager(ignite, unmanaged):
    with pytest.raises(ValidationError, match="Ignite needs your line manager's endorsement. No line manager"):
        services.application_submit(cohort=ignite, applicant=unmanaged, statement="Please")
    assert not Application.objects.exists() and not Notification.objects.exists()


def test_the_programme_and_apply_pages_say_so_before_applying(ignite, unmanaged):
    client = client_for(unmanaged)
    detail = client.get(reverse("programmes:programme", args=[ignite.programme_id])).content.decode()
    assert "You cannot apply yet." in detail and reverse("programmes:apply", args=[ignite.pk]) not in detail
    apply_page = client.get(reverse("programmes:apply", args=[ignite.pk])).content.decode()
    assert "needs your line manager&#x27;s endorsement" in apply_page and "disabled>Send application" in apply_page
    response = client.post(reverse("programmes:apply", args=[ignite.pk]), {"statement": "Please"})
    assert response.status_code == 200 and not Application.objects.exists()


def test_a_programme_needing_no_endorsement_goes_straight_to_the_programme_manager(institution, unmanaged, technician):
    event = CohortFactory(programme=ProgrammeFactory(institution=institution, needs_endorsement=False))
    for person in (unmanaged, technician):  # with or without a line manager
        application = services.application_submit(cohort=event, applicant=person, statement="Please")
        assert application.state == State.ENDORSED and application.line_manager is None


def test_with_a_confirmed_manager_the_application_waits_for_their_endorsement(ignite, technician, manager):
    application = services.application_submit(cohort=ignite, applicant=technician, statement="Please")
    assert application.state == State.AWAITING_ENDORSEMENT and application.line_manager == manager
