"""Reading guidance pages: what is in effect today, the history, and the reviews."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Max, Min, QuerySet
from django.http import Http404
from django.utils import timezone

from .models import GuidancePage, GuidanceReview, GuidanceVersion, next_review_due


def pages() -> QuerySet[GuidancePage]:
    """The pages of the institution in scope, with their review dates (one query)."""
    return GuidancePage.objects.annotate(
        last_reviewed=Max("reviews__reviewed_on"),
        first_published=Min("versions__effective_from"),
        last_changed=Max("versions__effective_from"),
    ).order_by("title")


def page(slug: str) -> GuidancePage:
    """The page with this slug at the institution in scope, or a 404."""
    try:
        return pages().select_related("owner__user").get(slug=slug)
    except GuidancePage.DoesNotExist:
        raise Http404("No such guidance page.") from None


@dataclass(frozen=True)
class PageView:
    page: GuidancePage
    current: list[GuidanceVersion]  # one per audience, in effect today
    history: list[GuidanceVersion]
    reviews: list[GuidanceReview]
    review_due: date | None


def page_view(slug: str, *, today: date | None = None) -> PageView:
    """Everything the page shows, in three queries whatever its history's length."""
    today = today or timezone.localdate()
    found = page(slug)
    history = list(found.versions.select_related("created_by").order_by("-number"))
    current: dict[str, GuidanceVersion] = {}
    for version in sorted(history, key=lambda v: (v.effective_from, v.number), reverse=True):
        if version.effective_from <= today:
            current.setdefault(version.audience, version)
    reviews = list(found.reviews.select_related("reviewed_by")[:10])
    return PageView(
        page=found,
        current=sorted(current.values(), key=lambda v: ["everyone", "staff", "managers"].index(v.audience)),
        history=history,
        reviews=reviews,
        review_due=next_review_due(found, found.last_reviewed, found.first_published),  # type: ignore[attr-defined]
    )


def version(slug: str, number: Any) -> GuidanceVersion:
    try:
        return GuidanceVersion.objects.select_related("page", "created_by").get(page__slug=slug, number=int(number))
    except (GuidanceVersion.DoesNotExist, ValueError, TypeError):
        raise Http404("No such version.") from None


def current_version(slug: str, *, audience: str = "everyone", today: date | None = None) -> GuidanceVersion | None:
    """The version of a page in effect today for an audience (for other apps' pages to quote)."""
    today = today or timezone.localdate()
    return (
        GuidanceVersion.objects.filter(page__slug=slug, audience=audience, effective_from__lte=today)
        .order_by("-effective_from", "-number")
        .first()
    )


def updated_between(slug: str, start: date, end: date) -> list[GuidanceVersion]:
    """Versions of a page that took effect in a period, e.g. for a measure of "updated guidelines"."""
    return list(
        GuidanceVersion.objects.filter(page__slug=slug, effective_from__gte=start, effective_from__lte=end).order_by(
            "effective_from", "number"
        )
    )


def reviews_due(*, by: date) -> list[tuple[GuidancePage, date]]:
    """Pages of every institution in scope whose next review falls due on or before `by`."""
    due = []
    for found in pages().select_related("owner__user", "institution"):
        when = next_review_due(found, found.last_reviewed, found.first_published)  # type: ignore[attr-defined]
        if when is not None and when <= by:
            due.append((found, when))
    return due
