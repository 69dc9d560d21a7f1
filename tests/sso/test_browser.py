"""End to end in Chromium: Where do you work? -> the institution's identity provider -> the portal.

The identity provider is tests/sso/idp.py behind tests/sso/idp_urls.py, served by the live
server beside the portal; the portal's side is allauth's SAML provider, unmocked. The sign-in
pages (with their errors and a refusal) pass axe-core's checks.
"""

import pytest

from core.tenancy import across_institutions
from people.models import StaffProfile
from sso.models import SignInMethod
from sso.services import sign_in_method_save
from tests.accessibility.crawler import Crawl

from . import idp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def with_test_idp(settings, live_server, icr, crick):
    settings.ROOT_URLCONF = "tests.sso.idp_urls"
    from tests.factories import DivisionFactory

    DivisionFactory(institution=icr, name="Structural Biology")
    # The provider's metadata is fetched from its URL, as for a federation member.
    method = SignInMethod(
        institution=icr,
        name="ICR single sign-on",
        slug="icr",
        protocol=SignInMethod.Protocol.SAML,
        idp_entity_id=idp.ENTITY_ID,
        idp_metadata_url=f"{live_server.url}/test-idp/metadata/",
        enforces_mfa=True,
    )
    return sign_in_method_save(method=method, domains=list(icr.email_domains.all()))


def test_a_new_member_of_staff_signs_in_through_their_institution(browser_page, live_server, with_test_idp):
    page = browser_page
    crawl = Crawl(page, live_server.url, who="signed out")
    crawl.visit("/accounts/login/")
    assert page.get_by_role("heading", name="Where do you work?").is_visible()

    page.get_by_label("Your work e-mail address").fill("jordan.reyes@icr.ac.uk")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/test-idp/sso/**")
    page.get_by_label("Institute username (e-mail)").fill("jordan.reyes@icr.ac.uk")
    page.get_by_role("button", name="Sign in at the Institute").click()
    page.get_by_role("button", name="Continue to TechCareers").click()
    page.wait_for_url("**/staff/welcome/**")
    crawl.check("/staff/welcome/ (first sign-in through the provider)")
    assert "Jordan" in page.inner_text("body")
    with across_institutions():
        profile = StaffProfile.objects.select_related("division").get(user__email="jordan.reyes@icr.ac.uk")
    assert profile.institution.slug == "icr"
    assert (profile.staff_number, profile.division.name) == ("ICR-20417", "Structural Biology")

    # Confirming it is you (before exporting personal data) with no portal password: at the Institute.
    crawl.visit("/sign-in/confirm/?next=/")
    assert page.get_by_role("button", name="Sign in again through ICR").is_visible()

    # Signing out here signs out at the Institute too.
    page.goto("/accounts/logout/")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/test-idp/slo/**")
    assert page.get_by_role("heading", name="Signed out at the Institute").is_visible()
    assert not crawl.problems, crawl.problems


def test_the_sign_in_pages_and_a_refusal_are_accessible(browser_page, live_server, with_test_idp):
    page = browser_page
    crawl = Crawl(page, live_server.url, who="signed out")
    crawl.visit("/sign-in/")
    page.get_by_role("button", name="Continue").click()  # nothing entered
    assert "Enter your work e-mail address, or choose your institution." in page.inner_text("main")
    crawl.check("/sign-in/ (sent empty)")

    # Picking the institution instead; the provider then vouches for an address elsewhere.
    page.get_by_label("Or choose your institution").select_option(label="The Institute of Cancer Research")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Institute username (e-mail)").fill("alex.morgan@crick.ac.uk")
    page.get_by_role("button", name="Sign in at the Institute").click()
    page.get_by_role("button", name="Continue to TechCareers").click()
    page.get_by_role("heading", name="Your institution's sign-in cannot vouch for this address").wait_for()
    crawl._forget_document_status(403)  # the refusal's own status, logged by the browser
    crawl.check("the refusal page")
    with across_institutions():
        assert not StaffProfile.objects.filter(user__email="alex.morgan@crick.ac.uk").exists()
    assert not crawl.problems, crawl.problems
