"""Writes of equality data: a person's own declaration, the institution's settings, HR's audited reads.

A person's answers are written only by `declaration_save` (for themselves) and removed only by
`declaration_withdraw`; nothing else changes them, except that switching an optional question
off deletes every answer given to it (`settings_save`): the institution no longer asks, so it no
longer keeps.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import audit
from people import roles
from people.models import Institution, StaffProfile
from people.selectors import holders_of

from . import characteristics as ch
from .models import Declaration, EqualitySettings


def _settings_of(institution: Institution) -> EqualitySettings:
    return EqualitySettings.objects.filter(institution=institution).first() or EqualitySettings(institution=institution)


def declaration_save(*, person: StaffProfile, answers: dict[str, str]) -> Declaration:
    """Save the person's own answers to the questions their institution asks.

    An answer may be blank (not answered) or one of the question's choices; an answer to a
    question the institution does not ask is refused, not silently kept.
    """
    enabled = {c.key: c for c in _settings_of(person.institution).enabled()}
    errors = {}
    for key, value in answers.items():
        characteristic = enabled.get(key)
        if characteristic is None:
            errors[key] = "Your institution does not ask this question."
        elif value and value not in dict(characteristic.choices):
            errors[key] = "Choose one of the answers listed."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        declaration = Declaration.objects.select_for_update().filter(person=person).first()
        if declaration is None:
            declaration = Declaration(person=person, declared_at=timezone.now())
        for key in enabled:
            setattr(declaration, key, answers.get(key, ""))
        declaration.save()
    return declaration


def declaration_withdraw(*, person: StaffProfile) -> bool:
    """Delete the person's answers altogether (they count as "not declared" from now on).

    Returns whether there was anything to delete. Nothing of the answers is kept: there is no
    history table, and the audit log never holds an answer.
    """
    with transaction.atomic():
        deleted, _ = Declaration.objects.filter(person=person).delete()
    return bool(deleted)


def settings_save(
    *, institution: Institution, ask: dict[str, bool], record_viewers: Iterable[StaffProfile], by: Any
) -> EqualitySettings:
    """Save which optional questions are asked and which HR staff may read individual answers.

    Every record viewer must hold the HR role at this institution. Switching a question off
    deletes the answers given to it. The change is recorded in the audit log, with the names of
    the HR staff who may now read answers.
    """
    viewers = list(record_viewers)
    hr_ids = {profile.pk for profile in holders_of(institution, roles.HR)}
    outsiders = [str(profile) for profile in viewers if profile.pk not in hr_ids]
    if outsiders:
        raise ValidationError(
            {"record_viewers": f"Only HR staff of the institution can be named: {', '.join(outsiders)} is not."}
        )
    unknown = set(ask) - {c.key for c in ch.OPTIONAL}
    if unknown:
        raise ValidationError(f"No such optional question: {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        settings = EqualitySettings.objects.select_for_update().filter(institution=institution).first()
        if settings is None:
            settings = EqualitySettings(institution=institution)
        switched_off = [key for key, on in ask.items() if not on and getattr(settings, f"ask_{key}")]
        for key, on in ask.items():
            setattr(settings, f"ask_{key}", on)
        settings.save()
        settings.record_viewers.set(viewers)
        if switched_off:
            Declaration.objects.filter(person__institution=institution).update(**dict.fromkeys(switched_off, ""))
        names = ", ".join(sorted(str(profile) for profile in viewers)) or "nobody"
        asked = ", ".join(c.label for c in settings.enabled())
        audit.record(
            kind="equality",
            action="Changed the equality settings",
            obj=settings,
            actor=by,
            institution_id=institution.pk,
            detail=f"Questions asked: {asked}. HR staff who may see individual answers: {names}."
            + (f" Answers deleted for: {', '.join(switched_off)}." if switched_off else ""),
        )
    return settings


def declaration_read_by_hr(*, settings: EqualitySettings, person: StaffProfile, by: Any) -> Declaration | None:
    """Return one person's answers for a named HR viewer, and record the look in the audit log.

    The caller has checked `equality.see_records`; the look is recorded whether or not the person
    has declared anything (the question asked is itself a disclosure of interest).
    """
    with transaction.atomic():
        declaration = Declaration.objects.filter(person=person).first()
        audit.record(
            kind="equality",
            action=f"Looked at the equality answers of {person}",
            obj=person,
            actor=by,
            institution_id=person.institution_id,
            detail="declared" if declaration is not None else "nothing declared",
        )
    return declaration
