from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse

from . import roles


class RequireMultiFactorMiddleware:
    """Send HR and institution administrators to set up TOTP before they see any staff data."""

    ALLOWED_PREFIXES = ("/accounts/", "/static/", "/media/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(self.ALLOWED_PREFIXES)
            and roles.requires_mfa(user)
            and not is_mfa_enabled(user)
        ):
            messages.warning(
                request,
                "Your role gives you access to staff records, so you must set up an authenticator app first.",
            )
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
