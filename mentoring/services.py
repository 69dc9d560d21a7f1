"""Writes for mentoring: every change of a mentor profile, relationship, meeting or feedback.

A relationship moves only through `core.workflow.transition` along `Relationship.workflow`,
which checks the actor's permission (mentoring/rules.py), locks the row and records the move;
outbox rows are written in the same transaction as the move they announce.
"""

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from core.workflow import transition
from notifications.services import Message, notification_enqueue, notifications_enqueue_many
from people.models import Institution, StaffProfile

from . import notifications as kinds
from .models import Feedback, Meeting, MentoringSettings, MentorProfile, MentorPurpose, Purpose, Relationship
from .selectors import CHECK_IN_AFTER, mentoring_institution_ids

State = Relationship.State


class MentorFull(ValidationError):
    """The mentor already has as many active mentees as they offered to take."""


# --- Mentor profiles and settings -------------------------------------------------------------


def mentor_profile_save(
    *, person: StaffProfile, available: bool, capacity: int, bio: str, purposes: Iterable[str]
) -> MentorProfile:
    """Create or update the person's mentor profile and the purposes they offer.

    Lowering `capacity` below the current number of mentees is allowed: nobody is dropped, the
    mentor just takes no one new until a place frees up.
    """
    purposes = set(purposes)
    if not purposes:
        raise ValidationError({"purposes": "Choose at least one purpose you can mentor for."})
    unknown = purposes - set(Purpose.values)
    if unknown:
        raise ValidationError({"purposes": f"Unknown purpose: {', '.join(sorted(unknown))}."})
    if not 1 <= capacity <= 10:
        raise ValidationError({"capacity": "Offer between 1 and 10 places."})
    with transaction.atomic():
        profile, _ = MentorProfile.objects.update_or_create(
            person=person, defaults={"available": available, "capacity": capacity, "bio": bio}
        )
        MentorPurpose.objects.filter(mentor=profile).exclude(purpose__in=purposes).delete()
        have = set(MentorPurpose.objects.filter(mentor=profile).values_list("purpose", flat=True))
        MentorPurpose.objects.bulk_create([MentorPurpose(mentor=profile, purpose=p) for p in purposes - have])
        return profile


def mentoring_settings_save(*, institution: Institution, partner_mentoring: bool) -> MentoringSettings:
    with transaction.atomic():
        settings, _ = MentoringSettings.objects.update_or_create(
            institution=institution, defaults={"partner_mentoring": partner_mentoring}
        )
        return settings


# --- Asking, pairing, answering ---------------------------------------------------------------


def _context(relationship: Relationship) -> dict[str, str]:
    return {
        "mentee": str(relationship.mentee),
        "mentor": str(relationship.mentor),
        "purpose": relationship.get_purpose_display().lower(),
    }


def pairing_refusal(*, mentee: StaffProfile, mentor: MentorProfile, purpose: str) -> str:
    """Why this mentee cannot have this mentor for this purpose now, or "" (two queries at most).

    The checks every way into a relationship shares: asked by the mentee, or paired by a
    programme manager. The mentor's free places are checked again under a lock when they accept.
    """
    person = mentor.person
    if person.pk == mentee.pk:
        return "You cannot be your own mentor."
    if mentee.line_manager_id == person.pk:
        return (
            f"{person} is {mentee}'s line manager. Mentoring is a confidential space outside line management: "
            "choose someone else."
        )
    if person.institution_id not in mentoring_institution_ids(mentee.institution):
        return f"{person} works at {person.institution}, which does not share mentoring with {mentee.institution}."
    if purpose not in {row.purpose for row in mentor.purposes.all()}:
        return f"{person} does not mentor for {Purpose(purpose).label.lower()}."
    open_states = set(
        Relationship.objects.filter(
            mentee=mentee, purpose=purpose, state__in=[State.REQUESTED, State.ACTIVE]
        ).values_list("state", flat=True)
    )
    label = Purpose(purpose).label.lower()
    if State.ACTIVE in open_states:
        return f"{mentee} already has a mentor for {label}; one mentor per purpose at a time."
    if State.REQUESTED in open_states:
        return f"{mentee} already has a request for a {label} mentor waiting for an answer."
    return ""


def relationship_request(
    *, mentee: StaffProfile, mentor: MentorProfile, purpose: str, hopes: str, by: Any, today: date | None = None
) -> Relationship:
    """The mentee asks a mentor for one purpose; the mentor is told.

    Raises ValidationError with the reason when the pairing is not possible (see
    `pairing_refusal`; also a mentor who is not taking mentees or has no free place).
    """
    today = today or timezone.localdate()
    if not hopes.strip():
        raise ValidationError({"hopes": "Say what you hope for, so the mentor can decide."})
    with transaction.atomic():
        mentor = MentorProfile.objects.select_related("person__institution").get(pk=mentor.pk)
        if not mentor.available:
            raise ValidationError(f"{mentor.person} is not taking new mentees at the moment.")
        refusal = pairing_refusal(mentee=mentee, mentor=mentor, purpose=purpose)
        if refusal:
            raise ValidationError(refusal)
        if _active_count(mentor) >= mentor.capacity:
            raise MentorFull(f"{mentor.person} has no free place at the moment; ask another mentor.")
        relationship = Relationship(
            institution_id=mentee.institution_id,
            mentee=mentee,
            mentor=mentor.person,
            purpose=purpose,
            hopes=hopes.strip(),
            requested_on=today,
        )
        try:
            with transaction.atomic():
                transition(relationship, State.REQUESTED, by=by)
        except IntegrityError:  # a second tab asked at the same moment
            raise ValidationError("You already have a request for this purpose waiting for an answer.") from None
        notification_enqueue(
            recipient=mentor.person.user,
            institution=mentor.person.institution,
            kind=kinds.REQUEST_RECEIVED.key,
            idempotency_key=f"mentoring.request_received:{relationship.pk}",
            context={**_context(relationship), "hopes": relationship.hopes},
            link=relationship.get_absolute_url(),
        )
        return relationship


def _active_count(mentor: MentorProfile) -> int:
    return Relationship.objects.filter(mentor_id=mentor.person_id, state=State.ACTIVE).count()


def _lock_mentor_with_room(mentor_person_id: int) -> MentorProfile:
    """Lock the mentor's profile row and check a place is free, so two acceptances at once cannot
    both take the last place (the lock serialises them; the second counts the first)."""
    mentor = MentorProfile.objects.select_for_update().filter(person_id=mentor_person_id).first()
    if mentor is None:
        raise ValidationError("This person has no mentor profile; they need to offer to mentor first.")
    active = _active_count(mentor)
    if active >= mentor.capacity:
        raise MentorFull(
            f"{mentor.person} already mentors {active} people, as many as they offered to take "
            f"({mentor.capacity}). Raise the number on the mentor profile, or decline."
        )
    return mentor


def relationship_accept(*, relationship: Relationship, by: Any, today: date | None = None) -> Relationship:
    """The mentor accepts a waiting request; the mentee is told.

    Raises MentorFull when the mentor has no free place, ValidationError when the mentee already
    has an active mentor for this purpose, PermissionDenied when `by` is not the mentor asked.
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        _lock_mentor_with_room(relationship.mentor_id)
        relationship = Relationship.objects.with_people().get(pk=relationship.pk)
        relationship.started_on = today
        relationship.last_contact_on = today
        try:
            with transaction.atomic():
                transition(relationship, State.ACTIVE, by=by, update_fields=["started_on", "last_contact_on"])
        except IntegrityError:
            raise ValidationError(
                f"{relationship.mentee} already has an active mentor for {relationship.get_purpose_display().lower()}."
            ) from None
        notification_enqueue(
            recipient=relationship.mentee.user,
            kind=kinds.REQUEST_ACCEPTED.key,
            idempotency_key=f"mentoring.request_accepted:{relationship.pk}",
            context=_context(relationship),
            link=relationship.get_absolute_url(),
        )
        return relationship


def relationship_decline(*, relationship: Relationship, by: Any, reason: str) -> Relationship:
    """The mentor declines a waiting request with a reason the mentee sees."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why you decline; the mentee will see it."})
    with transaction.atomic():
        relationship = Relationship.objects.with_people().get(pk=relationship.pk)
        transition(relationship, State.DECLINED, by=by, reason=reason.strip())
        notification_enqueue(
            recipient=relationship.mentee.user,
            kind=kinds.REQUEST_DECLINED.key,
            idempotency_key=f"mentoring.request_declined:{relationship.pk}",
            context={**_context(relationship), "reason": reason.strip()},
            link=reverse("mentoring:find") + f"?purpose={relationship.purpose}",
        )
        return relationship


def relationship_withdraw(*, relationship: Relationship, by: Any) -> Relationship:
    """The mentee withdraws a request the mentor has not answered."""
    with transaction.atomic():
        relationship = Relationship.objects.get(pk=relationship.pk)
        transition(relationship, State.WITHDRAWN, by=by)
        return relationship


def relationship_pair(
    *, mentee: StaffProfile, mentor: MentorProfile, purpose: str, hopes: str, by: Any, today: date | None = None
) -> Relationship:
    """A programme manager pairs a mentee with a mentor directly: the relationship starts active,
    recorded as paired (by whom); both are told. The mentor's free places still count (a mentor
    not taking new mentees can still be paired: the programme manager has asked them)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        mentor = _lock_mentor_with_room(mentor.person_id)
        refusal = pairing_refusal(mentee=mentee, mentor=mentor, purpose=purpose)
        if refusal:
            raise ValidationError(refusal)
        relationship = Relationship(
            institution_id=mentee.institution_id,
            mentee=mentee,
            mentor=mentor.person,
            purpose=purpose,
            hopes=hopes.strip(),
            origin=Relationship.Origin.PAIRED,
            paired_by=by.profile,
            requested_on=today,
            started_on=today,
            last_contact_on=today,
        )
        try:
            with transaction.atomic():
                transition(relationship, State.ACTIVE, by=by, reason="Paired by a programme manager.")
        except IntegrityError:
            raise ValidationError(f"{mentee} already has a mentor for this purpose.") from None
        for person in (relationship.mentee, relationship.mentor):
            notification_enqueue(
                recipient=person.user,
                kind=kinds.PAIRED.key,
                idempotency_key=f"mentoring.paired:{relationship.pk}:{person.pk}",
                context={**_context(relationship), "paired_by": str(by)},
                link=relationship.get_absolute_url(),
            )
        return relationship


# --- Meetings, ending, feedback ---------------------------------------------------------------


def meeting_log(
    *, relationship: Relationship, met_on: date, notes: str, by: StaffProfile, today: date | None = None
) -> Meeting:
    """Log a meeting of an active mentoring; the check-in reminder then counts from the latest."""
    today = today or timezone.localdate()
    if met_on > today:
        raise ValidationError({"met_on": "Log a meeting once it has happened: this date is in the future."})
    with transaction.atomic():
        relationship = Relationship.objects.select_for_update().get(pk=relationship.pk)
        if relationship.state != State.ACTIVE:
            raise ValidationError("Meetings are logged while the mentoring is active.")
        if relationship.role_of(by) is None:
            raise ValidationError("Only the mentor and the mentee log meetings.")
        if relationship.started_on and met_on < relationship.started_on:
            raise ValidationError(
                {"met_on": f"The mentoring started on {relationship.started_on:%-d %b %Y}; pick a later date."}
            )
        meeting = Meeting.objects.create(relationship=relationship, met_on=met_on, notes=notes.strip(), logged_by=by)
        if relationship.last_contact_on is None or met_on > relationship.last_contact_on:
            Relationship.objects.filter(pk=relationship.pk).update(last_contact_on=met_on)
        return meeting


def relationship_close(
    *,
    relationship: Relationship,
    outcome: str,
    by: Any,
    rating: int,
    comments: str,
    reason: str = "",
    today: date | None = None,
) -> Relationship:
    """End an active mentoring as completed or ended early, with the closer's own feedback; the
    other side is asked for theirs. Ending early needs a reason."""
    today = today or timezone.localdate()
    if outcome not in Relationship.CLOSED_STATES:
        raise ValidationError({"outcome": "Choose completed or ended early."})
    if outcome == State.ENDED_EARLY and not reason.strip():
        raise ValidationError({"reason": "Say why the mentoring ends early."})
    with transaction.atomic():
        relationship = Relationship.objects.with_people().get(pk=relationship.pk)
        relationship.ended_on = today
        transition(relationship, outcome, by=by, reason=reason.strip(), update_fields=["ended_on"])
        author = by.profile
        _feedback_create(relationship=relationship, author=author, rating=rating, comments=comments)
        other = relationship.mentor if author.pk == relationship.mentee_id else relationship.mentee
        notification_enqueue(
            recipient=other.user,
            kind=kinds.ENDED.key,
            idempotency_key=f"mentoring.ended:{relationship.pk}",
            context={
                **_context(relationship),
                "other": str(author),
                "closed_by": str(author),
                "outcome": relationship.get_state_display().lower(),
                "reason": reason.strip(),
            },
            link=relationship.get_absolute_url(),
        )
        return relationship


def _feedback_create(*, relationship: Relationship, author: StaffProfile, rating: int, comments: str) -> Feedback:
    role = relationship.role_of(author)
    if role is None:
        raise ValidationError("Only the mentor and the mentee give feedback.")
    if not 1 <= rating <= 5:
        raise ValidationError({"rating": "Choose a rating from 1 to 5."})
    if not comments.strip():
        raise ValidationError({"comments": "Say a few words about how the mentoring went."})
    if Feedback.objects.filter(relationship=relationship, role=role).exists():
        raise ValidationError("You have already given your feedback.")
    return Feedback.objects.create(
        relationship=relationship, author=author, role=role, rating=rating, comments=comments.strip()
    )


def feedback_give(*, relationship: Relationship, author: StaffProfile, rating: int, comments: str) -> Feedback:
    """The other side's feedback once the mentoring has ended (once each)."""
    with transaction.atomic():
        relationship = Relationship.objects.select_for_update().get(pk=relationship.pk)
        if relationship.state not in Relationship.CLOSED_STATES:
            raise ValidationError("Feedback opens once the mentoring has ended.")
        return _feedback_create(relationship=relationship, author=author, rating=rating, comments=comments)


# --- Reminders --------------------------------------------------------------------------------


def remind_waiting_requests(*, relationships: Iterable[Relationship]) -> int:
    """Remind each mentor once of a request waiting for their answer; returns how many were
    queued (none on a repeat: the outbox key)."""
    # In bulk, as every daily sweep: one task per relationship took 73 s at national size, and a
    # run that sent nothing longer still.
    created = notifications_enqueue_many(
        kind=kinds.REQUEST_WAITING.key,
        messages=(
            Message(
                recipient=relationship.mentor.user,
                institution=relationship.mentor.institution,
                idempotency_key=f"mentoring.request_waiting:{relationship.pk}",
                context={**_context(relationship), "requested_on": f"{relationship.requested_on:%-d %B %Y}"},
                link=relationship.get_absolute_url(),
            )
            for relationship in relationships
        ),
    )
    return len(created)


def remind_check_ins(*, relationships: Iterable[Relationship], today: date | None = None) -> int:
    """Suggest a check-in to both sides of each active mentoring with no meeting for 8 weeks.

    Once per person per 8-week gap: the key names the last contact date and how many 8-week
    periods have passed since, so a new meeting or a further 8 weeks makes a new reminder.
    """
    today = today or timezone.localdate()

    def messages() -> Iterator[Message]:
        for relationship in relationships:
            if relationship.last_contact_on is None:
                continue
            periods = (today - relationship.last_contact_on) // CHECK_IN_AFTER
            if periods < 1:
                continue
            for person, other in (
                (relationship.mentor, relationship.mentee),
                (relationship.mentee, relationship.mentor),
            ):
                yield Message(
                    recipient=person.user,
                    institution=person.institution,
                    idempotency_key=f"mentoring.check_in:{relationship.pk}:{person.pk}:"
                    f"{relationship.last_contact_on.isoformat()}:{periods}",
                    context={
                        **_context(relationship),
                        "other": str(other),
                        "last_contact_on": f"{relationship.last_contact_on:%-d %B %Y}",
                    },
                    link=relationship.get_absolute_url(),
                )

    return len(notifications_enqueue_many(kind=kinds.CHECK_IN.key, messages=messages()))
