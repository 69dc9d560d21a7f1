"""Each demo account signs in through the real pages and sees the dashboard of its role."""

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time

from people import demo
from people.models import User
from tests.conftest import sign_in
from tests.demo_data import seed_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLE_PANELS = {"My team", "My mentees", "Technical staff", "Administration"}
# account -> the role panels it must see; it must see none of the others
EXPECTED = {
    "technician@icr.ac.uk": {"My career pathway"},
    "manager@icr.ac.uk": {"My career pathway", "My team"},
    "mentor@icr.ac.uk": {"My career pathway", "My mentees"},
    "hr@icr.ac.uk": {"Technical staff"},
    "admin@icr.ac.uk": {"Technical staff", "Administration"},
    "partner@crick.ac.uk": {"My career pathway", "Complete your record"},
}
TWO_FACTOR = {"hr@icr.ac.uk", "admin@icr.ac.uk"}


def _current_code():
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(demo.DEMO_TOTP_SECRET, counters[len(counters) // 2]))


def _panel_titles(page):
    return {title.strip() for title in page.locator("[data-testid=panel] h2").all_inner_texts()}


def test_every_demo_account_signs_in_and_sees_its_own_dashboard(browser_page, live_server):
    seed_demo()
    page = browser_page
    for email, expected in EXPECTED.items():
        page.context.clear_cookies()
        sign_in(page, email, demo.DEMO_PASSWORD, second_factor=False)
        if email in TWO_FACTOR:
            page.wait_for_url("**/accounts/2fa/authenticate/")
            page.fill("input[name=code]", _current_code())
            page.click("button[type=submit]")
        if email == "partner@crick.ac.uk":  # never signed in: asked to complete the record first
            page.wait_for_url("**/staff/welcome/")
            page.get_by_role("link", name="Do this later").click()
        page.wait_for_url(f"{live_server.url}/")
        titles = _panel_titles(page)
        if User.objects.get(email=email).profile.reports.exists():
            expected = expected | {"My team"}  # demo seniors may manage people too
        assert expected <= titles, f"{email} sees {titles}"
        assert not (titles & ROLE_PANELS) - expected, f"{email} sees {titles}"
        assert page.get_by_test_id("user-menu").inner_text().strip() != ""
