import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from core.tenancy import in_institution
from exchange import services
from exchange.models import ExchangePlacement
from tests.factories import staff

from .conftest import placement_in_state

State = ExchangePlacement.State


@pytest.mark.django_db(transaction=True)
def test_two_last_approvals_at_once_never_fill_more_places_than_offered(
    offer, technician, manager, host_manager, institution, division
):
    if connection.vendor != "postgresql":
        pytest.skip("Row locks (select_for_update) need PostgreSQL.")
    rival = staff(institution, division=division, line_manager=manager)
    placements = []
    for visitor in (technician, rival):
        placement = placement_in_state(offer, visitor, State.REQUESTED)
        services.placement_approve(placement=placement, by=manager.user)
        placements.append(placement)

    barrier = threading.Barrier(2)
    outcomes = []

    def approve(placement):
        try:
            barrier.wait(timeout=10)
            # A new thread starts with no scope; a request would be in the approver's institution.
            with in_institution(institution):
                services.placement_approve(placement=placement, by=host_manager.user)
            outcomes.append("approved")
        except ValidationError:
            outcomes.append("full")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(p,)) for p in placements]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["approved", "full"]
    assert ExchangePlacement.objects.filter(offer=offer).taking_a_place().count() == 1
