import time
from urllib.parse import urlencode

from allauth.account.authentication import get_authentication_records
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

from . import roles


def session_used_second_factor(request, user) -> bool:
    """Whether this session's sign-in (or a later re-authentication) passed the second factor.

    allauth records each step of a sign-in in the session (`get_authentication_records`): a
    password, then `{"method": "mfa", "type": "totp" | "recovery_codes" | "webauthn"}`. A session
    made any other way (Django's admin form, `login()` from code) has no "mfa" record.
    """
    return any(record.get("method") == "mfa" for record in get_authentication_records(request, user))


class RequireMultiFactorMiddleware:
    """HR, institution administrators and programme managers see no staff data without a second factor;
    nobody opens the Django admin without one.

    Two checks: the account has an authenticator (else it is sent to set one up), and this
    session was signed in with it (else it is sent to allauth's second-factor step, which
    records the factor in the session and then returns to the page asked for).
    """

    ALLOWED_PREFIXES = ("/accounts/", "/static/", "/media/")
    # Anyone who can open the Django admin (a platform superuser included) needs the second factor there.
    ADMIN_PREFIX = "/admin/"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(self.ALLOWED_PREFIXES)
            and (roles.requires_mfa(user) or (user.is_staff and request.path.startswith(self.ADMIN_PREFIX)))
        ):
            if session_used_second_factor(request, user):  # read from the session: no query
                return self.get_response(request)
            if not is_mfa_enabled(user):
                messages.warning(
                    request,
                    "Your role gives you access to staff records, so you must set up an authenticator app first.",
                )
                return redirect(reverse("mfa_activate_totp"))
            messages.info(
                request,
                "Your role gives you access to staff records: confirm it is you with your authenticator app.",
            )
            target = request.get_full_path() if request.method == "GET" else "/"
            return redirect(f"{reverse('mfa_reauthenticate')}?{urlencode({'next': target})}")
        return self.get_response(request)


SIGNED_IN_AT = "techcareers_signed_in_at"
SEEN_AT = "techcareers_seen_at"
# How stale the "last seen" stamp may get before a request refreshes it (and so saves the session).
SEEN_REFRESH = 5 * 60


def stamp_session_on_sign_in(sender, request, user, **kwargs):
    """`user_logged_in` receiver (people.apps): when this session signed in, for the absolute lifetime."""
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SIGNED_IN_AT] = now
        request.session[SEEN_AT] = now


class SessionLifetimeMiddleware:
    """End a session idle for SESSION_IDLE_TIMEOUT, and any session SESSION_ABSOLUTE_LIFETIME after sign-in.

    The idle timeout slides: the session's expiry (SESSION_COOKIE_AGE, the idle timeout) is
    renewed when a request comes more than five minutes after the last renewal, so a busy
    session is saved once per five minutes, not on every request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            session = request.session
            signed_in_at = session.get(SIGNED_IN_AT)
            seen_at = session.get(SEEN_AT)
            if signed_in_at is None or seen_at is None:  # a session from before these stamps
                session[SIGNED_IN_AT] = signed_in_at = now
                session[SEEN_AT] = seen_at = now
            if now - signed_in_at > settings.SESSION_ABSOLUTE_LIFETIME or now - seen_at > settings.SESSION_IDLE_TIMEOUT:
                logout(request)
                messages.info(request, "Your session has ended. Please sign in again.")
                return redirect(f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()})}")
            if now - seen_at > SEEN_REFRESH:
                session[SEEN_AT] = now
        return self.get_response(request)
