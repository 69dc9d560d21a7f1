"""The one feed of celebrations: apps propose, the person decides, colleagues see what was agreed."""

from datetime import date

import pytest
from django.urls import reverse

from notifications.models import Notification
from people import selectors, services
from people.models import Celebration
from tests.conftest import client_for
from tests.factories import staff

pytestmark = pytest.mark.django_db


def _propose(person, source="promotions.Application:1", **kwargs):
    defaults = {
        "person": person,
        "kind": Celebration.Kind.PROMOTION,
        "title": "Promoted to Senior Scientific Officer",
        "occurred_on": date(2026, 10, 1),
        "source": source,
    }
    return services.propose_celebration(**(defaults | kwargs))


def test_nothing_is_published_until_the_person_agrees_and_they_are_asked_once(technician, manager):
    first = _propose(technician)
    again = _propose(technician, title="Changed title")
    assert again.pk == first.pk and again.title == "Promoted to Senior Scientific Officer"
    assert Celebration.objects.count() == 1
    asked = Notification.objects.filter(kind="people.celebration_consent", recipient=technician.user)
    assert asked.count() == 1
    assert list(selectors.celebrations()) == []

    colleague = client_for(manager)
    assert "Promoted to Senior Scientific Officer" not in colleague.get(reverse("people:celebrations")).text
    home = client_for(technician).get(reverse("home")).text
    assert "May colleagues celebrate it?" in home


def test_the_person_shares_it_and_colleagues_see_it_then_they_change_their_mind(technician, manager):
    celebration = _propose(technician)
    own = client_for(technician)
    response = own.post(reverse("people:celebration_consent", args=[celebration.pk]), {"publish": "yes"}, follow=True)
    assert "is shared with colleagues" in response.text
    feed = client_for(manager).get(reverse("people:celebrations")).text
    assert "Promoted to Senior Scientific Officer" in feed and str(technician) in feed
    assert "Promoted to Senior Scientific Officer" in client_for(manager).get(reverse("home")).text

    own.post(reverse("people:celebration_consent", args=[celebration.pk]), {"publish": "no"})
    celebration.refresh_from_db()
    assert celebration.consent == Celebration.Consent.DECLINED
    assert "Promoted to Senior Scientific Officer" not in client_for(manager).get(reverse("people:celebrations")).text


def test_only_the_person_can_decide_and_other_institutions_never_see_it(technician, manager, other_institution):
    celebration = _propose(technician)
    response = client_for(manager).post(
        reverse("people:celebration_consent", args=[celebration.pk]), {"publish": "yes"}
    )
    assert response.status_code == 404
    celebration.refresh_from_db()
    assert celebration.consent == Celebration.Consent.ASKED

    services.celebration_consent_set(celebration=celebration, by=technician.user, publish=True)
    outsider = staff(other_institution)
    assert "Promoted to Senior Scientific Officer" not in client_for(outsider).get(reverse("people:celebrations")).text


def test_consent_given_by_the_app_publishes_at_once_without_asking(technician):
    _propose(technician, consent=True, kind=Celebration.Kind.PRIZE, title="Papin Prize shortlist")
    assert [c.title for c in selectors.celebrations()] == ["Papin Prize shortlist"]
    assert not Notification.objects.filter(kind="people.celebration_consent").exists()
    with pytest.raises(ValueError):
        _propose(technician, source="x:1", kind="knighthood")


@pytest.mark.parametrize("size", [3, 30])
def test_the_feed_takes_the_same_queries_for_3_and_30_celebrations(
    size, institution, manager, django_assert_num_queries
):
    for n in range(size):
        person = staff(institution)
        _propose(person, source=f"test:{n}", consent=True, title=f"Achievement {n}")
    client = client_for(manager)
    client.get(reverse("people:celebrations"))  # warm the session and caches
    with django_assert_num_queries(8):
        response = client.get(reverse("people:celebrations"))
    assert response.text.count("Achievement ") == min(size, 20)
