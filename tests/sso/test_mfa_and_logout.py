"""The portal's second factor and the provider's; single logout; the admin's set-up command."""

import io
from urllib.parse import urlencode

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from core.tenancy import across_institutions
from people import roles
from sso.models import SignInMethod
from tests.factories import EmailDomainFactory, staff

from . import idp
from .conftest import IDP_SLO, saml_method
from .test_saml import post_response, start

pytestmark = pytest.mark.django_db


@pytest.fixture
def hr(icr):
    with across_institutions():
        return staff(icr, groups=[roles.HR], user__email="mark.evans@icr.ac.uk")


def sign_in(client, email, authn_context):
    request = start(client, email=email)
    return post_response(client, request, idp.response(request, idp.Person(email), authn_context=authn_context))


def test_a_provider_that_enforces_mfa_and_used_it_is_trusted_for_hr(client, icr, hr):
    saml_method(icr, enforces_mfa=True)
    final = sign_in(client, "mark.evans@icr.ac.uk", idp.REFEDS_MFA)
    assert final.wsgi_request.user == hr.user
    assert all("/accounts/2fa/" not in url for url, _ in final.redirect_chain)
    # HR's pages open without the portal's own code: the session holds the provider's second factor.
    page = client.get(reverse("home"))
    assert page.status_code == 200
    records = client.session["account_authentication_methods"]
    assert {"method": "mfa", "type": "provider", "provider": "icr"}.items() <= records[-1].items()


def test_a_sign_in_without_mfa_at_the_provider_still_asks_for_the_portals_code(client, icr, hr):
    saml_method(icr, enforces_mfa=True)
    final = sign_in(client, "mark.evans@icr.ac.uk", idp.PASSWORD_CONTEXT)
    assert final.redirect_chain[-1][0] == reverse("mfa_authenticate")
    assert not final.wsgi_request.user.is_authenticated


def test_an_institution_that_does_not_enforce_mfa_keeps_the_portals_rules(client, icr, hr):
    saml_method(icr, enforces_mfa=False)
    final = sign_in(client, "mark.evans@icr.ac.uk", idp.REFEDS_MFA)
    assert final.redirect_chain[-1][0] == reverse("mfa_authenticate")
    assert not final.wsgi_request.user.is_authenticated


def test_signing_out_here_signs_out_at_the_provider(client, icr):
    saml_method(icr)
    sign_in(client, "jordan.reyes@icr.ac.uk", idp.PASSWORD_CONTEXT)
    answer = client.post(reverse("account_logout"))
    assert answer.status_code == 302
    assert answer["Location"].startswith(IDP_SLO)
    message = idp.read_redirect_message(answer["Location"])
    assert message.tag == "{urn:oasis:names:tc:SAML:2.0:protocol}LogoutRequest"
    name_id = message.find("{urn:oasis:names:tc:SAML:2.0:assertion}NameID").text
    assert name_id  # the NameID the provider gave at sign-in
    assert not client.get(reverse("home")).wsgi_request.user.is_authenticated


def test_the_provider_signing_someone_out_ends_their_session_here(client, icr):
    saml_method(icr)
    sign_in(client, "jordan.reyes@icr.ac.uk", idp.PASSWORD_CONTEXT)
    signed_in = client.session["sso_sign_in"]
    sls = "http://testserver/accounts/saml/icr/sls/"
    query = urlencode({"SAMLRequest": idp.logout_request(sls, signed_in["name_id"], signed_in["session_index"])})
    answer = client.get(f"/accounts/saml/icr/sls/?{query}")
    assert answer.status_code == 302
    assert answer["Location"].startswith(IDP_SLO)  # the LogoutResponse back to the provider
    response = idp.read_redirect_message(answer["Location"], "SAMLResponse")
    assert response.tag == "{urn:oasis:names:tc:SAML:2.0:protocol}LogoutResponse"
    assert not client.get(reverse("home")).wsgi_request.user.is_authenticated


def test_the_command_sets_up_an_institutions_provider(icr, tmp_path):
    metadata = tmp_path / "idp.xml"
    metadata.write_text(idp.metadata("https://idp.icr.test/sso", "https://idp.icr.test/slo"))
    out = io.StringIO()
    call_command(
        "sso_method", "icr", "--institution=icr", "--name=ICR single sign-on", "--saml", "--domain=icr.ac.uk",
        f"--entity-id={idp.ENTITY_ID}", f"--metadata-file={metadata}", "--enforces-mfa",
        '--mapping={"staff_number": "urn:oid:1.2.840.113556.1.4.7000.102.50765"}', stdout=out,
    )  # fmt: skip
    assert "/accounts/saml/icr/metadata/" in out.getvalue()
    with across_institutions():
        method = SignInMethod.objects.get(slug="icr")
    assert method.enforces_mfa and not method.password_sign_in_allowed
    assert list(method.vouched_domains.values_list("domain", flat=True)) == ["icr.ac.uk"]
    app = method.social_app
    assert (app.provider, app.client_id) == ("saml", "icr")
    assert app.settings["idp"]["sso_url"] == "https://idp.icr.test/sso"
    assert app.settings["attribute_mapping"]["staff_number"] == ["urn:oid:1.2.840.113556.1.4.7000.102.50765"]

    # Another institution's domain is refused, and nothing changes.
    EmailDomainFactory(domain="crick.ac.uk")
    with pytest.raises(CommandError, match="crick.ac.uk belongs to another institution"):
        call_command(
            "sso_method", "icr", "--institution=icr", "--name=ICR", "--saml", "--domain=crick.ac.uk",
            f"--entity-id={idp.ENTITY_ID}", f"--metadata-file={metadata}",
        )  # fmt: skip
    with across_institutions():
        assert SignInMethod.objects.get(slug="icr").name == "ICR single sign-on"


def test_the_command_sets_up_an_openid_connect_provider(icr):
    call_command(
        "sso_method", "icr-entra", "--institution=icr", "--name=ICR Microsoft sign-in", "--oidc",
        "--domain=icr.ac.uk", "--issuer=https://login.microsoftonline.com/tenant/v2.0",
        "--client-id=abc", "--client-secret=s3cret", stdout=io.StringIO(),
    )  # fmt: skip
    with across_institutions():
        app = SignInMethod.objects.get(slug="icr-entra").social_app
    assert (app.provider, app.provider_id, app.client_id) == ("openid_connect", "icr-entra", "abc")
    assert app.settings["server_url"] == "https://login.microsoftonline.com/tenant/v2.0"
    assert app.settings["verified_email"] == ["icr.ac.uk"]


def test_someone_without_a_password_confirms_it_is_them_at_their_provider(client, icr):
    """Exporting personal data asks to confirm it is you: with no portal password, at the provider."""
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from people.models import StaffProfile, User
    from tests.programmes.conftest import CohortFactory

    saml_method(icr, enforces_mfa=True)
    sign_in(client, "grace.lee@icr.ac.uk", idp.REFEDS_MFA)
    user = User.objects.get(email="grace.lee@icr.ac.uk")
    assert not user.has_usable_password()
    user.groups.add(Group.objects.get_or_create(name=roles.PROGRAMME_MANAGER)[0])
    with across_institutions():
        profile = StaffProfile.objects.get(user=user)
        StaffProfile.objects.filter(pk=profile.pk).update(onboarded_at=timezone.now())
        cohort = CohortFactory(programme__institution=icr, programme__owner=profile)
    url = f"/programmes/run/cohorts/{cohort.pk}/applicants.csv"

    asked = client.get(url)
    assert asked.status_code == 302
    assert asked["Location"] == f"/sign-in/confirm/?{urlencode({'next': url})}"
    page = client.get(asked["Location"]).content.decode()
    assert "Sign in again through ICR" in page
    answer = client.post("/sign-in/confirm/", {"next": url})
    request = idp.read_authn_request(answer["Location"])
    saml_response = idp.response(request, idp.Person("grace.lee@icr.ac.uk"), authn_context=idp.REFEDS_MFA)
    final = post_response(client, request, saml_response)
    assert final.redirect_chain[-1][0] == url
    assert final.status_code == 200
    assert final["Content-Type"].startswith("text/csv")
