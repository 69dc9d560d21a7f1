"""In a real browser, at 1280 px and on a phone: the programme manager invites someone to act for the
provider; they follow the link, choose a password, sign in, land on the provider's apprentices and
sign a review with their notes. Every page they reach (and the invitation on the provider's page)
passes axe's WCAG 2.2 AA checks and fits a 390 px screen."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from apprenticeships import services
from apprenticeships.models import ProviderContact
from notifications.models import Notification
from tests.apprenticeships.conftest import enrol
from tests.apprenticeships.test_browser import as_, check_page
from tests.conftest import sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_invitation_sign_up_provider_view_and_sign_off(
    browser_page, apprentice, manager, programme_manager, standard, provider
):
    EmailAddress.objects.create(
        user=programme_manager.user, email=programme_manager.user.email, verified=True, primary=True
    )
    today = timezone.localdate()
    a = enrol(
        apprentice,
        programme_manager,
        standard,
        provider,
        start=today - timedelta(days=120),
        end=today + timedelta(days=600),
        portfolio_link="https://login.onefile.co.uk/learner/42",
    )
    review = services.review_record(
        apprenticeship=a, by=manager.user, held_on=today - timedelta(days=7), notes="Pipetting signed off."
    )
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})

    as_(page, programme_manager)
    page.goto(provider.get_absolute_url())
    page.get_by_label("Name").fill("Dev Patel")
    page.get_by_label("E-mail address").fill("dev.patel@southbank-science.example")
    page.get_by_role("button", name="Send the invitation").click()
    page.wait_for_url(f"**{provider.get_absolute_url()}")
    assert "Invited, not signed up yet" in page.get_by_test_id("provider-contacts").inner_text()
    check_page(page, "provider-with-contact")

    contact = ProviderContact.objects.get(provider=provider)
    link = Notification.objects.get(kind="apprenticeships.provider_invited", recipient=contact.user).link
    page.context.clear_cookies()
    page.goto(link)
    assert "dev.patel@southbank-science.example" in page.inner_text("main")
    check_page(page, "invitation")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_url("**/accounts/login/")
    sign_in(page, "dev.patel@southbank-science.example")
    page.wait_for_url("**/apprenticeships/provider/")
    row = page.get_by_test_id("provider-apprentice")
    assert str(apprentice) in row.inner_text() and "1 to sign" in row.inner_text()
    assert row.get_by_role("link", name="Open").get_attribute("href") == "https://login.onefile.co.uk/learner/42"
    nav = page.get_by_role("navigation", name="Main").inner_text()
    assert "My apprentices" in nav and "Development" not in nav
    check_page(page, "provider-home")

    # The sign-off itself, on a phone.
    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_role("link", name=str(apprentice), exact=True).click()
    page.wait_for_url(f"**/apprenticeships/provider/{a.pk}/")
    page.get_by_label("Your notes (optional)").fill("Evidence for unit 3 accepted in OneFile.")
    page.get_by_role("button", name="Sign as Southbank Science Skills").click()
    page.wait_for_url(f"**/apprenticeships/provider/{a.pk}/")
    assert "signed by Dev Patel on" in page.get_by_test_id("provider-signature").inner_text()
    review.refresh_from_db()
    assert review.provider_contact == contact and review.provider_notes == "Evidence for unit 3 accepted in OneFile."
    page.set_viewport_size({"width": 1280, "height": 900})
    check_page(page, "provider-apprentice")
