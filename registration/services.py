"""Writes for professional registration: every change of a journey, its statements, CPD and reminders.

A journey moves only through `core.workflow.transition` along `Journey.workflow` (which checks
the actor's permission in `registration/rules.py`, locks the row and records the move). Outbox
rows are written in the same transaction as the change they announce. Dates a person types are
checked here too, so a task or the admin cannot save what a form would refuse.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from core.workflow import transition
from development import selectors as development
from mentoring import selectors as mentoring
from notifications.services import Message, notification_enqueue, notifications_enqueue_many
from people.models import Celebration, StaffProfile
from people.services import propose_celebration

from . import notifications as kinds
from .models import CompetenceStatement, CpdDeclaration, Journey, Payer, ProgrammeSettings, Register

State = Journey.State
SUPPORT_WAITING_AFTER = timedelta(days=10)
STALLED_AFTER = timedelta(days=90)
RENEWAL_NOTICE = timedelta(days=30)


def _context(journey: Journey) -> dict[str, str]:
    return {"person": str(journey.person), "register": journey.register.code}


def _lock(journey: Journey) -> Journey:
    return Journey.objects.with_people().select_for_update(of=("self",)).get(pk=journey.pk)


def _progress(journey: Journey, today: date) -> None:
    Journey.objects.filter(pk=journey.pk).update(last_progress_on=today)
    journey.last_progress_on = today


# --- Starting and moving a journey ------------------------------------------------------------


def journey_start(*, person: StaffProfile, register_id: Any, by: Any, today: date | None = None) -> Journey:
    """The person says they are interested in a register. An unknown register is refused, and so
    is a second open journey to the same register."""
    today = today or timezone.localdate()
    register = Register.objects.filter(pk=register_id).first() if str(register_id).isdigit() else None
    if register is None:
        raise ValidationError({"register": "Choose one of the registers listed; this one is not known."})
    journey = Journey(
        institution_id=person.institution_id,
        person=person,
        register=register,
        started_on=today,
        last_progress_on=today,
    )
    try:
        with transaction.atomic():
            transition(journey, State.INTERESTED, by=by)
    except IntegrityError:
        raise ValidationError({"register": f"You already have an open journey towards {register.code}."}) from None
    return journey


def journey_record_mentor(*, journey: Journey, by: Any, today: date | None = None) -> Journey:
    """Record the person's professional registration mentor, found through the mentoring service.

    Reads the person's active mentoring for professional registration (one query); with none,
    says where to find a mentor.
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        journey = _lock(journey)
        relationship = next(
            (r for r in mentoring.mentors_of(journey.person) if r.purpose == "registration" and r.state == "active"),
            None,
        )
        if relationship is None:
            raise ValidationError(
                "There is no active professional registration mentor yet: ask one on the Find a mentor page, "
                "and record them here once they accept."
            )
        journey.mentor_id = relationship.mentor_id
        journey.last_progress_on = today
        transition(journey, State.MENTOR_FOUND, by=by, update_fields=["mentor", "last_progress_on"])
        return journey


def journey_start_preparing(*, journey: Journey, by: Any, today: date | None = None) -> Journey:
    """Start (or, after an unsuccessful application, restart) writing the competence statements."""
    today = today or timezone.localdate()
    with transaction.atomic():
        journey = _lock(journey)
        journey.last_progress_on = today
        transition(journey, State.PREPARING, by=by, update_fields=["last_progress_on"])
        return journey


def journey_withdraw(*, journey: Journey, by: Any, reason: str = "", today: date | None = None) -> Journey:
    today = today or timezone.localdate()
    with transaction.atomic():
        journey = _lock(journey)
        journey.last_progress_on = today
        transition(journey, State.WITHDRAWN, by=by, reason=reason.strip(), update_fields=["last_progress_on"])
        return journey


def statement_save(
    *,
    journey: Journey,
    area: str,
    statement: str,
    evidence_record_ids: Iterable[Any] = (),
    by: Any,
    today: date | None = None,
) -> CompetenceStatement:
    """Write or rewrite the statement for one of the register's competence areas.

    Evidence must be the person's own training records (development app); anything else is
    refused by name, nothing saved.
    """
    today = today or timezone.localdate()
    if area not in journey.register.competence_area_list:
        raise ValidationError({"area": f"{journey.register.code} has no competence area called “{area}”."})
    if not statement.strip():
        raise ValidationError({"statement": "Write the statement: what you did and what it shows."})
    ids = sorted({int(pk) for pk in evidence_record_ids})
    own = set(development.records_of(journey.person).filter(pk__in=ids).values_list("pk", flat=True))
    if set(ids) - own:
        raise ValidationError({"evidence_record_ids": "Evidence must be your own training records."})
    with transaction.atomic():
        journey = _lock(journey)
        if journey.state not in Journey.OPEN_STATES:
            raise ValidationError("Statements are written while the journey is open.")
        row, _ = CompetenceStatement.objects.update_or_create(
            journey=journey, area=area, defaults={"statement": statement.strip(), "evidence_record_ids": ids}
        )
        _progress(journey, today)
        return row


def journey_name_supporter(
    *, journey: Journey, supporter: StaffProfile | None, by: Any, today: date | None = None
) -> Journey:
    """Name the supporter (usually the line manager), who is asked to agree by message.

    The supporter must work at the person's institution and be someone else.
    """
    today = today or timezone.localdate()
    if supporter is None:
        raise ValidationError({"supporter": "Choose who supports your application, usually your line manager."})
    with transaction.atomic():
        journey = _lock(journey)
        if supporter.institution_id != journey.institution_id:
            raise ValidationError({"supporter": "Your supporter must work at your own institution."})
        if supporter.pk == journey.person_id:
            raise ValidationError({"supporter": "Your supporter must be someone other than you."})
        journey.supporter = supporter
        journey.supporter_asked_on = today
        journey.supporter_agreed_on = None
        journey.last_progress_on = today
        transition(
            journey,
            State.SUPPORTER_NAMED,
            by=by,
            update_fields=["supporter", "supporter_asked_on", "supporter_agreed_on", "last_progress_on"],
        )
        notification_enqueue(
            recipient=supporter.user,
            kind=kinds.SUPPORT_REQUESTED.key,
            idempotency_key=f"registration.support_requested:{journey.pk}:{supporter.pk}:{today.isoformat()}",
            context=_context(journey),
            link=journey.get_absolute_url(),
        )
        return journey


def journey_supporter_agree(*, journey: Journey, by: Any, today: date | None = None) -> Journey:
    """The supporter agrees to support the application; the person may then submit it."""
    today = today or timezone.localdate()
    with transaction.atomic():
        journey = _lock(journey)
        if journey.state != State.SUPPORTER_NAMED or journey.supporter_agreed_on is not None:
            raise ValidationError("This application is not waiting for a supporter.")
        if journey.supporter is None or journey.supporter.user_id != by.pk:
            raise ValidationError("Only the supporter named on the application can agree.")
        Journey.objects.filter(pk=journey.pk).update(supporter_agreed_on=today, last_progress_on=today)
        journey.supporter_agreed_on = today
        journey.last_progress_on = today
        return journey


def journey_submit(
    *,
    journey: Journey,
    licensed_body: str,
    submitted_on: date,
    first_year_payer: str,
    later_years_payer: str = "",
    grant_name: str = "",
    by: Any,
    today: date | None = None,
) -> Journey:
    """Record the application as submitted to a licensed body, with who pays the fees."""
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if licensed_body not in journey.register.licensed_body_list:
        errors["licensed_body"] = f"Choose one of the bodies licensed for {journey.register.code}."
    if submitted_on > today:
        errors["submitted_on"] = "Record the submission once it is made: this date is in the future."
    if first_year_payer not in Payer.values:
        errors["first_year_payer"] = "Say who pays the first year's fees."
    if later_years_payer and later_years_payer not in Payer.values:
        errors["later_years_payer"] = "Choose who pays the later years' fees from the list."
    if Payer.GRANT in (first_year_payer, later_years_payer) and not grant_name.strip():
        errors["grant_name"] = "Name the grant that pays the fees."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        journey = _lock(journey)
        if journey.supporter_agreed_on is None:
            raise ValidationError("Your supporter has not agreed yet; submit once they have.")
        if submitted_on < journey.supporter_agreed_on:
            raise ValidationError(
                {
                    "submitted_on": f"Your supporter agreed on {journey.supporter_agreed_on:%-d %b %Y}; "
                    "pick that day or later."
                }
            )
        journey.licensed_body = licensed_body
        journey.submitted_on = submitted_on
        journey.first_year_payer = first_year_payer
        journey.later_years_payer = later_years_payer
        journey.grant_name = grant_name.strip()
        journey.last_progress_on = today
        transition(
            journey,
            State.SUBMITTED,
            by=by,
            update_fields=[
                "licensed_body",
                "submitted_on",
                "first_year_payer",
                "later_years_payer",
                "grant_name",
                "last_progress_on",
            ],
        )
        return journey


def journey_record_outcome(
    *,
    journey: Journey,
    outcome: str,
    by: Any,
    registered_on: date | None = None,
    registration_number: str = "",
    renewal_on: date | None = None,
    feedback: str = "",
    today: date | None = None,
) -> Journey:
    """Record the licensed body's decision: registered (number, date, renewal date) or unsuccessful
    (with the feedback). A registration dated before the submission, or a renewal on or before the
    registration, is refused beside the date."""
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if outcome == State.REGISTERED:
        if registered_on is None:
            errors["registered_on"] = "Enter the date you were registered."
        elif registered_on > today:
            errors["registered_on"] = "The registration date is in the future."
        elif journey.submitted_on and registered_on < journey.submitted_on:
            errors["registered_on"] = (
                f"The registration date is before the submission ({journey.submitted_on:%-d %b %Y})."
            )
        if not registration_number.strip():
            errors["registration_number"] = "Enter your registration number."
        if renewal_on is None:
            errors["renewal_on"] = "Enter when the annual fee is next due."
        elif registered_on is not None and renewal_on <= registered_on:
            errors["renewal_on"] = "The renewal must come after the registration date."
    elif outcome == State.UNSUCCESSFUL:
        if not feedback.strip():
            errors["feedback"] = "Record the feedback, so the next attempt can use it."
    else:
        errors["outcome"] = "Choose registered or unsuccessful."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        journey = _lock(journey)
        journey.last_progress_on = today
        if outcome == State.REGISTERED:
            journey.registered_on = registered_on
            journey.registration_number = registration_number.strip()
            journey.renewal_on = renewal_on
            fields = ["registered_on", "registration_number", "renewal_on", "last_progress_on"]
        else:
            journey.feedback = feedback.strip()
            fields = ["feedback", "last_progress_on"]
        transition(journey, outcome, by=by, reason=feedback.strip(), update_fields=fields)
        if outcome == State.REGISTERED and registered_on is not None:
            # Celebrated only once the person agrees (they are asked on their home page).
            propose_celebration(
                person=journey.person,
                kind=Celebration.Kind.REGISTRATION,
                title=f"{journey.person} is registered as {journey.register.code}",
                body=f"{journey.person} is now a {journey.register.name} ({journey.register.code}), "
                f"registered through {journey.licensed_body or 'a licensed body'}.",
                occurred_on=registered_on,
                source=f"registration.Journey:{journey.pk}",
            )
        return journey


def journey_record_renewal(
    *, journey: Journey, renewal_on: date, later_years_payer: str, grant_name: str = "", by: Any
) -> Journey:
    """The annual fee is paid: record the next renewal date and who pays it."""
    if journey.state != State.REGISTERED:
        raise ValidationError("Renewals are recorded for a registration held.")
    errors = {}
    if journey.renewal_on and renewal_on <= journey.renewal_on:
        errors["renewal_on"] = f"The next renewal comes after the current one ({journey.renewal_on:%-d %b %Y})."
    if journey.registered_on and renewal_on <= journey.registered_on:
        errors["renewal_on"] = "The renewal must come after the registration date."
    if later_years_payer not in Payer.values:
        errors["later_years_payer"] = "Say who pays this year's fee."
    elif later_years_payer == Payer.GRANT and not grant_name.strip():
        errors["grant_name"] = "Name the grant that pays the fee."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        Journey.objects.filter(pk=journey.pk).update(
            renewal_on=renewal_on, later_years_payer=later_years_payer, grant_name=grant_name.strip()
        )
        journey.renewal_on = renewal_on
        journey.later_years_payer = later_years_payer
        journey.grant_name = grant_name.strip()
        return journey


# --- CPD --------------------------------------------------------------------------------------


def cpd_declaration_save(
    *,
    person: StaffProfile,
    year: int,
    benefit_to_practice: str,
    benefit_to_users: str,
    plan: str,
    declare: bool,
    today: date | None = None,
) -> CpdDeclaration:
    """Save the year's CPD statements; with `declare`, declare the year (once; the date is kept)."""
    today = today or timezone.localdate()
    if year > today.year:
        raise ValidationError({"year": "A year's CPD is declared during or after that year."})
    with transaction.atomic():
        declaration, _ = CpdDeclaration.objects.select_for_update().get_or_create(person=person, year=year)
        declaration.benefit_to_practice = benefit_to_practice.strip()
        declaration.benefit_to_users = benefit_to_users.strip()
        declaration.plan = plan.strip()
        if declare and declaration.declared_on is None:
            declaration.declared_on = today
        declaration.save()
        return declaration


# --- Reminders (in bulk; the outbox key makes a second run send nothing) -----------------------
#
# The daily sweep reaches every institution at once: one task per journey, each re-reading its row
# and enqueueing one message, took 83 s at national size (and as long to send nothing). Each kind
# below reads its due rows once (`selectors.*_due`, across institutions) and writes the outbox
# with `notifications_enqueue_many`; the keys and contexts are those the per-row tasks wrote.


def remind_renewals_due(*, journeys: Iterable[Journey]) -> int:
    """Tell each registered person their annual fee is due in 30 days (once per renewal date).

    `journeys` from `selectors.renewals_due`. Returns how many messages were queued.
    """

    def messages() -> Iterator[Message]:
        for journey in journeys:
            assert journey.renewal_on is not None  # renewals_due finds only journeys with one
            payer = journey.later_years_payer or journey.first_year_payer
            yield Message(
                recipient=journey.person.user,
                institution=journey.person.institution,
                idempotency_key=f"registration.renewal_due:{journey.pk}:{journey.renewal_on.isoformat()}",
                context={
                    **_context(journey),
                    "renewal_on": f"{journey.renewal_on:%-d %B %Y}",
                    "payer": Payer(payer).label.lower() if payer else "not recorded yet",
                },
                link=journey.get_absolute_url(),
            )

    return len(notifications_enqueue_many(kind=kinds.RENEWAL_DUE.key, messages=messages()))


def remind_stalled_journeys(*, journeys: Iterable[Journey], today: date | None = None) -> int:
    """Nudge each person whose open journey has not moved for 90 days (once per 90-day gap: the
    key names the last progress and how many 90-day periods have passed since).

    `journeys` from `selectors.stalled_due`. Returns how many messages were queued.
    """
    today = today or timezone.localdate()

    def messages() -> Iterator[Message]:
        for journey in journeys:
            periods = (today - journey.last_progress_on) // STALLED_AFTER
            if periods < 1:
                continue
            yield Message(
                recipient=journey.person.user,
                institution=journey.person.institution,
                idempotency_key=f"registration.journey_stalled:{journey.pk}:"
                f"{journey.last_progress_on.isoformat()}:{periods}",
                context={**_context(journey), "last_progress_on": f"{journey.last_progress_on:%-d %B %Y}"},
                link=journey.get_absolute_url(),
            )

    return len(notifications_enqueue_many(kind=kinds.JOURNEY_STALLED.key, messages=messages()))


def remind_supporters_waiting(*, journeys: Iterable[Journey]) -> int:
    """Remind each supporter once of an application waiting 10 days for their agreement.

    `journeys` from `selectors.supporters_waiting_due`. Returns how many messages were queued.
    """

    def messages() -> Iterator[Message]:
        for journey in journeys:
            if journey.supporter is None or journey.supporter_asked_on is None:
                continue
            yield Message(
                recipient=journey.supporter.user,
                institution=journey.supporter.institution,
                idempotency_key=f"registration.support_waiting:{journey.pk}:{journey.supporter_id}:"
                f"{journey.supporter_asked_on.isoformat()}",
                context={**_context(journey), "asked_on": f"{journey.supporter_asked_on:%-d %B %Y}"},
                link=journey.get_absolute_url(),
            )

    return len(notifications_enqueue_many(kind=kinds.SUPPORT_WAITING.key, messages=messages()))


def remind_cpd_declarations(*, journeys: Iterable[Journey], year: int) -> int:
    """Ask each registered person once a year to declare their CPD (the December reminder),
    naming the highest register they hold.

    `journeys` from `selectors.cpd_declarations_due`: one per person. Returns how many messages
    were queued.
    """
    link = reverse("registration:cpd")
    return len(
        notifications_enqueue_many(
            kind=kinds.CPD_DECLARATION_DUE.key,
            messages=(
                Message(
                    recipient=journey.person.user,
                    institution=journey.person.institution,
                    idempotency_key=f"registration.cpd_declaration_due:{journey.person_id}:{year}",
                    context={"year": str(year), "register": journey.register.code},
                    link=link,
                )
                for journey in journeys
            ),
        )
    )


# --- The registration programme ---------------------------------------------------------------


def programme_settings_save(
    *, institution: Any, programme: Any, annual_event: Any = None, funders: str = ""
) -> ProgrammeSettings:
    """Name the programmes that carry the institution's registration programme and annual event.

    Both must be the institution's own programmes (the form offers only those; a task or the
    admin is checked here too).
    """
    for field, chosen in (("programme", programme), ("annual_event", annual_event)):
        if chosen is not None and chosen.institution_id != institution.pk:
            raise ValidationError({field: "Choose one of your institution's own programmes."})
    if annual_event is not None and annual_event.pk == programme.pk:
        raise ValidationError({"annual_event": "The annual event is a programme of its own."})
    with transaction.atomic():
        settings, _ = ProgrammeSettings.objects.update_or_create(
            institution=institution,
            defaults={"programme": programme, "annual_event": annual_event, "funders": funders.strip()},
        )
        return settings
