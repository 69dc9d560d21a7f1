"""Reads of staff data, always scoped to the viewer's institution."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from core.access import get_visible_or_404

from .models import StaffProfile, StaffProfileQuerySet

WELCOME_WINDOW_DAYS = 61  # "within 2 months of starting" (2H)


def staff_visible_to(user: Any) -> StaffProfileQuerySet:
    """Staff the user may see: their own institution's, nobody else's."""
    return StaffProfile.objects.for_institution(user.institution)


def get_profile_for_user(user: Any, pk: Any) -> StaffProfile:
    """Return the profile, or 404 if it belongs to another institution."""
    return get_visible_or_404(staff_visible_to(user).with_directory_details(), pk)


def directory_search(queryset: StaffProfileQuerySet, text: str) -> StaffProfileQuerySet:
    for word in text.split():
        queryset = queryset.filter(
            Q(user__first_name__icontains=word)
            | Q(user__last_name__icontains=word)
            | Q(user__email__icontains=word)
            | Q(job_title__icontains=word)
        )
    return queryset


def reports_of(profile: StaffProfile) -> StaffProfileQuerySet:
    return StaffProfile.objects.filter(line_manager=profile).current().with_directory_details()


def welcome_due(*, today: date | None = None) -> StaffProfileQuerySet:
    """Staff who started on a welcomed grade in the last two months and have not left.

    The due work of `people.tasks.send_welcome_messages` (daily), read across institutions;
    the partial index `staffprofile_start_date_idx` finds the recent starters by start date.
    Includes people who already got the message; the outbox key makes a repeat a no-op.
    """
    today = today or timezone.localdate()
    return (
        StaffProfile.objects.current()
        .filter(
            grade__welcome_new_starters=True,
            start_date__lte=today,
            start_date__gt=today - timedelta(days=WELCOME_WINDOW_DAYS),
            user__is_active=True,
        )
        .select_related("user", "grade", "institution")
    )
