"""Importing internal course attendance: the upload, the worker's row-by-row check, the person's choice.

The check is a `core.jobs.Job` (`TrainingImport.status`); the choice after it is the import's
own `stage` (checking → checked → imported), so a checked file waits for the person as long as
they like without holding a job open.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import audit, uploads
from people.models import Institution, StaffProfile

from ..models import TrainingImport, TrainingRecord

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
    seen: set[tuple[int, str, date]] = set()
    checked: list[dict[str, Any]] = []
    for position, table_row in enumerate(table, start=1):
        number, row = table_row.number, table_row.values
        errors = []
        if table_row.formulas:
            errors.append(f"Formula cell in {', '.join(table_row.formulas)}: formulas are not imported.")
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
