"""Reads of the API app: the institution's tokens for its administrators, a token by its secret."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet

from core.access import get_visible_or_404
from core.tenancy import across_institutions

from . import tokens
from .models import ServiceToken, TokenCall

RECENT_CALLS = 50


def tokens_of(user: Any) -> QuerySet[ServiceToken]:
    """The viewer's institution's tokens, live first, with who made and revoked them and their
    number of calls (one query)."""
    return (
        ServiceToken.objects.for_institution(user.institution)
        .select_related("created_by", "revoked_by")
        .annotate(call_count=Count("calls"))
    )


def get_token_for_user(user: Any, pk: Any) -> ServiceToken:
    return get_visible_or_404(tokens_of(user), pk)


def recent_calls(token: ServiceToken) -> QuerySet[TokenCall]:
    return TokenCall.objects.filter(token=token)[:RECENT_CALLS]


def token_for_secret(secret: str) -> ServiceToken | None:
    """The token this secret belongs to, revoked or not, or None (one query).

    Read across institutions: the secret is what says whose it is. The caller refuses a revoked one.
    """
    prefix = tokens.prefix_of(secret)
    if prefix is None:
        return None
    with across_institutions():
        token = ServiceToken.objects.select_related("institution", "created_by").filter(prefix=prefix).first()
    if token is None or not tokens.secret_matches(secret, token.secret_hash):
        return None
    return token
