"""Importing internal course attendance: the upload, the worker's row-by-row check, the person's choice.

A learning system sends completions through the API (`training_completions_receive`): each item
is checked with the same rules and written at once, kept as an import batch already imported.

The check is a `core.jobs.Job` (`TrainingImport.status`); the choice after it is the import's
own `stage` (checking → checked → imported), so a checked file waits for the person as long as
they like without holding a job open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import audit, uploads
from people.models import Institution, StaffProfile

from ..models import ActivityType, CpdCategory, Delivery, TrainingImport, TrainingRecord

IMPORT_MAX_ROWS = 20_000
PROGRESS_EVERY = 50  # rows between two progress saves


def training_import_start(*, institution: Institution, by: Any, upload: Any) -> TrainingImport:
    """Store the upload and queue its check; the rows are checked by a worker with progress shown."""
    name = upload.name.rsplit("/", 1)[-1][:255]
    if not name.lower().endswith((".csv", ".xlsx")):
        raise ValidationError({"file": "Upload a .csv or .xlsx file."})
    with transaction.atomic():
        batch = TrainingImport(institution=institution, uploaded_by=by, original_name=name)
        batch.file.save(f"import.{name.rsplit('.', 1)[-1].lower()}", upload, save=False)
        batch.save()
        batch.enqueue()
    return batch


def _read_table(batch: TrainingImport) -> tuple[list[str], list[uploads.TableRow]]:
    """Return the file's headings and rows, read by `core.uploads.open_table` (bounded, capped).

    The rows are kept in a list because the checked preview is stored whole (IMPORT_MAX_ROWS
    caps it); formula cells arrive neutralised and named, and are refused row by row.
    """
    with (
        batch.file.open("rb") as handle,
        uploads.open_table(handle, batch.original_name, max_rows=IMPORT_MAX_ROWS) as table,
    ):
        return table.headers, list(table.rows())


def _parse_date(value: Any) -> date | None:
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


def _save_progress(batch: TrainingImport, checked: int, total: int) -> None:
    TrainingImport.objects.filter(pk=batch.pk).update(checked_rows=checked)
    batch.set_progress(round(100 * checked / total) if total else 0)


def _check_attendance(
    row: dict[str, Any], *, by_email: dict[str, StaffProfile], by_number: dict[str, StaffProfile]
) -> tuple[StaffProfile | None, str, date | None, Decimal | None, list[str]]:
    """The person, course, date and hours of one row (a file's or the learning system's), and its
    problems in words: an unknown person (by e-mail or staff number, within the institution), a
    blank course, a bad date, bad hours. No query: the staff are looked up in the two dictionaries.
    """
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
    hours: Decimal | None
    try:
        hours = Decimal(str(row.get("hours")).strip())
        if not hours.is_finite() or hours <= 0 or hours > 1000:
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        hours = None
        errors.append(f"Bad hours: “{row.get('hours') or ''}” (a number above 0).")
    return person, course, day, hours, errors


def _staff_lookups(institution: Institution) -> tuple[dict[str, StaffProfile], dict[str, StaffProfile]]:
    """The institution's staff by e-mail and by staff number, lower-cased (one query)."""
    staff = StaffProfile.objects.for_institution(institution).select_related("user")
    by_email = {p.user.email.lower(): p for p in staff}
    by_number = {p.staff_number.lower(): p for p in by_email.values() if p.staff_number}
    return by_email, by_number


def training_import_check(*, batch: TrainingImport) -> TrainingImport:
    """Check every row of an uploaded file and store the preview; writes no training records.

    Run by the job's worker (the batch is claimed and RUNNING). Each row is refused for an
    unknown person (by e-mail or staff number, within the institution), a bad date, bad hours,
    a duplicate in the file, or a record already imported. A file that cannot be read, lacks
    columns or is too long fails the job with a message for the uploader (retrying would not
    help). Checking again (a retry, the sweep) only rewrites the preview.
    """
    if batch.stage != TrainingImport.Stage.CHECKING:
        return batch
    try:
        headers, table = _read_table(batch)
    except uploads.UploadRefused as error:  # too large, too long, a bomb, not UTF-8
        batch.mark_failed(str(error))
        return batch
    except Exception as error:  # a corrupt or mislabelled file: say so instead of retrying forever
        batch.mark_failed(f"The file could not be read: {error}")
        return batch
    missing = [h for h in ("course", "date", "hours") if h not in headers]
    if not ({"email", "staff_number"} & set(headers)):
        missing.append("email or staff_number")
    if missing or len(table) > IMPORT_MAX_ROWS:
        batch.mark_failed(
            f"Missing columns: {', '.join(missing)}."
            if missing
            else f"More than {IMPORT_MAX_ROWS} rows; split the file."
        )
        return batch
    by_email, by_number = _staff_lookups(batch.institution)
    TrainingImport.objects.filter(pk=batch.pk).update(total_rows=len(table))
    already = {
        (person_id, title.lower(), day)
        for person_id, title, day in TrainingRecord.objects.filter(
            person__institution=batch.institution, source=TrainingRecord.Source.IMPORTED
        ).values_list("person_id", "title", "date")
    }
    seen: set[tuple[int, str, date]] = set()
    checked: list[dict[str, Any]] = []
    for position, table_row in enumerate(table, start=1):
        number, row = table_row.number, table_row.values
        errors = []
        if table_row.formulas:
            errors.append(f"Formula cell in {', '.join(table_row.formulas)}: formulas are not imported.")
        person, course, day, hours, row_errors = _check_attendance(row, by_email=by_email, by_number=by_number)
        errors += row_errors
        email = str(row.get("email") or "").strip().lower()
        staff_number = str(row.get("staff_number") or "").strip().lower()
        if not errors and person is not None and day is not None:
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
        if position % PROGRESS_EVERY == 0:
            _save_progress(batch, len(checked), len(table))
    batch.rows = checked
    batch.total_rows = batch.checked_rows = len(checked)
    batch.stage = TrainingImport.Stage.CHECKED
    batch.save(update_fields=["rows", "total_rows", "checked_rows", "stage"])
    return batch


def training_import_commit(*, batch: TrainingImport, by: Any, mode: str) -> TrainingImport:
    """Write the checked rows in one transaction: all of them (refused if any is bad) or the good ones."""
    with transaction.atomic():
        batch = TrainingImport.objects.select_for_update().get(pk=batch.pk)
        if batch.stage != TrainingImport.Stage.CHECKED:
            raise ValidationError(f"This import is {batch.state_label.lower()}; it cannot be imported now.")
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
        batch.stage = TrainingImport.Stage.IMPORTED
        batch.mode = mode
        # Counted, not taken from bulk_create, which also returns the rows it skipped.
        batch.imported_count = TrainingRecord.objects.filter(import_batch=batch).count()
        batch.imported_at = timezone.now()
        batch.save(update_fields=["stage", "mode", "imported_count", "imported_at"])
        audit.record(
            kind="import",
            action=f"Imported {batch.imported_count} training records from {batch.original_name}",
            obj=batch,
            actor=by,
        )
    return batch


# --- Completions sent by the learning system (the API) ------------------------------------------

COMPLETIONS_MAX = 1000  # items in one call: the API's batch limit


@dataclass(frozen=True)
class CompletionResult:
    """What became of one item of a batch: created, already recorded (a re-send), or refused."""

    CREATED: ClassVar[str] = "created"
    UNCHANGED: ClassVar[str] = "unchanged"
    REFUSED: ClassVar[str] = "refused"

    index: int
    external_id: str
    status: str
    record_id: int | None = None
    errors: tuple[str, ...] = ()


def _choice(item: dict[str, Any], field: str, choices: type[Any], default: str, errors: list[str]) -> str:
    value = str(item.get(field) or default).strip()
    if value not in choices.values:
        errors.append(f"Unknown {field.replace('_', ' ')}: “{value}” (one of {', '.join(choices.values)}).")
    return value


def _check_completion(
    item: Any,
    *,
    by_email: dict[str, StaffProfile],
    by_number: dict[str, StaffProfile],
    seen: set[str],
    today: date,
) -> tuple[dict[str, Any], list[str]]:
    """One item of a batch, checked with the training import's rules (`_check_attendance`) and the
    fields a learning system adds: the external id (required, once per batch), the provider, the
    last day, the CPD category, the activity and delivery. Returns the record's fields and the
    problems in words; no query."""
    if not isinstance(item, dict):
        return {}, ["Not an object: each completion is a JSON object with the fields the schema lists."]
    person, course, day, hours, errors = _check_attendance(
        {
            "email": item.get("email"),
            "staff_number": item.get("staff_number"),
            "course": item.get("course"),
            "date": item.get("date"),
            "hours": item.get("hours"),
        },
        by_email=by_email,
        by_number=by_number,
    )
    external_id = str(item.get("external_id") or "").strip()
    if not external_id:
        errors.append("The external id is blank: send the learning system's id, so sending it again adds nothing.")
    elif len(external_id) > 100:
        errors.append("The external id is longer than 100 characters.")
    elif external_id in seen:
        errors.append(f"Duplicate: the external id {external_id} appears earlier in the batch.")
    seen.add(external_id)
    provider = str(item.get("provider") or "").strip()
    if len(provider) > 200:
        errors.append("The provider is longer than 200 characters.")
    if day is not None and day > today:
        errors.append(f"The date {day:%d %b %Y} is in the future: send completions once they have happened.")
    completed_on = None
    if item.get("completed_on"):
        completed_on = _parse_date(item.get("completed_on"))
        if completed_on is None:
            errors.append(f"Bad completion date: “{item.get('completed_on')}” (use YYYY-MM-DD).")
        elif day is not None and completed_on < day:
            errors.append("The completion date is before the first day.")
        elif completed_on > today:
            errors.append(f"The completion date {completed_on:%d %b %Y} is in the future.")
    fields = {
        "person": person,
        "title": course,
        "date": day,
        "completed_on": completed_on,
        "hours": hours,
        "provider": provider,
        "cpd_category": _choice(item, "cpd_category", CpdCategory, CpdCategory.FORMAL, errors),
        "activity_type": _choice(item, "activity_type", ActivityType, ActivityType.COURSE, errors),
        "delivery": _choice(item, "delivery", Delivery, Delivery.INTERNAL, errors),
        "external_id": external_id,
    }
    return fields, errors


def training_completions_receive(
    *, institution: Institution, items: list[Any], by: Any, source: str, today: date | None = None
) -> list[CompletionResult]:
    """Record a learning system's batch of training completions; return one result per item.

    Each item is checked like a row of the training import (the same person look-up and the same
    messages), and more (`_check_completion`). Refused items write nothing; the others are
    written in one transaction. An item whose external id the institution already has is
    "unchanged": re-sending a batch adds nothing, even when two copies arrive at once (the unique
    constraint on person and external id skips the second). The written items are kept as an
    import batch (named `source`, already imported), so HR sees them in the imports' history
    with the same preview as an uploaded file; a call that writes nothing adds no batch.
    A fixed number of queries (and one insert per thousand records), whatever the number of items.
    """
    if len(items) > COMPLETIONS_MAX:
        raise ValidationError(f"At most {COMPLETIONS_MAX} completions in one batch; split it.")
    today = today or timezone.localdate()
    by_email, by_number = _staff_lookups(institution)
    seen: set[str] = set()
    checked = [
        _check_completion(item, by_email=by_email, by_number=by_number, seen=seen, today=today) for item in items
    ]
    wanted = [fields["external_id"] for fields, errors in checked if not errors]
    known = dict(
        TrainingRecord.objects.for_institution(institution)
        .filter(external_id__in=wanted)
        .values_list("external_id", "pk")
    )
    fresh = [fields for fields, errors in checked if not errors and fields["external_id"] not in known]
    written: dict[str, int] = {}
    with transaction.atomic():
        if fresh:
            now = timezone.now()
            batch = TrainingImport.objects.create(
                institution=institution,
                uploaded_by=by,
                original_name=source[:255],
                stage=TrainingImport.Stage.IMPORTED,
                status=TrainingImport.Status.DONE,
                progress=100,
                mode=TrainingImport.Mode.GOOD,
                finished_at=now,
                imported_at=now,
            )
            TrainingRecord.objects.bulk_create(
                [
                    TrainingRecord(
                        source=TrainingRecord.Source.LEARNING_SYSTEM,
                        provider=fields["provider"] or institution.short_name,
                        import_batch=batch,
                        **{k: v for k, v in fields.items() if k != "provider"},
                    )
                    for fields in fresh
                ],
                ignore_conflicts=True,
                batch_size=1000,
            )
            for external_id, pk, batch_id in TrainingRecord.objects.filter(
                person__institution=institution, external_id__in=[f["external_id"] for f in fresh]
            ).values_list("external_id", "pk", "import_batch_id"):
                if batch_id == batch.pk:
                    written[external_id] = pk
                else:  # sent twice at once: the other call wrote it
                    known[external_id] = pk
            batch.rows = [
                {
                    "row": index + 1,
                    "person_id": fields["person"].pk if fields.get("person") else None,
                    "person": str(fields["person"]) if fields.get("person") else "",
                    "course": fields.get("title", ""),
                    "date": fields["date"].isoformat() if fields.get("date") else "",
                    "hours": str(fields["hours"]) if fields.get("hours") is not None else "",
                    "errors": errors,
                }
                for index, (fields, errors) in enumerate(checked)
            ]
            batch.total_rows = batch.checked_rows = len(checked)
            batch.imported_count = len(written)
            batch.save(update_fields=["rows", "total_rows", "checked_rows", "imported_count"])
            audit.record(
                kind="import",
                action=f"Received {len(written)} training completions from {source}",
                obj=batch,
                actor=by,
                detail=f"{len(items)} items: {len(written)} added, {len(known)} already recorded, "
                f"{sum(bool(errors) for _, errors in checked)} refused.",
            )
    results = []
    for index, (fields, errors) in enumerate(checked):
        external_id = fields.get("external_id", "")
        if errors:
            results.append(CompletionResult(index, external_id, CompletionResult.REFUSED, errors=tuple(errors)))
        elif external_id in written:
            results.append(CompletionResult(index, external_id, CompletionResult.CREATED, written[external_id]))
        else:
            results.append(CompletionResult(index, external_id, CompletionResult.UNCHANGED, known.get(external_id)))
    return results
