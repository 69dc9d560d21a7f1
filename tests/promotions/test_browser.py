"""In a real browser: a technician states an intention, their manager adds a supporting statement,
the technician submits, HR records a promotion, the daily job changes the grade on the effective
date, and the celebration appears once the technician consents. Pages pass axe's WCAG 2.2 AA checks."""

import os

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from people.models import Celebration
from promotions import tasks
from promotions.models import Application
from tests.conftest import sign_in
from tests.promotions.conftest import grade

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("PROMOTIONS_SCREENSHOTS", "")


def as_(page, profile):
    page.context.clear_cookies()
    sign_in(page, profile.user.email)
    page.wait_for_url("**/")


def check_page(page, name):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page, context="main", options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag22aa"]}}
    )
    assert results.violations_count == 0, results.generate_report()
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}-1280.png", full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=f"{SHOTS}/{name}-phone.png", full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})


def test_a_technician_goes_through_a_round_to_promoted(browser_page, open_round, technician, manager, hr, so_family):
    for person in (technician, manager, hr):
        EmailAddress.objects.create(user=person.user, email=person.user.email, verified=True, primary=True)
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    tasks.send_daily.delay()  # the round opened yesterday: the manager is told

    as_(page, technician)
    page.goto("/promotions/")
    check_page(page, "home")
    page.goto(f"/promotions/rounds/{open_round.pk}/")
    check_page(page, "round")
    page.click("text=I intend to apply")
    page.wait_for_url("**/promotions/applications/*/")
    application = Application.objects.get(applicant=technician)

    as_(page, manager)
    page.goto(f"/promotions/applications/{application.pk}/")
    page.fill("textarea[name=manager_statement]", "Priya leads our imaging core and trains the new starters.")
    page.click("text=Save the supporting statement")
    page.wait_for_selector("text=Your supporting statement is saved.")

    as_(page, technician)
    page.goto(f"/promotions/applications/{application.pk}/")
    page.click("text=Submit my application")  # empty: refused beside the field
    page.wait_for_selector("text=There is a problem")
    check_page(page, "application-error")
    page.fill("textarea[name=statement]", "I run the imaging pipeline and introduced light-sheet imaging.")
    page.click("text=Submit my application")
    page.wait_for_selector("text=Your application is submitted.")

    as_(page, hr)
    page.goto(f"/promotions/applications/{application.pk}/")
    page.check("input[value=promoted]")
    page.select_option("select[name=new_grade]", str(grade(so_family, "SSO").pk))
    page.fill("input[name=effective_date]", timezone.localdate().isoformat())
    page.click("text=Record the outcome")
    page.wait_for_selector("[data-testid=outcome]")
    check_page(page, "application-promoted")

    tasks.apply_due_promotions.delay()
    technician.refresh_from_db()
    assert technician.grade.short_name == "SSO"

    celebration = Celebration.objects.get(source=f"promotions.Application:{application.pk}")
    as_(page, manager)
    page.goto("/staff/celebrations/")
    assert "promoted to" not in page.content()
    as_(page, technician)
    page.click("text=Decide whether to share it")  # asked on the home page
    page.click("button:has-text('Share it')")
    page.wait_for_load_state()
    celebration.refresh_from_db()
    assert celebration.consent == Celebration.Consent.GIVEN
    as_(page, manager)
    page.goto("/staff/celebrations/")
    assert f"{technician} is promoted to Senior Scientific Officer (SSO)" in page.content()
