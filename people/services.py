"""Writes to the staff directory."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction

from notifications.services import notification_enqueue

from .models import StaffProfile
from .notifications import WELCOME

if TYPE_CHECKING:
    from notifications.models import Notification


def profile_update(*, profile: StaffProfile, form: Any) -> StaffProfile:
    """Save a validated profile form; one place so later audit or notifications hook in here."""
    with transaction.atomic():
        if hasattr(form, "save_user"):
            form.save_user()
        return form.save()


def welcome_key(profile_pk: int) -> str:
    """The welcome's outbox key: once per person, in their lifetime."""
    return f"people.welcome:{profile_pk}"


def welcome_send(*, profile: StaffProfile) -> Notification | None:
    """Queue the welcome message for one new starter, once in their lifetime."""
    return notification_enqueue(
        recipient=profile.user,
        institution=profile.institution,
        kind=WELCOME.key,
        idempotency_key=welcome_key(profile.pk),
        context={"grade": profile.grade.short_name if profile.grade else "", "start_date": str(profile.start_date)},
        link="/",
    )
