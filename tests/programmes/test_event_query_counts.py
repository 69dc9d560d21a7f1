"""The events pages keep the same number of queries whatever the number of events and registrations."""

import pytest
from django.urls import reverse

from programmes.models import Event, Registration
from tests.conftest import client_for
from tests.factories import staff
from tests.programmes.conftest import EventFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("count", [3, 30])
def test_the_events_list_keeps_the_same_number_of_queries(
    count, institution, partner, technician, django_assert_max_num_queries
):
    people = [staff(institution) for _ in range(3)]
    for _ in range(count):
        for event in (EventFactory(institution=institution), EventFactory(institution=partner, audience="partners")):
            for person in people:
                Registration.objects.create(event=event, person=person, state=Registration.State.REGISTERED)
    client = client_for(technician)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("programmes:events"), {"page": 1})
    assert response.context["page"].paginator.count == 2 * count


@pytest.mark.parametrize("count", [3, 30])
def test_the_organisers_page_keeps_the_same_number_of_queries(
    count, institution, partner, programme_manager, django_assert_max_num_queries
):
    event = EventFactory(institution=institution, audience=Event.Audience.PARTNERS, capacity=count)
    for i in range(count * 2):
        person = staff(institution if i % 2 else partner)
        state = Registration.State.REGISTERED if i < count else Registration.State.WAITLISTED
        Registration.objects.create(event=event, person=person, state=state)
    client = client_for(programme_manager)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("programmes:event_run", args=[event.pk]))
    assert len(response.context["registered"]) == count and len(response.context["others"]) == count
