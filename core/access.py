"""One permission style for every view and service.

- `get_<thing>_for_user(user, pk)`, in the app's selectors, returns the object or raises
  Http404: what the viewer may not see does not exist for them (another institution's data
  is a 404, never a 403). Build it on `get_visible_or_404`.
- `require_<verb>(user, obj)`, in the app's rules or services, raises PermissionDenied (403)
  for what the viewer may see but not change. Build it on `require`, which checks a
  django-rules permission, so the same rule drives the template's buttons (`{% has_perm %}`)
  and the workflow's moves (`core.workflow.Move.perm`).

Views never test roles by hand. A service re-checks only when a task or command calls it.
"""

from __future__ import annotations

from typing import Any, TypeVar

import rules
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.http import Http404

M = TypeVar("M", bound=models.Model)


def get_visible_or_404(queryset: models.QuerySet[M], pk: Any) -> M:
    """Return the row with this pk from what the viewer may see, or raise Http404.

    `queryset` is already narrowed to what the viewer may see (their institution, their own
    rows, their reports'); a malformed pk is a 404 too, never a 500.
    """
    try:
        return queryset.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404(f"No such {queryset.model._meta.verbose_name}.") from None


def allowed(user: Any, permission: str, obj: Any = None) -> bool:
    """Whether the django-rules permission holds; a superuser gets no bypass here."""
    return rules.has_perm(permission, user, obj)


def require(user: Any, permission: str, obj: Any = None, *, message: str) -> None:
    """Raise PermissionDenied with `message` (shown on the 403 page) unless the permission holds."""
    if not rules.has_perm(permission, user, obj):
        raise PermissionDenied(message)
