"""Writes to the staff directory."""

from django.db import transaction
from django.utils import timezone

from notifications.services import notification_enqueue

from .models import StaffProfile
from .notifications import WELCOME

WELCOME_WINDOW_DAYS = 61  # "within 2 months of starting" (2H)


def profile_update(*, profile, form):
    """Save a validated profile form; one place so later audit or notifications hook in here."""
    with transaction.atomic():
        if hasattr(form, "save_user"):
            form.save_user()
        return form.save()


def welcome_due(*, today=None):
    """Staff who started on a welcomed grade in the last two months and have not left.

    Includes people who already got the message; the outbox key makes a repeat a no-op.
    """
    today = today or timezone.localdate()
    return (
        StaffProfile.objects.current()
        .filter(
            grade__welcome_new_starters=True,
            start_date__lte=today,
            start_date__gt=today - timezone.timedelta(days=WELCOME_WINDOW_DAYS),
            user__is_active=True,
        )
        .select_related("user", "grade", "institution")
    )


def welcome_send(*, profile):
    """Queue the welcome message for one new starter, once in their lifetime."""
    return notification_enqueue(
        recipient=profile.user,
        institution=profile.institution,
        kind=WELCOME.key,
        idempotency_key=f"people.welcome:{profile.pk}",
        context={"grade": profile.grade.short_name if profile.grade else "", "start_date": str(profile.start_date)},
        link="/",
    )
