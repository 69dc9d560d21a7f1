"""In a real browser: the apprentice logs off-the-job hours and signs a review; the programme
manager's list and the apprentice page pass axe's WCAG 2.2 AA checks at 1280 px and on a phone
(390 px) without widening the page."""

import os
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from apprenticeships import services
from development.models import TrainingRecord
from tests.apprenticeships.conftest import enrol
from tests.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("APPRENTICESHIP_SCREENSHOTS", "")


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
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, f"{name} is wider than a phone"
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}-phone.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_the_apprentice_logs_hours_and_signs_and_the_programme_manager_sees_the_list(
    browser_page, apprentice, manager, programme_manager, standard, provider, intake
):
    for person in (apprentice, programme_manager):
        EmailAddress.objects.create(user=person.user, email=person.user.email, verified=True, primary=True)
    today = timezone.localdate()
    a = enrol(
        apprentice,
        programme_manager,
        standard,
        provider,
        intake=intake,
        start=today - timedelta(days=120),
        end=today + timedelta(days=600),
    )
    review = services.review_record(apprenticeship=a, by=manager.user, held_on=today - timedelta(days=7), notes="Good.")
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})

    as_(page, apprentice)
    page.goto(a.get_absolute_url())
    assert "behind what is due by today" in page.get_by_test_id("hours-warning").inner_text()
    check_page(page, "apprentice")
    page.get_by_role("link", name="Log off-the-job hours").click()
    page.get_by_label("Date").fill((today - timedelta(days=1)).isoformat())
    page.get_by_label("Hours").fill("6.5")
    page.get_by_label("Activity").select_option("Practical training at work")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**{a.get_absolute_url()}")
    assert page.get_by_test_id("hours-done").inner_text() == "6.5"
    assert TrainingRecord.objects.get(person=apprentice).off_the_job
    page.get_by_role("button", name="Sign as the apprentice").click()
    page.wait_for_url(f"**{a.get_absolute_url()}")
    review.refresh_from_db()
    assert review.apprentice_signed_at is not None

    as_(page, programme_manager)
    page.goto("/apprenticeships/programme/")
    assert apprentice.user.get_full_name() in page.get_by_test_id("apprenticeships").inner_text()
    check_page(page, "programme")
