"""Service tokens: how an institution's learning system, HR system and intranet call the API.

An institution administrator creates a token, names it after the system that uses it and
chooses its scopes. The secret is shown once and never stored: the row keeps a short prefix to
find it by and the SHA-256 of the whole secret to check it (a token is long and random, so a
slow password hash would add nothing but latency to every call). Revoking is a date, never a
deletion, so the list and the call log keep saying who did what.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse

from core.tenancy import InstitutionManager, InstitutionQuerySet


class Scope(models.TextChoices):
    READ_FIGURES = "read_figures", "Read figures: opportunities, the action plan's measures, reports"
    WRITE_TRAINING = "write_training", "Write training records (from a learning system)"
    WRITE_STAFF = "write_staff", "Write staff changes (from an HR system)"


class ServiceTokenQuerySet(InstitutionQuerySet):
    institution_path = "institution"

    def live(self):
        return self.filter(revoked_at=None)


class ServiceToken(models.Model):
    """One system's access to the API for one institution: its scopes, who made it, when it was last used."""

    institution = models.ForeignKey(
        "people.Institution", on_delete=models.CASCADE, related_name="service_tokens", verbose_name="institution"
    )
    name = models.CharField(
        "name", max_length=100, help_text="The system that uses it, e.g. “Moodle learning system” or “Intranet”."
    )
    scopes = models.JSONField("scopes", default=list, help_text="What the token may do.")
    prefix = models.CharField(
        "prefix", max_length=12, unique=True, help_text="The secret's first characters, to find it by."
    )
    secret_hash = models.CharField("SHA-256 of the secret", max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="created by"
    )
    created_at = models.DateTimeField("created", auto_now_add=True)
    last_used_at = models.DateTimeField("last used", null=True, blank=True)
    revoked_at = models.DateTimeField("revoked", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="revoked by",
    )

    objects = InstitutionManager(ServiceTokenQuerySet)

    class Meta:
        ordering = ["revoked_at", "-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "name"],
                condition=models.Q(revoked_at=None),
                name="servicetoken_unique_live_name",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("api:token", args=[self.pk])

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def scope_labels(self) -> list[str]:
        labels = dict(Scope.choices)
        return [labels.get(scope, scope) for scope in self.scopes]


class TokenCallQuerySet(InstitutionQuerySet):
    institution_path = "token__institution"


class TokenCall(models.Model):
    """One call made with a token: the token's own log (reads too), so the audit log keeps only writes.

    An intranet page that reads the bulletin every few minutes would otherwise bury the
    decisions in the audit log; writes (training completions, staff changes) are also in the
    audit log, recorded by the services that make them, as is every token's creation and revocation.
    """

    token = models.ForeignKey(ServiceToken, on_delete=models.CASCADE, related_name="calls", verbose_name="token")
    at = models.DateTimeField("when", auto_now_add=True)
    method = models.CharField("method", max_length=7)
    path = models.CharField("address", max_length=300)
    status = models.PositiveSmallIntegerField("answer")
    items = models.PositiveIntegerField("items sent", default=0)
    ip = models.GenericIPAddressField("from", null=True, blank=True)

    objects = InstitutionManager(TokenCallQuerySet)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["token", "-at"], name="tokencall_token_at_idx")]

    def __str__(self):
        return f"{self.method} {self.path} → {self.status}"
