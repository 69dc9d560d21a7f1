"""allauth adapters: institution sign-in on top of the people app's e-mail domain rules.

`SSOAccountAdapter` extends `people.adapters.InstitutionAccountAdapter`: a password is refused
for an address whose institution signs its staff in through its provider only, anyone a provider
has reported as a leaver cannot sign in at all, and the second-factor step trusts a provider that
enforces MFA. `InstitutionSocialAccountAdapter` decides what a provider's word may create or link.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.base.constants import AuthProcess
from django import forms
from django.db import transaction
from django.urls import reverse

from core.tenancy import across_institutions
from people.adapters import InstitutionAccountAdapter
from people.models import User

from . import selectors, services
from .models import SignInIdentity


def refuse_password(email: str) -> None:
    method = selectors.password_refused_for(email or "")
    if method is not None:
        raise forms.ValidationError(
            f"{method.institution.name} signs its staff in through {method.name}, not a TechCareers password. "
            "Enter your e-mail address under “Where do you work?” to continue there."
        )


class SSOAccountAdapter(InstitutionAccountAdapter):
    def pre_authenticate(self, request, **credentials):
        refuse_password(credentials.get("email") or credentials.get("login") or "")
        super().pre_authenticate(request, **credentials)

    def pre_login(self, request, user, **kwargs):
        with across_institutions():
            left = SignInIdentity.objects.filter(profile__user=user, left_reported_at__isnull=False).exists()
        if left:
            from .views import refusal

            raise ImmediateHttpResponse(refusal(request, "left"))
        return super().pre_login(request, user, **kwargs)

    def get_logout_redirect_url(self, request):
        """Signing out here signs out at the institution's provider too (SAML single logout), where it can.

        allauth's sign-out view asks for this address before it ends the session, so the session
        still holds the sign-in's NameID and session index.
        """
        from .signals import SSO_SESSION_KEY

        match = getattr(request, "resolver_match", None)
        if match is not None and match.url_name == "account_logout" and request.user.is_authenticated:
            url = services.idp_logout_url(request, request.session.get(SSO_SESSION_KEY))
            if url:
                return url
        return super().get_logout_redirect_url(request)

    def get_signup_redirect_url(self, request):
        """A first sign-in through a provider goes where a sign-in goes: onboarding first, if anything is missing."""
        return self.get_login_redirect_url(request)

    def get_reauthentication_methods(self, user):
        """Someone with no portal password confirms it is them by signing in again at their provider."""
        methods = super().get_reauthentication_methods(user)
        if user.is_authenticated and not user.has_usable_password() and selectors.method_of_user(user) is not None:
            methods.insert(
                0,
                {
                    "id": "sso_reauthenticate",
                    "description": "Sign in again through your institution",
                    "url": reverse("sso:reauthenticate"),
                },
            )
        return methods

    def get_login_stages(self):
        return [
            "sso.stages.AuthenticateStage" if path == "allauth.mfa.stages.AuthenticateStage" else path
            for path in super().get_login_stages()
        ]


class InstitutionSocialAccountAdapter(DefaultSocialAccountAdapter):
    """A provider vouches only for its own institution's domains; the account lands in that institution."""

    def _method(self, sociallogin):
        method = selectors.method_for_social_app(sociallogin.account.get_provider().app)
        if method is None or not method.active:
            raise ImmediateHttpResponse(_refusal_response("not_configured"))
        return method

    def pre_social_login(self, request, sociallogin):
        method = self._method(sociallogin)
        values = services.provided(method, sociallogin.account.extra_data)
        email = (values.get("email") or [sociallogin.user.email or ""])[0].strip().lower()
        if sociallogin.state.get("process") == AuthProcess.CONNECT:
            # Linking a provider to the signed-in account (allauth's connections page): only one of the
            # account's own institution, for an address it may vouch for.
            existing = request.user if request.user.is_authenticated else None
        elif sociallogin.is_existing:
            existing = sociallogin.user
        else:
            existing = User.objects.filter(email__iexact=email).first()
        if services.says_left(method, values):
            if existing is not None and services.check_sign_in(method, email, existing) in (
                None,
                services.Refusal("left"),
            ):
                services.record_leaver(method=method, user=existing)
            raise ImmediateHttpResponse(_refusal_response("left", method=method))
        refused = services.check_sign_in(method, email, existing)
        if refused is not None:
            raise ImmediateHttpResponse(_refusal_response(refused.reason, method=method, detail=refused.detail))
        if not sociallogin.is_existing:
            sociallogin.user.email = email
        # The institution's provider vouches for the address: no verification e-mail.
        sociallogin.email_addresses = [EmailAddress(email=email, verified=True, primary=True)]
        connecting = sociallogin.state.get("process") == AuthProcess.CONNECT
        if not sociallogin.is_existing and existing is not None and not connecting:
            sociallogin.connect(request, existing)
        # The provider vouches for the address of the account it signs in.
        vouched = existing is not None and existing.email.lower() == email
        if vouched and not EmailAddress.objects.filter(user=existing, email__iexact=email).update(verified=True):
            EmailAddress.objects.create(user=existing, email=email, verified=True, primary=True)

    def is_open_for_signup(self, request, sociallogin):
        return True

    def is_auto_signup_allowed(self, request, sociallogin):
        return True

    def save_user(self, request, sociallogin, form=None):
        method = self._method(sociallogin)
        user = sociallogin.user
        user.set_unusable_password()
        with transaction.atomic():
            sociallogin.save(request)  # the account, its social account and its (vouched) address
            services.create_staff_record(method=method, user=user)
        return user


def _refusal_response(reason, method=None, detail=""):
    from allauth.core import context

    from .views import refusal

    return refusal(context.request, reason, method_slug=method.slug if method else None, detail=detail)
