"""Writes for apprenticeships: every change goes through one function here.

An apprenticeship moves only through `core.workflow.transition` along `Apprenticeship.workflow`
(programme managers make every move), a request along `ApprenticeshipRequest.workflow` (the
member of staff asks, their line manager decides). Outbox rows are written in the same
transaction as the change they announce. Off-the-job hours are written by the development app
(`development.services.log_off_the_job`), so they are part of the person's training record.
"""

from __future__ import annotations

import hashlib
import secrets
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from core import audit
from core.access import allowed
from core.dates import add_months
from core.tenancy import across_institutions
from core.workflow import transition
from development import selectors as development_selectors
from development import services as development
from mentoring import selectors as mentoring_selectors
from mentoring import services as mentoring
from notifications.services import Message, notification_enqueue, notifications_enqueue_many
from people import selectors as people_selectors
from people import services as people_services
from people.models import Celebration, EmailDomain, Institution, StaffProfile, User

from . import notifications as kinds
from . import rules, selectors
from .hours import OffTheJob, off_the_job
from .models import (
    GATEWAY_CHECKS,
    INVITATION_DAYS,
    NEW_OFF_THE_JOB_RULES_FROM,
    Apprenticeship,
    ApprenticeshipRequest,
    BreakInLearning,
    Grade,
    Intake,
    ProgressReview,
    Provider,
    ProviderContact,
    Recommendation,
    Route,
    Standard,
)
from .outcomes import destination_of

State = Apprenticeship.State
RState = ApprenticeshipRequest.State
APPRENTICESHIP_PURPOSE = "apprenticeship"  # mentoring.models.Purpose.APPRENTICESHIP
PROVIDER_TRAINING = "Training by the provider"
# What an apprentice's off-the-job hours were spent on (the training record's title starts with it).
OFF_THE_JOB_ACTIVITIES = (
    PROVIDER_TRAINING,
    "Practical training at work",
    "Shadowing and mentoring",
    "Online learning",
    "Assignments and portfolio",
    "Industry visits and events",
)


def _today(today: date | None) -> date:
    return today or timezone.localdate()


# --- Reference data ---------------------------------------------------------------------------


def standard_save(*, institution: Institution, by: Any, instance: Standard | None = None, **fields: Any) -> Standard:
    """Create or change a standard of the institution's reference data."""
    rules.require_run(by)
    with transaction.atomic():
        standard = instance or Standard(institution=institution)
        for name, value in fields.items():
            setattr(standard, name, value)
        standard.full_clean()
        standard.save()
        return standard


def provider_save(*, institution: Institution, by: Any, instance: Provider | None = None, **fields: Any) -> Provider:
    rules.require_run(by)
    with transaction.atomic():
        provider = instance or Provider(institution=institution)
        for name, value in fields.items():
            setattr(provider, name, value)
        provider.full_clean()
        provider.save()
        return provider


def recommendation_add(
    *,
    provider: Provider,
    by: StaffProfile,
    course: str,
    rating: int,
    comment: str,
    standard: Standard | None = None,
    shared_with_sector: bool = False,
) -> Recommendation:
    """Any member of staff recommends a provider and course to colleagues (1C collects these),
    and may share it, without their name, with technicians at other institutions."""
    if not comment.strip():
        raise ValidationError({"comment": "Say what was good or not, for a colleague who is choosing."})
    with transaction.atomic():
        recommendation = Recommendation(
            provider=provider,
            standard=standard,
            course=course.strip(),
            rating=rating,
            comment=comment.strip(),
            by=by,
            shared_with_sector=shared_with_sector,
        )
        recommendation.full_clean()
        recommendation.save()
        return recommendation


def intake_save(*, institution: Institution, by: Any, instance: Intake | None = None, **fields: Any) -> Intake:
    """Create or change an intake; its places cannot drop below the apprentices already in it."""
    rules.require_run(by)
    with transaction.atomic():
        intake = instance or Intake(institution=institution)
        for name, value in fields.items():
            setattr(intake, name, value)
        intake.full_clean()
        if intake.pk:
            enrolled = Apprenticeship.objects.filter(intake=intake).count()
            if intake.places < enrolled:
                raise ValidationError({"places": f"{enrolled} apprentices are already in this intake."})
        intake.save()
        return intake


# --- Enrolment --------------------------------------------------------------------------------


def _check_dates(*, start_date: date, planned_end_date: date, standard: Standard) -> None:
    if planned_end_date <= start_date:
        raise ValidationError({"planned_end_date": "The planned end must be after the start."})
    if start_date >= NEW_OFF_THE_JOB_RULES_FROM and not standard.minimum_off_the_job_hours:
        raise ValidationError(
            {
                "standard": f"{standard} has no published minimum off-the-job hours, which starts from "
                "1 August 2025 need: add it to the standard first."
            }
        )


def apprenticeship_enrol(
    *,
    by: Any,
    apprentice: StaffProfile,
    route: str,
    standard: Standard,
    provider: Provider,
    start_date: date,
    planned_end_date: date,
    levy_funded: bool = True,
    intake: Intake | None = None,
    line_manager: StaffProfile | None = None,
    contracted_hours: Decimal = Decimal("37.5"),
    prior_learning_hours: int = 0,
    portfolio_link: str = "",
    request: ApprenticeshipRequest | None = None,
) -> Apprenticeship:
    """A programme manager enrols a new recruit or an existing member of staff.

    The intake's places are counted under a lock on the intake, so two enrolments at once cannot
    both take its last place. The first review falls due `review_every_months` after the start.
    The apprentice and their line manager are told.
    """
    if apprentice.institution_id != getattr(by.profile, "institution_id", None):
        raise ValidationError({"apprentice": "Choose someone at your own institution."})
    if route not in Route.values:
        raise ValidationError({"route": "Choose a new recruit or an existing member of staff."})
    _check_dates(start_date=start_date, planned_end_date=planned_end_date, standard=standard)
    with transaction.atomic():
        if intake is not None:
            intake = Intake.objects.select_for_update().get(pk=intake.pk)
            if Apprenticeship.objects.filter(intake=intake).count() >= intake.places:
                raise ValidationError({"intake": f"{intake} has no free place ({intake.places} in all)."})
        if Apprenticeship.objects.filter(apprentice=apprentice).open().exists():
            raise ValidationError({"apprentice": f"{apprentice} is already on an apprenticeship."})
        apprenticeship = Apprenticeship(
            institution_id=apprentice.institution_id,
            apprentice=apprentice,
            route=route,
            standard=standard,
            provider=provider,
            intake=intake,
            line_manager=line_manager or apprentice.line_manager,
            start_date=start_date,
            planned_end_date=planned_end_date,
            levy_funded=levy_funded,
            contracted_hours=contracted_hours,
            prior_learning_hours=prior_learning_hours,
            portfolio_link=portfolio_link,
            request=request,
        )
        apprenticeship.next_review_due = add_months(start_date, apprenticeship.review_every_months)
        apprenticeship.full_clean(exclude=["request"])
        try:
            with transaction.atomic():
                transition(apprenticeship, State.ACTIVE, by=by, reason=Route(route).label)
        except IntegrityError:
            raise ValidationError({"apprentice": f"{apprentice} is already on an apprenticeship."}) from None
        for person in {apprentice, apprenticeship.line_manager} - {None}:
            assert person is not None
            notification_enqueue(
                recipient=person.user,
                kind=kinds.ENROLLED.key,
                idempotency_key=f"apprenticeships.enrolled:{apprenticeship.pk}:{person.pk}",
                context=_context(apprenticeship),
                link=apprenticeship.get_absolute_url(),
            )
        return apprenticeship


def _context(apprenticeship: Apprenticeship) -> dict[str, str]:
    return {
        "apprentice": str(apprenticeship.apprentice),
        "standard": f"{apprenticeship.standard.title} (level {apprenticeship.standard.level})",
        "provider": str(apprenticeship.provider),
    }


EDITABLE = (
    "line_manager",
    "planned_end_date",
    "levy_funded",
    "contracted_hours",
    "prior_learning_hours",
    "behind_margin_hours",
    "review_every_months",
    "review_interval_reason",
    "portfolio_link",
)


def apprenticeship_update(*, apprenticeship: Apprenticeship, by: Any, **fields: Any) -> Apprenticeship:
    """Change an apprenticeship's plan. Reviews more often than every 3 months need a reason; a new
    interval counts from the last review (or the start)."""
    rules.require_run(by, apprenticeship)
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"Not editable here: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        apprenticeship = Apprenticeship.objects.select_for_update().get(pk=apprenticeship.pk)
        for name, value in fields.items():
            setattr(apprenticeship, name, value)
        if apprenticeship.review_every_months < 3 and not apprenticeship.review_interval_reason.strip():
            raise ValidationError({"review_interval_reason": "Say why reviews are due more often than every 3 months."})
        if apprenticeship.review_every_months == 3:
            apprenticeship.review_interval_reason = ""
        last = ProgressReview.objects.filter(apprenticeship=apprenticeship).order_by("-held_on").first()
        counted_from = last.held_on if last else apprenticeship.start_date
        apprenticeship.next_review_due = add_months(counted_from, apprenticeship.review_every_months)
        apprenticeship.full_clean(exclude=["request"])
        apprenticeship.save()
        return apprenticeship


def workplace_mentor_assign(*, apprenticeship: Apprenticeship, mentor_person_id: int, by: Any) -> Apprenticeship:
    """Pair the apprentice with a workplace mentor through the mentoring app (an apprenticeship
    mentoring relationship, paired by the programme manager) and record who it is."""
    rules.require_run(by, apprenticeship)
    with transaction.atomic():
        with mentoring_selectors.mentoring_scope(apprenticeship.apprentice):
            mentor = (
                mentoring_selectors.mentors_to_pair([apprenticeship.institution_id])
                .filter(person_id=mentor_person_id)
                .first()
            )
            if mentor is None:
                raise ValidationError({"mentor": "Choose a mentor who offers to mentor apprentices."})
            mentoring.relationship_pair(
                mentee=apprenticeship.apprentice,
                mentor=mentor,
                purpose=APPRENTICESHIP_PURPOSE,
                hopes=f"Workplace mentoring through the {apprenticeship.standard.title} apprenticeship.",
                by=by,
            )
        Apprenticeship.objects.filter(pk=apprenticeship.pk).update(workplace_mentor_id=mentor_person_id)
        apprenticeship.workplace_mentor = mentor.person
        return apprenticeship


def request_enrol(
    *,
    request: ApprenticeshipRequest,
    by: Any,
    provider: Provider,
    start_date: date,
    planned_end_date: date,
    **extra: Any,
) -> Apprenticeship:
    """Enrol an approved request: a levy-funded apprenticeship of an existing member of staff."""
    with transaction.atomic():
        request = ApprenticeshipRequest.objects.select_related("person__user", "standard").get(pk=request.pk)
        if request.state != RState.APPROVED:
            raise ValidationError("Only a request the line manager approved can be enrolled.")
        apprenticeship = apprenticeship_enrol(
            by=by,
            apprentice=request.person,
            route=Route.EXISTING_STAFF,
            standard=request.standard,
            provider=provider,
            start_date=start_date,
            planned_end_date=planned_end_date,
            levy_funded=True,
            request=request,
            **extra,
        )
        transition(request, RState.ENROLLED, by=by)
        return apprenticeship


# --- Breaks, withdrawal -----------------------------------------------------------------------


def break_start(
    *, apprenticeship: Apprenticeship, by: Any, starts_on: date, reason: str, today: date | None = None
) -> BreakInLearning:
    """Start a break in learning: hours stop falling due and reviews pause until it ends."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the apprentice takes a break."})
    if starts_on > _today(today):
        raise ValidationError({"starts_on": "Record a break once it has started: this date is in the future."})
    if starts_on < apprenticeship.start_date:
        raise ValidationError({"starts_on": "A break cannot start before the apprenticeship."})
    with transaction.atomic():
        transition(apprenticeship, State.ON_BREAK, by=by, reason=reason.strip())
        return BreakInLearning.objects.create(apprenticeship=apprenticeship, starts_on=starts_on, reason=reason.strip())


def break_end(*, apprenticeship: Apprenticeship, by: Any, ends_on: date, today: date | None = None) -> BreakInLearning:
    """End the current break on its last day; the next review moves on by the break's length."""
    today = _today(today)
    with transaction.atomic():
        current = (
            BreakInLearning.objects.select_for_update()
            .filter(apprenticeship=apprenticeship, ends_on__isnull=True)
            .order_by("-starts_on")
            .first()
        )
        if current is None:
            raise ValidationError("The apprentice is not on a break.")
        if ends_on < current.starts_on:
            raise ValidationError({"ends_on": f"The break started on {current.starts_on:%-d %b %Y}; pick a later day."})
        if ends_on > today:
            raise ValidationError(
                {"ends_on": "Record the end of a break once it has ended: this date is in the future."}
            )
        current.ends_on = ends_on
        current.save(update_fields=["ends_on"])
        if apprenticeship.next_review_due is not None:
            apprenticeship.next_review_due += ends_on - current.starts_on
        transition(
            apprenticeship,
            State.ACTIVE,
            by=by,
            reason="Back from a break in learning.",
            update_fields=["next_review_due"],
        )
        return current


def apprenticeship_withdraw(
    *, apprenticeship: Apprenticeship, by: Any, on: date, reason: str, today: date | None = None
) -> Apprenticeship:
    if not reason.strip():
        raise ValidationError({"reason": "Say why the apprentice withdraws."})
    if on > _today(today):
        raise ValidationError({"on": "Record a withdrawal once it has happened: this date is in the future."})
    if on < apprenticeship.start_date:
        raise ValidationError({"on": "A withdrawal cannot come before the start."})
    with transaction.atomic():
        apprenticeship.ended_on = on
        apprenticeship.end_reason = reason.strip()
        transition(
            apprenticeship, State.WITHDRAWN, by=by, reason=reason.strip(), update_fields=["ended_on", "end_reason"]
        )
        BreakInLearning.objects.filter(apprenticeship=apprenticeship, ends_on__isnull=True).update(ends_on=on)
        return apprenticeship


# --- Off-the-job hours ------------------------------------------------------------------------


def hours_log(
    *,
    apprenticeship: Apprenticeship,
    by: Any,
    on: date,
    hours: Decimal,
    activity: str,
    description: str = "",
    today: date | None = None,
) -> Any:
    """The apprentice (or a programme manager) logs off-the-job training: a training record in the
    development app, flagged off-the-job. Refuses a day before the start or inside a break in
    learning; development refuses a future date and hours that are not above zero."""
    rules.require_log_hours(by, apprenticeship)
    if on < apprenticeship.start_date:
        raise ValidationError(
            {"on": f"The apprenticeship started on {apprenticeship.start_date:%-d %b %Y}; pick a later day."}
        )
    for pause in selectors.breaks_of(apprenticeship):
        if pause.starts_on <= on and (pause.ends_on is None or on <= pause.ends_on):
            raise ValidationError({"on": "That day falls in a break in learning, when no off-the-job training is due."})
    title = f"Off-the-job: {activity}" + (f": {description.strip()}" if description.strip() else "")
    return development.log_off_the_job(
        person=apprenticeship.apprentice,
        on=on,
        hours=hours,
        title=title,
        delivery="external" if activity == PROVIDER_TRAINING else "internal",
        today=today,
    )


# --- Progress reviews -------------------------------------------------------------------------


def review_record(
    *, apprenticeship: Apprenticeship, by: Any, held_on: date, notes: str, actions: str = "", today: date | None = None
) -> ProgressReview:
    """Record a progress review; the next falls due `review_every_months` after it."""
    rules.require_record_review(by, apprenticeship)
    today = _today(today)
    if held_on > today:
        raise ValidationError({"held_on": "Record a review once it has taken place: this date is in the future."})
    if held_on < apprenticeship.start_date:
        raise ValidationError({"held_on": "A review cannot come before the start of the apprenticeship."})
    if not notes.strip():
        raise ValidationError({"notes": "Write down the progress discussed."})
    with transaction.atomic():
        locked = Apprenticeship.objects.select_for_update().get(pk=apprenticeship.pk)
        review = ProgressReview.objects.create(
            apprenticeship=locked, held_on=held_on, notes=notes.strip(), actions=actions.strip(), recorded_by=by.profile
        )
        latest = (
            ProgressReview.objects.filter(apprenticeship=locked)
            .order_by("-held_on")
            .values_list("held_on", flat=True)[0]
        )
        locked.next_review_due = add_months(latest, locked.review_every_months)
        locked.save(update_fields=["next_review_due"])
        apprenticeship.next_review_due = locked.next_review_due
        return review


PARTIES = ("apprentice", "manager", "provider")
ON_BEHALF_REASON = (
    "The provider signs in the portal: say why you record their sign-off for them (e.g. signed on paper)."
)


def review_sign(
    *, review: ProgressReview, by: Any, party: str, provider_signatory: str = "", reason: str = ""
) -> ProgressReview:
    """One party signs a review: the apprentice or the line manager. The provider signs in the portal
    (`review_sign_as_provider`) when someone acts for it there; otherwise a programme manager records
    its sign-off with the signatory's name, and when someone does act for it, only with a reason
    (e.g. signed on paper), kept with the review. Refuses anyone who is not that party, and a
    second signature of the same party."""
    apprenticeship = review.apprenticeship
    profile = getattr(by, "profile", None)
    if party not in PARTIES:
        raise ValidationError("Choose who signs: the apprentice, the line manager or the provider.")
    if party == "apprentice" and (profile is None or profile.pk != apprenticeship.apprentice_id):
        raise PermissionDenied("Only the apprentice signs as the apprentice.")
    if party == "manager" and (
        profile is None or profile.pk not in (apprenticeship.line_manager_id, apprenticeship.apprentice.line_manager_id)
    ):
        raise PermissionDenied("Only the apprentice's line manager signs as the manager.")
    if party == "provider":
        if not allowed(by, "apprenticeships.run", apprenticeship):
            raise PermissionDenied("The programme manager records the provider's sign-off.")
        if not provider_signatory.strip():
            raise ValidationError({"provider_signatory": "Name who signed for the provider."})
        if not reason.strip() and selectors.provider_signs_in_portal(apprenticeship.provider):
            raise ValidationError({"reason": ON_BEHALF_REASON})
    with transaction.atomic():
        review = ProgressReview.objects.select_for_update().get(pk=review.pk)
        now = timezone.now()
        if party == "apprentice":
            if review.apprentice_signed_at:
                raise ValidationError("The apprentice has already signed this review.")
            review.apprentice_signed_at = now
        elif party == "manager":
            if review.manager_signed_at:
                raise ValidationError("The line manager has already signed this review.")
            review.manager_signed_at, review.manager_signed_by = now, profile
        else:
            if review.provider_signed_at:
                raise ValidationError("The provider's sign-off is already recorded.")
            review.provider_signed_at = now
            review.provider_signed_by = provider_signatory.strip()
            review.provider_recorded_by = profile
            review.provider_on_behalf_reason = reason.strip()
            audit.record(
                kind="decision",
                action=f"Provider's sign-off recorded for {provider_signatory.strip()}",
                obj=review,
                actor=by,
                detail=reason.strip(),
            )
        review.save()
        return review


def review_sign_as_provider(*, review: ProgressReview, contact: ProviderContact, notes: str = "") -> ProgressReview:
    """Someone who acts for the provider signs a review of one of its apprentices, with their notes;
    the signature names them and the time. Refuses a contact who no longer acts for the provider,
    a review of another provider's apprentice and a review already signed for the provider."""
    if not contact.is_active:
        raise PermissionDenied("You no longer act for this provider.")
    with transaction.atomic():
        review = (
            ProgressReview.objects.select_for_update(of=("self",)).select_related("apprenticeship").get(pk=review.pk)
        )
        if review.apprenticeship.provider_id != contact.provider_id:
            raise PermissionDenied("This apprentice trains with another provider.")
        if review.provider_signed_at:
            raise ValidationError("The provider's sign-off is already recorded.")
        review.provider_signed_at = timezone.now()
        review.provider_signed_by = contact.name
        review.provider_contact = contact
        review.provider_notes = notes.strip()
        review.save(update_fields=["provider_signed_at", "provider_signed_by", "provider_contact", "provider_notes"])
        return review


# --- People who act for a provider -----------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _send_invitation(contact: ProviderContact, by: Any) -> str:
    """A fresh link for the contact (the previous one stops working), through the outbox."""
    token = secrets.token_urlsafe(32)
    contact.token_hash = _token_hash(token)
    contact.invited_at = timezone.now()
    contact.invitations_sent += 1
    contact.save(update_fields=["token_hash", "invited_at", "invitations_sent"])
    provider = contact.provider
    link = reverse("apprenticeships:provider_invitation", args=[token])
    notification_enqueue(
        recipient=contact.user,
        institution=provider.institution,
        kind=kinds.PROVIDER_INVITED.key,
        idempotency_key=f"{kinds.PROVIDER_INVITED.key}:{contact.pk}:{contact.invitations_sent}",
        context={
            "name": contact.name,
            "email": contact.email,
            "provider": provider.name,
            "invited_by": str(by.profile),
            "days": str(INVITATION_DAYS),
        },
        link=link,
    )
    contact.invitation_link = link  # type: ignore[attr-defined]  # for the caller's message (and the demo)
    return token


def provider_contact_invite(*, provider: Provider, by: Any, name: str, email: str) -> ProviderContact:
    """A programme manager invites a named person to act for the provider at the institution.

    Their account is made now, inactive and with no password, so the invitation can go through the
    outbox and nobody else can sign up with the address; the link in it lets that address alone
    set a password, whatever its domain (providers are outside the institution's e-mail domains).
    An address that already has an account here (staff, or someone acting for another provider or
    institution) is refused: one account acts for one provider at one institution.
    """
    rules.require_run(by, provider)
    name, email = name.strip(), email.strip().lower()
    if not name:
        raise ValidationError({"name": "Give the person's name."})
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": "Enter an e-mail address like name@provider.ac.uk."}) from None
    staff_domain = EmailDomain.institution_for_email(email)
    if staff_domain is not None:
        raise ValidationError(
            {
                "email": f"This is an address of {staff_domain.name}, whose staff sign in as staff: give the "
                "person's address at the provider."
            }
        )
    with transaction.atomic():
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(
                {
                    "email": "This address already has a TechCareers account, so it cannot act for the provider: "
                    "ask the person for another work address."
                }
            )
        first, _, last = name.partition(" ")
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email=email, password=None, first_name=first[:150], last_name=last[:150], is_active=False
                )
        except IntegrityError:
            raise ValidationError({"email": "This address already has a TechCareers account."}) from None
        contact = ProviderContact.objects.create(
            provider=provider, name=name, email=email, user=user, invited_by=by.profile, invited_at=timezone.now()
        )
        _send_invitation(contact, by)
        audit.record(kind="roles", action=f"Invited {name} <{email}> to act for {provider}", obj=contact, actor=by)
        return contact


def provider_contact_resend(*, contact: ProviderContact, by: Any) -> ProviderContact:
    """Send a new invitation link to someone who has not signed up yet (the old link stops working)."""
    rules.require_run(by, contact.provider)
    with transaction.atomic():
        contact = (
            ProviderContact.objects.select_for_update(of=("self",))
            .select_related("provider__institution", "user")
            .get(pk=contact.pk)
        )
        if contact.accepted_at or contact.deactivated_at:
            raise ValidationError("Only an invitation not yet taken up can be sent again.")
        _send_invitation(contact, by)
        return contact


def provider_contact_deactivate(*, contact: ProviderContact, by: Any) -> ProviderContact:
    """The person no longer acts for the provider: their account is deactivated, which ends their
    sessions at once (the sign-in backends load no inactive account) and any invitation link."""
    rules.require_run(by, contact.provider)
    with transaction.atomic():
        contact = ProviderContact.objects.select_for_update(of=("self",)).select_related("provider").get(pk=contact.pk)
        if contact.deactivated_at:
            raise ValidationError(f"{contact.name} is already deactivated.")
        contact.deactivated_at = timezone.now()
        contact.deactivated_by = by.profile
        contact.token_hash = ""
        contact.save(update_fields=["deactivated_at", "deactivated_by", "token_hash"])
        if contact.user_id:
            User.objects.filter(pk=contact.user_id).update(is_active=False)
        audit.record(kind="roles", action=f"Deactivated {contact.name} for {contact.provider}", obj=contact, actor=by)
        return contact


def provider_invitation_find(token: str) -> ProviderContact | None:
    """The contact a still-good invitation link names: not taken up, not withdrawn, not expired.

    Read across institutions on purpose: the person following the link is not signed in, and the
    token (of which only the hash is kept) is what names the institution."""
    if not token or len(token) > 100:
        return None
    with across_institutions():
        contact = (
            ProviderContact.objects.select_related("provider__institution", "user")
            .filter(
                token_hash=_token_hash(token),
                accepted_at__isnull=True,
                deactivated_at__isnull=True,
                invited_at__gte=timezone.now() - timedelta(days=INVITATION_DAYS),
            )
            .first()
        )
    return contact


def provider_invitation_accept(*, token: str, first_name: str, last_name: str, password: str) -> User:
    """The invited person sets their name and password: the account becomes active (the link proved
    the address, so it counts as verified) and the provider signs in the portal from now on."""
    found = provider_invitation_find(token)
    if found is None:
        raise ValidationError(
            "This invitation link has expired or was withdrawn: ask the programme manager for a new one."
        )
    user = found.user
    assert user is not None
    user.first_name, user.last_name = first_name.strip()[:150], last_name.strip()[:150]
    validate_password(password, user)
    with transaction.atomic(), across_institutions():
        contact = ProviderContact.objects.select_for_update(of=("self",)).get(pk=found.pk)
        if contact.accepted_at or contact.deactivated_at or contact.token_hash != _token_hash(token):
            raise ValidationError("This invitation link has already been used.")
        user.set_password(password)
        user.is_active = True
        user.save(update_fields=["first_name", "last_name", "password", "is_active"])
        EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
        contact.accepted_at = timezone.now()
        contact.token_hash = ""
        contact.save(update_fields=["accepted_at", "token_hash"])
        audit.record(
            kind="roles",
            action=f"{contact.name} signed up to act for {found.provider}",
            obj=contact,
            actor=user,
            institution_id=found.provider.institution_id,
        )
    return user


# --- Gateway, assessment, destination ---------------------------------------------------------


def gateway_save(
    *,
    apprenticeship: Apprenticeship,
    by: Any,
    checks: dict[str, bool],
    gateway_on: date | None,
    today: date | None = None,
) -> Apprenticeship:
    """Save the readiness checklist; with a gateway date and every box ticked, the apprentice goes
    through the gateway."""
    rules.require_run(by, apprenticeship)
    today = _today(today)
    with transaction.atomic():
        apprenticeship = Apprenticeship.objects.select_for_update().get(pk=apprenticeship.pk)
        for name, _label in GATEWAY_CHECKS:
            setattr(apprenticeship, name, bool(checks.get(name)))
        fields = [name for name, _ in GATEWAY_CHECKS]
        if gateway_on is None:
            apprenticeship.save(update_fields=fields)
            return apprenticeship
        if not apprenticeship.gateway_ready:
            raise ValidationError({"gateway_on": "Tick every item of the checklist before the gateway."})
        if gateway_on > today:
            raise ValidationError(
                {"gateway_on": "Record the gateway once it has happened: this date is in the future."}
            )
        if gateway_on < apprenticeship.start_date:
            raise ValidationError({"gateway_on": "The gateway cannot come before the start."})
        apprenticeship.gateway_on = gateway_on
        transition(apprenticeship, State.GATEWAY, by=by, update_fields=[*fields, "gateway_on"])
        return apprenticeship


def assessment_record(
    *, apprenticeship: Apprenticeship, by: Any, assessment_on: date, grade: str, today: date | None = None
) -> Apprenticeship:
    """Record the end-point assessment: a pass, merit or distinction completes the apprenticeship
    (and proposes celebrating it, with the apprentice's consent); a fail means it did not complete."""
    today = _today(today)
    if grade not in Grade.values:
        raise ValidationError({"grade": "Choose the grade awarded."})
    if assessment_on > today:
        raise ValidationError(
            {"assessment_on": "Record the assessment once it has happened: this date is in the future."}
        )
    with transaction.atomic():
        apprenticeship = Apprenticeship.objects.with_people().select_for_update(of=("self",)).get(pk=apprenticeship.pk)
        if apprenticeship.state != State.GATEWAY:
            raise ValidationError("The end-point assessment comes after the gateway.")
        if apprenticeship.gateway_on and assessment_on < apprenticeship.gateway_on:
            raise ValidationError(
                {
                    "assessment_on": f"The gateway was on {apprenticeship.gateway_on:%-d %b %Y}: "
                    "the assessment comes after it."
                }
            )
        apprenticeship.assessment_on = assessment_on
        apprenticeship.grade = grade
        apprenticeship.ended_on = assessment_on
        target = State.NOT_COMPLETED if grade == Grade.FAIL else State.COMPLETED
        if target == State.NOT_COMPLETED:
            apprenticeship.end_reason = "Did not pass the end-point assessment."
        transition(
            apprenticeship,
            target,
            by=by,
            reason=f"End-point assessment: {Grade(grade).label.lower()}.",
            update_fields=["assessment_on", "grade", "ended_on", "end_reason"],
        )
        if target == State.COMPLETED:
            _celebrate(apprenticeship)
        return apprenticeship


def _celebrate(apprenticeship: Apprenticeship) -> None:
    """Propose the completion for the home page's celebrations; published only with the person's consent."""
    people_services.propose_celebration(
        person=apprenticeship.apprentice,
        kind=Celebration.Kind.APPRENTICESHIP,
        title=f"{apprenticeship.apprentice} completed the {apprenticeship.standard.title} apprenticeship "
        f"({Grade(apprenticeship.grade).label.lower()})",
        occurred_on=apprenticeship.ended_on or timezone.localdate(),
        source=f"apprenticeships.Apprenticeship:{apprenticeship.pk}",
        body=f"Level {apprenticeship.standard.level}, with {apprenticeship.provider}.",
    )


def destination_record(
    *,
    apprenticeship: Apprenticeship,
    by: Any,
    elsewhere: bool,
    role: str = "",
    started_on: date | None = None,
    so_equivalent: bool = False,
) -> Apprenticeship:
    """Record where a completed apprentice went. Here: read from career history (HR records the new
    grade in the staff record). Elsewhere: the role, its start (not before completion) and whether
    it is an SO or equivalent role."""
    rules.require_run(by, apprenticeship)
    with transaction.atomic():
        apprenticeship = Apprenticeship.objects.select_for_update().get(pk=apprenticeship.pk)
        if apprenticeship.state != State.COMPLETED or apprenticeship.ended_on is None:
            raise ValidationError("A destination is recorded once the apprenticeship is completed.")
        completed_on = apprenticeship.ended_on
        if elsewhere:
            if not role.strip():
                raise ValidationError({"role": "Name the role and the employer."})
            if started_on is None:
                raise ValidationError({"started_on": "Give the day the role started."})
            if started_on < completed_on:
                raise ValidationError(
                    {
                        "started_on": f"The apprenticeship was completed on {completed_on:%-d %b %Y}: "
                        "the role after it "
                        "cannot start before."
                    }
                )
            apprenticeship.destination_role = role.strip()
            apprenticeship.destination_start = started_on
            apprenticeship.destination_so_equivalent = so_equivalent
        else:
            events = selectors.career_events_of([apprenticeship.apprentice_id]).get(apprenticeship.apprentice_id, [])
            from .outcomes import role_from_history

            found = role_from_history(completed_on, events)
            if found is None:
                raise ValidationError(
                    "Career history shows no role for this person after completion. HR records the new grade in "
                    "the staff record; or record a role elsewhere."
                )
            apprenticeship.destination_role = found.role
            apprenticeship.destination_start = found.started_on
            apprenticeship.destination_so_equivalent = found.so_equivalent
        apprenticeship.destination_elsewhere = elsewhere
        apprenticeship.destination_recorded_at = timezone.now()
        apprenticeship.save(
            update_fields=[
                "destination_elsewhere",
                "destination_role",
                "destination_start",
                "destination_so_equivalent",
                "destination_recorded_at",
            ]
        )
        return apprenticeship


def offer_to_mentor(*, person: StaffProfile, by: Any, capacity: int, bio: str) -> Any:
    """A person who completed an apprenticeship offers to mentor apprentices: their mentor profile
    (in the mentoring app) offers apprenticeship mentoring, keeping any other purposes."""
    if by.profile.pk != person.pk:
        raise PermissionDenied("You can offer only yourself as a mentor.")
    if selectors.completed_apprenticeship_of(person) is None:
        raise ValidationError("Mentoring apprentices is offered by people who completed an apprenticeship.")
    current = mentoring_selectors.mentor_profile_of(person)
    purposes = set(current.purpose_values if current else []) | {APPRENTICESHIP_PURPOSE}
    return mentoring.mentor_profile_save(person=person, available=True, capacity=capacity, bio=bio, purposes=purposes)


# --- Requests from existing staff (1C) --------------------------------------------------------


def request_submit(
    *,
    person: StaffProfile,
    by: Any,
    standard: Standard,
    preferred_start: date,
    why: str,
    time_plan: str,
    provider: Provider | None = None,
    today: date | None = None,
) -> ApprenticeshipRequest:
    """A member of staff asks to take a levy-funded apprenticeship; their line manager is asked."""
    problem = people_selectors.manager_problem(person)
    if problem:
        raise ValidationError(problem)
    if preferred_start < _today(today):
        raise ValidationError({"preferred_start": "Choose a start date from today on."})
    if selectors.has_open_apprenticeship(person):
        raise ValidationError("You are already on an apprenticeship.")
    for name, text in (("why", why), ("time_plan", time_plan)):
        if not text.strip():
            raise ValidationError({name: "This helps your manager decide: please fill it in."})
    with transaction.atomic():
        request = ApprenticeshipRequest(
            person=person,
            standard=standard,
            provider=provider,
            preferred_start=preferred_start,
            why=why.strip(),
            time_plan=time_plan.strip(),
        )
        try:
            with transaction.atomic():
                transition(request, RState.SUBMITTED, by=by)
        except IntegrityError:
            raise ValidationError("You already have a request waiting or approved.") from None
        manager = person.line_manager
        assert manager is not None
        notification_enqueue(
            recipient=manager.user,
            kind=kinds.REQUEST_SUBMITTED.key,
            idempotency_key=f"apprenticeships.request_submitted:{request.pk}",
            context={"person": str(person), "standard": standard.title, "why": request.why},
            link=request.get_absolute_url(),
        )
        return request


def request_decide(
    *, request: ApprenticeshipRequest, by: Any, approve: bool, reason: str = ""
) -> ApprenticeshipRequest:
    """The line manager approves or declines (a decline needs a reason the person sees). An approval
    goes to the programme managers to enrol."""
    if not approve and not reason.strip():
        raise ValidationError({"reason": "Say why you decline; the person will see it."})
    with transaction.atomic():
        request = ApprenticeshipRequest.objects.select_related("person__user", "person__institution", "standard").get(
            pk=request.pk
        )
        request.decided_by = by.profile
        request.decided_at = timezone.now()
        request.decision_reason = reason.strip()
        target = RState.APPROVED if approve else RState.DECLINED
        transition(
            request, target, by=by, reason=reason.strip(), update_fields=["decided_by", "decided_at", "decision_reason"]
        )
        context = {
            "person": str(request.person),
            "standard": request.standard.title,
            "manager": str(by.profile),
            "outcome": "approved" if approve else "declined",
            "reason": request.decision_reason,
        }
        notification_enqueue(
            recipient=request.person.user,
            kind=kinds.REQUEST_DECIDED.key,
            idempotency_key=f"apprenticeships.request_decided:{request.pk}",
            context=context,
            link=request.get_absolute_url(),
        )
        if approve:
            for manager in selectors.programme_managers_of(request.person.institution):
                notification_enqueue(
                    recipient=manager.user,
                    kind=kinds.REQUEST_TO_ENROL.key,
                    idempotency_key=f"apprenticeships.request_to_enrol:{request.pk}:{manager.pk}",
                    context=context,
                    link=request.get_absolute_url(),
                )
        return request


def request_withdraw(*, request: ApprenticeshipRequest, by: Any) -> ApprenticeshipRequest:
    with transaction.atomic():
        transition(request, RState.WITHDRAWN, by=by)
        return request


# --- Reminders --------------------------------------------------------------------------------


def reminders_send(*, apprenticeships: Iterable[Apprenticeship], today: date | None = None) -> int:
    """Send whatever reminders the apprenticeships are due today; returns how many were queued.

    - review due within 2 weeks, and overdue (apprentice and line manager), once per due date;
    - off-the-job hours behind by more than the margin (apprentice and line manager), once a month;
    - planned end within 30 days (apprentice and line manager), once per planned end;
    - no destination 3 months after completion (programme managers), once;
    - a review waiting for the provider's sign-off (each person who acts for the provider), once per review.

    `apprenticeships` come from `selectors.reminders_due()` (their people, standard, provider and
    breaks loaded). In bulk, as every daily sweep: the hours, career histories, waiting reviews and
    provider contacts of all of them are read once each, and each kind of message goes into the
    outbox in one call; a repeat run queues nothing (the outbox keys). One task per
    apprenticeship took 4.5 s for 750 messages at national size.
    """
    today = _today(today)
    apprenticeships = list(apprenticeships)
    active = [a for a in apprenticeships if a.state == State.ACTIVE]
    done = development_selectors.off_the_job_hours(
        [a.apprentice_id for a in active], until=today, since={a.apprentice_id: a.start_date for a in active}
    )
    completed = [
        a
        for a in apprenticeships
        if a.state == State.COMPLETED
        and a.destination_recorded_at is None
        and a.ended_on is not None
        and a.ended_on <= add_months(today, -selectors.DESTINATION_AFTER_MONTHS)
    ]
    histories = selectors.career_events_of(a.apprentice_id for a in completed)
    open_ = [a for a in apprenticeships if a.is_open]
    waiting = selectors.reviews_awaiting_provider_of(a.pk for a in open_)
    contacts = selectors.active_contacts_by_provider({a.provider_id for a in open_ if a.pk in waiting})
    managers_of: dict[int, list[StaffProfile]] = {}

    messages: dict[str, list[Message]] = defaultdict(list)

    def send(apprenticeship: Apprenticeship, recipients: Iterable[Any], kind: str, key: str, extra: dict[str, str]):
        for person in recipients:
            messages[kind].append(
                Message(
                    recipient=person.user,
                    institution=apprenticeship.institution,
                    idempotency_key=f"{kind}:{apprenticeship.pk}:{key}:{person.pk}",
                    context={**_context(apprenticeship), **extra},
                    link=apprenticeship.get_absolute_url(),
                )
            )

    for a in active:
        people = [p for p in (a.apprentice, a.line_manager) if p is not None]
        due = a.next_review_due
        if due is not None and due < today:
            send(a, people, kinds.REVIEW_OVERDUE.key, due.isoformat(), {"due": f"{due:%-d %B %Y}"})
        elif due is not None and due <= today + selectors.REVIEW_DUE_SOON:
            send(a, people, kinds.REVIEW_DUE.key, due.isoformat(), {"due": f"{due:%-d %B %Y}"})
        hours: OffTheJob = off_the_job(
            a, done=done.get(a.apprentice_id, Decimal("0")), breaks=a.breaks_in_order, on=today
        )
        if hours.behind:
            send(
                a,
                people,
                kinds.HOURS_BEHIND.key,
                f"{today:%Y-%m}",
                {"done": str(hours.done), "due": str(hours.due), "behind_by": str(hours.behind_by)},
            )
        end = a.planned_end_date
        if today <= end <= today + selectors.END_APPROACHING:
            send(a, people, kinds.END_APPROACHING.key, end.isoformat(), {"planned_end": f"{end:%-d %B %Y}"})
    for a in completed:
        # A new grade HR recorded in career history is a destination too.
        if destination_of(a, histories.get(a.apprentice_id, [])) is not None:
            continue
        if a.institution_id not in managers_of:
            managers_of[a.institution_id] = selectors.programme_managers_of(a.institution)
        send(
            a,
            managers_of[a.institution_id],
            kinds.DESTINATION_MISSING.key,
            "once",
            {"completed_on": f"{a.ended_on:%-d %B %Y}"},
        )
    for a in open_:
        # The key names the review, so each person acting for the provider is asked once.
        for contact in contacts.get(a.provider_id, []):
            for review in waiting.get(a.pk, []):
                messages[kinds.REVIEW_AWAITS_PROVIDER.key].append(
                    Message(
                        recipient=contact.user,
                        institution=a.institution,
                        idempotency_key=f"{kinds.REVIEW_AWAITS_PROVIDER.key}:{review.pk}:{contact.pk}",
                        context={**_context(a), "held_on": f"{review.held_on:%-d %B %Y}"},
                        link=reverse("apprenticeships:provider_apprentice", args=[a.pk]),
                    )
                )
    queued = 0
    with transaction.atomic():
        for kind, batch in messages.items():
            queued += len(notifications_enqueue_many(kind=kind, messages=batch))
    return queued
