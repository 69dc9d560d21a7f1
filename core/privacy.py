"""Subject access and erasure: everything the portal holds about one person, found generically.

`export(subject)` walks Django's model meta over every installed model, so a new app is covered
without a line here:

1. every row of every model with a foreign key, one-to-one or many-to-many to the person's
   account or staff record (whatever the field is called: `person`, `applicant`, `by`,
   `recorded_by`, ...), with the fields through which it refers to them (`via`);
2. the rows those rows own: each model with a CASCADE foreign key to one of them (a request's
   transitions, a relationship's meetings, a review of an apprenticeship), one level down;
3. the audit events about any of those rows (`core.AuditEvent` names its record by label and id);
4. what an app registers for relations the meta cannot see (`register(label, rows=...)`).

An app says more only where it must, with `register(label, ...)`:

- `exclude`: fields never exported (a password hash, a second-factor secret). Fields called
  `password`, `token` or `secret` are never exported anywhere.
- `erase`: fields to blank when the person is erased (`{"reflection": ""}`): free text about
  the person in a row that must stay for the reports' totals.
- `rows`: `fn(subject) -> iterable of querysets` for rows the walk cannot find.

Erasure keeps every row (so every count, total and average in every report is unchanged) and
removes what identifies the person: the owner of the identity (people) registers an `anonymise`
function through `register_anonymiser`; the walk then blanks each registered `erase` field on
the person's rows. The audit log is append-only (also at the database) and is kept as it is.

`uncovered_models()` lists models that keep a person as a plain id or e-mail (no foreign key)
without registering `rows`: the test fails on any, so a new app cannot slip past the export.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models import Q

from core.exports import csv_lines

NEVER_EXPORTED = frozenset({"password", "token", "secret", "token_secret"})
# A plain (non-relation) field with one of these names holds a person by id or address.
PERSON_LIKE_NAMES = ("person_id", "user_id", "profile_id", "staff_id", "recipient_id", "actor_id")
PERSON_LIKE_EXACT = ("email", "staff_number")


@dataclass(frozen=True)
class Subject:
    """The person a request is about: their account and, if they have one, their staff record."""

    user: Any
    profile: Any = None

    @property
    def objects(self) -> list[models.Model]:
        return [obj for obj in (self.user, self.profile) if obj is not None]


@dataclass
class Rules:
    exclude: tuple[str, ...] = ()
    erase: dict[str, Any] = field(default_factory=dict)
    rows: Callable[[Subject], Iterable[models.QuerySet]] | None = None


_rules: dict[str, Rules] = {}
_anonymisers: list[Callable[..., Any]] = []


def register(
    label: str,
    *,
    exclude: Iterable[str] = (),
    erase: dict[str, Any] | None = None,
    rows: Callable[[Subject], Iterable[models.QuerySet]] | None = None,
) -> None:
    """Say more about one model ("app.Model"): see the module docstring."""
    _rules[label] = Rules(exclude=tuple(exclude), erase=dict(erase or {}), rows=rows)


def register_anonymiser(fn: Callable[..., Any]) -> None:
    """`fn(subject=, by=)` removes what identifies the person from their account and record."""
    _anonymisers.append(fn)


def rules_for(model: type[models.Model]) -> Rules:
    return _rules.get(model._meta.label, Rules())


def _subject_models() -> tuple[type[models.Model], ...]:
    from django.contrib.auth import get_user_model

    profile = apps.get_model(settings.PRIVACY_PROFILE_MODEL)
    return (get_user_model(), profile)


def person_relations(among: Iterable[type[models.Model]] | None = None) -> list[tuple[type[models.Model], Any]]:
    """Every (model, field) of an installed model that points at a person's account or record."""
    targets = _subject_models()
    found = []
    for model in apps.get_models() if among is None else among:
        for f in model._meta.get_fields():
            if f.is_relation and f.concrete and f.related_model in targets:
                found.append((model, f))
    return found


def uncovered_models(among: Iterable[type[models.Model]] | None = None) -> list[str]:
    """Models that keep a person as a plain id, e-mail address or staff number, with no foreign key
    to them (which the walk would follow), and have not registered `rows`."""
    targets = _subject_models()
    related = {model for model, _f in person_relations(among)}
    missing = []
    for model in apps.get_models() if among is None else among:
        if model in targets or model in related or model._meta.label in _rules and _rules[model._meta.label].rows:
            continue
        for f in model._meta.concrete_fields:
            if not f.is_relation and (f.name.endswith(PERSON_LIKE_NAMES) or f.name in PERSON_LIKE_EXACT):
                missing.append(f"{model._meta.label}.{f.name}")
    return missing


# --- Export -----------------------------------------------------------------------------------


@dataclass
class Found:
    """The rows found for a person, by model label: pk → (the row, the fields that refer to them)."""

    rows: dict[str, dict[Any, tuple[models.Model, set[str]]]] = field(default_factory=dict)

    def add(self, obj: models.Model, via: str) -> None:
        by_pk = self.rows.setdefault(obj._meta.label, {})
        by_pk.setdefault(obj.pk, (obj, set()))[1].add(via)

    def pks(self, label: str) -> set[Any]:
        return set(self.rows.get(label, {}))


def _manager(model: type[models.Model]) -> models.Manager:
    # The base manager: an erasure or a command runs across institutions, as HR's page runs in one.
    return model._base_manager


def collect(subject: Subject) -> Found:
    """Find every row the portal holds about the person (see the module docstring)."""
    found = Found()
    for obj in subject.objects:
        found.add(obj, "the person")
    targets = {type(obj): obj for obj in subject.objects}
    owned: dict[type[models.Model], set[Any]] = {}
    for model, f in person_relations():
        target = targets.get(f.related_model)
        if target is None:
            continue
        for obj in _manager(model).filter(**{f.name: target.pk}):
            found.add(obj, f.name)
            # A row that goes when the person goes is theirs (their request, their relationship);
            # one that merely names them (a programme they run) is not, nor are its rows.
            if getattr(f.remote_field, "on_delete", None) is models.CASCADE and model not in targets:
                owned.setdefault(model, set()).add(obj.pk)
    # The rows the person's own rows own (CASCADE children), one level down.
    for parent, pks in owned.items():
        for child in parent._meta.related_objects:
            if not child.one_to_many or child.on_delete is not models.CASCADE:
                continue
            child_model = child.related_model
            for obj in _manager(child_model).filter(**{f"{child.field.name}__in": list(pks)}):
                found.add(obj, f"{child.field.name} ({parent._meta.label})")
    for rules in _rules.values():
        if rules.rows:
            for queryset in rules.rows(subject):
                for obj in queryset:
                    found.add(obj, "registered")
    _add_audit_events(found)
    return found


def _add_audit_events(found: Found) -> None:
    audit_event = apps.get_model("core", "AuditEvent")
    about = Q(pk__in=[])
    for label, by_pk in found.rows.items():
        if label != audit_event._meta.label:
            about |= Q(object_type=label, object_id__in=[str(pk) for pk in by_pk])
    for event in audit_event._base_manager.filter(about):
        found.add(event, "object")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if hasattr(value, "name") and hasattr(value, "storage"):  # a stored file: its name
        return value.name or ""
    if isinstance(value, dict | list | str | int | float | bool) or value is None:
        return value
    return str(value)


def row_fields(obj: models.Model) -> dict[str, Any]:
    """The row's fields as plain values (relations by id), without the never-exported ones."""
    excluded = NEVER_EXPORTED | set(rules_for(type(obj)).exclude)
    values: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        if f.name in excluded:
            continue
        values[f.attname if f.is_relation else f.name] = _plain(getattr(obj, f.attname))
    return values


def export(subject: Subject) -> dict[str, Any]:
    """Everything held about the person as one JSON-ready document, by model."""
    found = collect(subject)
    document: dict[str, Any] = {
        "person": {"user_id": subject.user.pk, "profile_id": getattr(subject.profile, "pk", None)},
        "models": {},
    }
    for label in sorted(found.rows):
        model = apps.get_model(label)
        document["models"][label] = {
            "name": str(model._meta.verbose_name_plural),
            "rows": [
                {"id": _plain(pk), "via": sorted(via), "fields": row_fields(obj)}
                for pk, (obj, via) in sorted(found.rows[label].items(), key=lambda item: str(item[0]))
            ],
        }
    return document


def export_json(subject: Subject) -> str:
    return json.dumps(export(subject), indent=2, ensure_ascii=False)


def export_csv_lines(subject: Subject) -> Iterator[str]:
    """The same document as CSV, one line per field: model, row id, via, field, value (through
    `core.exports`, so no value opens as a formula in a spreadsheet)."""

    def rows() -> Iterator[list[Any]]:
        yield ["model", "row", "via", "field", "value"]
        for label, block in export(subject)["models"].items():
            for row in block["rows"]:
                for name, value in row["fields"].items():
                    shown = json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else value
                    yield [label, row["id"], "; ".join(row["via"]), name, "" if shown is None else shown]

    return csv_lines(rows())


# --- Erasure ----------------------------------------------------------------------------------


def erase(subject: Subject, *, by: Any = None) -> dict[str, int]:
    """Anonymise the person: identity removed, every row kept (so every report's totals stay).

    Runs the registered anonymisers (the identity: name, e-mail, sign-in), then blanks each
    registered `erase` field on the person's rows. Returns the rows changed per model.
    """
    changed: dict[str, int] = {}
    with transaction.atomic():
        found = collect(subject)
        for anonymise in _anonymisers:
            anonymise(subject=subject, by=by)
        for label, by_pk in found.rows.items():
            rules = _rules.get(label)
            if not rules or not rules.erase:
                continue
            model = apps.get_model(label)
            changed[label] = _manager(model).filter(pk__in=list(by_pk)).update(**rules.erase)
    return changed
