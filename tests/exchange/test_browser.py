from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from exchange.models import ExchangePlacement
from tests.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def as_(page, profile):
    """Sign out whoever was signed in, then sign in as this person through the real form."""
    page.context.clear_cookies()
    sign_in(page, profile.user.email)
    page.wait_for_url("**/")


def give_feedback(page, rating, reflection):
    page.get_by_role("link", name="Give feedback and reflection").click()
    page.check(f"input[name=rating][value='{rating}']")
    page.fill("textarea[name=went_well]", "Seeing the facility at work")
    page.fill("textarea[name=reflection]", reflection)
    page.get_by_role("button", name="Save feedback").click()
    page.wait_for_selector("text=your feedback and reflection are saved")


def test_an_exchange_runs_from_application_to_the_feasibility_summary(
    browser_page, offer, technician, manager, host, host_manager, programme_manager
):
    for person in (technician, manager, host, host_manager, programme_manager):
        EmailAddress.objects.create(user=person.user, email=person.user.email, verified=True, primary=True)
    page = browser_page

    # The visitor finds the round through the navigation and applies.
    as_(page, technician)
    page.get_by_role("button", name="Programmes", exact=True).click()
    page.get_by_role("link", name="Technician exchange", exact=True).click()
    page.get_by_role("link", name=offer.round.title).click()
    page.get_by_role("link", name="Apply").click()
    page.fill("textarea[name=hopes_to_learn]", "How crystallisation screens are set up")
    page.get_by_role("button", name="Send request").click()
    page.wait_for_selector("text=Your request is sent")
    placement_url = page.url
    assert "Waiting for managers" in page.get_by_test_id("state").inner_text()

    # Both line managers approve from their approvals page.
    for approver in (manager, host_manager):
        as_(page, approver)
        page.goto("/exchange/approvals/")
        assert str(technician) in page.get_by_test_id("approval").inner_text()
        page.get_by_role("button", name="Approve").click()
        page.wait_for_selector("text=Approved.")
    page.goto(placement_url)
    assert page.get_by_test_id("state").inner_text() == "Approved, days to be scheduled"

    # The host schedules the two days (already past, so both can be recorded) and records them.
    today = timezone.localdate()
    as_(page, host)
    page.goto(placement_url)
    page.get_by_role("link", name="Schedule the days").click()
    page.fill("input[name=host_day]", str(today - timedelta(days=8)))
    page.fill("input[name=visitor_day]", str(today - timedelta(days=1)))
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector("text=The exchange days are saved.")
    page.get_by_role("button", name="Record the visit to the host as done").click()
    page.wait_for_selector("text=The visit to the host is recorded as done.")
    page.get_by_role("button", name="Record the return visit as done").click()
    page.wait_for_selector("text=The return visit is recorded as done.")
    assert page.get_by_test_id("state").inner_text() == "Both days done, feedback due"

    give_feedback(page, 4, "Their questions made me rethink our sample prep")
    as_(page, technician)
    page.goto(placement_url)
    give_feedback(page, 5, "I will try vapour diffusion plates in our lab")
    assert page.get_by_test_id("state").inner_text() == "Completed"

    # The programme manager's feasibility summary shows the completed exchange.
    as_(page, programme_manager)
    page.goto(offer.round.get_absolute_url())
    page.get_by_role("link", name="Feasibility summary").click()
    assert page.get_by_test_id("participants").inner_text() == "2"
    assert page.get_by_test_id("days").inner_text() == "2 of 2"
    assert page.get_by_test_id("average").inner_text() == "4.5"
    assert page.get_by_test_id("recommend").inner_text() == "100% (2 of 2)"
    pairs = page.get_by_test_id("pairs").inner_text()
    assert "Cancer Biology" in pairs and "Structural Biology" in pairs and "Completed" in pairs
    assert "I will try vapour diffusion plates in our lab" in page.content()
    assert ExchangePlacement.objects.get().state == ExchangePlacement.State.COMPLETED
