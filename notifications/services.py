"""Writes to the outbox: enqueue a message, deliver it, mark it read, set preferences."""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template import Context, Template
from django.utils import timezone

from . import kinds
from .models import MessageTemplate, Notification, Preference

logger = logging.getLogger(__name__)


def wants(user, kind_key):
    """Return whether the user receives this kind; only optional kinds can be switched off."""
    kind = kinds.get(kind_key)
    if not kind.optional:
        return True
    return not Preference.objects.filter(user=user, kind=kind_key, enabled=False).exists()


def notification_enqueue(
    *, recipient, kind, idempotency_key, context=None, institution=None, link="", channel=Notification.Channel.EMAIL
):
    """Put one message in the outbox and queue its delivery once the transaction commits.

    Returns the new Notification, or None when a message with this key already exists or the
    recipient switched this optional reminder off. Safe to call from two processes at once:
    the unique key lets exactly one insert win.
    """
    kinds.get(kind)  # an unknown kind is a programming error: fail loudly
    if not wants(recipient, kind):
        return None
    if institution is None:
        institution = recipient.institution
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient,
                institution=institution,
                kind=kind,
                channel=channel,
                idempotency_key=idempotency_key,
                context=context or {},
                link=link,
            )
    except IntegrityError:
        return None
    from .tasks import deliver_notification

    transaction.on_commit(lambda: deliver_notification.delay(notification.pk))
    return notification


def template_for(kind_key, institution):
    """Return (subject, body) template strings: the institution's own, else the default."""
    if institution is not None:
        own = MessageTemplate.objects.filter(institution=institution, kind=kind_key).first()
        if own:
            return own.subject, own.body
    kind = kinds.get(kind_key)
    return kind.subject, kind.body


def render(notification):
    subject_source, body_source = template_for(notification.kind, notification.institution)
    context = Context(
        {
            **notification.context,
            "recipient": notification.recipient,
            "institution": notification.institution,
            "link": _absolute(notification.link),
        },
        autoescape=False,
    )
    subject = " ".join(Template(subject_source).render(context).split())
    body = Template(body_source).render(context).strip()
    return subject, body


def _absolute(link):
    if not link or link.startswith("http"):
        return link
    return settings.PORTAL_BASE_URL.rstrip("/") + link


class DeliveryError(Exception):
    """Sending failed before the message could have left; the row is back in PENDING."""


def notification_deliver(notification_id):
    """Claim and send one message. Returns True if this call sent it.

    The claim is a conditional UPDATE that only one caller can win, so a duplicate task, a
    retry or the sweep never sends the same row twice.
    """
    now = timezone.now()
    claimed = Notification.objects.filter(pk=notification_id, status=Notification.Status.PENDING).update(
        status=Notification.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if claimed != 1:
        return False
    notification = Notification.objects.select_related("recipient", "institution").get(pk=notification_id)
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
        Notification.objects.filter(pk=notification_id, status=Notification.Status.SENDING).update(
            status=Notification.Status.PENDING, last_error=str(error)[:2000]
        )
        raise DeliveryError(str(error)) from error
    Notification.objects.filter(pk=notification_id).update(
        status=Notification.Status.SENT, sent_at=timezone.now(), subject=subject, body=body, last_error=""
    )
    return True


def notification_give_up(notification_id, error):
    Notification.objects.filter(pk=notification_id, status=Notification.Status.PENDING).update(
        status=Notification.Status.FAILED, last_error=str(error)[:2000]
    )


def notification_mark_read(*, notification):
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])


def preferences_set(*, user, enabled_by_kind):
    """Save the user's on/off choice for each optional kind."""
    optional = {kind.key for kind in kinds.optional_kinds()}
    with transaction.atomic():
        for key, enabled in enabled_by_kind.items():
            if key in optional:
                Preference.objects.update_or_create(user=user, kind=key, defaults={"enabled": bool(enabled)})


def message_template_save(*, institution, kind, subject, body, by):
    template, _ = MessageTemplate.objects.update_or_create(
        institution=institution, kind=kind, defaults={"subject": subject, "body": body, "updated_by": by}
    )
    return template


def message_template_reset(*, institution, kind):
    MessageTemplate.objects.filter(institution=institution, kind=kind).delete()
