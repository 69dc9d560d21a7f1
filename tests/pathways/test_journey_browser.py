"""The demo HSO, Priya Shah, walks her pathway in Chromium: the home panel, my next step (SSO
criteria checked against her records, gaps her manager reviewed, Ignite, RSci, days left, a mentor),
every link on it, the map with her position, her plan and its PDF, and the public page signed out."""

import pytest

from core.tenancy import in_institution
from people import demo
from people.models import StaffProfile
from promotions import facts
from promotions import selectors as promotions
from promotions.equivalence import Requirement, decide
from tests.conftest import sign_in
from tests.demo_data import seed_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _expected_qualification(priya):
    with in_institution(priya.institution):
        criteria = promotions.next_step_for(priya, promotions.criteria_in_force(priya.institution))
        return decide(Requirement.of(criteria), facts.gather([priya])[priya.pk])


def test_the_demo_hso_walks_from_the_home_page_through_her_next_step(browser_page, live_server):
    seed_demo()
    priya = StaffProfile.objects.select_related("grade", "institution").get(user__email="technician@icr.ac.uk")
    decision = _expected_qualification(priya)
    page = browser_page
    sign_in(page, "technician@icr.ac.uk", demo.DEMO_PASSWORD, second_factor=False)
    page.wait_for_url(f"{live_server.url}/")

    panel = page.get_by_role("region", name="My career pathway")
    assert "Higher Scientific Officer (HSO) you are here" in " ".join(panel.inner_text().split())
    panel.get_by_role("link", name="My next step").click()
    page.wait_for_url("**/pathways/next-step/")

    criteria = page.get_by_test_id("criteria").inner_text()
    assert "Promotion criteria for SSO" in criteria
    assert ("Met: Qualification" if decision.met else "Not yet met: Qualification") in criteria
    assert decision.reason in criteria
    assert "Not yet met: Capabilities at the SSO level" in criteria
    gaps = page.get_by_test_id("gaps").inner_text()
    assert (
        "Leadership and planning: you rated yourself at level 2; the next step asks level 4 (your line manager agreed)"
        in gaps
    )
    assert "Technical expertise" not in gaps
    assert "Open now: Project management essentials" in gaps  # the development mapped to leadership
    assert "Ignite" in page.get_by_test_id("programmes").inner_text()
    assert "A fit for your next step: RSci or IEng." in page.get_by_test_id("registration").inner_text()
    assert " left of your 5 days in " in page.get_by_test_id("days").inner_text()
    mentors = page.get_by_test_id("mentors")
    assert "Suggested mentors for leadership:" in mentors.inner_text()

    # every link on the page leads to a working page
    hrefs = page.locator("main a[href^='/']").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert len(hrefs) >= 12
    for href in dict.fromkeys(hrefs):
        response = page.request.get(f"{live_server.url}{href}")
        assert response.status == 200, href

    page.get_by_test_id("programmes").get_by_role("link", name="Ignite").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Ignite")
    page.go_back()
    mentors.locator("ul a").first.click()  # the first suggested mentor
    assert "/mentoring/mentors/" in page.url
    page.go_back()

    page.get_by_role("link", name="See it on the pathway map").click()
    here = page.locator("[aria-current=step]")
    assert "Higher Scientific Officer (HSO)" in here.inner_text() and "you are here" in here.inner_text()
    assert page.get_by_role("list").filter(has_text="Side route: Core facility management").count() >= 1

    page.goto(f"{live_server.url}/pathways/self-assessment/")
    assert page.get_by_test_id("assessment-state").inner_text() == "Reviewed"
    page.goto(f"{live_server.url}/pathways/plan/")
    assert page.get_by_test_id("plan-state").inner_text() == "Agreed"
    assert page.get_by_test_id("goal").count() == 5
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the plan and the year's record (PDF)").click()
    assert download.value.suggested_filename.startswith("development-plan-")

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/pathways/published/icr/")
    body = page.inner_text("main")
    assert "Technical career pathways at" in body and "Senior Scientific Officer (SSO)" in body
    assert "Priya" not in body and "you are here" not in body
