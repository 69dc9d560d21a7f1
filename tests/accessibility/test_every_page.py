"""Every page a person can reach, for every role, passes axe-core's WCAG 2.2 AA checks with no
console error and no Content-Security-Policy violation; every form sent empty shows its errors
accessibly, with an error summary.

Each test seeds the demo (the data tells one full story, so lists, charts and forms have
content) and signs in through the real sign-in pages, with the TOTP code when asked for one.
"""

import re
import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time

from people import demo
from tests.accessibility.crawler import Crawl
from tests.conftest import sign_in
from tests.demo_data import seed_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ACCOUNTS = {
    "technician": "technician@icr.ac.uk",
    "manager": "manager@icr.ac.uk",
    "mentor": "mentor@icr.ac.uk",
    "programme manager": "programmes@icr.ac.uk",
    "hr": "hr@icr.ac.uk",
    "institution admin": "admin@icr.ac.uk",
    "partner technician": "partner@crick.ac.uk",
    # Acts for a training provider (no staff record): the crawl from home is the provider's view.
    "provider contact": "dev.patel@southbank-science.example",
}


# Pages checked for a role whatever the crawl reached within its page limit.
ALSO_VISIT = {
    "technician": ["/pathways/", "/pathways/next-step/", "/pathways/self-assessment/", "/pathways/plan/"],
    "manager": ["/pathways/readiness/", "/pathways/self-assessment/", "/pathways/plan/"],
    "programme manager": ["/pathways/manage/", "/pathways/frameworks/upload/", "/pathways/readiness/"],
}


# allauth's account pages (password, two-factor, e-mail) are the same for everyone but the
# navigation: the technician's crawl and the signed-out crawl check them, the others skip them.
ACCOUNT_PAGES = re.compile(r"^/accounts/")


def _current_code():
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(demo.DEMO_TOTP_SECRET, counters[len(counters) // 2]))


def sign_in_as_demo(page, email, crawl):
    """Sign in through the real pages; the second-factor step, when asked, is checked too."""
    sign_in(page, email, demo.DEMO_PASSWORD, second_factor=False)
    page.wait_for_load_state("load")
    if "/accounts/2fa/authenticate/" in page.url:
        crawl.check("/accounts/2fa/authenticate/")
        # allauth accepts only the current 30-second code: one taken in the last seconds of its
        # period can reach the server after it ended (as tests.conftest.sign_in), so wait for a fresh one.
        left = 30 - time.time() % 30
        if left < 6:
            time.sleep(left + 0.5)
        page.fill("input[name=code]", _current_code())
        page.click("button[type=submit]")
        page.wait_for_load_state("load")
    assert "/accounts/" not in page.url, f"{email} could not sign in: {page.url}"


def _report(crawl):
    return f"{len(crawl.problems)} problem(s) on {len(crawl.visited)} page(s):\n" + "\n".join(crawl.problems)


@pytest.mark.parametrize("role", list(ACCOUNTS))
def test_every_page_a_role_reaches_is_accessible(browser_page, live_server, role):
    seed_demo()
    crawl = Crawl(browser_page, live_server.url, who=role, skip=None if role == "technician" else ACCOUNT_PAGES)
    sign_in_as_demo(browser_page, ACCOUNTS[role], crawl)
    crawl.crawl("/")
    for path in ALSO_VISIT.get(role, []):
        crawl.visit(path)
    crawl.visit("/no-such-page/", expect_status=404)
    if role == "technician":  # the refusal page, with the rule's own reason and a way on
        crawl.visit("/development/policy/", expect_status=403)
        assert "Only HR and institution administrators" in browser_page.inner_text("main")
    assert len(crawl.visited) >= 5, crawl.visited
    assert not crawl.problems, _report(crawl)


def test_the_signed_out_pages_are_accessible(browser_page, live_server):
    """Sign-in, sign-up, password reset, the statement and the error pages, before signing in."""
    seed_demo()
    crawl = Crawl(browser_page, live_server.url, who="signed out")
    for start in ("/accounts/login/", "/sign-in/", "/accounts/signup/", "/accounts/password/reset/", "/accessibility/",
                  "/pathways/published/icr/"):  # fmt: skip
        crawl.crawl(start)
    crawl.visit("/no-such-page/", expect_status=404)
    assert {"/accounts/login/", "/sign-in/", "/accounts/password/reset/"} <= set(crawl.visited)
    assert not crawl.problems, _report(crawl)
