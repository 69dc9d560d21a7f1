import pytest
from allauth.account.models import EmailAddress

from tests.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_technician_signs_in_and_sees_their_career_pathway(browser_page, technician):
    EmailAddress.objects.create(user=technician.user, email=technician.user.email, verified=True, primary=True)
    sign_in(browser_page, technician.user.email)
    browser_page.wait_for_url("**/")
    pathway = browser_page.get_by_role("region", name="My career pathway")
    assert "Higher Scientific Officer (HSO) you are here" in " ".join(pathway.inner_text().split())
    assert "next step" in pathway.inner_text()
