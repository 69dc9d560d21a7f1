"""The API's documentation renders in Chromium under the enforced Content-Security-Policy: Swagger UI
from the sidecar's static files (no CDN, no inline script), and the portal's own page."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.accessibility.crawler import CSP_LISTENER

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_swagger_ui_renders_every_endpoint_with_no_csp_violation(browser_page, live_server):
    page = browser_page
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    outside = []
    page.on("request", lambda request: request.url.startswith(live_server.url) or outside.append(request.url))
    page.add_init_script(CSP_LISTENER)
    page.goto("/api/v1/docs/")
    page.wait_for_selector(".opblock-summary-path")
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/api/v1/training-completions/" in p for p in paths)
    assert any("/api/v1/reports/{key}/" in p for p in paths)
    assert page.evaluate("window.__cspViolations") == []
    assert errors == [] and outside == []


def test_the_portal_docs_page_passes_axe(browser_page, live_server):
    page = browser_page
    page.add_init_script(CSP_LISTENER)
    page.goto("/api/docs/")
    assert page.locator("h1").inner_text() == "The TechCareers API"
    results = Axe().run(page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]})
    assert results.response["violations"] == [], results.generate_report()
    assert page.evaluate("window.__cspViolations") == []
