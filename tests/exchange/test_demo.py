import pytest

from exchange import demo
from exchange.models import ExchangePlacement
from people.demo import seed_staff

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_the_pilot_once_with_four_participants_and_a_request_for_the_demo_manager():
    context = seed_staff()
    demo.seed(context)
    demo.seed(context)  # a second run creates nothing new

    placements = ExchangePlacement.objects.select_related("visitor__division", "offer__host__division")
    completed = [p for p in placements if p.state == ExchangePlacement.State.COMPLETED]
    people = {p.visitor_id for p in completed} | {p.offer.host_id for p in completed}
    assert len(completed) == 2 and len(people) == 4
    assert all(p.visitor.division_id != p.offer.host.division_id for p in placements)
    waiting = placements.get(state=ExchangePlacement.State.REQUESTED)
    assert waiting.visitor.user.email == "technician@icr.ac.uk"
    assert waiting.visitor.line_manager.user.email == "manager@icr.ac.uk"
    assert waiting.host_manager_approved_at is not None and waiting.visitor_manager_approved_at is None
    assert placements.count() == 3
