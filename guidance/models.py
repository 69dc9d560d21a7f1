"""Versioned guidance pages: the registration guide, the apprenticeship guidance for staff and
managers, the authorship and acknowledgement guidelines, and whatever else an institution
publishes for its technicians.

A page keeps every version (the plan's measures ask for "updated guidelines", so the dates of
versions are evidence) and the record of its yearly reviews against peers (2C). Feature apps
create their pages with `guidance.services.ensure_page` and link to them by slug.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from core.dates import add_months
from core.tenancy import InstitutionManager, InstitutionQuerySet


class Audience(models.TextChoices):
    EVERYONE = "everyone", "Everyone"
    STAFF = "staff", "Staff"
    MANAGERS = "managers", "Line managers"


class GuidancePageQuerySet(InstitutionQuerySet):
    institution_path = "institution"


class GuidancePage(models.Model):
    institution = models.ForeignKey("people.Institution", on_delete=models.CASCADE, related_name="+")
    slug = models.SlugField(
        "short name", max_length=60, help_text="Used in the page's address, e.g. registration-guide."
    )
    title = models.CharField("title", max_length=200)
    summary = models.CharField("summary", max_length=300, blank=True, help_text="One sentence: who it is for.")
    owner = models.ForeignKey(
        "people.StaffProfile",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who keeps it up to date; reminded when the yearly review is due.",
    )
    review_every_months = models.PositiveSmallIntegerField("review every (months)", default=12)
    created_at = models.DateTimeField(default=timezone.now)

    objects = InstitutionManager(GuidancePageQuerySet)

    class Meta:
        ordering = ["title"]
        constraints = [models.UniqueConstraint(fields=["institution", "slug"], name="guidancepage_unique_slug")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("guidance:page", args=[self.slug])


class GuidanceVersionQuerySet(InstitutionQuerySet):
    institution_path = "page__institution"


class GuidanceVersion(models.Model):
    """One dated version of a page for one audience; the current one is the latest in effect."""

    page = models.ForeignKey(GuidancePage, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("version")
    audience = models.CharField("for", max_length=10, choices=Audience.choices, default=Audience.EVERYONE)
    effective_from = models.DateField(
        "effective from", help_text="The page shows the latest version effective on or before today."
    )
    body = models.TextField(
        "text",
        max_length=20000,
        help_text="Plain text; a blank line starts a new paragraph. Web addresses become links.",
    )
    change_note = models.CharField("what changed", max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("written", default=timezone.now)

    objects = InstitutionManager(GuidanceVersionQuerySet)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["page", "number"], name="guidanceversion_unique_number")]

    def __str__(self):
        return f"{self.page} version {self.number}"

    def get_absolute_url(self):
        return reverse("guidance:version", args=[self.page.slug, self.number])


class GuidanceReviewQuerySet(InstitutionQuerySet):
    institution_path = "page__institution"


class GuidanceReview(models.Model):
    """A review of the page, e.g. against peer institutions' guidelines (2C), whatever it found."""

    class Outcome(models.TextChoices):
        NO_CHANGE = "no_change", "Still right: no change needed"
        UPDATED = "updated", "Updated: a new version is published"
        TO_UPDATE = "to_update", "Needs updating"

    page = models.ForeignKey(GuidancePage, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField("reviewed on")
    compared_with = models.CharField(
        "compared with", max_length=300, blank=True, help_text="E.g. the guidelines of peer institutes you read."
    )
    notes = models.TextField("notes", max_length=5000)
    outcome = models.CharField("outcome", max_length=10, choices=Outcome.choices)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = InstitutionManager(GuidanceReviewQuerySet)

    class Meta:
        ordering = ["-reviewed_on", "-pk"]

    def __str__(self):
        return f"Review of {self.page} on {self.reviewed_on}"


def next_review_due(page: GuidancePage, last_reviewed, first_published):
    """The yearly (or configured) review falls due that long after the last review, or after the
    first version when it was never reviewed."""
    since = last_reviewed or first_published
    if since is None:
        return None
    return add_months(since, page.review_every_months)
