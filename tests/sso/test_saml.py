"""Signing in through a real SAML identity provider (tests/sso/idp.py) with allauth's own SAML provider."""

import base64
import datetime
import html

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse
from django.utils import timezone

from core.tenancy import across_institutions
from people.models import CareerEvent, StaffProfile, User
from sso.models import SignInIdentity
from tests.factories import DivisionFactory, StaffProfileFactory, UserFactory

from . import idp
from .conftest import IDP_SSO, saml_method

pytestmark = pytest.mark.django_db


def start(client, **where):
    """The "Where do you work?" step: returns the AuthnRequest the portal sends to the IdP."""
    data = {f"where-{key}": value for key, value in where.items()}
    answer = client.post("/sign-in/", data)
    assert answer.status_code == 302, answer.content.decode()[:2000]
    assert answer["Location"].startswith(IDP_SSO)
    return idp.read_authn_request(answer["Location"])


def post_response(client, request, saml_response):
    """The browser posts the IdP's answer to the portal's ACS, which finishes the sign-in."""
    acs_path = request.acs_url.replace("http://testserver", "")
    answer = client.post(acs_path, {"SAMLResponse": saml_response, "RelayState": request.relay_state})
    assert answer.status_code == 302
    return client.get(answer["Location"], follow=True)


def counts():
    with across_institutions():
        return (
            User.objects.count(),
            StaffProfile.objects.count(),
            SocialAccount.objects.count(),
            SignInIdentity.objects.count(),
        )


def text(answer):
    return html.unescape(" ".join(answer.content.decode().split()))


def test_a_new_person_lands_in_their_institution_with_the_providers_attributes(client, icr, icr_saml):
    DivisionFactory(institution=icr, name="Structural Biology")
    request = start(client, email="jordan.reyes@icr.ac.uk")
    assert request.issuer == "http://testserver/accounts/saml/icr/metadata/"
    person = idp.Person("Jordan.Reyes@icr.ac.uk", division="Structural Biology")
    final = post_response(client, request, idp.response(request, person))
    assert final.wsgi_request.user.is_authenticated
    user = User.objects.get(email="jordan.reyes@icr.ac.uk")
    assert (user.first_name, user.last_name) == ("Jordan", "Reyes")
    assert not user.has_usable_password()
    with across_institutions():
        profile = StaffProfile.objects.select_related("division").get(user=user)
        assert profile.institution == icr
        assert (profile.staff_number, profile.job_title, profile.division.name) == (
            "ICR-20417",
            "Research Technician",
            "Structural Biology",
        )
        identity = SignInIdentity.objects.get(profile=profile)
    assert identity.method == icr_saml
    assert user.emailaddress_set.get().verified
    # A new person is asked for what the provider did not say (grade, line manager) first.
    assert final.redirect_chain[-1][0] == reverse("people:onboarding")


def test_the_institution_can_be_picked_instead_of_an_email(client, icr, icr_saml):
    request = start(client, institution=icr.pk)
    final = post_response(client, request, idp.response(request, idp.Person("sam.okoro@icr.ac.uk")))
    assert final.wsgi_request.user.email == "sam.okoro@icr.ac.uk"


def test_an_existing_account_is_linked_and_hr_values_are_kept_while_the_providers_stay_in_step(client, icr, icr_saml):
    user = UserFactory(email="priya.shah@icr.ac.uk", first_name="Priya", last_name="Shah")
    with across_institutions():
        profile = StaffProfileFactory(user=user, institution=icr, staff_number="HR-0001", job_title="")
    person = idp.Person("priya.shah@icr.ac.uk", given="Priya", surname="Shah", employee_number="IDP-999")
    request = start(client, email="priya.shah@icr.ac.uk")
    final = post_response(client, request, idp.response(request, person))
    assert final.wsgi_request.user == user
    assert SocialAccount.objects.get().user == user
    with across_institutions():
        profile.refresh_from_db()
    assert profile.staff_number == "HR-0001"  # HR recorded it: the provider does not overwrite it
    assert profile.job_title == "Research Technician"  # HR had not: the provider fills it

    # The provider's title changes: the portal follows, since nobody else changed it.
    client.logout()
    person.title = "Senior Research Technician"
    request = start(client, email="priya.shah@icr.ac.uk")
    post_response(client, request, idp.response(request, person))
    with across_institutions():
        profile.refresh_from_db()
    assert profile.job_title == "Senior Research Technician"

    # HR corrects the title; the provider's next (unchanged) word does not undo HR's.
    with across_institutions():
        StaffProfile.objects.filter(pk=profile.pk).update(job_title="Laboratory Manager")
    client.logout()
    request = start(client, email="priya.shah@icr.ac.uk")
    post_response(client, request, idp.response(request, person))
    with across_institutions():
        profile.refresh_from_db()
    assert profile.job_title == "Laboratory Manager"


def test_another_institutions_address_is_refused_and_nothing_is_created(client, icr, crick, icr_saml):
    before = counts()
    request = start(client, email="someone@icr.ac.uk")
    final = post_response(client, request, idp.response(request, idp.Person("alex.morgan@crick.ac.uk")))
    assert final.status_code == 403
    assert "Your institution's sign-in cannot vouch for this address" in text(final)
    assert "crick.ac.uk" in text(final)
    assert not final.wsgi_request.user.is_authenticated
    assert counts() == before


def test_an_existing_account_at_another_institution_is_not_linked(client, icr, crick, icr_saml):
    user = UserFactory(email="visitor@icr.ac.uk")
    with across_institutions():
        StaffProfileFactory(user=user, institution=crick)
    before = counts()
    request = start(client, email="visitor@icr.ac.uk")
    final = post_response(client, request, idp.response(request, idp.Person("visitor@icr.ac.uk")))
    assert final.status_code == 403
    assert "cannot vouch for this address" in text(final)
    assert counts() == before


@pytest.mark.parametrize(
    ("spoil", "why"),
    [
        ({"sign": False}, "not signed"),
        ({"key": idp.OTHER_KEY, "cert": idp.OTHER_CERT}, "signature"),
        ({"issued_at": timezone.now() - datetime.timedelta(hours=2)}, "expired"),
        ({"audience": "https://another-service.example/shibboleth"}, "audience"),
    ],
    ids=["unsigned", "signed-by-another-key", "expired", "wrong-audience"],
)
def test_an_invalid_assertion_is_refused_with_a_clear_page_and_nothing_is_created(client, icr, icr_saml, spoil, why):
    before = counts()
    request = start(client, email="jordan.reyes@icr.ac.uk")
    final = post_response(client, request, idp.response(request, idp.Person("jordan.reyes@icr.ac.uk"), **spoil))
    page = text(final)
    assert "Your institution's sign-in could not be checked" in page
    assert why in page.lower()
    assert not final.wsgi_request.user.is_authenticated
    assert counts() == before


def test_a_replayed_assertion_is_refused(client, icr, icr_saml):
    request = start(client, email="jordan.reyes@icr.ac.uk")
    saml_response = idp.response(request, idp.Person("jordan.reyes@icr.ac.uk"))
    assert post_response(client, request, saml_response).wsgi_request.user.is_authenticated
    client.logout()
    before = counts()
    # Replayed in the same browser after signing out, and in another browser altogether.
    for browser in (client, client.__class__(HTTP_HOST="testserver")):
        final = post_response(browser, request, saml_response)
        assert final.status_code == 403
        assert "This sign-in has already been used or was not started here" in text(final)
        assert not final.wsgi_request.user.is_authenticated
    assert counts() == before


def test_an_idp_initiated_response_is_refused(client, icr, icr_saml):
    request = idp.AuthnRequest(
        id="",
        acs_url="http://testserver/accounts/saml/icr/acs/",
        issuer="http://testserver/accounts/saml/icr/metadata/",
        relay_state="",
    )
    before = counts()
    final = post_response(client, request, idp.response(request, idp.Person("jordan.reyes@icr.ac.uk")))
    assert "could not be checked" in text(final)
    assert counts() == before


def test_a_leaver_is_refused_and_hr_sees_it_on_the_staff_record(client, icr, icr_saml):
    user = UserFactory(email="leaver@icr.ac.uk")
    with across_institutions():
        profile = StaffProfileFactory(user=user, institution=icr)
    request = start(client, email="leaver@icr.ac.uk")
    person = idp.Person("leaver@icr.ac.uk", affiliation=["former-staff"])
    final = post_response(client, request, idp.response(request, person))
    assert final.status_code == 403
    assert "Your institution says you have left" in text(final)
    assert not final.wsgi_request.user.is_authenticated
    with across_institutions():
        profile.refresh_from_db()
        assert profile.leaving_date == timezone.localdate()
        event = CareerEvent.objects.get(person=profile, cause=CareerEvent.Cause.LEFT)
        assert "reported at sign-in" in event.note
        assert SignInIdentity.objects.get(profile=profile).left_reported_at is not None

    # The provider later says they are staff again (a mistake): the portal still refuses until HR acts,
    # and the password form is refused too.
    request = start(client, email="leaver@icr.ac.uk")
    final = post_response(client, request, idp.response(request, idp.Person("leaver@icr.ac.uk")))
    assert "Your institution says you have left" in text(final)
    assert not final.wsgi_request.user.is_authenticated


def test_a_leaver_with_no_account_creates_nothing(client, icr, icr_saml):
    before = counts()
    request = start(client, email="gone@icr.ac.uk")
    final = post_response(client, request, idp.response(request, idp.Person("gone@icr.ac.uk", affiliation=["left"])))
    assert "Your institution says you have left" in text(final)
    assert counts() == before


def test_the_session_ends_no_later_than_the_providers(client, icr, icr_saml):
    request = start(client, email="jordan.reyes@icr.ac.uk")
    post_response(
        client,
        request,
        idp.response(request, idp.Person("jordan.reyes@icr.ac.uk"), session_lifetime=datetime.timedelta(minutes=40)),
    )
    assert 38 * 60 < client.session.get_expiry_age() <= 40 * 60


def test_the_password_form_is_refused_where_the_institution_signs_in_through_its_provider(client, icr, icr_saml):
    user = UserFactory(email="priya.shah@icr.ac.uk")
    with across_institutions():
        StaffProfileFactory(user=user, institution=icr)
    answer = client.post(
        "/accounts/login/", {"login": "priya.shah@icr.ac.uk", "password": "correct-horse-battery-staple"}
    )
    assert not answer.wsgi_request.user.is_authenticated
    assert "signs its staff in through ICR single sign-on, not a TechCareers password" in text(answer)


def test_password_sign_in_stays_where_the_institution_allows_it(client, icr):
    saml_method(icr, password_sign_in_allowed=True)
    user = UserFactory(email="priya.shah@icr.ac.uk")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    with across_institutions():
        StaffProfileFactory(user=user, institution=icr)
    answer = client.post(
        "/accounts/login/", {"login": "priya.shah@icr.ac.uk", "password": "correct-horse-battery-staple"}
    )
    assert answer.wsgi_request.user == user


def test_an_institution_without_a_provider_is_sent_to_the_password_form(client, icr, crick, icr_saml):
    answer = client.post("/sign-in/", {"where-email": "alex.morgan@crick.ac.uk"}, follow=True)
    assert answer.redirect_chain[-1][0].startswith("/accounts/login/?email=alex.morgan%40crick.ac.uk")
    assert "Your institution signs in with a TechCareers password" in text(answer)


def test_where_do_you_work_explains_an_unknown_domain_beside_the_field(client, icr, icr_saml):
    answer = client.post("/sign-in/", {"where-email": "someone@gmail.com"})
    page = text(answer)
    assert "There is a problem" in page
    assert "TechCareers does not serve this e-mail domain" in page
    empty = text(client.post("/sign-in/", {}))
    assert "Enter your work e-mail address, or choose your institution." in empty


def test_the_sign_in_page_asks_where_you_work(client, icr, icr_saml):
    page = text(client.get("/accounts/login/"))
    assert "Where do you work?" in page
    assert "The Institute of Cancer Research" in page
    assert "Or sign in with a TechCareers password" in page


def test_the_service_provider_metadata_is_published_per_institution(client, icr, crick, icr_saml):
    saml_method(crick)
    for slug in ("icr", "crick"):
        answer = client.get(f"/accounts/saml/{slug}/metadata/")
        assert answer.status_code == 200
        xml = answer.content.decode()
        assert f'entityID="http://testserver/accounts/saml/{slug}/metadata/"' in xml
        assert f"http://testserver/accounts/saml/{slug}/acs/" in xml
        assert f"http://testserver/accounts/saml/{slug}/sls/" in xml


def test_base64_of_the_idps_metadata_parses(icr):
    # The metadata a deployment administrator pastes is read into allauth's configuration.
    method = saml_method(icr)
    assert method.social_app.settings["idp"]["sso_url"] == IDP_SSO
    assert base64.b64decode(base64.b64encode(b"x")) == b"x"


def test_an_assertion_without_an_email_address_is_refused(client, icr, icr_saml):
    before = counts()
    request = start(client, email="jordan.reyes@icr.ac.uk")
    person = idp.Person("", name_id="opaque-id-1234")
    final = post_response(client, request, idp.response(request, person))
    assert "Your institution's sign-in did not give an e-mail address" in text(final)
    assert counts() == before


def test_a_reported_leaver_cannot_sign_in_with_a_password_either(client, icr):
    saml_method(icr, password_sign_in_allowed=True)
    user = UserFactory(email="leaver@icr.ac.uk")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    with across_institutions():
        StaffProfileFactory(user=user, institution=icr)
    request = start(client, email="leaver@icr.ac.uk")
    post_response(client, request, idp.response(request, idp.Person("leaver@icr.ac.uk", affiliation=["left"])))
    answer = client.post(
        "/accounts/login/", {"login": "leaver@icr.ac.uk", "password": "correct-horse-battery-staple"}, follow=True
    )
    assert "Your institution says you have left" in text(answer)
    assert not answer.wsgi_request.user.is_authenticated


def test_password_sign_up_is_refused_where_the_institution_signs_in_through_its_provider(client, icr, icr_saml):
    before = counts()
    answer = client.post(
        "/accounts/signup/",
        {
            "first_name": "Sam",
            "last_name": "Okoro",
            "email": "sam.okoro@icr.ac.uk",
            "password1": "a-long-enough-passphrase-1",
            "password2": "a-long-enough-passphrase-1",
        },
    )
    page = text(answer)
    assert "There is a problem" in page
    assert "signs its staff in through ICR single sign-on, not a TechCareers password" in page
    assert counts() == before
