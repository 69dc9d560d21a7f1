"""Recording decisions and sensitive actions in the audit log (`core.models.AuditEvent`).

`record(kind=..., action=..., obj=..., actor=...)` is the one way in. Who and from where come from
the request being served (`AuditContextMiddleware` keeps them in a context variable), so a
service deep below a view records the right person and address without being handed the request;
a task records its actor explicitly or none (the portal's own job).
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import models

_request: ContextVar[RequestContext | None] = ContextVar("audit_request", default=None)


@dataclass(frozen=True)
class RequestContext:
    user: Any
    ip: str | None


def client_ip(request: Any) -> str | None:
    # Behind the institution's proxy the address is the proxy's: deployments that terminate TLS
    # elsewhere set the proxy up to pass REMOTE_ADDR through (gunicorn's --forwarded-allow-ips).
    return request.META.get("REMOTE_ADDR") or None


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(RequestContext(user=getattr(request, "user", None), ip=client_ip(request)))
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)


def _institution_id(obj: Any, actor: Any) -> int | None:
    if obj is not None:
        from .tenancy import institution_id_of

        if getattr(obj, "institution_id", None):
            return obj.institution_id
        if isinstance(obj, models.Model) and obj.pk is not None:
            try:
                return institution_id_of(type(obj), obj.pk)
            except (AttributeError, LookupError, TypeError):
                pass
    profile = getattr(actor, "profile", None) if actor is not None else None
    return getattr(profile, "institution_id", None)


def record(
    *,
    kind: str,
    action: str,
    obj: Any = None,
    actor: Any = None,
    institution_id: int | None = None,
    detail: str = "",
) -> Any:
    """Append one event. `actor` defaults to the person whose request is being served."""
    from .models import AuditEvent

    context = _request.get()
    if actor is None and context is not None and getattr(context.user, "is_authenticated", False):
        actor = context.user
    if actor is not None and not getattr(actor, "is_authenticated", True):
        actor = None
    return AuditEvent.objects.create(
        institution_id=institution_id if institution_id is not None else _institution_id(obj, actor),
        actor=actor,
        actor_name=(actor.get_full_name() or actor.get_username())[:200] if actor is not None else "",
        ip=context.ip if context is not None else None,
        kind=kind,
        action=action[:300],
        object_type=obj._meta.label if isinstance(obj, models.Model) else "",
        object_id=str(obj.pk) if isinstance(obj, models.Model) and obj.pk is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        detail=detail[:2000],
    )


def record_group_change(sender: Any, instance: Any, action: str, pk_set: Any, model: Any, **kwargs: Any) -> None:
    """m2m_changed on User.groups: who gained or lost which role."""
    if action not in ("post_add", "post_remove", "pre_clear") or getattr(instance, "_meta", None) is None:
        return
    if instance._meta.model_name != "user":
        return  # changed from the group's side: one event per user is recorded by that side's signal
    if action == "pre_clear":
        names = list(instance.groups.values_list("name", flat=True))
        verb = "Removed from"
    else:
        names = list(model.objects.filter(pk__in=pk_set or []).values_list("name", flat=True))
        verb = "Added to" if action == "post_add" else "Removed from"
    if not names:
        return
    profile = getattr(instance, "profile", None)
    record(
        kind="roles",
        action=f"{verb} {', '.join(sorted(names))}: {instance.get_full_name() or instance.get_username()}",
        obj=instance,
        institution_id=getattr(profile, "institution_id", None),
    )
