"""The notifications outbox: every message the portal sends is first a row here."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from core.tenancy import InstitutionManager

from . import kinds


class Notification(models.Model):
    """One message to one person.

    The unique `idempotency_key` makes enqueueing the same message twice a no-op; delivery
    claims the row (PENDING -> SENDING) before it sends, so a second worker or a retry after
    a crash never sends it again. A row left in SENDING by a worker that died is not retried:
    whether the mail left is unknown, and a missed reminder is better than a duplicate.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", "E-mail and portal"
        PORTAL = "portal", "Portal only"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    institution = models.ForeignKey(
        "people.Institution", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    channel = models.CharField("channel", max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    kind = models.CharField("kind", max_length=80, help_text="Which message this is; names its template.")
    context = models.JSONField("context", default=dict, blank=True)
    idempotency_key = models.CharField("idempotency key", max_length=200, unique=True)
    link = models.CharField("link", max_length=500, blank=True, help_text="Where the message points in the portal.")
    subject = models.CharField("subject", max_length=300, blank=True)
    body = models.TextField("body", blank=True)
    status = models.CharField("status", max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField("attempts", default=0)
    last_error = models.TextField("last error", blank=True)
    created_at = models.DateTimeField("created", auto_now_add=True)
    claimed_at = models.DateTimeField("claimed", null=True, blank=True)
    sent_at = models.DateTimeField("sent", null=True, blank=True)
    read_at = models.DateTimeField("read", null=True, blank=True)

    # Scoped to the message's institution. A message to an account without one (a platform
    # superuser) has no institution and is seen only across institutions; delivery addresses
    # a row by its id through the base manager (notification_deliver).
    objects = InstitutionManager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # deliver_pending_notifications sweeps rows whose queued task was lost.
            models.Index(fields=["created_at"], condition=models.Q(status="pending"), name="notification_pending_idx"),
            # The administrators' "Messages not sent" page lists each institution's rows stuck in SENDING.
            models.Index(
                fields=["institution", "claimed_at"],
                condition=models.Q(status="sending"),
                name="notification_sending_idx",
            ),
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient_idx"),
        ]

    def __str__(self):
        return f"{self.kind} to {self.recipient}"

    def get_absolute_url(self):
        return reverse("notifications:detail", args=[self.pk])

    @property
    def kind_label(self):
        try:
            return kinds.get(self.kind).label
        except LookupError:
            return self.kind


class MessageTemplate(models.Model):
    """An institution's own wording for one kind of message, replacing the default."""

    institution = models.ForeignKey("people.Institution", on_delete=models.CASCADE, related_name="message_templates")
    kind = models.CharField("kind", max_length=80)
    subject = models.CharField("subject", max_length=300, help_text="The same variables as the body may be used.")
    body = models.TextField(
        "body",
        help_text="Variables such as {{ recipient.first_name }} are filled in when it is sent; "
        "{% if %} … {% else %} … {% endif %} may choose between wordings.",
    )
    updated_at = models.DateTimeField("last changed", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = InstitutionManager()

    class Meta:
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "kind"], name="messagetemplate_one_per_kind_per_institution")
        ]

    def __str__(self):
        return f"{self.kind} ({self.institution})"

    def clean(self):
        """Refuse a text that uses more than variables and simple ifs (also in the Django admin)."""
        from django.core.exceptions import ValidationError

        from . import texts

        try:
            kind = kinds.get(self.kind)
        except LookupError:
            raise ValidationError({"kind": "No message of this kind is sent."}) from None
        errors = texts.problems(kind=kind, subject=self.subject, body=self.body)
        if errors:
            raise ValidationError(errors)


class Preference(models.Model):
    """A user's choice to stop one optional reminder.

    Not institution-scoped: it belongs to the person's account, not to an institution's data.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField("kind", max_length=80)
    enabled = models.BooleanField("send me this", default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="preference_one_per_kind_per_user")]

    def __str__(self):
        return f"{self.user}: {self.kind} {'on' if self.enabled else 'off'}"
