"""The API's documentation page and the token pages pass axe in Chromium under the enforced
Content-Security-Policy. (Swagger UI is not served: it fails WCAG 2.2 AA.)"""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.accessibility.crawler import CSP_LISTENER

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_portal_docs_page_passes_axe(browser_page, live_server):
    page = browser_page
    page.add_init_script(CSP_LISTENER)
    page.goto("/api/docs/")
    assert page.locator("h1").inner_text() == "The TechCareers API"
    results = Axe().run(page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]})
    assert results.response["violations"] == [], results.generate_report()
    assert page.evaluate("window.__cspViolations") == []


def test_the_token_pages_pass_axe_for_the_institution_administrator(browser_page, live_server, institution_admin):
    from django.conf import settings

    from api import services
    from tests.accessibility.crawler import Crawl
    from tests.conftest import client_for

    token, _secret = services.token_create(
        institution=institution_admin.institution, name="Intranet", scopes=["read_figures"], by=institution_admin.user
    )
    page = browser_page
    crawl = Crawl(page, live_server.url, who="institution admin")
    # Signed in with the second factor and just confirmed it is them (as after the reauthentication
    # page): the session the test client made, handed to the browser.
    session = client_for(institution_admin).cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
    for url in ("/api/tokens/", f"/api/tokens/{token.pk}/", "/api/docs/", "/api/tokens/new/"):
        crawl.visit(url)
    assert page.url.endswith("/api/tokens/new/"), page.url
    crawl.submit_forms_empty("/api/tokens/new/")
    page.goto("/api/tokens/new/")
    page.fill("input[name=name]", "Moodle")
    page.check("input[value=write_training]")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.locator("[data-testid=secret]").input_value().startswith("tc_")
    crawl.check("/api/tokens/new/ (the secret shown once)")
    assert not crawl.problems, crawl.problems
