"""Issue 16, problem 7 and settings: a published SECRET_KEY is refused in production; sessions
end when idle and after an absolute lifetime; failed sign-ins are limited per address and per
account, and a lockout is short and lifted by a password reset."""

import os
import subprocess
import sys
import time

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import mail
from django.test import Client

from people.middleware import SEEN_AT, SIGNED_IN_AT
from tests.conftest import client_for
from tests.factories import PASSWORD


def _check(env):
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        env={**inherited, "TECHCAREERS_PRODUCTION": "true", "ALLOWED_HOSTS": "techcareers.example.org", **env},
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )


def _example_key():
    for line in (settings.BASE_DIR / ".env.example").read_text().splitlines():
        if line.startswith("SECRET_KEY="):
            return line.removeprefix("SECRET_KEY=")
    raise AssertionError(".env.example has no SECRET_KEY line")


def test_production_refuses_the_env_example_placeholder_key():
    result = _check({"SECRET_KEY": _example_key()})
    assert result.returncode != 0
    assert "SECRET_KEY is a value published in the repository" in result.stderr


def test_production_refuses_a_key_copied_from_the_readme_or_dockerfile(tmp_path):
    from techcareers.settings import secret_key_is_published

    assert secret_key_is_published("insecure-development-key-do-not-use-in-production")
    assert not secret_key_is_published("a-key-nobody-has-ever-written-down-" + "x" * 30)


@pytest.fixture
def signed_in(technician):
    return client_for(technician)


def _age_session(client, **seconds_ago):
    session = client.session
    now = int(time.time())
    for key, ago in seconds_ago.items():
        session[key] = now - ago
    session.save()


def test_sessions_end_after_eight_idle_hours_by_default(signed_in):
    assert settings.SESSION_IDLE_TIMEOUT == 8 * 60 * 60
    assert signed_in.get("/").status_code == 200
    _age_session(signed_in, **{SEEN_AT: 8 * 60 * 60 + 60, SIGNED_IN_AT: 8 * 60 * 60 + 60})
    response = signed_in.get("/staff/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fstaff%2F"
    assert signed_in.get("/").status_code == 302  # signed out


def test_activity_keeps_a_session_alive_but_not_past_its_absolute_lifetime(signed_in):
    assert settings.SESSION_ABSOLUTE_LIFETIME < 14 * 24 * 60 * 60
    _age_session(signed_in, **{SEEN_AT: 60 * 60, SIGNED_IN_AT: 7 * 60 * 60})
    assert signed_in.get("/").status_code == 200
    assert time.time() - signed_in.session[SEEN_AT] < 5  # an hour-old stamp was renewed
    _age_session(signed_in, **{SEEN_AT: 60, SIGNED_IN_AT: settings.SESSION_ABSOLUTE_LIFETIME + 60})
    assert signed_in.get("/").status_code == 302


def test_the_session_cookie_expires_with_the_idle_timeout():
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_TIMEOUT


def _verified(profile):
    EmailAddress.objects.create(user=profile.user, email=profile.user.email, verified=True, primary=True)


def test_failed_sign_ins_are_limited_per_address_and_per_account_together():
    limits = settings.ACCOUNT_RATE_LIMITS["login_failed"].split(",")
    assert any(limit.endswith("/ip") for limit in limits)
    assert any(limit.endswith("/key") for limit in limits)


def test_a_strangers_failures_lock_out_their_address_not_the_account_owner(technician):
    """Five wrong passwords for someone else's e-mail used to lock its owner out for 5 minutes."""
    _verified(technician)
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(5):
        attacker.post("/accounts/login/", {"login": technician.user.email, "password": "wrong"})
    response = attacker.post("/accounts/login/", {"login": technician.user.email, "password": PASSWORD})
    assert "Too many failed login attempts" in response.content.decode()

    owner = Client(REMOTE_ADDR="198.51.100.7")
    response = owner.post("/accounts/login/", {"login": technician.user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert owner.get("/staff/").status_code == 200


def test_failures_spread_over_many_addresses_are_limited_for_the_account(technician, settings):
    _verified(technician)
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed_account": "8/h/key"}
    for number in range(8):
        Client(REMOTE_ADDR=f"203.0.113.{number}").post(
            "/accounts/login/", {"login": technician.user.email, "password": "wrong"}
        )
    response = Client(REMOTE_ADDR="198.51.100.7").post(
        "/accounts/login/", {"login": technician.user.email, "password": PASSWORD}
    )
    assert "Too many failed login attempts" in response.content.decode()


def test_a_password_reset_lifts_a_lock(technician):
    _verified(technician)
    client = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(5):
        client.post("/accounts/login/", {"login": technician.user.email, "password": "wrong"})
    client.post("/accounts/password/reset/", {"email": technician.user.email})
    link = next(line for line in mail.outbox[-1].body.splitlines() if "/accounts/password/reset/key/" in line)
    response = client.get(link[link.index("/accounts/") :].strip(), follow=True)
    new = "A-new-long-passphrase-2026"
    client.post(response.redirect_chain[-1][0], {"password1": new, "password2": new})
    response = Client(REMOTE_ADDR="198.51.100.7").post(
        "/accounts/login/", {"login": technician.user.email, "password": new}
    )
    assert response.status_code == 302
