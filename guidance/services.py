"""Writing guidance: a page's first version, new versions, and reviews."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from .models import Audience, GuidancePage, GuidanceReview, GuidanceVersion


def ensure_page(
    *,
    institution: Any,
    slug: str,
    title: str,
    body: str,
    summary: str = "",
    audience: str = Audience.EVERYONE,
    effective_from: date | None = None,
    owner: Any = None,
    by: Any = None,
) -> GuidancePage:
    """The page with this slug, created with `body` as its first version if it does not exist yet.

    For an app's first version and demo data: calling it again changes nothing.
    """
    with transaction.atomic():
        page, created = GuidancePage.objects.get_or_create(
            institution=institution, slug=slug, defaults={"title": title, "summary": summary, "owner": owner}
        )
        if created:
            publish_version(
                page=page,
                audience=audience,
                effective_from=effective_from or timezone.localdate(),
                body=body,
                change_note="First version",
                by=by,
            )
    return page


def create_page(
    *, institution: Any, slug: str, title: str, summary: str, owner: Any, body: str, by: Any
) -> GuidancePage:
    """A new page with its first version, from the page form."""
    with transaction.atomic():
        if GuidancePage.objects.filter(institution=institution, slug=slug).exists():
            raise ValidationError({"slug": "Another page already uses this short name."})
        page = GuidancePage.objects.create(
            institution=institution, slug=slug, title=title, summary=summary, owner=owner
        )
        publish_version(
            page=page,
            audience=Audience.EVERYONE,
            effective_from=timezone.localdate(),
            body=body,
            change_note="First version",
            by=by,
        )
    return page


def publish_version(
    *, page: GuidancePage, audience: str, effective_from: date, body: str, change_note: str = "", by: Any = None
) -> GuidanceVersion:
    """Add the next numbered version; earlier versions stay as the history."""
    with transaction.atomic():
        GuidancePage.objects.select_for_update().filter(pk=page.pk).first()  # numbers stay unique under races
        last = page.versions.aggregate(last=Max("number"))["last"] or 0
        return GuidanceVersion.objects.create(
            page=page,
            number=last + 1,
            audience=audience,
            effective_from=effective_from,
            body=body,
            change_note=change_note,
            created_by=by,
        )


def record_review(
    *, page: GuidancePage, reviewed_on: date, outcome: str, notes: str, compared_with: str = "", by: Any = None
) -> GuidanceReview:
    if reviewed_on > timezone.localdate():
        raise ValidationError({"reviewed_on": "A review cannot be dated in the future."})
    return GuidanceReview.objects.create(
        page=page, reviewed_on=reviewed_on, outcome=outcome, notes=notes, compared_with=compared_with, reviewed_by=by
    )
