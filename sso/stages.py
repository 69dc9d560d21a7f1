"""allauth's second-factor step, which trusts an institution's provider that enforced MFA itself."""

from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.stages import AuthenticateStage as AllauthAuthenticateStage

from . import selectors, services


def provider_mfa_method(login):
    """The sign-in method whose provider used a second factor for this sign-in, or None."""
    sociallogin = (login.signal_kwargs or {}).get("sociallogin")
    if sociallogin is None:
        return None
    method = selectors.method_for_social_app(sociallogin.account.get_provider().app)
    if method is not None and services.provider_did_mfa(method, sociallogin.account.extra_data):
        return method
    return None


class AuthenticateStage(AllauthAuthenticateStage):
    """Skip the portal's own code when the institution's provider enforces MFA and says it used it.

    The session then holds an "mfa" authentication record naming the provider, so the roles that
    need a second factor (people.middleware.RequireMultiFactorMiddleware) see one. Otherwise
    allauth's own step runs as before.
    """

    def handle(self):
        method = provider_mfa_method(self.login)
        if method is not None and self.login.user is not None:
            sociallogin = self.login.signal_kwargs["sociallogin"]
            record_authentication(
                self.request,
                self.login.user,
                "mfa",
                type="provider",
                provider=method.slug,
                contexts=services.authn_contexts(method, sociallogin.account.extra_data),
            )
            return None, True
        return super().handle()
