"""Reads of the outbox."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db import models
from django.utils import timezone

from core.access import get_visible_or_404

from .models import Notification

# A row is "stuck" once it has been SENDING this long: a send takes seconds, so its worker died.
STUCK_AFTER = timedelta(minutes=10)


def sent_times(*, kind: str, idempotency_keys: Iterable[str]) -> dict[str, datetime]:
    """When each of these messages was sent, by key; a message not (yet) sent is absent.

    "Was this message sent, and when", for a measure such as the 2H welcome. The keys name
    messages about rows the caller has already read inside its scope, so this reads the
    outbox by key through the base manager: a message to an account without an institution
    has none of its own.
    """
    rows = Notification._base_manager.filter(
        kind=kind, idempotency_key__in=list(idempotency_keys), sent_at__isnull=False
    ).values_list("idempotency_key", "sent_at")
    return {key: sent_at for key, sent_at in rows if sent_at is not None}


def keys_in_outbox(idempotency_keys: Iterable[str]) -> set[str]:
    """Which of these messages are in the outbox already, sent or not: a sweep that finds them
    all can stop before it builds what it would say."""
    return set(
        Notification._base_manager.filter(idempotency_key__in=list(idempotency_keys)).values_list(
            "idempotency_key", flat=True
        )
    )


def get_notification_for_user(user: Any, pk: Any) -> Notification:
    """A notification is only ever visible to its recipient."""
    return get_visible_or_404(Notification.objects.filter(recipient=user), pk)


def notifications_of(user: Any) -> models.QuerySet[Notification]:
    return user.notifications.all()


def pending_for_redelivery(*, now: datetime | None = None, max_attempts: int) -> models.QuerySet[Notification]:
    """Rows still PENDING a minute after creation: their task was lost or the worker crashed.

    The due work of `notifications.tasks.deliver_pending_notifications` (every minute,
    across institutions), found by the partial index `notification_pending_idx`.
    """
    cutoff = (now or timezone.now()) - timedelta(minutes=1)
    return Notification.objects.filter(
        status=Notification.Status.PENDING, created_at__lt=cutoff, attempts__lt=max_attempts
    ).order_by("created_at")


def stuck_notifications(institution: Any, *, now: datetime | None = None) -> models.QuerySet[Notification]:
    """The institution's messages left SENDING by a worker that died mid-send, oldest first.

    Whether such a message left is unknown, so the portal never resends it by itself
    (at most once); an administrator decides. Found by the partial index `notification_sending_idx`.
    """
    if institution is None:
        return Notification.objects.none()
    cutoff = (now or timezone.now()) - STUCK_AFTER
    return (
        Notification.objects.filter(institution=institution, status=Notification.Status.SENDING, claimed_at__lt=cutoff)
        .select_related("recipient")
        .order_by("claimed_at", "pk")
    )


def get_stuck_notification_for_user(user: Any, pk: Any) -> Notification:
    """A stuck message of the viewer's own institution, or 404."""
    return get_visible_or_404(stuck_notifications(user.institution), pk)
