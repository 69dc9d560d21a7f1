"""Writes to the staff directory: profiles, onboarding, line-manager confirmation, career history.

`staff_record_change` and `staff_record_save` are the only ways a person's grade, job family,
division, line manager or contract changes: each writes the `CareerEvent` (effective date,
cause, who recorded it) in the same transaction, and simple-history's audit row records the
edit itself with its author.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core import audit
from core.workflow import transition
from notifications.services import notification_enqueue

from .ladders import SECTOR_LADDERS
from .models import CareerEvent, Celebration, Division, Grade, Institution, JobFamily, ManagerConfirmation, StaffProfile
from .notifications import (
    CELEBRATION_CONSENT,
    MANAGER_CONFIRMATION_ANSWERED,
    MANAGER_CONFIRMATION_REQUESTED,
    MANAGER_CONFIRMATION_WAITING,
    WELCOME,
)

if TYPE_CHECKING:
    from notifications.models import Notification

# What a career event keeps; a change of any of these is a career event.
TRACKED = ("grade", "job_family", "division", "line_manager", "contract_type")
Cause = CareerEvent.Cause


def profile_update(*, profile: StaffProfile, form: Any) -> StaffProfile:
    """Save the person's own profile form (name, job title, ORCID iD, bio: nothing tracked)."""
    with transaction.atomic():
        if hasattr(form, "save_user"):
            form.save_user()
        profile._history_user = getattr(form, "editor", None) or profile.user  # type: ignore[attr-defined]
        return form.save()


# --- New institutions -------------------------------------------------------------------------


def institution_ladders_copy(*, institution: Institution) -> int:
    """Give an institution with no job families the sector's usual families and grade ladders.

    Returns the number of grades created (0 when the institution already has its own).
    """
    with transaction.atomic():
        if JobFamily.objects.filter(institution=institution).exists():
            return 0
        created = 0
        for family_name, description, ladder in SECTOR_LADDERS:
            family = JobFamily.objects.create(institution=institution, name=family_name, description=description)
            Grade.objects.bulk_create(
                Grade(job_family=family, short_name=short, name=name, level=level, welcome_new_starters=welcome)
                for short, name, level, welcome in ladder
            )
            created += len(ladder)
        return created


# --- Career history ---------------------------------------------------------------------------


def _snapshot(profile: StaffProfile) -> dict[str, Any]:
    return {
        "grade_id": profile.grade_id,
        "job_family_id": profile.job_family_id,
        "division_id": profile.division_id,
        "line_manager_id": profile.line_manager_id,
        "contract_type": profile.contract_type,
    }


def _career_event_write(
    profile: StaffProfile, *, cause: str, effective_date: date, by: Any, note: str = ""
) -> CareerEvent:
    audit.record(
        kind="record",
        action=f"Staff record: {Cause(cause).label.lower()} from {effective_date:%d %b %Y}",
        obj=profile,
        actor=by,
        detail=note,
    )
    return CareerEvent.objects.create(
        person=profile,
        effective_date=effective_date,
        cause=cause,
        note=note,
        recorded_by=by,
        recorded_at=timezone.now(),
        **_snapshot(profile),
    )


def _baseline_if_first(profile: StaffProfile, before: dict[str, Any], day: date) -> None:
    """Before a record's first career event, keep how it stood (so the first change has a "before").

    Dated at the start date when that is earlier, else the day before the change.
    """
    if not any(before.values()) or CareerEvent.objects.filter(person_id=profile.pk).exists():
        return
    start = profile.start_date
    CareerEvent.objects.create(
        person_id=profile.pk,
        effective_date=start if start and start < day else day - timedelta(days=1),
        cause=Cause.IMPORT,
        note="The record as it stood before its first recorded change.",
        recorded_at=timezone.now(),
        **before,
    )


def staff_record_change(
    *,
    profile: StaffProfile,
    by: Any,
    cause: str,
    effective_date: date | None = None,
    note: str = "",
    **changes: Any,
) -> CareerEvent | None:
    """Change tracked fields of a staff record (grade, job family, division, line manager, contract).

    Validates like the model (a grade of another family, a manager elsewhere or a loop is
    refused, nothing saved); writes the career event and the audit row in one transaction.
    Returns the event, or None when nothing tracked changed (and nothing is written).
    `leaving_date` may be passed with `cause=Cause.LEFT`.
    """
    unknown = set(changes) - {*TRACKED, "leaving_date", "start_date"}
    if unknown:
        raise TypeError(f"Not a staff-record field: {', '.join(sorted(unknown))}")
    if cause not in Cause.values:
        raise ValidationError({"cause": "Choose why the record changes."})
    with transaction.atomic():
        locked = StaffProfile._base_manager.select_for_update().get(pk=profile.pk)
        before = _snapshot(locked)
        left_before = locked.leaving_date
        for name, value in changes.items():
            setattr(locked, name, value)
        locked.full_clean(exclude=["user", "institution", "orcid"])
        if _snapshot(locked) == before and locked.leaving_date == left_before:
            return None
        locked._history_user = by  # type: ignore[attr-defined]
        locked._change_reason = Cause(cause).label  # type: ignore[attr-defined]
        locked.save()
        for name in changes:
            setattr(profile, name, getattr(locked, name))
        day = effective_date or (locked.leaving_date if cause == Cause.LEFT else None) or timezone.localdate()
        _baseline_if_first(locked, before, day)
        return _career_event_write(locked, cause=cause, effective_date=day, by=by, note=note)


def staff_record_save(
    *, profile: StaffProfile, form: Any, by: Any, cause: str = "", effective_date: date | None = None
) -> CareerEvent | None:
    """Save HR's staff-record form; a change of a tracked field (or leaving) is a career event.

    The form has checked that a cause is given when a tracked field changed. Returns the event,
    or None when only untracked fields changed.
    """
    tracked_changed = [name for name in (*TRACKED, "leaving_date") if name in form.changed_data]
    with transaction.atomic():
        stored = StaffProfile._base_manager.select_for_update().get(pk=profile.pk)
        before = _snapshot(stored)
        saved = form.save(commit=False)
        saved._history_user = by
        saved._change_reason = Cause(cause).label if cause else "Staff record edited"
        saved.save()
        if not tracked_changed:
            return None
        if not cause:
            raise ValidationError({"cause": "Say why the record changes."})
        if "line_manager" in tracked_changed:
            # HR recorded the manager: a request still waiting for someone's confirmation is moot.
            for waiting in ManagerConfirmation.objects.filter(person=saved).pending():
                transition(waiting, CState.WITHDRAWN, by=None, reason="HR recorded the line manager.")
        day = effective_date or (saved.leaving_date if cause == Cause.LEFT else None) or timezone.localdate()
        _baseline_if_first(saved, before, day)
        return _career_event_write(saved, cause=cause, effective_date=day, by=by)


# --- Onboarding -------------------------------------------------------------------------------


def onboarding_complete(
    *,
    profile: StaffProfile,
    by: Any,
    job_family: JobFamily | None = None,
    grade: Grade | None = None,
    division: Division | None = None,
    manager: StaffProfile | None = None,
) -> StaffProfile:
    """Fill what the person's record lacks, and ask the named line manager to confirm.

    Only missing fields are set (what HR recorded stays); the record counts as complete from
    now on, so sign-in stops asking. The manager is not recorded until they (or HR) confirm.
    """
    changes: dict[str, Any] = {}
    if profile.job_family_id is None and job_family is not None:
        changes["job_family"] = job_family
    if profile.grade_id is None and grade is not None:
        changes["grade"] = grade
        if profile.job_family_id is None and job_family is None:
            changes["job_family"] = grade.job_family
    if profile.division_id is None and division is not None:
        changes["division"] = division
    with transaction.atomic():
        if changes:
            staff_record_change(
                profile=profile,
                by=by,
                cause=Cause.JOINED,
                effective_date=profile.start_date or timezone.localdate(),
                note="Recorded by the person at onboarding.",
                **changes,
            )
        if manager is not None and profile.line_manager_id is None:
            manager_confirmation_request(person=profile, manager=manager, by=by)
        StaffProfile._base_manager.filter(pk=profile.pk, onboarded_at__isnull=True).update(onboarded_at=timezone.now())
        profile.refresh_from_db()
    return profile


# --- Confirming a line manager ----------------------------------------------------------------

CState = ManagerConfirmation.State


def manager_confirmation_request(*, person: StaffProfile, manager: StaffProfile, by: Any) -> ManagerConfirmation:
    """Name `manager` as the person's line manager and ask them to confirm.

    A request still waiting for someone else is withdrawn first (one pending per person).
    Refuses a manager at another institution, the person themself, or someone they manage.
    """
    if manager.institution_id != person.institution_id:
        raise ValidationError({"manager": "Your line manager must work at your institution."})
    if manager.pk == person.pk:
        raise ValidationError({"manager": "Nobody can be their own line manager."})
    if person._manages_indirectly(manager):
        raise ValidationError({"manager": f"{manager} reports to you, directly or indirectly."})
    with transaction.atomic():
        for waiting in ManagerConfirmation.objects.filter(person=person).pending().select_for_update():
            if waiting.manager_id == manager.pk:
                return waiting
            transition(waiting, CState.WITHDRAWN, by=None, reason=f"{manager} was named instead.")
        confirmation = ManagerConfirmation(person=person, manager=manager, requested_at=timezone.now())
        transition(confirmation, CState.PENDING, by=by)
        notification_enqueue(
            recipient=manager.user,
            kind=MANAGER_CONFIRMATION_REQUESTED.key,
            idempotency_key=f"people.manager_confirmation_requested:{confirmation.pk}",
            context={"person": str(person), "grade": person.grade.short_name if person.grade is not None else ""},
            link="/",
        )
    return confirmation


def manager_confirmation_answer(
    *, confirmation: ManagerConfirmation, by: Any, confirm: bool, reason: str = ""
) -> ManagerConfirmation:
    """The named manager (or HR) confirms or declines; a confirmation records the line manager.

    Confirming is a career event (joined, or a move when the person had a manager before);
    the person is told either way. A request already answered is refused by the workflow.
    """
    reason = (reason or "").strip()
    with transaction.atomic():
        confirmation = (
            ManagerConfirmation.objects.select_for_update()
            .select_related("person__user", "manager__user")
            .get(pk=confirmation.pk)
        )
        confirmation.decided_at = timezone.now()
        confirmation.decided_by = by
        confirmation.reason = reason
        target = CState.CONFIRMED if confirm else CState.DECLINED
        transition(confirmation, target, by=by, reason=reason, update_fields=["decided_at", "decided_by", "reason"])
        person = confirmation.person
        if confirm:
            had_manager = CareerEvent.objects.filter(person=person, line_manager__isnull=False).exists()
            staff_record_change(
                profile=person,
                by=by,
                cause=Cause.MOVE if had_manager else Cause.JOINED,
                effective_date=timezone.localdate(confirmation.requested_at),
                note=f"Line manager confirmed by {by}.",
                line_manager=confirmation.manager,
            )
        notification_enqueue(
            recipient=person.user,
            kind=MANAGER_CONFIRMATION_ANSWERED.key,
            idempotency_key=f"people.manager_confirmation_answered:{confirmation.pk}",
            context={
                "manager": str(confirmation.manager),
                "answer": "confirmed" if confirm else "declined",
                "reason": reason,
                "by": str(by),
            },
            link=reverse("people:onboarding"),
        )
    return confirmation


def manager_confirmation_remind(*, confirmation: ManagerConfirmation) -> Notification | None:
    """Remind the named manager once that a confirmation has waited 5 working days."""
    return notification_enqueue(
        recipient=confirmation.manager.user,
        institution=confirmation.person.institution,
        kind=MANAGER_CONFIRMATION_WAITING.key,
        idempotency_key=f"people.manager_confirmation_waiting:{confirmation.pk}",
        context={
            "person": str(confirmation.person),
            "asked": f"{timezone.localtime(confirmation.requested_at):%d %b %Y}",
        },
        link="/",
    )


# --- The welcome (2H) -------------------------------------------------------------------------


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


def propose_celebration(
    *,
    person: StaffProfile,
    kind: str,
    title: str,
    occurred_on: date,
    source: str,
    body: str = "",
    consent: bool = False,
) -> Celebration:
    """Propose celebrating something of `person`'s: the one way every app posts to the feed.

    `source` names the record that caused it ("promotions.Application:42"); proposing the same
    source again returns the first celebration unchanged. With `consent=True` (the app's own
    form already asked the person) it is published at once; otherwise the person is asked, on
    their home page and once by e-mail, and nothing is published until they agree.
    """
    if kind not in Celebration.Kind.values:
        raise ValueError(f"Unknown kind of celebration {kind!r}.")
    with transaction.atomic():
        celebration, created = Celebration.objects.get_or_create(
            source=source,
            defaults={
                "person": person,
                "kind": kind,
                "title": title[:200],
                "body": body,
                "occurred_on": occurred_on,
                "consent": Celebration.Consent.GIVEN if consent else Celebration.Consent.ASKED,
                "consent_changed_at": timezone.now() if consent else None,
            },
        )
        if created and not consent:
            notification_enqueue(
                recipient=person.user,
                kind=CELEBRATION_CONSENT.key,
                idempotency_key=f"people.celebration_consent:{celebration.pk}",
                context={"title": celebration.title},
                link=reverse("people:celebrations_mine"),
            )
    return celebration


def celebration_consent_set(*, celebration: Celebration, by: Any, publish: bool) -> Celebration:
    """The person says yes or no to publishing (or changes their mind). Only the person may."""
    if by.pk != celebration.person.user_id:
        raise ValidationError("Only the person being celebrated can decide whether it is published.")
    celebration.consent = Celebration.Consent.GIVEN if publish else Celebration.Consent.DECLINED
    celebration.consent_changed_at = timezone.now()
    celebration.save(update_fields=["consent", "consent_changed_at"])
    return celebration
