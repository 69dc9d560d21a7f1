"""Writes for recognition: outputs and their imports, acknowledgement cases, prizes, nominations
and the annual report.

Nominations move only through `core.workflow.transition` along `Nomination.workflow`; outbox rows
are written in the same transaction as the change they announce. Celebrations go to the one feed
in `people` (`people.services.propose_celebration`), idempotent on the source row.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from core.access import allowed
from core.uploads import UploadRefused
from core.workflow import transition
from notifications.services import Message, notification_enqueue, notifications_enqueue_many
from people import services as people_services
from people.models import Institution, StaffProfile

from . import clients, importing, selectors
from . import notifications as kinds
from .models import (
    AcknowledgementCase,
    AnnualReport,
    CreditRole,
    ImportRun,
    Nomination,
    Output,
    Part,
    Prize,
    Project,
    Source,
    normalise_doi,
    validate_doi,
)

State = Nomination.State
ORCID_FILE_MAX_BYTES = 5 * 1024 * 1024


# --- Outputs ----------------------------------------------------------------------------------


def _projects(institution_id: int, names: Iterable[str]) -> list[Project]:
    wanted = {" ".join(name.split())[:200] for name in names if name.strip()}
    existing = {p.name: p for p in Project.objects.filter(institution_id=institution_id, name__in=wanted)}
    for name in sorted(wanted - set(existing)):
        existing[name] = Project.objects.create(institution_id=institution_id, name=name)
    return list(existing.values())


def output_save(
    *,
    person: StaffProfile,
    values: dict[str, Any],
    project_names: Iterable[str] = (),
    output: Output | None = None,
    today: date | None = None,
) -> Output:
    """Create or change one of the person's outputs, with its projects; nothing is saved on a refusal.

    Refuses (ValidationError naming the field) an invalid DOI, a DOI the person already recorded,
    a date in the future and an unknown CRediT role.
    """
    today = today or timezone.localdate()
    output = output or Output(person=person)
    for field in ("kind", "title", "venue", "part", "credit_roles", "doi", "other_identifier", "published_on"):
        if field in values:
            setattr(output, field, values[field])
    output.doi = normalise_doi(output.doi)
    output.title = (output.title or "").strip()
    errors: dict[str, str] = {}
    try:
        validate_doi(output.doi)
    except ValidationError as error:
        errors["doi"] = error.messages[0]
    if output.published_on and output.published_on > today:
        errors["published_on"] = f"The date cannot be in the future (today is {today:%d %B %Y})."
    unknown = set(output.credit_roles or []) - set(CreditRole.values)
    if unknown:
        errors["credit_roles"] = f"Unknown CRediT role: {', '.join(sorted(unknown))}."
    if output.doi and not errors.get("doi"):
        twin = Output.objects.filter(person=person, doi=output.doi).exclude(pk=output.pk).first()
        if twin is not None:
            errors["doi"] = f"You already recorded this DOI: “{twin.title}”."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        output.full_clean(exclude=["person", "projects"])
        output.save()
        output.projects.set(_projects(person.institution_id, project_names))
    return output


def output_delete(*, output: Output, by: Any) -> None:
    if not allowed(by, "recognition.edit_output", output):
        raise PermissionDenied("Only the person whose output it is can remove it.")
    output.delete()


def outputs_import(*, person: StaffProfile, parsed: importing.Parsed, source: str, reference: str) -> ImportRun:
    """Record the parsed works the person does not have yet; report the rest. Idempotent.

    A work merges into one already recorded (or earlier in the same list) with the same DOI, or,
    without a DOI, with the same ORCID put-code; a merge fills the venue and put-code the first
    copy lacked. Three queries plus one insert for the new works, whatever their number.
    """
    with transaction.atomic():
        # Lock the person's row: two imports at once would otherwise both add the same works.
        StaffProfile.objects.select_for_update().filter(pk=person.pk).first()
        mine = Output.objects.filter(person=person)
        by_doi = {o.doi: o for o in mine.exclude(doi="")}
        put_codes = set(mine.exclude(orcid_put_code=None).values_list("orcid_put_code", flat=True))
        new: list[Output] = []
        merged, changed = 0, {}
        for work in parsed.candidates:
            twin = by_doi.get(work.doi) if work.doi else None
            if twin is not None or (work.put_code is not None and work.put_code in put_codes):
                merged += 1
                if twin is not None and twin.pk:
                    if not twin.venue and work.venue:
                        twin.venue = work.venue
                        changed[twin.pk] = twin
                    if twin.orcid_put_code is None and work.put_code is not None and work.put_code not in put_codes:
                        twin.orcid_put_code = work.put_code
                        changed[twin.pk] = twin
                if work.put_code is not None:
                    put_codes.add(work.put_code)
                continue
            output = Output(
                person=person,
                kind=work.kind,
                title=work.title,
                venue=work.venue,
                part=Part.NAMED_AUTHOR,
                doi=work.doi,
                other_identifier=work.other_identifier,
                published_on=work.published_on,
                source=source,
                orcid_put_code=work.put_code,
            )
            new.append(output)
            if work.doi:
                by_doi[work.doi] = output
            if work.put_code is not None:
                put_codes.add(work.put_code)
        Output.objects.bulk_create(new)
        if changed:
            Output.objects.bulk_update(list(changed.values()), ["venue", "orcid_put_code"])
        return ImportRun.objects.create(
            person=person,
            source=source,
            reference=reference[:200],
            added=len(new),
            merged=merged,
            problems=parsed.problems,
        )


def outputs_import_orcid(*, person: StaffProfile, today: date | None = None) -> ImportRun:
    """Import the works on the person's public ORCID record (one request to ORCID's public API)."""
    if not person.orcid:
        raise ValidationError("Add your ORCID iD to your profile first.")
    try:
        data = clients.orcid_works(person.orcid)
    except clients.LookupFailed as error:
        raise ValidationError(str(error)) from error
    parsed = importing.orcid_works(data, today=today or timezone.localdate())
    return outputs_import(person=person, parsed=parsed, source=Source.ORCID, reference=person.orcid)


def outputs_import_orcid_file(*, person: StaffProfile, upload: Any, today: date | None = None) -> ImportRun:
    """Import from an ORCID record or works file (JSON) the person downloaded and uploads.

    For institutions whose network blocks ORCID's API. The size is checked before reading and
    the read is capped, like every upload (`core.uploads.UploadRefused` says why a file is refused).
    """
    try:
        if getattr(upload, "size", 0) > ORCID_FILE_MAX_BYTES:
            raise UploadRefused(f"The file is larger than {ORCID_FILE_MAX_BYTES // 1024 // 1024} MB.")
        raw = upload.read(ORCID_FILE_MAX_BYTES + 1)
        if len(raw) > ORCID_FILE_MAX_BYTES:
            raise UploadRefused(f"The file is larger than {ORCID_FILE_MAX_BYTES // 1024 // 1024} MB.")
        try:
            data = json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError) as error:
            raise UploadRefused(
                "The file is not an ORCID JSON file. Save your record's works as JSON (from "
                "pub.orcid.org/v3.0/<your iD>/works) and upload that."
            ) from error
    except UploadRefused as error:
        raise ValidationError({"file": str(error)}) from error
    try:
        parsed = importing.orcid_works(data, today=today or timezone.localdate())
    except ValidationError as error:
        raise ValidationError({"file": error.messages[0]}) from error
    name = getattr(upload, "name", "") or "ORCID file"
    return outputs_import(person=person, parsed=parsed, source=Source.ORCID_FILE, reference=name)


def output_import_doi(*, person: StaffProfile, doi: str, part: str, today: date | None = None) -> Output:
    """Record one output from its DOI's metadata at Crossref, with the person's part in it."""
    doi = normalise_doi(doi)
    try:
        validate_doi(doi)
    except ValidationError as error:
        raise ValidationError({"doi": error.messages[0]}) from error
    if not doi:
        raise ValidationError({"doi": "Give the DOI to look up."})
    twin = Output.objects.filter(person=person, doi=doi).first()
    if twin is not None:
        raise ValidationError({"doi": f"You already recorded this DOI: “{twin.title}”."})
    try:
        data = clients.crossref_work(doi)
    except clients.LookupFailed as error:
        raise ValidationError({"doi": str(error)}) from error
    work = importing.crossref_work(data, doi=doi, today=today or timezone.localdate())
    with transaction.atomic():
        output = output_save(
            person=person,
            values={
                "kind": work.kind,
                "title": work.title,
                "venue": work.venue,
                "part": part,
                "doi": work.doi,
                "published_on": work.published_on,
            },
            today=today,
        )
        output.source = Source.CROSSREF
        output.save(update_fields=["source"])
        ImportRun.objects.create(person=person, source=Source.CROSSREF, reference=doi, added=1)
    return output


def output_celebrate(*, output: Output, by: Any, consent: bool) -> None:
    """Put a publication forward for the celebration feed (2A: technician input into publications).

    The person themselves must tick their consent here; their line manager or the coordinator may
    propose it, and then the person is asked on their home page before anything is published.
    """
    own = allowed(by, "recognition.edit_output", output)
    if not own and not allowed(by, "recognition.see_output", output):
        raise PermissionDenied("You cannot put this output forward.")
    if own and not consent:
        raise ValidationError({"consent": "Tick the box to agree to your name and this output being celebrated."})
    from people.models import Celebration

    people_services.propose_celebration(
        person=output.person,
        kind=Celebration.Kind.PUBLICATION,
        title=f"{output.get_part_display()} on “{output.title}”"[:200],
        occurred_on=output.published_on,
        source=f"recognition.Output:{output.pk}",
        body=output.doi_url or output.venue,
        consent=own and consent,
    )


# --- Acknowledgement cases (2A) ---------------------------------------------------------------


def case_report(
    *, person: StaffProfile, work: str, credit: str, account: str, may_use_anonymously: bool
) -> AcknowledgementCase:
    if not account.strip():
        raise ValidationError({"account": "Say what you contributed and how it was recognised."})
    with transaction.atomic():
        case = AcknowledgementCase(
            person=person,
            work=work.strip(),
            credit=credit,
            account=account.strip(),
            may_use_anonymously=may_use_anonymously,
        )
        case.full_clean(exclude=["person"])
        case.save()
        return case


def case_file(*, case: AcknowledgementCase, by: Any, example: str, note: str) -> AcknowledgementCase:
    """The coordinator files a case as a good or bad example (only with the reporter's agreement)."""
    if not allowed(by, "recognition.triage_case", case):
        raise PermissionDenied("Only the coordinator can file an acknowledgement case.")
    if example and not case.may_use_anonymously:
        raise ValidationError({"example": "The reporter did not agree to this being used as an example."})
    with transaction.atomic():
        case.example = example
        case.coordinator_note = note.strip()
        case.save(update_fields=["example", "coordinator_note"])
        return case


# --- Prizes and nominations (3D) --------------------------------------------------------------


def prize_save(*, institution: Institution, values: dict[str, Any], prize: Prize | None = None) -> Prize:
    prize = prize or Prize(institution=institution)
    for field, value in values.items():
        setattr(prize, field, value)
    with transaction.atomic():
        prize.full_clean(exclude=["institution"])
        try:
            with transaction.atomic():
                prize.save()
        except IntegrityError:
            raise ValidationError({"name": "A prize with this name is already listed."}) from None
        return prize


def _nomination_context(nomination: Nomination) -> dict[str, Any]:
    return {
        "prize": nomination.prize.name,
        "year": nomination.year,
        "category": nomination.category,
        "nominee": str(nomination.nominee),
        "drafted_by": str(nomination.drafted_by or "The coordinator"),
    }


def _check_deadline(prize: Prize, year: int, today: date) -> None:
    deadline = prize.deadline_in(year)
    if today > deadline:
        raise ValidationError(
            {"year": f"Nominations for the {prize} {year} closed on {deadline:%d %B %Y}; choose next year's round."}
        )


def nomination_draft(
    *,
    prize: Prize,
    year: int,
    nominee: StaffProfile,
    category: str,
    citation: str,
    by: Any,
    today: date | None = None,
) -> Nomination:
    """A manager or the coordinator drafts a nomination; the nominee is asked to agree."""
    today = today or timezone.localdate()
    _check_deadline(prize, year, today)
    if prize.category_list and category not in prize.category_list:
        raise ValidationError({"category": f"Choose one of the prize's categories: {', '.join(prize.category_list)}."})
    if not prize.category_list:
        category = ""
    if not citation.strip():
        raise ValidationError({"citation": "Write the case for the nomination; the nominee reads it before agreeing."})
    if nominee.institution_id != prize.institution_id:
        raise ValidationError({"nominee": "Nominate someone at your own institution."})
    nomination = Nomination(
        prize=prize,
        year=year,
        nominee=nominee,
        category=category,
        citation=citation.strip(),
        drafted_by=getattr(by, "profile", None),
    )
    with transaction.atomic():
        try:
            with transaction.atomic():
                transition(nomination, State.DRAFT, by=by)
        except IntegrityError:
            raise ValidationError(
                {"nominee": f"{nominee} already has a nomination for the {prize} {year} in this category."}
            ) from None
        notification_enqueue(
            recipient=nominee.user,
            kind=kinds.NOMINATION_AGREEMENT.key,
            idempotency_key=f"recognition.nomination_agreement:{nomination.pk}",
            context=_nomination_context(nomination),
            link=nomination.get_absolute_url(),
        )
        return nomination


def nomination_agree(*, nomination: Nomination, by: Any, today: date | None = None) -> Nomination:
    if not allowed(by, "recognition.agree_nomination", nomination):
        raise PermissionDenied("Only the nominee can agree to their nomination.")
    if nomination.state != State.DRAFT:
        raise ValidationError("Only a draft nomination waits for agreement.")
    with transaction.atomic():
        nomination.nominee_agreed_on = today or timezone.localdate()
        nomination.save(update_fields=["nominee_agreed_on"])
        return nomination


def nomination_submit(*, nomination: Nomination, by: Any, today: date | None = None) -> Nomination:
    """Record that the nomination was sent to the prize; refused without the nominee's agreement
    or after the deadline."""
    today = today or timezone.localdate()
    if nomination.nominee_agreed_on is None:
        raise ValidationError(f"{nomination.nominee} has not agreed to the nomination yet.")
    _check_deadline(nomination.prize, nomination.year, today)
    with transaction.atomic():
        nomination.submitted_on = today
        transition(nomination, State.SUBMITTED, by=by, update_fields=["submitted_on"])
        return nomination


def nomination_withdraw(*, nomination: Nomination, by: Any, reason: str = "") -> Nomination:
    with transaction.atomic():
        transition(nomination, State.WITHDRAWN, by=by, reason=reason)
        return nomination


def nomination_decide(*, nomination: Nomination, won: bool, by: Any, today: date | None = None) -> Nomination:
    """Record the outcome; a win is put forward for the celebration feed (the nominee consents there)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        nomination.decided_on = today
        transition(nomination, State.WON if won else State.NOT_WON, by=by, update_fields=["decided_on"])
        if won:
            from people.models import Celebration

            category = f" ({nomination.category})" if nomination.category else ""
            people_services.propose_celebration(
                person=nomination.nominee,
                kind=Celebration.Kind.PRIZE,
                title=f"{nomination.nominee.name} won the {nomination.prize} {nomination.year}{category}"[:200],
                occurred_on=today,
                source=f"recognition.Nomination:{nomination.pk}",
            )
        notification_enqueue(
            recipient=nomination.nominee.user,
            kind=kinds.NOMINATION_OUTCOME.key,
            idempotency_key=f"recognition.nomination_outcome:{nomination.pk}",
            context={**_nomination_context(nomination), "won": won, "outcome": "won" if won else "not won"},
            link=nomination.get_absolute_url(),
        )
        return nomination


# --- Reminders --------------------------------------------------------------------------------


def prize_deadline_remind(*, prize_id: int, today: date | None = None) -> int:
    """Tell the coordinator(s) and line managers that the prize's nominations close in 30 days or
    fewer; once per person and prize year, however often the beat job runs."""
    today = today or timezone.localdate()
    prize = Prize.objects.select_related("institution").get(pk=prize_id)
    deadline = prize.next_deadline(today)
    nominated = Nomination.objects.filter(
        prize=prize, year=deadline.year, state__in=Nomination.NOMINATED_STATES
    ).count()
    context = {
        "prize": prize.name,
        "organiser": prize.organiser,
        "deadline": f"{deadline:%d %B %Y}",
        "nominated": nominated,
    }
    # In bulk: a large institution's prize reaches thousands of line managers.
    created = notifications_enqueue_many(
        kind=kinds.PRIZE_DEADLINE.key,
        messages=(
            Message(
                recipient=person.user,
                institution=prize.institution,
                idempotency_key=f"recognition.prize_deadline:{prize.pk}:{deadline.year}:{person.pk}",
                context=context,
                link=reverse("recognition:nomination_new") + f"?prize={prize.pk}",
            )
            for person in selectors.prize_reminder_recipients(prize.institution_id)
        ),
    )
    return len(created)


def outputs_update_prompts(*, year: int) -> int:
    """The yearly prompt to every current member of staff to bring their outputs up to date,
    once a year each (every institution at once: the beat job runs across them)."""
    # One query for the staff with their outputs counted, one INSERT per 1,000 new prompts: one
    # task per person did not finish in 20 minutes for 30,000 staff (issue 18).
    created = notifications_enqueue_many(
        kind=kinds.UPDATE_OUTPUTS.key,
        messages=(
            Message(
                recipient=person.user,
                institution=person.institution,
                idempotency_key=f"recognition.update_outputs:{person.pk}:{year}",
                context={"year": year, "count": person.output_count},
                link=reverse("recognition:mine"),
            )
            for person in selectors.staff_to_prompt(year=year)
            .select_related("user", "institution")
            .annotate(output_count=Count("outputs"))
            .order_by("pk")
        ),
    )
    return len(created)


# --- The annual report (2E) -------------------------------------------------------------------


def report_publish(*, institution: Institution, year: int, by: Any, today: date | None = None) -> AnnualReport:
    """Publish the year's report: its figures (already suppressed) are kept as they are now."""
    if not allowed(by, "recognition.see_report"):
        raise PermissionDenied("Only HR and the coordinator publish the authorship report.")
    today = today or timezone.localdate()
    if year > today.year:
        raise ValidationError({"year": "A report can only be published for this year or an earlier one."})
    report = selectors.authorship_report(institution=institution, year=year)
    with transaction.atomic():
        published, _ = AnnualReport.objects.update_or_create(
            institution=institution,
            year=year,
            defaults={"figures": report.as_published(), "published_by": by.profile, "published_at": timezone.now()},
        )
        return published
