"""Writes of the API app: tokens made and revoked, and each call logged against its token.

Training completions and staff changes are not written here: the API hands them to
`development.services.training_completions_receive` and `people.services_staff_import.
staff_changes_receive`, the same checks and history as the pages' imports.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import audit
from core.tenancy import across_institutions, in_institution
from people.models import Institution

from . import tokens
from .models import Scope, ServiceToken, TokenCall


def token_create(*, institution: Institution, name: str, scopes: list[str], by: Any) -> tuple[ServiceToken, str]:
    """Make a token and return it with its secret, which is shown once and never stored.

    The caller has checked that `by` may manage the institution's tokens (and confirmed it is them).
    """
    name = name.strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Name the token after the system that will use it."
    elif ServiceToken.objects.for_institution(institution).live().filter(name__iexact=name).exists():
        errors["name"] = f"A token named “{name}” is in use: revoke it first or choose another name."
    unknown = [scope for scope in scopes if scope not in Scope.values]
    if not scopes or unknown:
        errors["scopes"] = "Choose at least one of the scopes listed."
    if errors:
        raise ValidationError(errors)
    secret, prefix = tokens.secret_make()
    with transaction.atomic():
        token = ServiceToken.objects.create(
            institution=institution,
            name=name,
            scopes=[scope for scope in Scope.values if scope in scopes],
            prefix=prefix,
            secret_hash=tokens.secret_hash(secret),
            created_by=by,
        )
        audit.record(
            kind="api",
            action=f"Created the API token “{name}” ({', '.join(token.scopes)})",
            obj=token,
            actor=by,
        )
    return token, secret


def token_revoke(*, token: ServiceToken, by: Any) -> ServiceToken:
    """Revoke a token at once; revoking it again changes nothing."""
    with transaction.atomic():
        changed = ServiceToken.objects.filter(pk=token.pk, revoked_at=None).update(
            revoked_at=timezone.now(), revoked_by=by
        )
        if changed:
            audit.record(kind="api", action=f"Revoked the API token “{token.name}”", obj=token, actor=by)
    token.refresh_from_db()
    return token


def token_call_record(
    *, token: ServiceToken, method: str, path: str, status: int, items: int = 0, ip: str | None = None
) -> None:
    """Log a call against its token and mark the token used (one insert, one update)."""
    with in_institution(token.institution_id):  # also after the endpoint's own scope has closed
        TokenCall.objects.create(token=token, method=method, path=path[:300], status=status, items=items, ip=ip)
        ServiceToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())


def token_calls_prune(*, now: Any = None) -> int:
    """Delete call-log rows older than API_CALL_LOG_DAYS, for every institution; return how many.

    The log answers "what did this system do lately"; the audit log keeps the writes for good.
    """
    cutoff = (now or timezone.now()) - timedelta(days=settings.API_CALL_LOG_DAYS)
    with across_institutions():  # a beat job over every institution's tokens
        deleted, _ = TokenCall.objects.filter(at__lt=cutoff).delete()
    return deleted
