"""Sign-up by institution e-mail domain, e-mail verification, MFA for HR/admins, rate limits."""

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.core import mail
from django.test import Client

from people.models import StaffProfile, User
from tests.conftest import client_for
from tests.factories import PASSWORD, UserFactory

SIGNUP = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "password1": "a-long-Passphrase-2026",
    "password2": "a-long-Passphrase-2026",
}


def test_a_new_user_with_an_institution_domain_joins_that_institution(institution):
    response = Client().post("/accounts/signup/", {**SIGNUP, "email": "Ada.Lovelace@ICR.ac.uk"})
    assert response.status_code == 302
    user = User.objects.get(email="ada.lovelace@icr.ac.uk")
    assert user.get_full_name() == "Ada Lovelace"
    assert user.profile.institution == institution
    # mandatory verification: the confirmation e-mail went out and the address is unverified
    assert not EmailAddress.objects.get(user=user).verified
    assert "Confirm" in mail.outbox[0].subject or "confirm" in mail.outbox[0].body


def test_an_unknown_email_domain_is_refused_with_a_clear_message(institution):
    response = Client().post("/accounts/signup/", {**SIGNUP, "email": "ada@gmail.com"})
    assert response.status_code == 200
    assert "TechCareers does not serve this e-mail domain" in response.content.decode()
    assert not User.objects.filter(email="ada@gmail.com").exists()
    assert not StaffProfile.objects.exists()


def test_an_unverified_user_cannot_sign_in_until_they_confirm(institution):
    Client().post("/accounts/signup/", {**SIGNUP, "email": "ada@icr.ac.uk"})
    client = Client()
    client.post("/accounts/login/", {"login": "ada@icr.ac.uk", "password": SIGNUP["password1"]})
    assert client.get("/").status_code == 302  # still sent to sign in


def _verified_user(profile):
    EmailAddress.objects.create(user=profile.user, email=profile.user.email, verified=True, primary=True)
    return profile.user


def test_hr_without_an_authenticator_is_sent_to_set_one_up_before_seeing_staff(institution):
    from tests.factories import staff

    hr = staff(institution, groups=["HR"], second_factor=False)
    response = client_for(hr).get("/staff/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"


def test_technicians_are_not_forced_to_use_two_factor(technician):
    assert client_for(technician).get("/staff/").status_code == 200


def test_hr_signing_in_must_give_their_totp_code(hr):
    _verified_user(hr)
    client = Client()
    response = client.post("/accounts/login/", {"login": hr.user.email, "password": PASSWORD})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/staff/").status_code == 302  # not signed in yet

    counters = list(yield_hotp_counters_from_time())
    code = format_hotp_value(hotp_value("JBSWY3DPEHPK3PXP", counters[len(counters) // 2]))
    response = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert response.status_code == 302
    assert client.get("/staff/").status_code == 200


def test_hr_with_a_wrong_totp_code_stays_signed_out(hr):
    _verified_user(hr)
    client = Client()
    client.post("/accounts/login/", {"login": hr.user.email, "password": PASSWORD})
    response = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert "Incorrect code" in response.content.decode()
    assert client.get("/staff/").status_code == 302


def test_repeated_failed_sign_ins_are_rate_limited(technician):
    _verified_user(technician)
    client = Client()
    for _ in range(5):
        client.post("/accounts/login/", {"login": technician.user.email, "password": "wrong"})
    response = client.post("/accounts/login/", {"login": technician.user.email, "password": PASSWORD})
    assert "Too many failed login attempts" in response.content.decode()


def test_password_reset_sends_a_link_to_a_known_address(technician):
    Client().post("/accounts/password/reset/", {"email": technician.user.email})
    assert mail.outbox[-1].to == [technician.user.email]
    assert "/accounts/password/reset/key/" in mail.outbox[-1].body


def test_superuser_without_staff_record_sees_an_explanation_not_an_error(db):
    admin = UserFactory(is_staff=True, is_superuser=True)
    response = client_for(admin).get("/")
    assert "has no staff record" in response.content.decode()
