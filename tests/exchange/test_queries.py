"""A page's query count does not grow with the rows it lists: each is pinned at 10 and 60 rows."""

import pytest
from django.urls import reverse

from exchange.models import ExchangeFeedback, ExchangePlacement
from tests.conftest import client_for
from tests.factories import staff

from .conftest import make_offer, placement_in_state

State = ExchangePlacement.State
pytestmark = pytest.mark.django_db
SIZES = [10, 60]


def exchanges_for(technician, exchange_round, other_division, host_manager, n, state):
    """n hosts in another division, each with an offer the technician has a placement on."""
    placements = []
    for i in range(n):
        host = staff(exchange_round.institution, division=other_division, line_manager=host_manager)
        placement = placement_in_state(make_offer(exchange_round, host, name=f"Facility {i}"), technician, state)
        if state == State.COMPLETED:
            for author, role in ((technician, "visitor"), (host, "host")):
                ExchangeFeedback.objects.create(
                    placement=placement, author=author, role=role, rating=4, went_well="w", reflection="r"
                )
        placements.append(placement)
    return placements


@pytest.mark.parametrize("n", SIZES)
def test_round_page_queries_do_not_grow_with_offers(
    n, technician, exchange_round, other_division, host_manager, django_assert_max_num_queries
):
    for i in range(n):
        make_offer(exchange_round, staff(exchange_round.institution, division=other_division), name=f"F{i:02d}")
    client = client_for(technician)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("exchange:round", args=[exchange_round.pk]) + "?page=1")
    assert len(response.context["page"].object_list) == min(n, 25)


@pytest.mark.parametrize("n", SIZES)
def test_my_exchanges_queries_do_not_grow_with_placements(
    n, technician, exchange_round, other_division, host_manager, django_assert_max_num_queries
):
    exchanges_for(technician, exchange_round, other_division, host_manager, n, State.COMPLETED)
    client = client_for(technician)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("exchange:mine"))
    assert len(response.context["placements"]) == n


@pytest.mark.parametrize("n", SIZES)
def test_approvals_queries_do_not_grow_with_requests(
    n, technician, manager, exchange_round, other_division, host_manager, django_assert_max_num_queries
):
    exchanges_for(technician, exchange_round, other_division, host_manager, n, State.REQUESTED)
    client = client_for(manager)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("exchange:approvals"))
    assert len(response.context["placements"]) == n


@pytest.mark.parametrize("n", SIZES)
def test_feasibility_queries_do_not_grow_with_placements(
    n, technician, programme_manager, exchange_round, other_division, host_manager, django_assert_max_num_queries
):
    exchanges_for(technician, exchange_round, other_division, host_manager, n, State.COMPLETED)
    client = client_for(programme_manager)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("exchange:feasibility", args=[exchange_round.pk]))
    assert response.context["feedback_count"] == 2 * n
    with django_assert_max_num_queries(12):
        csv = client.get(reverse("exchange:feasibility_csv", args=[exchange_round.pk]))
        lines = b"".join(csv.streaming_content).decode().splitlines()
    assert len(lines) == 1 + 2 * n


@pytest.mark.parametrize("n", SIZES)
def test_dashboard_panels_queries_do_not_grow_with_exchanges(
    n, rf, technician, manager, exchange_round, other_division, host_manager, django_assert_max_num_queries
):
    # The panels are measured on their own: other apps' panels share the home page.
    from exchange import dashboard

    exchanges_for(technician, exchange_round, other_division, host_manager, n, State.REQUESTED)
    request = rf.get("/")
    request.user = technician.user
    with django_assert_max_num_queries(4):
        panel = dashboard.technician_exchange(request)
    assert len(panel.context["placements"]) == 5 and panel.context["offer_count"] == n
    request.user = type(manager.user).objects.get(pk=manager.user.pk)
    with django_assert_max_num_queries(6):
        panel = dashboard.exchange_approvals(request)
    assert panel.context["count"] == n and len(panel.context["first"]) == 3


@pytest.mark.parametrize("n", SIZES)
def test_development_records_take_two_queries_whatever_the_number(
    n, technician, exchange_round, other_division, host_manager, django_assert_num_queries
):
    from exchange.selectors import development_records_for

    exchanges_for(technician, exchange_round, other_division, host_manager, n, State.COMPLETED)
    with django_assert_num_queries(1):
        records = development_records_for(technician)
    assert len(records) == n


@pytest.mark.parametrize("n", SIZES)
def test_index_queries_do_not_grow_with_rounds(n, technician, institution, django_assert_max_num_queries):
    from datetime import date

    from exchange.models import ExchangeRound

    for i in range(n):
        ExchangeRound.objects.create(
            institution=institution,
            title=f"Round {i}",
            year=2000 + i,
            opens_on=date(2000 + i, 1, 1),
            closes_on=date(2000 + i, 2, 1),
        )
    client = client_for(technician)
    with django_assert_max_num_queries(11):
        response = client.get(reverse("exchange:index"))
    assert len(response.context["rounds"]) == n


@pytest.mark.parametrize("n", [2, 12])
def test_placement_page_queries_do_not_grow_with_its_history(n, technician, offer, django_assert_max_num_queries):
    from exchange.models import PlacementTransition

    placement = placement_in_state(offer, technician, State.SCHEDULED)
    for _ in range(n):
        PlacementTransition.objects.create(
            placement=placement, event="rescheduled", to_state=State.SCHEDULED, by=technician.user
        )
    client = client_for(technician)
    with django_assert_max_num_queries(15):
        response = client.get(placement.get_absolute_url())
    assert response.content.decode().count("Days changed") == n
