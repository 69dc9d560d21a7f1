"""Service-token authentication: `Authorization: Bearer tc_...`, one query, revoked tokens refused."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from . import selectors
from .models import ServiceToken


@dataclass(frozen=True)
class TokenClient:
    """The caller, as DRF's `request.user`: a system, not a person. The person accountable for
    what it writes is the token's creator (`token.created_by`)."""

    token: ServiceToken
    is_authenticated: bool = True
    is_anonymous: bool = False

    @property
    def institution(self) -> Any:
        return self.token.institution

    def __str__(self) -> str:
        return f"API token “{self.token.name}”"


class ServiceTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Any) -> tuple[TokenClient, ServiceToken] | None:
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        keyword, _, secret = header.partition(" ")
        if keyword != self.keyword or not secret.strip():
            raise exceptions.AuthenticationFailed("Send the token as “Authorization: Bearer tc_...”.")
        token = selectors.token_for_secret(secret.strip())
        if token is None:
            raise exceptions.AuthenticationFailed("This token is not known: check it was copied whole.")
        if token.is_revoked:
            raise exceptions.AuthenticationFailed(
                f"This token was revoked on {token.revoked_at:%d %b %Y}: "
                "ask an institution administrator for a new one."
            )
        return TokenClient(token), token

    def authenticate_header(self, request: Any) -> str:
        return 'Bearer realm="TechCareers API"'


class ServiceTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ServiceTokenAuthentication"
    name = "serviceToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "tc_<prefix>_<secret>",
            "description": "A service token made by an institution administrator on the portal's API tokens page.",
        }
