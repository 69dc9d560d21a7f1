"""Gathering the facts "or equivalent" is decided on, for many people at once (four queries).

- the declared highest qualification and prior experience: this app's `Declaration`;
- years of relevant experience: time since the person's earliest record here (start date or
  first career event, from career history) plus the years they declared from before;
- professional registrations held: `registrations_held` below, the one source from the
  registration app;
- completed programmes: `programmes.selectors.programmes_completed_by`.

`equivalence.decide` then answers per person without a query.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Min
from django.utils import timezone

from people.models import CareerEvent
from programmes.selectors import programmes_completed_by
from registration.selectors import registrations_held as held

from .equivalence import CompletedProgramme, Facts, HeldRegistration
from .models import Declaration, Qualification

DAYS_PER_YEAR = Decimal("365.25")


def registrations_held(person_ids: list[int]) -> dict[int, list[HeldRegistration]]:
    """The professional registrations each person holds, from the registration app (one query).

    The single place promotions reads registrations from.
    """
    return {
        person_id: [HeldRegistration(r.code, r.name, r.level, r.registered_on) for r in rows]
        for person_id, rows in held(person_ids).items()
    }


def experience_years(people: Iterable[Any], *, today: date) -> dict[int, Decimal]:
    """Years since each person's earliest record here (start date or first career event), one query."""
    people = list(people)
    first_events = dict(
        CareerEvent.objects.filter(person_id__in=[p.pk for p in people])
        .values("person_id")
        .annotate(first=Min("effective_date"))
        .values_list("person_id", "first")
    )
    years = {}
    for person in people:
        starts = [d for d in (person.start_date, first_events.get(person.pk)) if d is not None]
        days = max((today - min(starts)).days, 0) if starts else 0
        years[person.pk] = (Decimal(days) / DAYS_PER_YEAR).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return years


def gather(people: Iterable[Any], *, today: date | None = None) -> dict[int, Facts]:
    """The facts of each person (StaffProfile rows), by id."""
    people = list(people)
    today = today or timezone.localdate()
    ids = [person.pk for person in people]
    declarations = {d.person_id: d for d in Declaration.objects.filter(person_id__in=ids)}
    here = experience_years(people, today=today)
    registrations = registrations_held(ids)
    programmes = programmes_completed_by(ids)
    facts = {}
    for person in people:
        declared = declarations.get(person.pk)
        facts[person.pk] = Facts(
            qualification=declared.highest_qualification if declared else Qualification.NONE,
            years_experience=here[person.pk] + (declared.prior_experience_years if declared else 0),
            registrations=tuple(registrations.get(person.pk, [])),
            programmes=tuple(CompletedProgramme(name, on) for name, on in programmes.get(person.pk, [])),
        )
    return facts
