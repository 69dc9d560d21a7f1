"""Writes for promotions: criteria versions, rounds, the journey, notices, vacancies.

An application moves only through `core.workflow.transition` along `Application.workflow`
(which checks the actor, locks the row and records the move); outbox rows are written in the
same transaction as the change they announce. A promotion's grade change reaches career history
only through `people.services.staff_record_change`, on its effective date, exactly once.
"""

from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from core.workflow import transition
from notifications.services import Message, notification_enqueue, notifications_enqueue_many
from people.models import CareerEvent, Celebration, Grade, Institution, StaffProfile
from people.services import propose_celebration, staff_record_change
from programmes.services import session_add

from . import facts as facts_module
from . import notifications as kinds
from . import rules, selectors
from .equivalence import Requirement, decide
from .models import Application, CriteriaVersion, Declaration, ManagerNotice, Round, Vacancy
from .selectors import criteria_for_person, criteria_in_force

State = Application.State


def _day(value: date) -> str:
    return f"{value:%-d %B %Y}"


# --- Criteria ----------------------------------------------------------------------------------


def criteria_publish(
    *,
    institution: Institution,
    target_grade: Grade,
    by: Any,
    expectations: str,
    qualification_asked: str,
    equivalent_years: int | None = None,
    equivalent_registrations: str = "",
    equivalent_programmes: str = "",
    change_note: str = "",
    today: date | None = None,
) -> CriteriaVersion:
    """Publish a new version of a grade's criteria (the previous versions stay, as history)."""
    rules.require_run(by)
    if target_grade.job_family.institution_id != institution.pk:
        raise ValidationError({"target_grade": "Choose a grade of your own institution."})
    if not expectations.strip():
        raise ValidationError({"expectations": "Say what the grade asks of someone promoted into it."})
    with transaction.atomic():
        # Lock the grade so two people publishing at once cannot both take the same version number.
        Grade.objects.select_for_update().get(pk=target_grade.pk)
        latest = CriteriaVersion.objects.filter(target_grade=target_grade).aggregate(v=Max("version"))["v"] or 0
        if latest and not change_note.strip():
            raise ValidationError({"change_note": "Say what changed from the previous version."})
        return CriteriaVersion.objects.create(
            institution=institution,
            target_grade=target_grade,
            version=latest + 1,
            expectations=expectations.strip(),
            qualification_asked=qualification_asked,
            equivalent_years=equivalent_years,
            equivalent_registrations=equivalent_registrations.strip(),
            equivalent_programmes=equivalent_programmes.strip(),
            change_note=change_note.strip(),
            published_on=today or timezone.localdate(),
            published_by=by,
        )


def declaration_save(
    *,
    person: StaffProfile,
    highest_qualification: str,
    qualification_subject: str = "",
    prior_experience_years: int = 0,
    alert_me_of_rounds: bool = False,
) -> Declaration:
    """Save the person's own highest qualification, prior experience and round alerts."""
    with transaction.atomic():
        declaration, _ = Declaration.objects.update_or_create(
            person=person,
            defaults={
                "highest_qualification": highest_qualification,
                "qualification_subject": qualification_subject.strip(),
                "prior_experience_years": prior_experience_years,
                "alert_me_of_rounds": alert_me_of_rounds,
            },
        )
        return declaration


# --- Rounds ------------------------------------------------------------------------------------


def round_save(*, form: Any, institution: Institution, by: Any) -> Round:
    """Create or change a round from a validated form; a new round pins the criteria in force."""
    rules.require_run(by)
    with transaction.atomic():
        round = form.save(commit=False)
        is_new = round.pk is None
        if not is_new:
            rules.require_run_round(by, round)
        round.institution = institution
        if is_new:
            in_force = criteria_in_force(institution)
            if not in_force:
                raise ValidationError("Publish the promotion criteria before setting up a round.")
            round.created_by = by
            round.save()
            round.criteria.set(in_force)
        else:
            round.save()
        return round


def round_workshop_schedule(
    *,
    round: Round,
    by: Any,
    cohort: Any,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    location: str = "",
    online_url: str = "",
) -> Round:
    """Schedule the workshop on the criteria as a session of a programmes cohort the user runs."""
    rules.require_run_round(by, round)
    if timezone.localdate(starts_at) > round.submissions_close_on:
        raise ValidationError({"starts_at": "Hold the workshop before submissions close, so it can help."})
    with transaction.atomic():
        try:
            session = session_add(
                cohort=cohort,
                by=by,
                title=title,
                starts_at=starts_at,
                ends_at=ends_at,
                location=location,
                online_url=online_url,
            )
        except PermissionDenied:
            raise ValidationError({"cohort": "Choose a cohort of a programme you run."}) from None
        round.workshop = session
        round.save(update_fields=["workshop"])
        return round


def summary_publish(*, round: Round, by: Any, now: datetime | None = None) -> Round:
    """HR publishes the round's summary (2F's "update on promotions"); once, the first time counts."""
    rules.require_publish_summary(by, round)
    if not Application.objects.filter(round=round, state__in=Application.DECIDED).exists():
        raise ValidationError("Publish the summary once the panel has recorded outcomes.")
    with transaction.atomic():
        Round.objects.filter(pk=round.pk, summary_published_at__isnull=True).update(
            summary_published_at=now or timezone.now()
        )
        round.refresh_from_db(fields=["summary_published_at"])
        return round


# --- The journey -------------------------------------------------------------------------------


def _context(application: Application) -> dict[str, str]:
    round = application.round
    return {
        "applicant": str(application.applicant),
        "grade": str(application.target_grade),
        "round": round.name,
        "submissions_close_on": _day(round.submissions_close_on),
    }


def application_intend(*, round: Round, person: StaffProfile, by: Any, now: datetime | None = None) -> Application:
    """The person states an intention to apply; their line manager is told at once.

    Refused (ValidationError) outside [opens_on, submissions_close_on], for someone with no
    criteria for the grade above theirs in the round, and a second time in one round.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    if not round.takes_intentions_on(today):
        raise ValidationError(
            f"{round.name} takes intentions from {_day(round.opens_on)} to {_day(round.submissions_close_on)}."
        )
    criteria = criteria_for_person(round, person)
    if criteria is None:
        raise ValidationError(f"{round.name} has no criteria for the grade above yours, so you cannot apply in it.")
    with transaction.atomic():
        application = Application(
            round=round, applicant=person, target_grade=criteria.target_grade, criteria=criteria, intended_at=now
        )
        try:
            with transaction.atomic():
                transition(application, State.INTENDED, by=by, at=now)
        except IntegrityError:
            raise ValidationError("You have already said you intend to apply in this round.") from None
        manager = person.line_manager
        if manager is not None:
            notification_enqueue(
                recipient=manager.user,
                institution=manager.institution,
                kind=kinds.INTENTION_MANAGER.key,
                idempotency_key=f"promotions.intention_manager:{application.pk}",
                context=_context(application),
                link=application.get_absolute_url(),
            )
        return application


def _lock(application: Application) -> Application:
    Application.objects.select_for_update().filter(pk=application.pk).first()
    return Application.objects.with_people().get(pk=application.pk)


def application_support(
    *, application: Application, by: Any, statement: str, now: datetime | None = None
) -> Application:
    """The applicant's line manager adds (or rewrites) the supporting statement while it is open."""
    rules.require_support(by, application)
    if not statement.strip():
        raise ValidationError({"manager_statement": "Write the supporting statement."})
    with transaction.atomic():
        application = _lock(application)
        rules.require_support(by, application)
        application.manager_statement = statement.strip()
        application.manager_statement_by = by.profile
        application.manager_statement_at = now or timezone.now()
        application.save(update_fields=["manager_statement", "manager_statement_by", "manager_statement_at"])
        return application


def evidence_from_records(application: Application, *, today: date | None = None) -> str:
    """What the person's records show against the criteria, in words (a few queries)."""
    person = application.applicant
    found = facts_module.gather([person], today=today)[person.pk]
    decision = decide(Requirement.of(application.criteria), found)
    lines = [
        f"Qualification rule: {decision.reason}",
        f"Relevant experience: {found.years_experience.quantize(1)} years (from the record here and declared).",
    ]
    if found.registrations:
        lines.append(
            "Registrations: " + ", ".join(f"{r.code} since {_day(r.registered_on)}" for r in found.registrations)
        )
    if found.programmes:
        lines.append("Programmes completed: " + ", ".join(p.name for p in found.programmes))
    return "\n".join(lines)


def application_submit(
    *, application: Application, by: Any, statement: str, now: datetime | None = None
) -> Application:
    """The applicant submits within the window; the evidence from their records is kept with it."""
    now = now or timezone.now()
    round = application.round
    if not statement.strip():
        raise ValidationError({"statement": "Write your statement: how you meet what the grade asks."})
    if not round.takes_submissions_on(timezone.localdate(now)):
        raise ValidationError(
            {
                "statement": f"Submissions for {round.name} are open from {_day(round.submissions_open_on)} "
                f"to {_day(round.submissions_close_on)}; it is not possible to submit today."
            }
        )
    with transaction.atomic():
        application = _lock(application)
        application.statement = statement.strip()
        application.evidence = evidence_from_records(application, today=timezone.localdate(now))
        application.submitted_at = now
        transition(application, State.SUBMITTED, by=by, at=now, update_fields=["statement", "evidence", "submitted_at"])
        return application


def application_withdraw(*, application: Application, by: Any, reason: str = "") -> Application:
    with transaction.atomic():
        application = _lock(application)
        transition(application, State.WITHDRAWN, by=by, reason=reason)
        return application


def application_decide(
    *,
    application: Application,
    by: Any,
    promoted: bool,
    new_grade: Grade | None = None,
    effective_date: date | None = None,
    feedback: str = "",
    now: datetime | None = None,
) -> Application:
    """The panel records the outcome: promoted (new grade above the current one, effective date),
    or not this time (with feedback). The applicant is told; a promotion is proposed as a celebration."""
    now = now or timezone.now()
    rules.require_record_outcome(by, application)
    with transaction.atomic():
        application = _lock(application)
        if application.state != State.SUBMITTED:
            raise ValidationError(
                f"An outcome is recorded only for a submitted application; this one is "
                f"“{application.get_state_display()}”."
            )
        current = application.applicant.grade
        if promoted:
            if new_grade is None:
                raise ValidationError({"new_grade": "Choose the grade the person is promoted to."})
            if new_grade.job_family.institution_id != application.round.institution_id:
                raise ValidationError({"new_grade": "Choose a grade of your own institution."})
            if current is not None and new_grade.level <= current.level:
                raise ValidationError(
                    {"new_grade": f"The new grade must be above the current one ({current.short_name})."}
                )
            if effective_date is None:
                raise ValidationError({"effective_date": "Give the day the new grade takes effect."})
            application.new_grade = new_grade
            application.effective_date = effective_date
        elif not feedback.strip():
            raise ValidationError({"feedback": "Give the applicant the panel's feedback."})
        application.feedback = feedback.strip()
        application.decided_at = now
        record = transition(
            application,
            State.PROMOTED if promoted else State.NOT_PROMOTED,
            by=by,
            at=now,
            update_fields=["new_grade", "effective_date", "feedback", "decided_at"],
        )
        notification_enqueue(
            recipient=application.applicant.user,
            kind=kinds.OUTCOME.key,
            idempotency_key=f"promotions.outcome:{application.pk}:{record.pk}",
            context={
                **_context(application),
                "promoted": promoted,
                "grade": str(new_grade) if promoted else str(application.target_grade),
                "effective_date": _day(effective_date) if promoted and effective_date else "",
                "feedback": application.feedback,
            },
            link=application.get_absolute_url(),
        )
        if promoted:
            # Published only once the person agrees (asked on their home page), never before.
            propose_celebration(
                person=application.applicant,
                kind=Celebration.Kind.PROMOTION,
                title=f"{application.applicant} is promoted to {new_grade}",
                occurred_on=effective_date,  # type: ignore[arg-type]
                source=f"promotions.Application:{application.pk}",
            )
        return application


def application_apply_grade(*, application_id: int, today: date | None = None) -> CareerEvent | None:
    """Write a promotion's new grade into career history once its effective date has come.

    Claims the row with a conditional UPDATE (two runs of the job: one writes), then changes the
    record through `people.services.staff_record_change`, in the same transaction: a failure
    leaves the claim undone for the next run. Returns the career event, or None when there was
    nothing to do.
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        claimed = Application.objects.filter(
            pk=application_id, state=State.PROMOTED, grade_changed_at__isnull=True, effective_date__lte=today
        ).update(grade_changed_at=timezone.now())
        if claimed != 1:
            return None
        application = Application.objects.with_people().get(pk=application_id)
        assert application.effective_date is not None  # a promotion has one (constraint)
        return staff_record_change(
            profile=application.applicant,
            by=None,
            cause=CareerEvent.Cause.PROMOTION,
            effective_date=application.effective_date,
            note=f"Promoted in the {application.round.name} round.",
            grade=application.new_grade,
        )


# --- Notices and reminders ---------------------------------------------------------------------


# The daily sweep reaches every institution's rounds and applications at once: one task per
# round or application, each notice and message in its own transaction, took 32 s at national
# size and 53 s to send nothing. Each kind below reads its due rows once across institutions and
# writes the outbox with `notifications_enqueue_many`; the keys and contexts are those the
# per-row tasks wrote.


def managers_notify_of_rounds(*, rounds: Iterable[Round], now: datetime | None = None) -> int:
    """Tell every line manager of someone eligible in each round that the round is open; each
    once per round (4B).

    Records a ManagerNotice per (round, manager) at `now`, in the same transaction as the
    messages, so the action plan can measure the delay; a manager already told (the notice
    exists) is not told again, even about staff who became eligible since. Returns the number of
    managers told by this call.
    """
    now = now or timezone.now()
    rounds = list(rounds)
    eligible = selectors.eligible_staff_in_rounds(rounds)
    told = set(
        ManagerNotice.objects.filter(round__in=[round.pk for round in rounds]).values_list("round_id", "manager_id")
    )
    teams: dict[tuple[Round, StaffProfile], list[StaffProfile]] = {}
    managers: dict[int, StaffProfile] = {}
    for round in rounds:
        for person in eligible[round.pk]:
            manager = person.line_manager
            if manager is None or (round.pk, manager.pk) in told:
                continue
            # One object per manager: the dictionary key compares rows by primary key.
            teams.setdefault((round, managers.setdefault(manager.pk, manager)), []).append(person)
    if not teams:
        return 0
    with transaction.atomic():
        # Conflicts ignored: a second sweep at the same moment keeps the first notice's time.
        ManagerNotice.objects.bulk_create(
            [ManagerNotice(round=round, manager=manager, notified_at=now) for round, manager in teams],
            batch_size=1000,
            ignore_conflicts=True,
        )
        notifications_enqueue_many(
            kind=kinds.ROUND_OPENED_MANAGER.key,
            messages=(
                Message(
                    recipient=manager.user,
                    institution=manager.institution,
                    idempotency_key=f"promotions.round_opened_manager:{round.pk}:{manager.pk}",
                    context={
                        "round": round.name,
                        "eligible": len(team),
                        "names": ", ".join(str(person) for person in team),
                        "submissions_open_on": _day(round.submissions_open_on),
                        "submissions_close_on": _day(round.submissions_close_on),
                        "panel_on": _day(round.panel_on),
                    },
                    link=round.get_absolute_url(),
                )
                for (round, manager), team in teams.items()
            ),
        )
    return len(teams)


def remind_rounds_opening_soon(*, rounds: Iterable[Round]) -> int:
    """Two weeks ahead: eligible staff who asked to hear, and their line managers; each once per
    round. `rounds` from `selectors.rounds_opening_soon`. Returns how many messages were queued."""
    rounds = list(rounds)
    opted_in = selectors.eligible_staff_in_rounds(rounds, opted_in=True)

    def messages() -> Iterator[Message]:
        for round in rounds:
            context = {
                "round": round.name,
                "opens_on": _day(round.opens_on),
                "mentoring_from": _day(round.mentoring_from),
            }
            recipients: dict[int, tuple[StaffProfile, str]] = {}
            for person in opted_in[round.pk]:
                recipients[person.pk] = (person, "")
                manager = person.line_manager
                if manager is not None and manager.pk not in recipients:
                    recipients[manager.pk] = (manager, "someone you manage asked to hear of it")
            for person, about in recipients.values():
                yield Message(
                    recipient=person.user,
                    institution=round.institution,
                    idempotency_key=f"promotions.round_opening_soon:{round.pk}:{person.pk}",
                    context={**context, "about": about},
                    link=round.get_absolute_url(),
                )

    return len(notifications_enqueue_many(kind=kinds.ROUND_OPENING_SOON.key, messages=messages()))


def remind_deadlines(*, applications: Iterable[Application]) -> int:
    """Remind each applicant once that their round's submissions close within 7 days.
    `applications` from `selectors.deadlines_due`. Returns how many messages were queued."""
    return len(
        notifications_enqueue_many(
            kind=kinds.DEADLINE_SOON.key,
            messages=(
                Message(
                    recipient=application.applicant.user,
                    institution=application.applicant.institution,
                    idempotency_key=f"promotions.deadline_soon:{application.pk}",
                    context=_context(application),
                    link=application.get_absolute_url(),
                )
                for application in applications
            ),
        )
    )


def remind_support_waiting(*, applications: Iterable[Application]) -> int:
    """Remind each line manager once of an application waiting for their supporting statement.
    `applications` from `selectors.support_waiting_due`. Returns how many messages were queued."""

    def messages() -> Iterator[Message]:
        for application in applications:
            manager = application.applicant.line_manager
            if manager is None or application.manager_statement or not application.is_open:
                continue
            yield Message(
                recipient=manager.user,
                institution=manager.institution,
                idempotency_key=f"promotions.support_waiting:{application.pk}",
                context=_context(application),
                link=application.get_absolute_url(),
            )

    return len(notifications_enqueue_many(kind=kinds.SUPPORT_WAITING.key, messages=messages()))


# --- Vacancies (1H) ----------------------------------------------------------------------------


def vacancy_save(*, form: Any, institution: Institution, by: Any, today: date | None = None) -> Vacancy:
    """Record or correct a technical vacancy's degree requirement from a validated form."""
    rules.require_record_vacancies(by)
    with transaction.atomic():
        vacancy = form.save(commit=False)
        if vacancy.pk:
            rules.require_edit_vacancy(by, vacancy)
        vacancy.institution = institution
        if not vacancy.degree_asked:
            vacancy.degree_reason = ""
        if vacancy.pk is None:
            vacancy.recorded_on = today or timezone.localdate()
            vacancy.recorded_by = by.profile
        vacancy.save()
        return vacancy
