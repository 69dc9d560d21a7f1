import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from exchange.models import ExchangeFeedback, ExchangeOffer, ExchangePlacement
from notifications.models import Notification
from tests.conftest import client_for
from tests.factories import staff

from .conftest import placement_in_state

State = ExchangePlacement.State
pytestmark = pytest.mark.django_db


def give_feedback(placement, author, rating, recommend=True, reflection="Learnt a lot"):
    return ExchangeFeedback.objects.create(
        placement=placement,
        author=author,
        role=placement.role_of(author),
        rating=rating,
        went_well="Good day",
        to_improve="",
        reflection=reflection,
        would_recommend=recommend,
    )


# --- Round and offers ---------------------------------------------------------------------------


def test_staff_see_the_round_with_its_offers_and_can_apply_across_divisions(offer, technician):
    response = client_for(technician).get(reverse("exchange:round", args=[offer.round.pk]))
    page = response.content.decode()
    assert "Crystallography facility" in page
    assert reverse("exchange:offer_apply", args=[offer.pk]) in page
    assert "0 of 1 taken" in page


def test_the_round_and_its_offers_are_hidden_from_the_outsider(offer, outsider):
    client = client_for(outsider)
    assert client.get(reverse("exchange:round", args=[offer.round.pk])).status_code == 404
    assert client.get(reverse("exchange:offer", args=[offer.pk])).status_code == 404
    assert client.post(reverse("exchange:offer_apply", args=[offer.pk]), {"hopes_to_learn": "x"}).status_code == 404
    assert not ExchangePlacement.objects.exists()


def test_a_technician_posts_an_offer_and_a_second_visit_goes_to_editing_it(exchange_round, technician):
    client = client_for(technician)
    url = reverse("exchange:offer_create", args=[exchange_round.pk])
    response = client.post(
        url,
        {"facility_or_team": "Cell imaging", "skills_on_show": "Confocal", "possible_dates": "May", "places": 2},
    )
    offer = ExchangeOffer.objects.get()
    assert response.status_code == 302 and response["Location"] == offer.get_absolute_url()
    assert (offer.host, offer.places, offer.round) == (technician, 2, exchange_round)
    again = client.get(url)
    assert again["Location"] == reverse("exchange:offer_edit", args=[offer.pk])


def test_an_offer_with_no_places_is_refused_on_the_form(exchange_round, technician):
    response = client_for(technician).post(
        reverse("exchange:offer_create", args=[exchange_round.pk]),
        {"facility_or_team": "Cell imaging", "skills_on_show": "Confocal", "possible_dates": "May", "places": 0},
    )
    assert "Offer at least one place." in response.content.decode()
    assert not ExchangeOffer.objects.exists()


def test_only_the_host_or_a_programme_manager_edits_an_offer(offer, technician, programme_manager):
    url = reverse("exchange:offer_edit", args=[offer.pk])
    assert client_for(technician).post(url, {"facility_or_team": "Hijacked"}).status_code == 403
    data = {"facility_or_team": "Crystallography suite", "skills_on_show": "X", "possible_dates": "Y", "places": 1}
    assert client_for(programme_manager).post(url, data).status_code == 302
    offer.refresh_from_db()
    assert offer.facility_or_team == "Crystallography suite"


# --- Applying and approving -------------------------------------------------------------------


def test_applying_to_a_host_in_the_same_division_shows_a_clear_error(offer, institution, other_division):
    colleague = staff(institution, division=other_division)
    response = client_for(colleague).post(
        reverse("exchange:offer_apply", args=[offer.pk]), {"hopes_to_learn": "Crystallography"}
    )
    assert response.status_code == 200
    assert "The exchange is between divisions" in response.content.decode()
    assert not ExchangePlacement.objects.exists()


def test_applying_without_saying_what_you_hope_to_learn_is_refused(offer, technician):
    response = client_for(technician).post(reverse("exchange:offer_apply", args=[offer.pk]), {"hopes_to_learn": ""})
    assert "This field is required." in response.content.decode()
    assert not ExchangePlacement.objects.exists()


def test_applying_creates_the_request_and_shows_it_to_the_visitor(offer, technician):
    client = client_for(technician)
    response = client.post(reverse("exchange:offer_apply", args=[offer.pk]), {"hopes_to_learn": "Crystallography"})
    placement = ExchangePlacement.objects.get()
    assert response["Location"] == placement.get_absolute_url()
    assert (placement.visitor, placement.state) == (technician, State.REQUESTED)
    page = client.get(placement.get_absolute_url()).content.decode()
    assert "Waiting for managers&#x27; approval" in page
    assert Notification.objects.filter(kind="exchange.approval_requested").count() == 2


def test_managers_see_requests_for_their_reports_and_approve_them(offer, technician, manager, host_manager):
    placement = placement_in_state(offer, technician, State.REQUESTED)
    for person in (manager, host_manager):
        client = client_for(person)
        assert str(technician) in client.get(reverse("exchange:approvals")).content.decode()
        client.post(reverse("exchange:placement_approve", args=[placement.pk]), {"next": "approvals"})
    placement.refresh_from_db()
    assert placement.state == State.APPROVED
    assert (placement.visitor_manager_approved_by, placement.host_manager_approved_by) == (manager, host_manager)


def test_a_colleague_who_manages_neither_side_sees_no_request_and_cannot_approve(offer, technician, institution):
    placement = placement_in_state(offer, technician, State.REQUESTED)
    colleague = staff(institution)
    client = client_for(colleague)
    assert "No exchange requests are waiting for you." in client.get(reverse("exchange:approvals")).content.decode()
    assert client.post(reverse("exchange:placement_approve", args=[placement.pk])).status_code == 404
    placement.refresh_from_db()
    assert placement.visitor_manager_approved_at is None


def test_a_manager_declines_with_a_reason_the_visitor_sees(offer, technician, manager):
    placement = placement_in_state(offer, technician, State.REQUESTED)
    url = reverse("exchange:placement_decline", args=[placement.pk])
    assert "This field is required." in client_for(manager).post(url, {"reason": ""}).content.decode()
    client_for(manager).post(url, {"reason": "Team short-staffed in March"})
    placement.refresh_from_db()
    assert placement.state == State.DECLINED
    page = client_for(technician).get(placement.get_absolute_url()).content.decode()
    assert "Team short-staffed in March" in page


# --- The placement page -----------------------------------------------------------------------


def test_the_placement_page_allows_the_pair_their_managers_and_programme_managers(
    offer, technician, host, manager, host_manager, programme_manager
):
    placement = placement_in_state(offer, technician, State.APPROVED)
    for person in (technician, host, manager, host_manager, programme_manager):
        page = client_for(person).get(placement.get_absolute_url()).content.decode()
        assert "Learn crystallography" in page, person


def test_the_placement_page_hides_from_the_outsider_and_unrelated_colleagues(offer, technician, outsider, institution):
    placement = placement_in_state(offer, technician, State.APPROVED)
    assert client_for(outsider).get(placement.get_absolute_url()).status_code == 404
    assert client_for(staff(institution)).get(placement.get_absolute_url()).status_code == 404


def test_the_pair_schedule_and_record_their_days_through_the_pages(offer, technician, host):
    placement = placement_in_state(offer, technician, State.APPROVED)
    today = timezone.localdate()
    url = reverse("exchange:placement_schedule", args=[placement.pk])
    bad = client_for(host).post(url, {"host_day": today, "visitor_day": today - timedelta(days=1)})
    assert "The return visit must be after the visit to the host." in bad.content.decode()

    client_for(host).post(url, {"host_day": today - timedelta(days=5), "visitor_day": today - timedelta(days=1)})
    placement.refresh_from_db()
    assert placement.state == State.SCHEDULED and placement.host_day == today - timedelta(days=5)

    for day in ("host_day", "visitor_day"):
        client_for(technician).post(reverse("exchange:placement_record_day", args=[placement.pk, day]))
    placement.refresh_from_db()
    assert placement.state == State.DAYS_RECORDED
    page = client_for(technician).get(placement.get_absolute_url()).content.decode()
    assert "Give feedback and reflection" in page


def test_a_manager_cannot_record_the_pairs_days(offer, technician, manager):
    placement = placement_in_state(offer, technician, State.SCHEDULED)
    response = client_for(manager).post(reverse("exchange:placement_record_day", args=[placement.pk, "host_day"]))
    assert response.status_code == 403
    placement.refresh_from_db()
    assert placement.host_day_done_at is None


def test_feedback_through_the_page_completes_the_exchange(offer, technician, host):
    placement = placement_in_state(offer, technician, State.DAYS_RECORDED)
    url = reverse("exchange:placement_feedback", args=[placement.pk])
    data = {"rating": 4, "went_well": "Saw a lot", "to_improve": "", "reflection": "New idea", "would_recommend": "on"}
    missing = client_for(technician).post(url, {**data, "reflection": ""})
    assert "This field is required." in missing.content.decode()
    client_for(technician).post(url, data)
    client_for(host).post(url, {**data, "rating": 5})
    placement.refresh_from_db()
    assert placement.state == State.COMPLETED
    assert sorted(placement.feedback.values_list("rating", flat=True)) == [4, 5]


def test_my_exchanges_lists_the_persons_placements_as_host_and_visitor(offer, technician, host):
    placement_in_state(offer, technician, State.APPROVED)
    host_page = client_for(host).get(reverse("exchange:mine")).content.decode()
    visitor_page = client_for(technician).get(reverse("exchange:mine")).content.decode()
    assert f"{technician} visits me" in host_page
    assert f"Visit to {host}" in visitor_page


# --- Feasibility summary ----------------------------------------------------------------------


@pytest.fixture
def completed_exchange(offer, technician, host):
    placement = placement_in_state(offer, technician, State.COMPLETED)
    give_feedback(placement, technician, 5, reflection="I will try vapour diffusion in our lab")
    give_feedback(placement, host, 4, recommend=False, reflection="Imaging ideas for our crystals")
    return placement


def test_the_feasibility_page_shows_the_programme_manager_the_completed_exchange(
    completed_exchange, programme_manager, technician, host
):
    response = client_for(programme_manager).get(
        reverse("exchange:feasibility", args=[completed_exchange.offer.round.pk])
    )
    assert response.context["participants"] == 2
    assert response.context["divisions"] == 2
    assert response.context["days_done"] == 2
    assert str(response.context["average_rating"]) == "4.5"
    page = response.content.decode()
    assert "50% (1 of 2)" in page
    assert "I will try vapour diffusion in our lab" in page and "Imaging ideas for our crystals" in page
    assert "data-print" in page  # portal.js prints: the CSP refuses inline handlers


def test_the_feasibility_page_is_for_programme_managers_and_hidden_from_the_outsider(
    completed_exchange, technician, outsider
):
    url = reverse("exchange:feasibility", args=[completed_exchange.offer.round.pk])
    assert client_for(technician).get(url).status_code == 403
    assert client_for(outsider).get(url).status_code == 404
    csv_url = reverse("exchange:feasibility_csv", args=[completed_exchange.offer.round.pk])
    assert client_for(technician).get(csv_url).status_code == 403
    assert client_for(outsider).get(csv_url).status_code == 404


def test_the_feasibility_csv_streams_one_row_per_feedback(completed_exchange, programme_manager):
    response = client_for(programme_manager).get(
        reverse("exchange:feasibility_csv", args=[completed_exchange.offer.round.pk])
    )
    assert response.streaming
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [(row["feedback from"], row["rating"], row["would recommend"]) for row in rows] == [
        ("Host", "4", "no"),
        ("Visitor", "5", "yes"),
    ]
    assert rows[0]["visitor division"] == "Cancer Biology" and rows[0]["host division"] == "Structural Biology"


# --- Dashboard --------------------------------------------------------------------------------


def test_the_dashboard_shows_the_open_round_and_a_managers_waiting_approvals(offer, technician, manager):
    placement_in_state(offer, technician, State.REQUESTED)
    technician_home = client_for(technician).get("/").content.decode()
    assert "Technician exchange" in technician_home and "is open with 1 offer." in technician_home
    manager_home = client_for(manager).get("/").content.decode()
    assert "1 exchange request waiting for your approval" in manager_home


# --- Rounds, cancelling, the index ------------------------------------------------------------


def test_a_programme_manager_opens_a_round_for_their_institution(programme_manager, institution):
    today = timezone.localdate()
    data = {"title": "2027 exchange", "year": 2027, "description": "", "opens_on": today, "closes_on": today}
    response = client_for(programme_manager).post(reverse("exchange:round_create"), data)
    exchange_round = institution.exchange_rounds.get()
    assert response["Location"] == exchange_round.get_absolute_url()
    assert (exchange_round.title, exchange_round.open_to_partners) == ("2027 exchange", False)


def test_a_round_that_closes_before_it_opens_is_refused_on_the_form(programme_manager, institution):
    today = timezone.localdate()
    data = {"title": "Backwards", "year": 2027, "opens_on": today, "closes_on": today - timedelta(days=1)}
    response = client_for(programme_manager).post(reverse("exchange:round_create"), data)
    assert "The round must close on or after the day it opens." in response.content.decode()
    assert not institution.exchange_rounds.exists()


def test_technicians_cannot_open_or_edit_rounds(technician, exchange_round, outsider):
    assert client_for(technician).post(reverse("exchange:round_create"), {"title": "Mine"}).status_code == 403
    assert client_for(technician).get(reverse("exchange:round_edit", args=[exchange_round.pk])).status_code == 403
    assert client_for(outsider).get(reverse("exchange:round_edit", args=[exchange_round.pk])).status_code == 404


def test_the_exchange_index_lists_the_institutions_rounds_only(exchange_round, technician, outsider):
    assert exchange_round.title in client_for(technician).get(reverse("exchange:index")).content.decode()
    assert exchange_round.title not in client_for(outsider).get(reverse("exchange:index")).content.decode()


def test_the_visitor_cancels_an_approved_exchange_with_a_reason(offer, technician, host):
    placement = placement_in_state(offer, technician, State.APPROVED)
    url = reverse("exchange:placement_cancel", args=[placement.pk])
    assert client_for(technician).post(url, {"reason": ""}).status_code == 200
    client_for(technician).post(url, {"reason": "Moving to another institute"})
    placement.refresh_from_db()
    assert placement.state == State.CANCELLED
    assert placement.transitions.get(event="cancelled").reason == "Moving to another institute"


def test_a_line_manager_cannot_cancel_their_reports_exchange(offer, technician, manager):
    placement = placement_in_state(offer, technician, State.APPROVED)
    response = client_for(manager).post(reverse("exchange:placement_cancel", args=[placement.pk]), {"reason": "No"})
    assert response.status_code == 403
    placement.refresh_from_db()
    assert placement.state == State.APPROVED


def test_staff_see_the_exchange_link_in_the_navigation(technician):
    page = client_for(technician).get("/").content.decode()
    assert f'href="{reverse("exchange:index")}">Technician exchange</a>' in page  # in the Programmes menu


def test_the_apply_page_warns_before_typing_when_the_host_is_in_your_division(offer, institution, other_division):
    colleague = staff(institution, division=other_division)
    page = client_for(colleague).get(reverse("exchange:offer_apply", args=[offer.pk])).content.decode()
    assert "The exchange is between divisions" in page


def test_the_round_page_marks_offers_already_applied_to_instead_of_offering_apply(offer, technician):
    placement_in_state(offer, technician, State.REQUESTED)
    page = client_for(technician).get(reverse("exchange:round", args=[offer.round.pk])).content.decode()
    assert "applied</span>" in page
    assert reverse("exchange:offer_apply", args=[offer.pk]) not in page


@pytest.mark.parametrize(
    "name, method",
    [
        ("exchange:placement", "get"),
        ("exchange:placement_approve", "post"),
        ("exchange:placement_decline", "post"),
        ("exchange:placement_schedule", "post"),
        ("exchange:placement_feedback", "post"),
        ("exchange:placement_cancel", "post"),
    ],
)
def test_every_placement_page_is_a_404_for_the_outsider(name, method, offer, technician, outsider):
    placement = placement_in_state(offer, technician, State.REQUESTED)
    response = getattr(client_for(outsider), method)(reverse(name, args=[placement.pk]), {"reason": "x"})
    assert response.status_code == 404
    placement.refresh_from_db()
    assert placement.state == State.REQUESTED and placement.transitions.count() == 0


def test_recording_a_day_is_a_404_for_the_outsider(offer, technician, outsider):
    placement = placement_in_state(offer, technician, State.SCHEDULED)
    url = reverse("exchange:placement_record_day", args=[placement.pk, "host_day"])
    assert client_for(outsider).post(url).status_code == 404
    placement.refresh_from_db()
    assert placement.host_day_done_at is None
