"""Writes of development data: every change of state goes through one function here."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import filetype
import tablib
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone
from openpyxl import Workbook

from notifications.services import notification_enqueue
from people.models import StaffProfile

from . import selectors
from .models import (
    HALF_DAY,
    DevelopmentRequest,
    GuidanceVersion,
    ManagerDelegate,
    ReportExport,
    RequestTransition,
    TrainingImport,
    TrainingRecord,
    working_days_before,
)
from .notifications import APPROVAL_WAITING, NOTHING_RECORDED, REQUEST_DECIDED, REQUEST_SUBMITTED

State = DevelopmentRequest.State
EVIDENCE_MAX_BYTES = 5 * 1024 * 1024
EVIDENCE_TYPES = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}
WAITING_WORKING_DAYS = 5
RECORD_NOTE_FIELDS = ("hours", "cpd_category", "reflection", "value_rating")
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


def days_text(days):
    """Show 2, 2.5 or 0.5 days, whatever the stored precision."""
    return format(Decimal(days).normalize(), "f")


# --- Requests ------------------------------------------------------------------------------


def request_check(*, person, start_date, end_date, days, cost=None, exclude_pk=None):
    """Raise ValidationError (by field) for dates out of order, bad days or an overlap.

    Overlap means sharing a day with another of the person's requests that still holds days
    (not cancelled or declined).
    """
    errors = {}
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


def _lock_person(person):
    """Serialise a person's request writes, so two overlapping requests cannot both pass the check."""
    StaffProfile.objects.select_for_update().filter(pk=person.pk).first()


def _record_transition(request, from_state, to_state, by, reason=""):
    RequestTransition.objects.create(request=request, from_state=from_state, to_state=to_state, by=by, reason=reason)


def _notify_manager_of_submission(request):
    """Tell the line manager, and whoever stands in for them today, that a request waits."""
    manager = request.person.line_manager
    if manager is None:
        return
    deciders = [manager, *manager.delegations_given.active_on(timezone.localdate()).select_related("delegate__user")]
    for decider in deciders:
        decider = getattr(decider, "delegate", decider)
        notification_enqueue(
            recipient=decider.user,
            kind=REQUEST_SUBMITTED.key,
            idempotency_key=f"development.request_submitted:{request.pk}:{decider.pk}:{request.submitted_at.isoformat()}",
            context={
                "requester": str(request.person),
                "days": days_text(request.days),
                "title": request.title,
                "dates": f"{request.start_date:%d %b %Y} to {request.end_date:%d %b %Y}",
            },
            link=request.get_absolute_url(),
        )


def request_create(*, person, by, **fields):
    """Submit a new request for the person; nothing is saved if any check fails."""
    with transaction.atomic():
        _lock_person(person)
        request_check(person=person, start_date=fields["start_date"], end_date=fields["end_date"], days=fields["days"])
        request = DevelopmentRequest.objects.create(person=person, state=State.SUBMITTED, **fields)
        _record_transition(request, "", State.SUBMITTED, by)
        _notify_manager_of_submission(request)
    return request


def request_update(*, request, by, **fields):
    """Save the owner's edits; a request sent back for changes is resubmitted."""
    if request.person.user_id != by.pk:
        raise PermissionDenied("Only the person who made a request can change it.")
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
        resubmitted = request.state == State.CHANGES_REQUESTED
        if resubmitted:
            request.state = State.SUBMITTED
            request.submitted_at = timezone.now()
        request.save()
        if resubmitted:
            _record_transition(request, State.CHANGES_REQUESTED, State.SUBMITTED, by, "Resubmitted with changes.")
            _notify_manager_of_submission(request)
    return request


def _move(request, to_state):
    """Move a locked request along an allowed transition (refusing any other); return the state it left."""
    if not request.can_move_to(to_state):
        raise ValidationError(
            f"A request that is {request.get_state_display().lower()} cannot become {State(to_state).label.lower()}."
        )
    from_state = request.state
    request.state = to_state
    return from_state


def request_decide(*, request, by, decision, reason=""):
    """Approve, decline or send back one request; only the line manager or their active delegate may.

    Declining and asking for changes need a reason, which the technician sees.
    """
    if decision not in (State.APPROVED, State.DECLINED, State.CHANGES_REQUESTED):
        raise ValidationError("Choose approve, decline or ask for changes.")
    reason = (reason or "").strip()
    if decision != State.APPROVED and not reason:
        raise ValidationError({"reason": "Say why, so that the technician knows what to do next."})
    profile = getattr(by, "profile", None)
    with transaction.atomic():
        request = DevelopmentRequest.objects.select_for_update().select_related("person__user").get(pk=request.pk)
        if not selectors.may_decide(profile, request):
            raise PermissionDenied(
                f"Only {request.person}'s line manager, or their delegate while they are away, can decide "
                f"“{request.title}”."
            )
        from_state = _move(request, decision)
        request.decided_by = by
        request.decided_at = timezone.now()
        request.decision_reason = reason
        request.save(update_fields=["state", "decided_by", "decided_at", "decision_reason"])
        _record_transition(request, from_state, decision, by, reason)
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


def request_approve_many(*, request_ids, by):
    """Approve several waiting requests at once; all or none (one refusal refuses the batch)."""
    with transaction.atomic():
        requests = list(DevelopmentRequest.objects.filter(pk__in=request_ids).order_by("pk"))
        if len(requests) != len(set(request_ids)):
            raise PermissionDenied("Some of these requests do not exist.")
        return [request_decide(request=request, by=by, decision=State.APPROVED) for request in requests]


def request_cancel(*, request, by, reason=""):
    if request.person.user_id != by.pk:
        raise PermissionDenied("Only the person who made a request can cancel it.")
    with transaction.atomic():
        request = DevelopmentRequest.objects.select_for_update().get(pk=request.pk)
        from_state = _move(request, State.CANCELLED)
        request.save(update_fields=["state"])
        _record_transition(request, from_state, State.CANCELLED, by, reason)
    return request


def request_complete(*, request, by, hours, cpd_category, reflection="", value_rating=None, evidence=None):
    """Mark an approved request done: it becomes a training record using its days."""
    if request.person.user_id != by.pk:
        raise PermissionDenied("Only the person who made a request can mark it done.")
    evidence_type = evidence_check(evidence) if evidence else ""
    with transaction.atomic():
        request = DevelopmentRequest.objects.select_for_update().get(pk=request.pk)
        if request.start_date > timezone.localdate():
            raise ValidationError("You can mark it done once it has started.")
        from_state = _move(request, State.COMPLETED)
        request.save(update_fields=["state"])
        _record_transition(request, from_state, State.COMPLETED, by)
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


# --- Training records ----------------------------------------------------------------------


def evidence_check(upload):
    """Return the evidence's MIME type read from its content; refuse other types and big files."""
    if upload.size > EVIDENCE_MAX_BYTES:
        raise ValidationError({"evidence": f"The file is {upload.size // 1024 // 1024 + 1} MB; the limit is 5 MB."})
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in EVIDENCE_TYPES:
        raise ValidationError({"evidence": "Evidence must be a PDF, PNG or JPEG file (checked from its content)."})
    return kind.mime


def training_record_log(*, person, by, evidence=None, **fields):
    """Record training done without a request."""
    if person.user_id != by.pk:
        raise PermissionDenied("You can only log your own training.")
    evidence_type = evidence_check(evidence) if evidence else ""
    with transaction.atomic():
        record = TrainingRecord(
            person=person, source=TrainingRecord.Source.LOGGED, evidence_type=evidence_type, **fields
        )
        record.full_clean(exclude=["evidence"])
        if evidence:
            record.evidence.save(f"evidence.{EVIDENCE_TYPES[evidence_type]}", evidence, save=False)
        record.save()
    return record


def training_record_update(*, record, by, evidence=None, **fields):
    """Save the owner's changes; only a logged record's facts (title, dates, days) can change.

    A new evidence file replaces the old one, which is deleted once the change commits.
    """
    if record.person.user_id != by.pk:
        raise PermissionDenied("Only the person whose record this is can change it.")
    if record.source != TrainingRecord.Source.LOGGED and set(fields) - set(RECORD_NOTE_FIELDS):
        raise ValidationError(
            "Only the reflection, rating, hours, CPD category and evidence of this record can change."
        )
    evidence_type = evidence_check(evidence) if evidence else ""
    with transaction.atomic():
        record = TrainingRecord.objects.select_for_update().get(pk=record.pk)
        for name, value in fields.items():
            setattr(record, name, value)
        record.full_clean(exclude=["evidence"])
        old_name = record.evidence.name if evidence and record.evidence else ""
        if evidence:
            record.evidence_type = evidence_type
            record.evidence.save(f"evidence.{EVIDENCE_TYPES[evidence_type]}", evidence, save=False)
        record.save()
        if old_name:
            storage = record.evidence.storage
            transaction.on_commit(lambda: storage.delete(old_name))
    return record


def training_record_delete(*, record, by):
    """Delete a record the technician logged themself (not one from a request or an import)."""
    if record.person.user_id != by.pk or record.source != TrainingRecord.Source.LOGGED:
        raise PermissionDenied("You can delete only training you logged yourself.")
    with transaction.atomic():
        name, storage = record.evidence.name, record.evidence.storage
        record.delete()
        if name:
            transaction.on_commit(lambda: storage.delete(name))


def records_csv_rows(records):
    """Yield a person's training records as CSV lines, for a streamed download."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(values):
        buffer.seek(0)
        buffer.truncate(0)
        writer.writerow(values)
        return buffer.getvalue()

    yield line(
        [
            "date",
            "title",
            "activity",
            "internal or external",
            "provider",
            "CPD category",
            "hours",
            "days",
            "value (1-5)",
            "reflection",
            "source",
        ]
    )
    for record in records.iterator(chunk_size=500):
        yield line(
            [
                record.date.isoformat(),
                record.title,
                record.get_activity_type_display(),
                record.get_delivery_display(),
                record.provider,
                record.get_cpd_category_display(),
                record.hours,
                record.days,
                record.value_rating or "",
                record.reflection,
                record.get_source_display(),
            ]
        )


# --- Policy ---


def policy_save(*, form, overrides):
    """Save the institution's policy and its per-grade or per-family minimums together."""
    with transaction.atomic():
        policy = form.save()
        overrides.instance = policy
        overrides.save()
    return policy


# --- Delegates and guidance ----------------------------------------------------------------


def delegate_set(*, manager, delegate, starts_on, ends_on):
    if delegate.pk == manager.pk:
        raise ValidationError({"delegate": "Choose someone other than yourself."})
    if delegate.institution_id != manager.institution_id:
        raise ValidationError({"delegate": "The delegate must work at your institution."})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": "The last day must be on or after the first day."})
    with transaction.atomic():
        return ManagerDelegate.objects.create(manager=manager, delegate=delegate, starts_on=starts_on, ends_on=ends_on)


def delegate_end(*, delegation, by):
    """Remove a delegation; only the manager who set it may."""
    if delegation.manager.user_id != by.pk:
        raise PermissionDenied("Only the manager who set this delegation can remove it.")
    delegation.delete()


def guidance_publish(*, institution, by, audience, title, effective_from, body):
    """Add a new dated version; earlier versions stay as the history."""
    with transaction.atomic():
        return GuidanceVersion.objects.create(
            institution=institution,
            audience=audience,
            title=title,
            effective_from=effective_from,
            body=body,
            created_by=by,
        )


# --- Importing internal course attendance ----------------------------------------------------

IMPORT_MAX_ROWS = 20_000


def training_import_start(*, institution, by, upload):
    """Store the upload and queue its check; the rows are checked by a worker with progress shown."""
    from .tasks import check_training_import

    name = upload.name.rsplit("/", 1)[-1][:255]
    if not name.lower().endswith((".csv", ".xlsx")):
        raise ValidationError({"file": "Upload a .csv or .xlsx file."})
    with transaction.atomic():
        batch = TrainingImport(institution=institution, uploaded_by=by, original_name=name)
        batch.file.save(f"import.{name.rsplit('.', 1)[-1].lower()}", upload, save=False)
        batch.save()
        transaction.on_commit(lambda: check_training_import.delay(batch.pk))
    return batch


def _read_table(batch):
    """Return the file's rows as dicts with normalised headers."""
    with batch.file.open("rb") as handle:
        content = handle.read()
    if batch.original_name.lower().endswith(".xlsx"):
        dataset = tablib.Dataset().load(io.BytesIO(content), format="xlsx")
    else:
        dataset = tablib.Dataset().load(content.decode("utf-8-sig"), format="csv")
    headers = [str(h or "").strip().lower().replace(" ", "_").replace("-", "_") for h in dataset.headers or []]
    return headers, [dict(zip(headers, row, strict=False)) for row in dataset]


def _parse_date(value):
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def training_import_check(*, batch_id):
    """Check every row of an uploaded file and store the preview; writes no training records.

    Each row is refused for an unknown person (by e-mail or staff number, within the
    institution), a bad date, bad hours, a duplicate in the file, or a record already imported.
    """
    batch = TrainingImport.objects.get(pk=batch_id)
    if batch.status != TrainingImport.Status.VALIDATING:
        return batch
    try:
        headers, table = _read_table(batch)
    except Exception as error:  # a corrupt or mislabelled file: say so instead of retrying forever
        batch.status, batch.error = TrainingImport.Status.FAILED, f"The file could not be read: {error}"[:2000]
        batch.save(update_fields=["status", "error"])
        return batch
    missing = [h for h in ("course", "date", "hours") if h not in headers]
    if not ({"email", "staff_number"} & set(headers)):
        missing.append("email or staff_number")
    if missing or len(table) > IMPORT_MAX_ROWS:
        batch.status = TrainingImport.Status.FAILED
        batch.error = (
            f"Missing columns: {', '.join(missing)}."
            if missing
            else f"More than {IMPORT_MAX_ROWS} rows; split the file."
        )
        batch.save(update_fields=["status", "error"])
        return batch
    staff = StaffProfile.objects.for_institution(batch.institution).select_related("user")
    by_email = {p.user.email.lower(): p for p in staff}
    by_number = {p.staff_number.lower(): p for p in by_email.values() if p.staff_number}
    TrainingImport.objects.filter(pk=batch.pk).update(total_rows=len(table))
    already = {
        (person_id, title.lower(), day)
        for person_id, title, day in TrainingRecord.objects.filter(
            person__institution=batch.institution, source=TrainingRecord.Source.IMPORTED
        ).values_list("person_id", "title", "date")
    }
    seen, checked = set(), []
    for number, row in enumerate(table, start=2):  # row 1 is the header
        errors = []
        email = str(row.get("email") or "").strip().lower()
        staff_number = str(row.get("staff_number") or "").strip().lower()
        person = by_email.get(email) if email else by_number.get(staff_number)
        if person is None:
            errors.append(f"Unknown person: {email or staff_number or '(blank)'} is not on the staff list.")
        course = str(row.get("course") or "").strip()[:200]
        if not course:
            errors.append("The course is blank.")
        day = _parse_date(row.get("date"))
        if day is None:
            errors.append(f"Bad date: “{row.get('date') or ''}” (use YYYY-MM-DD or DD/MM/YYYY).")
        try:
            hours = Decimal(str(row.get("hours")).strip())
            if not hours.is_finite() or hours <= 0 or hours > 1000:
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            hours = None
            errors.append(f"Bad hours: “{row.get('hours') or ''}” (a number above 0).")
        if not errors:
            key = (person.pk, course.lower(), day)
            if key in seen:
                errors.append("Duplicate: the same person, course and date appear earlier in the file.")
            elif key in already:
                errors.append("Duplicate: already imported.")
            seen.add(key)
        checked.append(
            {
                "row": number,
                "person_id": person.pk if person else None,
                "person": str(person) if person else email or staff_number,
                "course": course,
                "date": day.isoformat() if day else str(row.get("date") or ""),
                "hours": str(hours) if hours is not None else str(row.get("hours") or ""),
                "errors": errors,
            }
        )
        if number % 50 == 0:
            TrainingImport.objects.filter(pk=batch.pk).update(checked_rows=len(checked))
    batch.rows = checked
    batch.total_rows = batch.checked_rows = len(checked)
    batch.status = TrainingImport.Status.READY
    batch.save(update_fields=["rows", "total_rows", "checked_rows", "status"])
    return batch


def training_import_commit(*, batch, by, mode):
    """Write the checked rows in one transaction: all of them (refused if any is bad) or the good ones."""
    with transaction.atomic():
        batch = TrainingImport.objects.select_for_update().get(pk=batch.pk)
        if batch.status != TrainingImport.Status.READY:
            raise ValidationError(f"This import is {batch.get_status_display().lower()}; it cannot be imported now.")
        if mode == TrainingImport.Mode.ALL and batch.bad_rows:
            raise ValidationError(
                f"{len(batch.bad_rows)} rows have problems, so nothing was imported. Fix the file and upload it "
                "again, or import the good rows only."
            )
        if mode not in TrainingImport.Mode.values:
            raise ValidationError("Choose how to import.")
        institution_staff = set(StaffProfile.objects.for_institution(batch.institution).values_list("pk", flat=True))
        records = [
            TrainingRecord(
                person_id=row["person_id"],
                source=TrainingRecord.Source.IMPORTED,
                title=row["course"],
                activity_type="course",
                delivery="internal",
                provider=batch.institution.short_name,
                date=date.fromisoformat(row["date"]),
                hours=Decimal(row["hours"]),
                cpd_category="formal",
                import_batch=batch,
            )
            for row in batch.good_rows
            if row["person_id"] in institution_staff
        ]
        # The unique constraint skips rows imported since the check, so a re-import adds nothing.
        TrainingRecord.objects.bulk_create(records, ignore_conflicts=True, batch_size=1000)
        batch.status = TrainingImport.Status.IMPORTED
        batch.mode = mode
        # Counted, not taken from bulk_create, which also returns the rows it skipped.
        batch.imported_count = TrainingRecord.objects.filter(import_batch=batch).count()
        batch.imported_at = timezone.now()
        batch.save(update_fields=["status", "mode", "imported_count", "imported_at"])
    return batch


# --- Training report files ----------------------------------------------------------------


def report_export_start(*, institution, by, year, margin=None):
    """Record the request for a spreadsheet and queue its building once the row is committed."""
    from .tasks import build_report_export

    with transaction.atomic():
        export = ReportExport.objects.create(institution=institution, requested_by=by, year=year, margin=margin)
        transaction.on_commit(lambda: build_report_export.delay(export.pk))
    return export


def report_export_build(*, export):
    """Build the XLSX file of the training report (suppressed cells as "<5") and attach it."""
    report = selectors.training_report(export.institution, export.year, margin=export.margin)
    ReportExport.objects.filter(pk=export.pk).update(progress=50)
    header, rows = selectors.report_table(report)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"Training {report.label}".replace("/", "-")
    sheet.append([f"Training per head, {report.institution} {report.label}"])
    sheet.append(["Groups of fewer than 5 people are shown as <5."])
    sheet.append(header)
    for row in rows:
        sheet.append([float(value) if isinstance(value, Decimal) else value for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with transaction.atomic():
        export.file.save(f"training-report-{export.year}.xlsx", ContentFile(buffer.getvalue()), save=False)
        export.status = ReportExport.Status.READY
        export.progress = 100
        export.save(update_fields=["file", "status", "progress"])
    return export


def report_export_failed(*, export, error):
    ReportExport.objects.filter(pk=export.pk).update(status=ReportExport.Status.FAILED, error=str(error)[:2000])


# --- Reminders -----------------------------------------------------------------------------


def approval_reminders_due(*, today=None):
    """Requests waiting for a decision for more than five working days, with the manager's
    delegations active today prefetched (as `active_delegations`)."""
    today = today or timezone.localdate()
    cutoff = working_days_before(today, WAITING_WORKING_DAYS)
    active = ManagerDelegate.objects.active_on(today).select_related("delegate__user")
    return (
        DevelopmentRequest.objects.filter(
            state=State.SUBMITTED, submitted_at__date__lt=cutoff, person__line_manager__isnull=False
        )
        .select_related("person__user", "person__line_manager__user", "person__institution")
        .prefetch_related(
            Prefetch("person__line_manager__delegations_given", queryset=active, to_attr="active_delegations")
        )
        .order_by("submitted_at")
    )


def approval_reminder_send(*, request):
    """Remind the line manager, and anyone standing in for them today, once per submission.

    Returns the number of messages queued (0 when they were all sent before).
    """
    manager = request.person.line_manager
    deciders = [manager, *(d.delegate for d in getattr(manager, "active_delegations", []))]
    queued = 0
    for decider in deciders:
        key_suffix = "" if decider.pk == manager.pk else f":{decider.pk}"
        queued += (
            notification_enqueue(
                recipient=decider.user,
                kind=APPROVAL_WAITING.key,
                idempotency_key=(
                    f"development.approval_waiting:{request.pk}:{request.submitted_at:%Y%m%d%H%M%S}{key_suffix}"
                ),
                context={
                    "requester": str(request.person),
                    "title": request.title,
                    "days": days_text(request.days),
                    "submitted": f"{timezone.localtime(request.submitted_at):%d %b %Y}",
                },
                link=request.get_absolute_url(),
            )
            is not None
        )
    return queued


def nothing_recorded_due(*, policy, today=None):
    """Current staff of the policy's institution with nothing recorded or planned, past mid-year.

    Returns (year, queryset); the queryset is empty before the middle of the year or when the
    institution switched the reminder off.
    """
    today = today or timezone.localdate()
    year = policy.year_containing(today)
    start, end = policy.year_bounds(year)
    middle = start + (end - start) / 2
    staff = StaffProfile.objects.for_institution(policy.institution).current().filter(user__is_active=True)
    if not policy.remind_mid_year or today < middle:
        return year, staff.none()
    # Exists() keeps each test to one row: a plain exclude() over a many-valued relation may
    # match the date on one request and the state on another.
    recorded = TrainingRecord.objects.filter(person=OuterRef("pk"), date__gte=start, date__lte=end)
    planned = DevelopmentRequest.objects.filter(
        person=OuterRef("pk"),
        state__in=[State.SUBMITTED, State.APPROVED, State.COMPLETED],
        start_date__gte=start,
        start_date__lte=end,
    )
    return year, (
        staff.exclude(Exists(recorded)).exclude(Exists(planned)).select_related("user", "grade", "job_family")
    )


def nothing_recorded_send(*, person, policy, year, overrides):
    return notification_enqueue(
        recipient=person.user,
        institution=policy.institution,
        kind=NOTHING_RECORDED.key,
        idempotency_key=f"development.nothing_recorded:{person.pk}:{year}",
        context={"minimum": days_text(policy.minimum_for(person, overrides)), "year": policy.year_label(year)},
        link="/development/",
    )
