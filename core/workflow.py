"""One way to move a record through its workflow.

A model with a workflow writes its moves down once, as data, next to its states:

    class DevelopmentRequest(models.Model):
        class State(models.TextChoices): ...

        workflow = Workflow(
            Move(NEW, State.SUBMITTED, perm="development.submit_request"),
            Move(State.SUBMITTED, State.APPROVED, perm="development.decide_request"),
            Move(State.SUBMITTED, State.CANCELLED, perm="development.change_own_request"),
            Move(State.APPROVED, State.COMPLETED, perm="development.change_own_request", portal=True),
        )

and keeps its history in a concrete `TransitionRecord` whose foreign key to it has
`related_name="transitions"`. Services move it with `transition()`, inside their own
`transaction.atomic()` block, and write the outbox rows for the move in that same block, so
a crash after the commit can never lose the message:

    with transaction.atomic():
        record = transition(request, State.APPROVED, by=user, reason=reason)
        notification_enqueue(recipient=..., idempotency_key=f"development.request_decided:{record.pk}", ...)

`perm` names a django-rules permission checked against the person making the move (`by`);
`portal=True` lets the portal itself make it (`by=None`: a job, or a rule such as
first come, first served).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import rules
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from core.rowwise import one_query_per_row

from . import audit

NEW = None  # the state of a record that does not exist yet


@dataclass(frozen=True)
class Move:
    source: str | None
    target: str
    perm: str | None = None  # the django-rules permission the person moving it must hold
    portal: bool = False  # whether the portal itself (by=None) may make this move
    refusal: str = ""  # what a person without `perm` is told


class Workflow:
    """The allowed moves of one model, and the field that holds its state."""

    def __init__(self, *moves: Move, field: str = "state"):
        self.field = field
        self.moves: dict[tuple[str | None, str], Move] = {}
        for move in moves:
            key = (move.source, move.target)
            if key in self.moves:
                raise ValueError(f"The move {key} is written twice.")
            self.moves[key] = move

    def move(self, source: str | None, target: str) -> Move | None:
        return self.moves.get((source, target))

    def allows(self, source: str | None, target: str) -> bool:
        return (source, target) in self.moves

    def targets(self, source: str | None) -> set[str]:
        return {target for (from_state, target) in self.moves if from_state == source}

    def sources(self) -> set[str | None]:
        return {source for (source, _target) in self.moves}

    def may(self, user: Any, obj: models.Model, target: str) -> bool:
        """Whether `user` may move `obj` from its current state to `target` (no query of its own
        beyond what the permission's predicates make)."""
        move = self.move(self.state_of(obj), target)
        return move is not None and _actor_allowed(move, user, obj)

    def state_of(self, obj: models.Model) -> str | None:
        return getattr(obj, self.field) if obj.pk else NEW


def _actor_allowed(move: Move, by: Any, obj: models.Model) -> bool:
    if by is None:
        return move.portal
    if move.perm is None:
        return False
    return rules.has_perm(move.perm, by, obj)


def _label(model: type[models.Model], field: str, state: str | None) -> str:
    if state is None:
        return "new"
    choices = dict(getattr(model._meta.get_field(field), "choices", None) or [])
    return str(choices.get(state, state))


def transition(
    obj: models.Model,
    to: str,
    *,
    by: Any,
    reason: str = "",
    at: datetime | None = None,
    update_fields: Iterable[str] = (),
    record: dict[str, Any] | None = None,
) -> TransitionRecord:
    """Move `obj` to the state `to`, or raise and change nothing.

    Locks the row and re-reads its state first, so two people deciding at once cannot both
    win; refuses a move the workflow does not list (ValidationError) or one the actor may not
    make (PermissionDenied); saves the state with `update_fields` (other fields the caller
    set on `obj` for this move); records who, when and why. A new `obj` (no pk) is created by
    its first move from `NEW`. `record` gives values for the transition record's own extra
    fields (e.g. the exchange's `event`). Returns the transition record.
    """
    model = type(obj)
    workflow: Workflow = model.workflow  # type: ignore[attr-defined]
    field = workflow.field
    with transaction.atomic():
        if obj.pk:
            with one_query_per_row():  # each move locks its own row, also in a bulk decision
                current = model._base_manager.select_for_update().values_list(field, flat=True).get(pk=obj.pk)
        else:
            current = NEW
        move = workflow.move(current, to)
        if move is None:
            name = str(model._meta.verbose_name)
            a_name = f"{'An' if name[:1].lower() in 'aeiou' else 'A'} {name}"
            raise ValidationError(
                f"{a_name} that is “{_label(model, field, current)}” cannot become “{_label(model, field, to)}”."
            )
        if not _actor_allowed(move, by, obj):
            raise PermissionDenied(move.refusal or "You may not make this change.")
        setattr(obj, field, to)
        if current is NEW:
            obj.save()
        else:
            obj.save(update_fields=[field, *update_fields])
        moved = obj.transitions.create(  # type: ignore[attr-defined]
            from_state=current or "", to_state=to, by=by, at=at or timezone.now(), reason=reason, **(record or {})
        )
        before = "new" if current is NEW else _label(model, field, current)
        audit.record(
            kind="decision",
            action=f"{str(model._meta.verbose_name).capitalize()}: {before} → {_label(model, field, to)}",
            obj=obj,
            actor=by,
            detail=reason,
        )
        return moved


class TransitionRecord(models.Model):
    """One move of a record through its workflow: who, when, from, to and why.

    A concrete subclass adds the foreign key to the record, with `related_name="transitions"`.
    """

    from_state = models.CharField("from", max_length=30, blank=True, help_text="Empty for the first move.")
    to_state = models.CharField("to", max_length=30)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="by",
        help_text="Empty when the portal made the change itself.",
    )
    at = models.DateTimeField("when", default=timezone.now)
    reason = models.TextField("reason", blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.from_state or 'new'} → {self.to_state}"
