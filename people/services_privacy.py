"""Subject access and erasure for one person: the export (through `core.privacy`) and the erasure
of a leaver's identity after the retention period, with every report's totals unchanged."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import audit, privacy

from .models import StaffProfile, User

ERASED_DOMAIN = "erased.invalid"


def subject_of(profile: StaffProfile) -> privacy.Subject:
    return privacy.Subject(user=profile.user, profile=profile)


def erasable_from(profile: StaffProfile) -> date | None:
    """The first day the leaver's identity may be erased (None: they have not left)."""
    if profile.leaving_date is None:
        return None
    return profile.leaving_date + timedelta(days=settings.PERSONAL_DATA_RETENTION_DAYS)


def is_erased(profile: StaffProfile) -> bool:
    return profile.user.email.endswith(f"@{ERASED_DOMAIN}")


def identity_erase(*, subject: privacy.Subject, by: Any = None) -> None:
    """Registered with core.privacy: remove the name, address, identifiers and sign-in; keep the
    record's grade, family, division, manager and dates (what every report counts)."""
    user: User = subject.user
    User.objects.filter(pk=user.pk).update(
        first_name="Former staff member",
        last_name=f"#{user.pk}",
        email=f"erased-{user.pk}@{ERASED_DOMAIN}",
        password="!erased",  # unusable: Django treats a hash starting with "!" as no password
        is_active=False,
    )
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    user.groups.clear()
    if subject.profile is not None:
        blank = {"staff_number": "", "orcid": "", "job_title": ""}
        StaffProfile._base_manager.filter(pk=subject.profile.pk).update(bio="", **blank)
        # The audit history of the record keeps every earlier version: those lose them too.
        StaffProfile.history.model._base_manager.filter(id=subject.profile.pk).update(**blank)


def person_erase(*, profile: StaffProfile, by: Any, today: date | None = None) -> dict[str, int]:
    """Erase a leaver's identity once the retention period after their leaving date has passed.

    Refused for someone who has not left, or before `PERSONAL_DATA_RETENTION_DAYS` have passed.
    Every row about them stays (so every report's totals are unchanged); their name, e-mail,
    identifiers, sign-in and the free text registered with core.privacy are removed. Audited.
    """
    today = today or timezone.localdate()
    due = erasable_from(profile)
    if due is None:
        raise ValidationError("Only a leaver can be erased: this person has no leaving date.")
    if due > today:
        raise ValidationError(f"The retention period ends on {due:%-d %B %Y}; the record can be erased from then.")
    if is_erased(profile):
        raise ValidationError("This person's data has already been erased.")
    with transaction.atomic():
        changed = privacy.erase(subject_of(profile), by=by)
        profile.refresh_from_db()
        profile.user.refresh_from_db()
        audit.record(kind="record", action="Erased the personal data of a leaver", obj=profile, actor=by)
    return changed


def export_recorded(*, profile: StaffProfile, by: Any, what: str) -> None:
    """Audit an export made outside a web request (the management command)."""
    audit.record(kind="export", action=f"Exported the personal data of {profile} ({what})", obj=profile, actor=by)
