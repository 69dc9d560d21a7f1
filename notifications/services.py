"""Writes to the outbox: enqueue a message, deliver it, mark it read, set preferences."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template import Context, Template
from django.utils import timezone

from core.jobs import publish_after_commit

from . import kinds, texts
from .models import MessageTemplate, Notification, Preference

logger = logging.getLogger(__name__)


def wants(user: Any, kind_key: str) -> bool:
    """Return whether the user receives this kind; only optional kinds can be switched off."""
    kind = kinds.get(kind_key)
    if not kind.optional:
        return True
    return not Preference.objects.filter(user=user, kind=kind_key, enabled=False).exists()


def _institution_id_of(user: Any) -> int | None:
    profile = getattr(user, "profile", None)
    return profile.institution_id if profile is not None else None


def notification_enqueue(
    *,
    recipient: Any,
    kind: str,
    idempotency_key: str,
    context: dict[str, Any] | None = None,
    institution: Any = None,
    link: str = "",
    channel: str = Notification.Channel.EMAIL,
) -> Notification | None:
    """Put one message in the outbox and queue its delivery once the transaction commits.

    Returns the new Notification, or None when a message with this key already exists or the
    recipient switched this optional reminder off. Safe to call from two processes at once:
    the unique key lets exactly one insert win.
    """
    kinds.get(kind)  # an unknown kind is a programming error: fail loudly
    if not wants(recipient, kind):
        return None
    # The id, not the row: loading each recipient's institution is a query per recipient.
    institution_id = institution.pk if institution is not None else _institution_id_of(recipient)
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient,
                institution_id=institution_id,
                kind=kind,
                channel=channel,
                idempotency_key=idempotency_key,
                context=context or {},
                link=link,
            )
    except IntegrityError:
        return None
    from .tasks import deliver_notification

    # A broker that is down is logged; the row waits, PENDING, for deliver_pending_notifications.
    publish_after_commit(deliver_notification, notification.pk)
    return notification


@dataclass(frozen=True)
class Message:
    """One message of a bulk enqueue (`notifications_enqueue_many`)."""

    recipient: Any
    idempotency_key: str
    context: dict[str, Any] = field(default_factory=dict)
    institution: Any = None
    link: str = ""


def notifications_enqueue_many(*, kind: str, messages: Iterable[Message]) -> list[Notification]:
    """Put many messages of one kind in the outbox: what `notification_enqueue` does for one.

    For the reminder sweeps that reach thousands of people at once: the preferences are read
    once, the keys already sent are read once, and the new rows go in with one INSERT per 1,000
    (conflicts on the key ignored, so two sweeps at once still send each message once). Returns
    the rows this call created; their delivery is queued when the transaction commits.
    """
    kinds.get(kind)
    messages = list(messages)
    if kinds.get(kind).optional and messages:
        switched_off = set(
            Preference.objects.filter(
                kind=kind, enabled=False, user__in=[message.recipient.pk for message in messages]
            ).values_list("user_id", flat=True)
        )
        messages = [message for message in messages if message.recipient.pk not in switched_off]
    created: list[Notification] = []
    for start in range(0, len(messages), 1000):
        batch = messages[start : start + 1000]
        keys = [message.idempotency_key for message in batch]
        sent = set(Notification.objects.filter(idempotency_key__in=keys).values_list("idempotency_key", flat=True))
        new = [
            Notification(
                recipient=message.recipient,
                institution_id=(
                    message.institution.pk if message.institution is not None else _institution_id_of(message.recipient)
                ),
                kind=kind,
                channel=Notification.Channel.EMAIL,
                idempotency_key=message.idempotency_key,
                context=message.context,
                link=message.link,
            )
            for message in batch
            if message.idempotency_key not in sent
        ]
        if not new:
            continue
        with transaction.atomic():
            Notification.objects.bulk_create(new, ignore_conflicts=True)
        # ignore_conflicts leaves no primary keys: read back the rows this call inserted (a
        # concurrent sweep's rows for the same keys are its own to deliver).
        created += Notification.objects.filter(
            idempotency_key__in=[row.idempotency_key for row in new], status=Notification.Status.PENDING
        )
    from .tasks import deliver_notification

    for notification in created:
        publish_after_commit(deliver_notification, notification.pk)
    return created


def template_for(kind_key: str, institution: Any) -> tuple[str, str]:
    """Return (subject, body) template strings: the institution's own, else the default."""
    if institution is not None:
        own = MessageTemplate.objects.filter(institution=institution, kind=kind_key).first()
        if own:
            return own.subject, own.body
    kind = kinds.get(kind_key)
    return kind.subject, kind.body


def render(notification: Notification) -> tuple[str, str]:
    """Return (subject, body) of the message, from plain values only (see notifications.texts).

    An administrator's text cannot reach a model: the recipient and the institution are
    given as a few named strings, never as objects.
    """
    subject_source, body_source = template_for(notification.kind, notification.institution)
    values = texts.render_context(
        recipient=notification.recipient,
        institution=notification.institution,
        link=_absolute(notification.link),
        values=notification.context,
    )
    context = Context(values, autoescape=False)
    subject = " ".join(Template(subject_source).render(context).split())
    body = Template(body_source).render(context).strip()
    return subject, body


def _absolute(link: str) -> str:
    if not link or link.startswith("http"):
        return link
    return settings.PORTAL_BASE_URL.rstrip("/") + link


class DeliveryError(Exception):
    """Sending failed before the message could have left; the row is back in PENDING."""


def notification_deliver(notification_id: int) -> bool:
    """Claim and send one message. Returns True if this call sent it.

    The claim is a conditional UPDATE that only one caller can win, so a duplicate task, a
    retry or the sweep never sends the same row twice. The row is addressed by its id through
    the base manager: a message to an account without an institution has no scope of its own.
    """
    rows = Notification._base_manager
    now = timezone.now()
    claimed = rows.filter(pk=notification_id, status=Notification.Status.PENDING).update(
        status=Notification.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if claimed != 1:
        return False
    notification = rows.select_related("recipient", "institution").get(pk=notification_id)
    try:
        subject, body = render(notification)
        if notification.channel == Notification.Channel.EMAIL:
            message = EmailMultiAlternatives(
                subject=settings.EMAIL_SUBJECT_PREFIX + subject,
                body=body,
                to=[notification.recipient.email],
                headers={"X-TechCareers-Key": notification.idempotency_key},
            )
            message.send()
    except Exception as error:
        # The message did not leave: give it back so a retry can send it.
        rows.filter(pk=notification_id, status=Notification.Status.SENDING).update(
            status=Notification.Status.PENDING, last_error=str(error)[:2000]
        )
        raise DeliveryError(str(error)) from error
    rows.filter(pk=notification_id).update(
        status=Notification.Status.SENT, sent_at=timezone.now(), subject=subject, body=body, last_error=""
    )
    return True


def notification_give_up(notification_id: int, error: BaseException | str) -> None:
    """Stop retrying a message whose sending kept failing (it never left): PENDING -> FAILED."""
    Notification._base_manager.filter(pk=notification_id, status=Notification.Status.PENDING).update(
        status=Notification.Status.FAILED, last_error=str(error)[:2000]
    )


def stuck_notification_mark_failed(*, notification: Notification, by: Any) -> bool:
    """An administrator's choice: a message stuck in SENDING is given up (it may or may not have left).

    Returns False when the row is no longer SENDING (another administrator acted first).
    """
    note = f"Marked as failed by {by} on {timezone.localtime():%d %b %Y %H:%M}. {notification.last_error}".strip()
    return bool(
        Notification.objects.filter(pk=notification.pk, status=Notification.Status.SENDING).update(
            status=Notification.Status.FAILED, last_error=note[:2000]
        )
    )


def stuck_notification_send_again(*, notification: Notification, by: Any) -> bool:
    """An administrator's choice: send a message stuck in SENDING again, knowing it may arrive twice.

    The row goes back to PENDING and its delivery is queued once the change commits; the
    portal never does this by itself (at most once). Returns False when the row is no longer
    SENDING (another administrator acted first).
    """
    with transaction.atomic():
        moved = Notification.objects.filter(pk=notification.pk, status=Notification.Status.SENDING).update(
            status=Notification.Status.PENDING,
            last_error=f"Sent again by {by} on {timezone.localtime():%d %b %Y %H:%M}.",
        )
        if moved:
            from .tasks import deliver_notification

            pk = notification.pk
            publish_after_commit(deliver_notification, pk)
    return bool(moved)


def notification_mark_read(*, notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])


def preferences_set(*, user: Any, enabled_by_kind: dict[str, bool]) -> None:
    """Save the user's on/off choice for each optional kind."""
    optional = {kind.key for kind in kinds.optional_kinds()}
    chosen = {key: bool(enabled) for key, enabled in enabled_by_kind.items() if key in optional}
    with transaction.atomic():
        saved = {row.kind: row for row in Preference.objects.select_for_update().filter(user=user, kind__in=chosen)}
        changed = [row for key, row in saved.items() if row.enabled != chosen[key]]
        for row in changed:
            row.enabled = chosen[row.kind]
        Preference.objects.bulk_update(changed, ["enabled"])
        Preference.objects.bulk_create(
            [Preference(user=user, kind=key, enabled=enabled) for key, enabled in chosen.items() if key not in saved]
        )


def message_template_save(*, institution: Any, kind: str, subject: str, body: str, by: Any) -> MessageTemplate:
    """Save an institution's own text for a kind; refuse one that uses more than variables and simple ifs."""
    errors = texts.problems(kind=kinds.get(kind), subject=subject, body=body)
    if errors:
        raise ValidationError(errors)
    template, _ = MessageTemplate.objects.update_or_create(
        institution=institution, kind=kind, defaults={"subject": subject, "body": body, "updated_by": by}
    )
    return template


def message_template_reset(*, institution: Any, kind: str) -> None:
    MessageTemplate.objects.filter(institution=institution, kind=kind).delete()
