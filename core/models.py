"""The audit log: one append-only table of decisions and sensitive actions (issue 16, point 6).

Written by `core.audit.record` (every workflow move through `core.workflow.transition`, role and
group changes, exports of personal data, imports, staff-record changes). Rows are never changed
or deleted: the model refuses it and, on PostgreSQL, a trigger does too. The actor and the
institution are kept as ids without database constraints plus the actor's name as it was, so
removing a user or an institution never has to rewrite the log.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone

from .tenancy import InstitutionManager, InstitutionQuerySet


class AuditEventQuerySet(InstitutionQuerySet):
    institution_path = "institution"

    def update(self, **kwargs):
        raise PermissionDenied("The audit log is append-only.")

    def delete(self):
        raise PermissionDenied("The audit log is append-only.")


class AuditEvent(models.Model):
    class Kind(models.TextChoices):
        DECISION = "decision", "Decision"
        ROLES = "roles", "Roles and groups"
        EXPORT = "export", "Export of personal data"
        IMPORT = "import", "Import"
        RECORD = "record", "Staff record change"
        EQUALITY = "equality", "Equality data: settings and named HR's looks"
        API = "api", "API tokens: created and revoked"

    at = models.DateTimeField("when", default=timezone.now)
    institution = models.ForeignKey(
        "people.Institution", on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    actor_name = models.CharField("who", max_length=200, blank=True, help_text="Empty for the portal's own jobs.")
    ip = models.GenericIPAddressField("from", null=True, blank=True)
    kind = models.CharField("kind", max_length=10, choices=Kind.choices)
    action = models.CharField("what", max_length=300)
    object_type = models.CharField("record type", max_length=100, blank=True)
    object_id = models.CharField("record id", max_length=40, blank=True)
    object_repr = models.CharField("record", max_length=200, blank=True)
    detail = models.TextField("reason or detail", blank=True, max_length=2000)

    objects = InstitutionManager(AuditEventQuerySet)  # type: ignore[django-manager-missing]

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            # The administrators' audit page: newest first within an institution, filtered by kind.
            models.Index(fields=["institution", "-at"], name="auditevent_institution_at_idx"),
            models.Index(fields=["institution", "kind", "-at"], name="auditevent_kind_at_idx"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name or 'TechCareers'}: {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionDenied("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("The audit log is append-only.")
