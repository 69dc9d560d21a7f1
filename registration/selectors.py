"""Reads for professional registration.

Journeys, competence statements and CPD declarations are institution-scoped; registers and
their fees are sector data, the same for every institution.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from .models import Journey

State = Journey.State


# --- For other apps ---------------------------------------------------------------------------


@dataclass(frozen=True)
class HeldRegistration:
    """A registration a person holds now: e.g. RSci, registered on 3 May 2024."""

    code: str  # the register's post-nominal, e.g. "RSci"
    name: str  # e.g. "Registered Scientist"
    council: str  # "science", "engineering" or "other"
    level: int  # order within the council: 1 RSciTech/EngTech, 2 RSci/IEng, 3 CSci/CEng
    registered_on: date | None
    number: str = ""


def registrations_held(person_ids: Iterable[int]) -> dict[int, list[HeldRegistration]]:
    """The registrations each person holds, highest level first (one query).

    For promotions and the person's profile. People with none are absent from the result. Reads
    in the active institution scope.
    """
    ids = list(person_ids)
    held: dict[int, list[HeldRegistration]] = defaultdict(list)
    if not ids:
        return {}
    rows = (
        Journey.objects.filter(person_id__in=ids, state=State.REGISTERED)
        .select_related("register")
        .order_by("person_id", "-register__level", "register__code")
    )
    for journey in rows:
        register = journey.register
        held[journey.person_id].append(
            HeldRegistration(
                code=register.code,
                name=register.name,
                council=register.council,
                level=register.level,
                registered_on=journey.registered_on,
                number=journey.registration_number,
            )
        )
    return dict(held)
