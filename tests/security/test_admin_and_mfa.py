"""Issue 16, problem 1: the admin signs in through allauth (rate limits, second factor), and the
second-factor requirement checks that this session used it, not only that a device exists."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.test import Client

from tests.conftest import client_for, totp_code
from tests.factories import PASSWORD


def _verified(profile):
    EmailAddress.objects.get_or_create(
        user=profile.user, email=profile.user.email, defaults={"verified": True, "primary": True}
    )
    return profile.user


def _admin(institution_admin):
    user = _verified(institution_admin)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


def test_the_admin_login_page_is_allauths_sign_in(institution_admin):
    _admin(institution_admin)
    response = Client().get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2F"


def test_posting_a_password_to_the_admin_form_signs_nobody_in(institution_admin):
    user = _admin(institution_admin)
    client = Client()
    client.post("/admin/login/?next=/admin/", {"username": user.email, "password": PASSWORD, "next": "/admin/"})
    assert "_auth_user_id" not in client.session
    assert client.get(f"/staff/{institution_admin.pk}/record/").status_code == 302


def test_the_admin_sign_in_asks_for_the_totp_code(institution_admin):
    user = _admin(institution_admin)
    client = Client()
    response = client.post("/accounts/login/?next=/admin/", {"login": user.email, "password": PASSWORD})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/admin/").status_code == 302  # no admin yet
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code()})
    assert response["Location"] == "/admin/"
    assert "TechCareers administration" in client.get("/admin/").content.decode()


def test_the_admin_locks_after_as_many_failures_as_the_main_sign_in(institution_admin):
    """30 wrong passwords posted at /admin/login/ used to be answered 200, and the right one accepted."""
    user = _admin(institution_admin)
    client = Client()
    for _ in range(30):
        response = client.post("/admin/login/", {"username": user.email, "password": "wrong"})
        assert response.status_code == 302  # to allauth's sign-in; the admin form takes no password
    for _ in range(5):
        client.post("/accounts/login/?next=/admin/", {"login": user.email, "password": "wrong"})
    client.post("/admin/login/", {"username": user.email, "password": PASSWORD})
    response = client.post("/accounts/login/?next=/admin/", {"login": user.email, "password": PASSWORD})
    assert "Too many failed login attempts" in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_the_admin_lock_counts_five_failures_like_the_main_sign_in(institution_admin):
    user = _admin(institution_admin)
    client = Client()
    for _ in range(4):
        client.post("/accounts/login/?next=/admin/", {"login": user.email, "password": "wrong"})
    response = client.post("/accounts/login/?next=/admin/", {"login": user.email, "password": PASSWORD})
    assert response["Location"] == "/accounts/2fa/authenticate/"  # 4 failures: still let in

    client = Client()
    for _ in range(5):
        client.post("/accounts/login/?next=/admin/", {"login": user.email, "password": "wrong"})
    response = client.post("/accounts/login/?next=/admin/", {"login": user.email, "password": PASSWORD})
    assert "Too many failed login attempts" in response.content.decode()


def test_a_session_signed_in_by_password_alone_is_sent_to_the_second_factor_first(institution_admin, technician):
    """A device exists, but this session never used it: no staff data until the code is given."""
    _verified(institution_admin)
    client = client_for(institution_admin, second_factor=False)
    for url in ("/staff/", f"/staff/{technician.pk}/record/", "/development/report/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/2fa/reauthenticate/?next="), url
    response = client.post("/accounts/2fa/reauthenticate/?next=/staff/", {"code": totp_code()})
    assert response["Location"] == "/staff/"
    assert client.get(f"/staff/{technician.pk}/record/").status_code == 200


def test_hr_and_programme_managers_also_need_the_second_factor_in_this_session(hr, programme_manager):
    for profile in (hr, programme_manager):
        response = client_for(profile, second_factor=False).get("/staff/")
        assert response["Location"].startswith("/accounts/2fa/reauthenticate/"), profile
        assert client_for(profile).get("/staff/").status_code == 200


def test_a_programme_manager_without_an_authenticator_must_set_one_up(programme_manager):
    Authenticator.objects.filter(user=programme_manager.user).delete()
    response = client_for(programme_manager).get("/programmes/")
    assert response["Location"] == "/accounts/2fa/totp/activate/"


def test_a_superuser_opens_the_admin_only_after_the_second_factor(db):
    from tests.factories import UserFactory

    admin = UserFactory(is_staff=True, is_superuser=True)
    response = client_for(admin).get("/admin/")
    assert response["Location"] == "/accounts/2fa/totp/activate/"


def test_a_recovery_code_works_once(institution_admin):
    _verified(institution_admin)
    codes = RecoveryCodes.activate(institution_admin.user).get_unused_codes()
    client = client_for(institution_admin, second_factor=False)
    response = client.post("/accounts/2fa/reauthenticate/?next=/staff/", {"code": codes[0]})
    assert response["Location"] == "/staff/"

    again = client_for(institution_admin, second_factor=False)
    response = again.post("/accounts/2fa/reauthenticate/?next=/staff/", {"code": codes[0]})
    assert response.status_code == 200
    assert "Incorrect code" in response.content.decode()
    assert again.get("/staff/").status_code == 302


def test_passkeys_are_offered_beside_the_authenticator_app(institution_admin):
    page = client_for(institution_admin).get("/accounts/2fa/").content.decode()
    assert "/accounts/2fa/webauthn/" in page
    assert client_for(institution_admin).get("/accounts/2fa/webauthn/add/").status_code == 200


def test_exporting_applicants_asks_to_confirm_it_is_you(programme_manager, institution):
    from tests.programmes.conftest import CohortFactory

    cohort = CohortFactory(programme__institution=institution, programme__owner=programme_manager)
    url = f"/programmes/run/cohorts/{cohort.pk}/applicants.csv"
    response = client_for(programme_manager, reauthenticated=False).get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/?next=")
    assert client_for(programme_manager).get(url).status_code == 200


def test_changing_someones_groups_in_the_admin_asks_to_confirm_it_is_you(db, technician):
    from tests.factories import UserFactory

    admin = UserFactory(is_staff=True, is_superuser=True)
    Authenticator.objects.create(user=admin, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"})
    url = f"/admin/people/user/{technician.user.pk}/change/"
    response = client_for(admin, reauthenticated=False).post(url, {"email": technician.user.email})
    assert response.status_code == 302
    assert "/reauthenticate/" in response["Location"]
    assert client_for(admin).get(url).status_code == 200
