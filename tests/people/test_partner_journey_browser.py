"""The partner journey in a real browser, on the demo data: a Crick technician signs in, completes
their record as an HSO, their named Crick line manager confirms, and their Ignite application
(run by ICR with the Crick, opened to partners) reaches ICR's programme manager."""

import pytest
from django.urls import reverse

from people import demo
from people.models import CareerEvent, StaffProfile
from programmes.models import Application, Cohort
from tests.conftest import sign_in
from tests.demo_data import seed_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _as(page, email):
    page.context.clear_cookies()
    sign_in(page, email, demo.DEMO_PASSWORD)


def test_a_crick_technician_onboards_is_confirmed_and_their_ignite_application_reaches_icr(browser_page, live_server):
    seed_demo()
    ignite = Cohort.objects.get(programme__title="Ignite", name="2026 intake")
    page = browser_page

    # First sign-in: asked for what the record lacks, on one page.
    _as(page, "partner@crick.ac.uk")
    page.wait_for_url("**/staff/welcome/")
    page.get_by_label("Job family").select_option(label="Scientific Officer")
    page.get_by_label("Grade").select_option(label="Scientific Officer: Higher Scientific Officer (HSO)")
    page.get_by_label("Division").select_option(label="Cell Biology")
    page.get_by_label("Your line manager's work e-mail address").fill("manager@crick.ac.uk")
    page.get_by_role("button", name="Save my record").click()
    page.wait_for_url(f"{live_server.url}/")
    assert "Ruth Adeyemi has been asked to confirm" in page.get_by_role("region", name="Your line manager").inner_text()

    # Before the manager confirms, Ignite says plainly why they cannot apply yet.
    page.goto(reverse("programmes:programme", args=[ignite.programme_id]))
    assert "Ruth Adeyemi has not yet confirmed" in page.get_by_test_id("manager-problem").inner_text()

    # The named manager confirms from her dashboard.
    _as(page, "manager@crick.ac.uk")
    page.wait_for_url(f"{live_server.url}/")
    question = page.get_by_test_id("confirmation").filter(has_text="Is Alex Morgan your report?")
    question.get_by_label("Yes, Alex reports to me").check()
    question.get_by_role("button", name="Send answer about Alex Morgan").click()
    assert "Confirmed: Alex Morgan reports to Ruth Adeyemi." in page.content()
    alex = StaffProfile.objects.get(user__email="partner@crick.ac.uk")
    assert alex.line_manager.user.email == "manager@crick.ac.uk" and alex.grade.level == 3

    # Now eligible as an HSO equivalent: the application goes to her for endorsement.
    _as(page, "partner@crick.ac.uk")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(reverse("programmes:programme", args=[ignite.programme_id]))
    page.locator(f"#cohort-{ignite.pk}").get_by_role("link", name="Apply").click()
    page.get_by_label("Statement").fill("I run the Crick's light-sheet service and want to lead projects.")
    page.get_by_label("Which project or responsibility").fill("The light-sheet service's new booking model.")
    page.get_by_role("button", name="Send application").click()
    assert "Waiting for the line manager" in page.get_by_test_id("state").inner_text()
    application = Application.objects.get(cohort=ignite, applicant=alex)

    _as(page, "manager@crick.ac.uk")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(application.get_absolute_url())
    page.get_by_label("Endorse the application").check()
    page.get_by_role("button", name="Send").click()
    assert "Waiting for selection" in page.get_by_test_id("state").inner_text()

    # ICR's programme manager sees it among the applicants to select from.
    _as(page, "programmes@icr.ac.uk")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(reverse("programmes:cohort_run", args=[ignite.pk]))
    assert page.get_by_label("Select Alex Morgan").count() == 1
    application.refresh_from_db()
    assert application.state == Application.State.ENDORSED

    # Her record keeps the story: joined as an HSO, then the confirmed line manager.
    causes = list(CareerEvent.objects.filter(person=alex).values_list("cause", "grade__short_name", "line_manager"))
    assert causes == [("joined", "HSO", None), ("joined", "HSO", alex.line_manager_id)]
