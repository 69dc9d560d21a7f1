"""The whole journey in a real browser: find, apply, endorse, accept, then timetable and feed."""

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from icalendar import Calendar

from programmes.models import Application, CalendarFeed
from tests.conftest import sign_in
from tests.programmes.conftest import SessionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _verified(*profiles):
    for profile in profiles:
        EmailAddress.objects.create(user=profile.user, email=profile.user.email, verified=True, primary=True)


def _sign_out(page):
    page.context.clear_cookies()


def test_technician_applies_manager_endorses_programme_manager_accepts(
    browser_page, cohort, technician, manager, programme_manager, live_server
):
    _verified(technician, manager, programme_manager)
    SessionFactory(cohort=cohort, title="Ignite kick-off")
    page = browser_page

    # The technician finds an eligible programme and applies.
    sign_in(page, technician.user.email)
    page.wait_for_url("**/")
    page.get_by_role("button", name="Programmes", exact=True).click()
    page.get_by_role("link", name="All programmes", exact=True).click()
    page.get_by_label("Only what I can apply to").check()
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Ignite").click()
    assert "You are eligible." in page.get_by_test_id("eligibility").inner_text()
    page.get_by_role("link", name="Apply").click()
    page.get_by_label("Statement").fill("I run the imaging core and want to lead projects.")
    page.get_by_role("button", name="Send application").click()
    assert "Waiting for the line manager" in page.get_by_test_id("state").inner_text()
    _sign_out(page)

    # The line manager endorses from the application page.
    sign_in(page, manager.user.email)
    page.wait_for_url("**/")
    page.get_by_role("region", name="Applications to endorse").get_by_role("link", name=str(technician)).click()
    page.get_by_label("Endorse the application").check()
    page.get_by_role("button", name="Send").click()
    assert "Waiting for selection" in page.get_by_test_id("state").inner_text()
    _sign_out(page)

    # The programme manager accepts from the cohort's applicant list.
    sign_in(page, programme_manager.user.email)
    page.wait_for_url("**/")
    page.goto(reverse("programmes:cohort_run", args=[cohort.pk]))
    page.get_by_label(f"Select {technician}").check()
    page.get_by_label("Decision").select_option("accept")
    page.get_by_role("button", name="Apply to selected").click()
    assert "1 application(s) updated." in page.content()
    assert "1 of 20 places taken" in page.get_by_test_id("places").inner_text()
    _sign_out(page)

    # The technician sees it on the dashboard and the timetable; the feed has the session.
    sign_in(page, technician.user.email)
    page.wait_for_url("**/")
    panel = page.get_by_role("region", name="My programmes")
    assert "Accepted" in panel.inner_text() and "Ignite kick-off" in panel.inner_text()
    page.goto(reverse("programmes:timetable"))
    assert "Ignite kick-off" in page.get_by_test_id("session").inner_text()
    feed_url = page.get_by_test_id("feed-url").input_value()
    assert feed_url.endswith(CalendarFeed.objects.get(user=technician.user).get_absolute_url())
    ics = page.request.get(feed_url).body()
    assert [str(e["summary"]) for e in Calendar.from_ical(ics).walk("VEVENT")] == ["Ignite kick-off (Ignite)"]
    assert Application.objects.get(applicant=technician).state == Application.State.ACCEPTED
