"""Pages the whole-site crawl may not reach (it stops at 40 pages a role), listed for each role that
sees them, pass the same checks (axe-core WCAG 2.2 AA, no console error, no CSP violation, forms
sent empty show their errors accessibly). One demo seed per role: add a new page to its role's list."""

import pytest

from tests.accessibility.crawler import Crawl
from tests.accessibility.test_every_page import ACCOUNTS, _report, sign_in_as_demo
from tests.demo_data import seed_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = {
    "technician": [
        "/equality/mine/",
        "/equality/mine/withdraw/",
        "/apprenticeships/providers/sector/",
        "/apprenticeships/providers/sector/?q=nowhere",
    ],
    "hr": [
        "/equality/report/",
        "/equality/report/?source=promotions&breakdown=sex",
        "/equality/report/?source=development&breakdown=caring",
        "/equality/report/?start=2026-05-01&end=2026-01-01",
        "/equality/look-up/",
    ],
    "institution admin": [
        "/equality/settings/",
        "/equality/report/?source=apprenticeships&breakdown=grade",
        "/api/tokens/",
        "/api/docs/",
    ],
    "programme manager": ["/equality/report/?source=programmes&breakdown=division"],
    # The provider's pages (the crawl reaches its apprentices from here) and their own account's messages.
    "provider contact": ["/apprenticeships/provider/", "/notifications/", "/notifications/preferences/"],
}


@pytest.mark.parametrize("role", list(PAGES))
def test_the_listed_pages_are_accessible_for_each_role_that_sees_them(browser_page, live_server, role):
    seed_demo()
    crawl = Crawl(browser_page, live_server.url, who=role)
    sign_in_as_demo(browser_page, ACCOUNTS[role], crawl)
    for url in PAGES[role]:
        crawl.visit(url)
        crawl.submit_forms_empty(url)
    if role == "technician":
        crawl.visit("/equality/report/", expect_status=403)
    if role == "provider contact":  # a staff page refuses them, in words
        crawl.visit("/staff/", expect_status=403)
    assert not crawl.problems, _report(crawl)
