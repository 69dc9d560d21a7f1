"""The allowance policy and the guidance on development days."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from people.models import Institution

from ..models import AllowancePolicy, GuidanceVersion


def policy_save(*, form: Any, overrides: Any) -> AllowancePolicy:
    """Save the institution's policy and its per-grade or per-family minimums together."""
    with transaction.atomic():
        policy = form.save()
        overrides.instance = policy
        overrides.save()
    return policy


def guidance_publish(
    *, institution: Institution, by: Any, audience: str, title: str, effective_from: date, body: str
) -> GuidanceVersion:
    """Add a new dated version; earlier versions stay as the history."""
    with transaction.atomic():
        return GuidanceVersion.objects.create(
            institution=institution,
            audience=audience,
            title=title,
            effective_from=effective_from,
            body=body,
            created_by=by,
        )
