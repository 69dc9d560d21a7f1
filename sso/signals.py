"""After a provider sign-in: the record kept in step, and the session no longer than the provider's."""

import datetime

from allauth.account.internal.flows.login import record_authentication
from django.utils import timezone

from . import selectors, services
from .views import REAUTHENTICATE

SSO_SESSION_KEY = "sso_sign_in"


def limit_session_to_provider(sender, request, user, sociallogin=None, **kwargs):
    """allauth's `user_logged_in`: for a provider sign-in, fill the record and cap the session."""
    if sociallogin is None or request is None:
        return
    method = selectors.method_for_social_app(sociallogin.account.get_provider().app)
    if method is None:
        return
    extra = sociallogin.account.extra_data
    if (sociallogin.state.get("data") or {}).get(REAUTHENTICATE):
        # Signed in again at the provider to confirm it is them (core.reauth reads this record).
        record_authentication(
            request, user, "socialaccount", provider=method.slug, uid=sociallogin.account.uid, reauthenticated=True
        )
    services.record_sign_in(method=method, user=user, values=services.provided(method, extra))
    ends = services.session_end(method, extra)
    if ends is not None and ends > timezone.now():
        # The session's expiry becomes a fixed moment: the provider's SessionNotOnOrAfter.
        current_end = timezone.now() + datetime.timedelta(seconds=request.session.get_expiry_age())
        request.session.set_expiry(min(ends, current_end))
    signed = services.sign_in_details(method, extra)
    request.session[SSO_SESSION_KEY] = {"method": method.slug, "protocol": method.protocol, **signed}
