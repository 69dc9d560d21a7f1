"""django-allauth's own SAML provider, told to keep what the assertion says about the sign-in itself.

allauth keeps a SAML assertion's attributes; the portal also needs its authentication context
(did the provider use a second factor?), its SessionNotOnOrAfter (the session may not outlive
the provider's) and its session index (for single logout). Registered through
`SOCIALACCOUNT_PROVIDERS["saml"]["provider_class"]`, so every SAML view stays allauth's.
"""

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.providers.saml.provider import SAMLProvider
from django.core.exceptions import PermissionDenied

SIGN_IN_KEY = "_sign_in"


class InstitutionSAMLProvider(SAMLProvider):
    package = "allauth.socialaccount.providers.saml"  # allauth's own SAML URLs and views

    def extract_extra_data(self, data):
        extra = dict(super().extract_extra_data(data))
        extra[SIGN_IN_KEY] = {
            "authn_contexts": list(data.get_last_authn_contexts() or []),
            "session_not_on_or_after": data.get_session_expiration(),
            "session_index": data.get_session_index(),
            "name_id": data.get_nameid(),
            "name_id_format": data.get_nameid_format(),
        }
        return extra

    def unstash_redirect_state(self, request, state_id):
        """A response whose request this browser did not make (or already used) is refused plainly."""
        try:
            return super().unstash_redirect_state(request, state_id)
        except PermissionDenied:
            from .views import refusal

            raise ImmediateHttpResponse(refusal(request, "replayed", method_slug=self.app.client_id)) from None


provider_classes = [InstitutionSAMLProvider]
