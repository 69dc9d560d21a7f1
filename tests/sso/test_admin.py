"""A deployment administrator adds an institution's identity provider in the Django admin."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialApp

from core.tenancy import across_institutions
from sso.models import SignInMethod
from tests.conftest import client_for
from tests.factories import TOTP_SECRET, UserFactory

from . import idp

pytestmark = pytest.mark.django_db


@pytest.fixture
def platform_admin(db):
    user = UserFactory(is_staff=True, is_superuser=True)
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": TOTP_SECRET})
    return client_for(user)


def form(institution, domains, **changes):
    data = {
        "institution": institution.pk,
        "name": "ICR single sign-on",
        "slug": "icr",
        "protocol": "saml",
        "active": "on",
        "vouched_domains": [d.pk for d in domains],
        "mfa_contexts": "https://refeds.org/profile/mfa",
        "leaver_values": "former-staff",
        "idp_entity_id": idp.ENTITY_ID,
        "idp_metadata_xml": idp.metadata("https://idp.icr.test/sso", "https://idp.icr.test/slo"),
        "scopes": "openid email profile",
        "attribute_mapping": "{}",
    }
    data.update(changes)
    return data


def test_the_admin_adds_a_saml_provider_and_allauth_is_configured_from_it(platform_admin, icr):
    answer = platform_admin.post("/admin/sso/signinmethod/add/", form(icr, icr.email_domains.all()))
    assert answer.status_code == 302, answer.content.decode()[:3000]
    with across_institutions():
        method = SignInMethod.objects.get(slug="icr")
    app = SocialApp.objects.get(pk=method.social_app_id)
    assert (app.provider, app.client_id, app.name) == ("saml", "icr", "ICR single sign-on")
    assert app.settings["idp"]["entity_id"] == idp.ENTITY_ID
    assert app.settings["advanced"]["want_assertion_signed"] is True
    listing = platform_admin.get("/admin/sso/signinmethod/").content.decode()
    assert "/accounts/saml/icr/metadata/" in listing


def test_the_admin_refuses_another_institutions_domain_and_bad_metadata(platform_admin, icr, crick):
    domains = [*icr.email_domains.all(), *crick.email_domains.all()]
    page = platform_admin.post("/admin/sso/signinmethod/add/", form(icr, domains)).content.decode()
    assert "crick.ac.uk belongs to another institution." in page
    page = platform_admin.post(
        "/admin/sso/signinmethod/add/", form(icr, icr.email_domains.all(), idp_metadata_xml="<not-metadata/>")
    ).content.decode()
    assert "The metadata has no sign-on address or signing certificate for this entity ID." in page
    page = platform_admin.post(
        "/admin/sso/signinmethod/add/", form(icr, icr.email_domains.all(), idp_metadata_xml="", idp_metadata_url="")
    ).content.decode()
    assert "Enter the metadata URL, or paste the metadata file below." in page
    with across_institutions():
        assert not SignInMethod.objects.exists()
    assert not SocialApp.objects.exists()
