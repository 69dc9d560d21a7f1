"""Development requests: submitting, editing, deciding, cancelling and marking done; delegations.

Every change of a request's state goes through `core.workflow.transition` (the moves and who
may make them are `DevelopmentRequest.workflow` and `development/rules.py`), inside the
service's transaction, with the outbox rows written in that same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core.rowwise import one_query_per_row
from core.text import number
from core.workflow import transition
from notifications.services import notification_enqueue
from people.models import StaffProfile
from people.selectors import manager_problem

from ..models import HALF_DAY, DevelopmentRequest, ManagerDelegate, TrainingRecord
from ..notifications import REQUEST_DECIDED, REQUEST_SUBMITTED
from ..rules import (
    require_cancel_request,
    require_change_request,
    require_complete_request,
    require_decide_request,
    require_end_delegation,
)
from .records import EVIDENCE_TYPES, evidence_check

State = DevelopmentRequest.State
REQUEST_FIELDS = (
    "activity_type",
    "title",
    "delivery",
    "provider",
    "start_date",
    "end_date",
    "days",
    "cost",
    "paid_by",
    "benefit",
)


def request_check(
    *,
    person: StaffProfile,
    start_date: date | None,
    end_date: date | None,
    days: Decimal | None,
    cost: Decimal | None = None,
    exclude_pk: int | None = None,
) -> None:
    """Raise ValidationError (by field) for dates out of order, bad days or an overlap.

    Overlap means sharing a day with another of the person's requests that still holds days
    (not cancelled or declined).
    """
    errors: dict[str, str] = {}
    if cost is not None and cost < 0:
        errors["cost"] = "The cost cannot be negative; enter 0 if it is free."
    if start_date and end_date and end_date < start_date:
        errors["end_date"] = "The last day must be on or after the first day."
    if days is not None:
        if days <= 0:
            errors["days"] = "Ask for at least half a day."
        elif days % HALF_DAY:
            errors["days"] = "Days go in halves: e.g. 0.5, 1 or 2.5."
        elif start_date and end_date and "end_date" not in errors and days > (end_date - start_date).days + 1:
            errors["days"] = f"{days} days do not fit between {start_date:%d %b} and {end_date:%d %b %Y}."
    if start_date and end_date and "end_date" not in errors:
        overlapping = (
            DevelopmentRequest.objects.filter(person=person, start_date__lte=end_date, end_date__gte=start_date)
            .live()
            .exclude(pk=exclude_pk)
            .first()
        )
        if overlapping:
            errors["start_date"] = (
                f"These dates overlap your request “{overlapping.title}” "
                f"({overlapping.start_date:%d %b} to {overlapping.end_date:%d %b %Y})."
            )
    if errors:
        raise ValidationError(errors)


def _lock_person(person: StaffProfile) -> None:
    """Serialise a person's request writes, so two overlapping requests cannot both pass the check."""
    StaffProfile.objects.select_for_update().filter(pk=person.pk).first()


def _notify_manager_of_submission(request: DevelopmentRequest) -> None:
    """Tell the line manager, and whoever stands in for them today, that a request waits."""
    manager = request.person.line_manager
    if manager is None:
        return
    delegations: Any = manager.delegations_given  # a ManagerDelegateQuerySet manager (the stubs cannot tell)
    standing_in = delegations.active_on(timezone.localdate()).select_related("delegate__user")
    deciders = [manager, *(delegation.delegate for delegation in standing_in)]
    for decider in deciders:
        notification_enqueue(
            recipient=decider.user,
            kind=REQUEST_SUBMITTED.key,
            idempotency_key=f"development.request_submitted:{request.pk}:{decider.pk}:{request.submitted_at.isoformat()}",
            context={
                "requester": str(request.person),
                "days": number(request.days),
                "title": request.title,
                "dates": f"{request.start_date:%d %b %Y} to {request.end_date:%d %b %Y}",
            },
            link=request.get_absolute_url(),
        )


def _require_line_manager(person: StaffProfile) -> None:
    """Refuse, saying why, when nobody could decide: no line manager is confirmed for the person."""
    problem = manager_problem(person)
    if problem:
        raise ValidationError(problem)


def request_create(*, person: StaffProfile, by: Any, **fields: Any) -> DevelopmentRequest:
    """Submit a new request for the person; nothing is saved if any check fails.

    Refused when no line manager is confirmed for the person, so a request is never sent to nobody.
    """
    with transaction.atomic():
        _lock_person(person)
        _require_line_manager(person)
        request_check(person=person, start_date=fields["start_date"], end_date=fields["end_date"], days=fields["days"])
        request = DevelopmentRequest(person=person, **fields)
        transition(request, State.SUBMITTED, by=by)
        _notify_manager_of_submission(request)
    return request


def request_update(*, request: DevelopmentRequest, by: Any, **fields: Any) -> DevelopmentRequest:
    """Save the owner's edits; a request sent back for changes is resubmitted."""
    require_change_request(by, request)
    with transaction.atomic():
        _lock_person(request.person)
        request = DevelopmentRequest.objects.select_for_update().get(pk=request.pk)
        if not request.is_editable:
            raise ValidationError(f"A request that is {request.get_state_display().lower()} can no longer be changed.")
        request_check(
            person=request.person,
            start_date=fields["start_date"],
            end_date=fields["end_date"],
            days=fields["days"],
            cost=fields.get("cost"),
            exclude_pk=request.pk,
        )
        for name, value in fields.items():
            setattr(request, name, value)
        if request.state == State.CHANGES_REQUESTED:
            _require_line_manager(request.person)
            request.submitted_at = timezone.now()
            transition(
                request,
                State.SUBMITTED,
                by=by,
                reason="Resubmitted with changes.",
                update_fields=[*fields, "submitted_at"],
            )
            _notify_manager_of_submission(request)
        else:
            request.save()
    return request


def request_decide(*, request: DevelopmentRequest, by: Any, decision: str, reason: str = "") -> DevelopmentRequest:
    """Approve, decline or send back one request; only the line manager or their active delegate may.

    Declining and asking for changes need a reason, which the technician sees.
    """
    if decision not in (State.APPROVED, State.DECLINED, State.CHANGES_REQUESTED):
        raise ValidationError("Choose approve, decline or ask for changes.")
    reason = (reason or "").strip()
    if decision != State.APPROVED and not reason:
        raise ValidationError({"reason": "Say why, so that the technician knows what to do next."})
    with transaction.atomic():
        with one_query_per_row():  # each decision locks its own request, also in a bulk approval
            request = DevelopmentRequest.objects.select_for_update().select_related("person__user").get(pk=request.pk)
        if request.state == State.SUBMITTED:
            # Said with the requester's name; a request no longer waiting is refused by the workflow.
            require_decide_request(by, request)
        request.decided_by = by
        request.decided_at = timezone.now()
        request.decision_reason = reason
        transition(
            request, decision, by=by, reason=reason, update_fields=["decided_by", "decided_at", "decision_reason"]
        )
        notification_enqueue(
            recipient=request.person.user,
            kind=REQUEST_DECIDED.key,
            idempotency_key=f"development.request_decided:{request.pk}:{request.transitions.count()}",
            context={
                "title": request.title,
                "decision": State(decision).label.lower(),
                "reason": reason,
                "decider": str(by),
            },
            link=request.get_absolute_url(),
        )
    return request


def request_approve_many(*, request_ids: Iterable[int], by: Any) -> list[DevelopmentRequest]:
    """Approve several waiting requests at once; all or none (one refusal refuses the batch)."""
    request_ids = list(request_ids)
    with transaction.atomic():
        requests = list(DevelopmentRequest.objects.filter(pk__in=request_ids).order_by("pk"))
        if len(requests) != len(set(request_ids)):
            raise PermissionDenied("Some of these requests do not exist.")
        return [request_decide(request=request, by=by, decision=State.APPROVED) for request in requests]


def request_cancel(*, request: DevelopmentRequest, by: Any, reason: str = "") -> DevelopmentRequest:
    require_cancel_request(by, request)
    with transaction.atomic():
        request = DevelopmentRequest.objects.select_for_update().get(pk=request.pk)
        transition(request, State.CANCELLED, by=by, reason=reason)
    return request


def request_complete(
    *,
    request: DevelopmentRequest,
    by: Any,
    hours: Decimal,
    cpd_category: str,
    reflection: str = "",
    value_rating: int | None = None,
    evidence: Any = None,
) -> TrainingRecord:
    """Mark an approved request done: it becomes a training record using its days."""
    require_complete_request(by, request)
    evidence_type = evidence_check(evidence) if evidence else ""
    with transaction.atomic():
        request = DevelopmentRequest.objects.select_for_update().get(pk=request.pk)
        if request.start_date > timezone.localdate():
            raise ValidationError("You can mark it done once it has started.")
        transition(request, State.COMPLETED, by=by)
        record = TrainingRecord(
            person=request.person,
            request=request,
            source=TrainingRecord.Source.REQUEST,
            title=request.title,
            activity_type=request.activity_type,
            delivery=request.delivery,
            provider=request.provider,
            date=request.start_date,
            days=request.days,
            hours=hours,
            cpd_category=cpd_category,
            reflection=reflection,
            value_rating=value_rating,
            evidence_type=evidence_type,
        )
        record.full_clean(exclude=["evidence"])
        if evidence:  # written last, so a refused record leaves no file behind
            record.evidence.save(f"evidence.{EVIDENCE_TYPES[evidence_type]}", evidence, save=False)
        record.save()
    return record


# --- Delegates -----------------------------------------------------------------------------


def delegate_set(*, manager: StaffProfile, delegate: StaffProfile, starts_on: date, ends_on: date) -> ManagerDelegate:
    if delegate.pk == manager.pk:
        raise ValidationError({"delegate": "Choose someone other than yourself."})
    if delegate.institution_id != manager.institution_id:
        raise ValidationError({"delegate": "The delegate must work at your institution."})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": "The last day must be on or after the first day."})
    with transaction.atomic():
        return ManagerDelegate.objects.create(manager=manager, delegate=delegate, starts_on=starts_on, ends_on=ends_on)


def delegate_end(*, delegation: ManagerDelegate, by: Any) -> None:
    """Remove a delegation; only the manager who set it may."""
    require_end_delegation(by, delegation)
    delegation.delete()
