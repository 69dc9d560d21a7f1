"""Signing in through a real OpenID Connect provider with allauth's own OpenID Connect provider.

The provider is oidc-provider-mock (PyPI): a real OP built on Authlib, serving discovery, the
authorization and token endpoints, userinfo and its JWKS over HTTP on a local port. allauth
discovers it, exchanges the code, fetches userinfo and checks the ID token's signature, issuer
and audience against the JWKS for real; the test plays the browser between the two.
"""

import html
from urllib.parse import urlparse

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse

from core.tenancy import across_institutions
from people import roles
from people.models import StaffProfile, User
from sso.models import SignInIdentity, SignInMethod
from sso.services import sign_in_method_save
from tests.factories import StaffProfileFactory, UserFactory, staff

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def op():
    oidc_provider_mock = pytest.importorskip("oidc_provider_mock")
    with oidc_provider_mock.run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


def oidc_method(institution, issuer, **fields):
    method = SignInMethod(
        institution=institution,
        name=f"{institution.short_name} Microsoft sign-in",
        slug=f"{institution.slug}-oidc",
        protocol=SignInMethod.Protocol.OIDC,
        issuer=issuer,
        client_id="techcareers",
        client_secret="test-client-secret",
        **fields,
    )
    return sign_in_method_save(method=method, domains=list(institution.email_domains.all()))


def set_claims(op, sub, **claims):
    requests.put(f"{op}/users/{sub}", json=claims, timeout=10).raise_for_status()


def sign_in(client, op, email, sub=None):
    """Where do you work? -> the provider's consent form -> the portal's callback."""
    answer = client.post("/sign-in/", {"where-email": email})
    assert answer.status_code == 302, answer.content.decode()[:1000]
    authorize = answer["Location"]
    assert authorize.startswith(f"{op}/oauth2/authorize")
    consent = requests.post(authorize, data={"sub": sub or email}, allow_redirects=False, timeout=10)
    assert consent.status_code == 302, consent.text[:500]
    callback = urlparse(consent.headers["Location"])
    assert callback.path == reverse("openid_connect_callback", kwargs={"provider_id": "icr-oidc"})
    return client.get(f"{callback.path}?{callback.query}", follow=True), f"{callback.path}?{callback.query}"


def text(answer):
    return html.unescape(" ".join(answer.content.decode().split()))


def counts():
    with across_institutions():
        return (User.objects.count(), StaffProfile.objects.count(), SocialAccount.objects.count())


def test_a_new_person_lands_in_their_institution_with_the_providers_claims(client, op, icr):
    oidc_method(icr, op)
    set_claims(
        op, "oid-1", email="casey.lin@icr.ac.uk", given_name="Casey", family_name="Lin",
        employee_number="ICR-3301", job_title="Senior Research Technician",
    )  # fmt: skip
    final, _ = sign_in(client, op, "casey.lin@icr.ac.uk", sub="oid-1")
    user = final.wsgi_request.user
    assert user.is_authenticated and user.email == "casey.lin@icr.ac.uk"
    assert (user.first_name, user.last_name) == ("Casey", "Lin")
    with across_institutions():
        profile = StaffProfile.objects.get(user=user)
        assert SignInIdentity.objects.get(profile=profile).method.slug == "icr-oidc"
    assert profile.institution == icr
    assert (profile.staff_number, profile.job_title) == ("ICR-3301", "Senior Research Technician")
    assert SocialAccount.objects.get(user=user).uid == "oid-1"


def test_another_institutions_address_is_refused_and_nothing_is_created(client, op, icr, crick):
    oidc_method(icr, op)
    set_claims(op, "oid-2", email="alex.morgan@crick.ac.uk")
    before = counts()
    final, _ = sign_in(client, op, "someone@icr.ac.uk", sub="oid-2")
    assert final.status_code == 403
    assert "Your institution's sign-in cannot vouch for this address" in text(final)
    assert not final.wsgi_request.user.is_authenticated
    assert counts() == before


def test_a_replayed_callback_is_refused(client, op, icr):
    oidc_method(icr, op)
    set_claims(op, "oid-3", email="jo.bell@icr.ac.uk")
    final, callback = sign_in(client, op, "jo.bell@icr.ac.uk", sub="oid-3")
    assert final.wsgi_request.user.is_authenticated
    client.logout()
    before = counts()
    again = client.get(callback, follow=True)
    assert not again.wsgi_request.user.is_authenticated
    assert "could not be checked" in text(again)
    assert counts() == before


def test_a_leaver_is_refused(client, op, icr):
    oidc_method(icr, op)
    user = UserFactory(email="gone@icr.ac.uk")
    with across_institutions():
        StaffProfileFactory(user=user, institution=icr)
    set_claims(op, "oid-4", email="gone@icr.ac.uk", affiliation=["left"])
    final, _ = sign_in(client, op, "gone@icr.ac.uk", sub="oid-4")
    assert "Your institution says you have left" in text(final)
    assert not final.wsgi_request.user.is_authenticated
    with across_institutions():
        assert SignInIdentity.objects.get(profile__user=user).left_reported_at is not None


def test_mfa_from_the_amr_claim_is_trusted_only_where_the_institution_enforces_it(client, op, icr):
    with across_institutions():
        hr = staff(icr, groups=[roles.HR], user__email="mark.evans@icr.ac.uk")
    method = oidc_method(icr, op, enforces_mfa=True)
    set_claims(op, "oid-5", email="mark.evans@icr.ac.uk", amr=["pwd", "mfa"])
    final, _ = sign_in(client, op, "mark.evans@icr.ac.uk", sub="oid-5")
    assert final.wsgi_request.user == hr.user
    assert client.get(reverse("home")).status_code == 200

    client.logout()
    method.enforces_mfa = False
    sign_in_method_save(method=method)
    final, _ = sign_in(client, op, "mark.evans@icr.ac.uk", sub="oid-5")
    assert final.redirect_chain[-1][0] == reverse("mfa_authenticate")


def test_signing_out_here_signs_out_at_the_provider(client, op, icr):
    oidc_method(icr, op)
    set_claims(op, "oid-6", email="jo.bell@icr.ac.uk")
    sign_in(client, op, "jo.bell@icr.ac.uk", sub="oid-6")
    answer = client.post(reverse("account_logout"))
    assert answer["Location"].startswith(f"{op}/oauth2/end_session?client_id=techcareers&post_logout_redirect_uri=")
    assert not client.get(reverse("home")).wsgi_request.user.is_authenticated
    ended = requests.get(answer["Location"], timeout=10)
    assert ended.status_code == 200  # the provider's own sign-out page
