"""Importing HR's staff list: upload, the worker's check, HR's confirmation, the worker's write.

The same shape as the training import (a `core.jobs.Job` with a progress bar, rows read by
`core.uploads.open_table`), with two differences the size of a staff list asks for:

- Memory stays bounded. The file is streamed twice, never held: a first pass keeps an index
  (staff number → manager's staff number, first row of each staff number and e-mail: a few short
  strings per row, no rows), a second checks each row against the index and the database, a
  thousand at a time, and stores the checked rows in `StaffImportRow`. Writing reads those
  rows back a thousand at a time.
- Writing is a second phase of the same job, queued when HR confirms: every good row goes in
  in one transaction, new people in bulk (their career history starts with a "joined" event
  dated at their start date), changed records through `staff_record_change`, so each change is
  a career event with its date and an audit row. Rows that change nothing write nothing, so
  importing the same file again changes nothing.

The import e-mails nobody unless HR ticks "invite": then each new person gets one invitation
to sign in. A new leaving date is all the leaver questionnaire needs: surveys' daily job
invites everyone whose leaving date is recorded (`surveys.audiences`, "leavers").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from core import audit, uploads
from notifications.services import notification_enqueue

from .models import (
    CareerEvent,
    ContractType,
    Division,
    EmailDomain,
    Grade,
    Institution,
    JobFamily,
    StaffImport,
    StaffImportRow,
    StaffProfile,
    User,
)
from .notifications import STAFF_INVITED
from .services import staff_record_change

IMPORT_MAX_ROWS = 50_000
CHUNK = 1000  # rows read, checked and written together: the bound on rows held in memory
Cause = CareerEvent.Cause
Action = StaffImportRow.Action

# Accepted headings for each column (after `uploads.header_key`), the first being the one
# the template uses.
COLUMNS: dict[str, tuple[str, ...]] = {
    "staff_number": ("staff_number", "staff_no", "employee_number"),
    "name": ("name", "full_name"),
    "email": ("email", "e_mail", "email_address", "e_mail_address"),
    "division": ("division",),
    "job_family": ("job_family", "family"),
    "grade": ("grade",),
    "manager": (
        "line_manager_staff_number",
        "line_manager_s_staff_number",
        "manager_staff_number",
        "line_manager",
    ),
    "start_date": ("start_date", "started"),
    "leaving_date": ("leaving_date", "left", "end_date"),
    "contract_type": ("contract_type", "contract"),
}
REQUIRED = ("staff_number", "name", "email", "division", "job_family", "grade")
TEMPLATE_HEADINGS = [
    "staff_number",
    "name",
    "email",
    "division",
    "job_family",
    "grade",
    "line_manager_staff_number",
    "start_date",
    "leaving_date",
    "contract_type",
]


def progress_key(batch_pk: int) -> str:
    """Where the writing phase keeps its progress: outside its transaction, so the page sees it."""
    return f"people.staff_import.written:{batch_pk}"


def written_progress(batch: StaffImport) -> int:
    """The writing phase's progress (0-100), kept in the cache while its transaction is open."""
    return int(cache.get(progress_key(batch.pk)) or 0)


# --- Upload -----------------------------------------------------------------------------------


def staff_import_start(*, institution: Institution, by: Any, upload: Any) -> StaffImport:
    """Store the upload and queue its check; nothing about staff is written."""
    name = upload.name.rsplit("/", 1)[-1][:255]
    if not name.lower().endswith((".csv", ".xlsx")):
        raise ValidationError({"file": "Upload a .csv or .xlsx file."})
    with transaction.atomic():
        batch = StaffImport(institution=institution, uploaded_by=by, original_name=name)
        batch.file.save(f"staff.{name.rsplit('.', 1)[-1].lower()}", upload, save=False)
        batch.save()
        batch.enqueue()
        audit.record(kind="import", action=f"Uploaded the staff list {name} for checking", obj=batch, actor=by)
    return batch


# --- Reading ----------------------------------------------------------------------------------


def _column_map(headers: list[str]) -> tuple[dict[str, str], list[str]]:
    """Map each of our columns to the file's heading; return it and the missing required columns."""
    found: dict[str, str] = {}
    for column, names in COLUMNS.items():
        for heading in names:
            if heading in headers:
                found[column] = heading
                break
    return found, [c for c in REQUIRED if c not in found]


def _rows(batch: StaffImport) -> Iterator[tuple[int, dict[str, Any], tuple[str, ...]]]:
    """Stream the file's rows as (row number, our columns, formula columns); one row in memory."""
    with (
        batch.file.open("rb") as handle,
        uploads.open_table(handle, batch.original_name, max_rows=IMPORT_MAX_ROWS) as table,
    ):
        columns, missing = _column_map(table.headers)
        if missing:
            raise uploads.UploadRefused(
                f"Missing columns: {', '.join(missing)}. The headings are: {', '.join(TEMPLATE_HEADINGS)}."
            )
        heading_to_column = {heading: column for column, heading in columns.items()}
        for row in table.rows():
            values = {column: row.values.get(heading) for column, heading in columns.items()}
            yield row.number, values, tuple(heading_to_column.get(f, f) for f in row.formulas)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a staff number Excel stored as a number
    return str(value).strip()


def _parse_date(value: Any) -> date | None | str:
    """A date, None for a blank cell, or the text that is not a date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return text


# --- Checking ---------------------------------------------------------------------------------


class _Lookups:
    """The institution's reference data and staff, as small dictionaries the check reads."""

    def __init__(self, institution: Institution) -> None:
        self.domains = set(EmailDomain.objects.filter(institution=institution).values_list("domain", flat=True))
        self.divisions = {d.name.lower(): d for d in Division.objects.filter(institution=institution)}
        self.families = {f.name.lower(): f for f in JobFamily.objects.filter(institution=institution)}
        self.grades: dict[tuple[int, str], Grade] = {}
        for grade in Grade.objects.filter(job_family__institution=institution):
            self.grades[(grade.job_family_id, grade.short_name.lower())] = grade
            self.grades.setdefault((grade.job_family_id, grade.name.lower()), grade)
        contracts = {value: value for value in ContractType.values}
        contracts.update({label.lower(): value for value, label in ContractType.choices})
        self.contracts = contracts
        # Every staff record, as keys: its staff number, or "#pk" when it has none.
        staff = StaffProfile.objects.filter(institution=institution).values_list(
            "pk", "staff_number", "user__email", "line_manager_id"
        )
        self.key_of: dict[int, str] = {}
        self.email_key: dict[str, str] = {}
        manager_pk: dict[str, int | None] = {}
        for pk, number, email, manager in staff:
            key = number.lower() if number else f"#{pk}"
            self.key_of[pk] = key
            self.email_key[email.lower()] = key
            manager_pk[key] = manager
        self.existing_numbers = {k for k in self.key_of.values() if not k.startswith("#")}
        self.renamed: dict[str, str] = {}  # "#pk" → the staff number the file gives that record
        self.managers: dict[str, str | None] = {
            key: self.key_of.get(pk) if pk else None for key, pk in manager_pk.items()
        }


Rows = Callable[[], Iterator[tuple[int, dict[str, Any], tuple[str, ...]]]]


def _index(batch: StaffImport, lookups: _Lookups, rows: Rows) -> tuple[dict[str, int], dict[str, int], int]:
    """First pass: the first row of each staff number and e-mail; the management chain the file
    would make (written into `lookups.managers`); the number of rows."""
    first_number: dict[str, int] = {}
    first_email: dict[str, int] = {}
    total = 0
    for number, values, _formulas in rows():
        total += 1
        staff_number = _text(values["staff_number"]).lower()
        email = _text(values["email"]).lower()
        if staff_number and staff_number not in first_number:
            first_number[staff_number] = number
            key = staff_number
            old_key = lookups.email_key.get(email)
            if old_key and old_key.startswith("#"):  # a record without a staff number gets this one
                lookups.managers.pop(old_key, None)
                lookups.renamed[old_key] = key  # who it manages still says old_key: see _in_loops
                pk = int(old_key[1:])
                lookups.key_of[pk] = key
                lookups.email_key[email] = key
            lookups.managers[key] = _text(values["manager"]).lower() or None
        if email and email not in first_email:
            first_email[email] = number
    return first_number, first_email, total


def _in_loops(lookups: _Lookups) -> set[str]:
    """The staff numbers that sit on a management loop (A manages B manages ... A)."""
    managers = {
        node: lookups.renamed.get(manager, manager) if manager else None for node, manager in lookups.managers.items()
    }
    state: dict[str, int] = {}  # 1 = on the current walk, 2 = done
    looped: set[str] = set()
    for start in managers:
        walk: list[str] = []
        node: str | None = start
        while node is not None and node in managers and state.get(node) is None:
            state[node] = 1
            walk.append(node)
            node = managers[node]
        if node is not None and state.get(node) == 1:  # came back to this walk: a loop from node on
            looped.update(walk[walk.index(node) :])
        for visited in walk:
            state[visited] = 2
    return looped


def _split_name(name: str) -> tuple[str, str]:
    first, _, last = name.rpartition(" ")
    return (first, last) if first else (name, "")


def _check_row(
    number: int,
    values: dict[str, Any],
    formulas: tuple[str, ...],
    *,
    lookups: _Lookups,
    first_number: dict[str, int],
    first_email: dict[str, int],
    looped: set[str],
) -> tuple[dict[str, Any], list[str]]:
    """The row's parsed values (ids, ISO dates) and its problems, in words; no query."""
    errors: list[str] = []
    if formulas:
        errors.append(
            f"Formula cell in {', '.join(c.replace('_', ' ') for c in formulas)}: neutralised, not imported "
            "(type the value itself)."
        )
    staff_number = _text(values["staff_number"])
    key = staff_number.lower()
    name = _text(values["name"])
    email = _text(values["email"]).lower()
    data: dict[str, Any] = {"staff_number": staff_number, "name": name, "email": email}
    if not staff_number:
        errors.append("The staff number is blank.")
    elif len(staff_number) > 30:
        errors.append("The staff number is longer than 30 characters.")
    elif first_number.get(key) != number:
        errors.append(f"Duplicate staff number: {staff_number} is already on row {first_number.get(key)}.")
    if not name:
        errors.append("The name is blank.")
    try:
        validate_email(email)
    except ValidationError:
        errors.append(f"Not an e-mail address: “{email or '(blank)'}”.")
    else:
        if email.rsplit("@", 1)[1] not in lookups.domains:
            errors.append(
                f"The e-mail {email} is outside the institution's domains ({', '.join(sorted(lookups.domains))})."
            )
        elif first_email.get(email) != number:
            errors.append(f"Duplicate e-mail: {email} is already on row {first_email.get(email)}.")
        elif lookups.email_key.get(email, key) != key:
            errors.append(
                f"Duplicate e-mail: {email} belongs to another person (staff number {lookups.email_key[email]})."
            )
    division = lookups.divisions.get(_text(values["division"]).lower())
    if division is None:
        errors.append(f"Unknown division: “{_text(values['division'])}”.")
    family = lookups.families.get(_text(values["job_family"]).lower())
    grade = None
    if family is None:
        errors.append(f"Unknown job family: “{_text(values['job_family'])}”.")
    else:
        grade = lookups.grades.get((family.pk, _text(values["grade"]).lower()))
        if grade is None:
            errors.append(f"Unknown grade: “{_text(values['grade'])}” is not a grade of {family.name}.")
    data.update(
        division_id=division.pk if division else None,
        job_family_id=family.pk if family else None,
        grade_id=grade.pk if grade else None,
        division=_text(values["division"]),
        job_family=_text(values["job_family"]),
        grade=_text(values["grade"]),
    )
    manager = _text(values.get("manager")).lower()
    data["manager"] = manager
    if manager:
        if manager == key:
            errors.append("Management loop: the person is their own line manager.")
        elif manager not in first_number and manager not in lookups.existing_numbers:
            errors.append(f"Manager not found: no staff number {manager} in the file or on the staff list.")
        elif key in looped:
            errors.append(f"Management loop: {staff_number}'s chain of line managers comes back to them.")
    dates = {}
    for column in ("start_date", "leaving_date"):
        parsed = _parse_date(values.get(column))
        if isinstance(parsed, str):
            errors.append(f"Bad {column.replace('_', ' ')}: “{parsed}” (use YYYY-MM-DD or DD/MM/YYYY).")
            parsed = None
        dates[column] = parsed
        data[column] = parsed.isoformat() if parsed else None
    if dates["start_date"] and dates["leaving_date"] and dates["leaving_date"] < dates["start_date"]:
        errors.append(
            f"Dates in the wrong order: leaving on {dates['leaving_date']:%d %b %Y} before starting on "
            f"{dates['start_date']:%d %b %Y}."
        )
    contract = _text(values.get("contract_type"))
    data["contract_type"] = lookups.contracts.get(contract.lower(), "") if contract else ""
    if contract and not data["contract_type"]:
        errors.append(
            f"Unknown contract type: “{contract}” (one of {', '.join(label for _, label in ContractType.choices)})."
        )
    return data, errors


def _differences(data: dict[str, Any], profile: StaffProfile, manager_key: str | None) -> list[str]:
    """The fields a checked row would change on an existing record (none: importing it is a no-op)."""
    first, last = _split_name(data["name"])
    wanted = {
        "staff_number": data["staff_number"],
        "first_name": first,
        "last_name": last,
        "email": data["email"],
        "division": data["division_id"],
        "job_family": data["job_family_id"],
        "grade": data["grade_id"],
        "line_manager": data["manager"] or None,
        "start_date": data["start_date"],
        "leaving_date": data["leaving_date"],
        "contract_type": data["contract_type"],
    }
    current = {
        "staff_number": profile.staff_number,
        "first_name": profile.user.first_name,
        "last_name": profile.user.last_name,
        "email": profile.user.email.lower(),
        "division": profile.division_id,
        "job_family": profile.job_family_id,
        "grade": profile.grade_id,
        "line_manager": manager_key,
        "start_date": profile.start_date.isoformat() if profile.start_date else None,
        "leaving_date": profile.leaving_date.isoformat() if profile.leaving_date else None,
        "contract_type": profile.contract_type,
    }
    return [field for field, value in wanted.items() if current[field] != value]


def _store(batch: StaffImport, chunk: list[tuple[int, dict[str, Any], list[str]]], lookups: _Lookups) -> None:
    """Compare a chunk of checked rows with the records they name (one query) and store them."""
    pks = {key: pk for pk, key in lookups.key_of.items()}
    wanted = [pks[data["staff_number"].lower()] for _, data, _ in chunk if data["staff_number"].lower() in pks]
    profiles = {p.pk: p for p in StaffProfile.objects.filter(pk__in=wanted).select_related("user")}
    new_emails = [data["email"] for _, data, errors in chunk if not errors and data["staff_number"].lower() not in pks]
    taken = set(User.objects.filter(email__in=new_emails).values_list("email", flat=True))
    rows = []
    counts: Counter[str] = Counter()
    for number, data, errors in chunk:
        if not errors and data["email"] in taken and data["staff_number"].lower() not in pks:
            errors.append(f"Duplicate e-mail: an account with {data['email']} exists but is not on the staff list.")
        action = ""
        profile_id = pks.get(data["staff_number"].lower())
        if not errors:
            if profile_id is None:
                action = Action.NEW
            else:
                profile = profiles[profile_id]
                changes = _differences(data, profile, lookups.key_of.get(profile.line_manager_id or 0))
                data["changes"] = changes
                action = Action.CHANGE if changes else Action.SAME
            counts[action] += 1
        counts["bad"] += bool(errors)
        rows.append(
            StaffImportRow(
                batch=batch,
                number=number,
                staff_number=data["staff_number"][:30],
                data=data,
                errors=errors,
                action=action,
                profile_id=profile_id,
            )
        )
    StaffImportRow.objects.bulk_create(rows)
    StaffImport.objects.filter(pk=batch.pk).update(checked_rows=batch.checked_rows)
    for name, field in (("bad", "bad_count"), (Action.NEW, "new_count"), (Action.CHANGE, "changed_count")):
        setattr(batch, field, getattr(batch, field) + counts[name])
    batch.unchanged_count += counts[Action.SAME]


def staff_import_check(*, batch: StaffImport, rows: Rows | None = None) -> StaffImport:
    """Check every row of the uploaded staff list and store the checked rows; writes no staff data.

    Run by the job's worker. A file that cannot be read, lacks a column or is too long fails the
    job with a message HR can act on. Checking again (a retry) starts the check afresh. `rows`
    reads the rows from elsewhere than the file (the HR system's changes, `staff_changes_receive`).
    """
    if batch.stage != StaffImport.Stage.CHECKING:
        return batch
    if rows is None:

        def rows() -> Iterator[tuple[int, dict[str, Any], tuple[str, ...]]]:
            return _rows(batch)

    StaffImportRow.objects.filter(batch=batch).delete()
    lookups = _Lookups(batch.institution)
    try:
        first_number, first_email, total = _index(batch, lookups, rows)
    except uploads.UploadRefused as error:
        batch.mark_failed(str(error))
        return batch
    except Exception as error:  # a corrupt or mislabelled file: say so instead of retrying
        batch.mark_failed(f"The file could not be read: {error}")
        return batch
    if not total:
        batch.mark_failed("The file has no rows under its headings.")
        return batch
    looped = _in_loops(lookups)
    batch.total_rows, batch.checked_rows = total, 0
    batch.bad_count = batch.new_count = batch.changed_count = batch.unchanged_count = 0
    StaffImport.objects.filter(pk=batch.pk).update(total_rows=total, checked_rows=0)
    chunk: list[tuple[int, dict[str, Any], list[str]]] = []
    for number, values, formulas in rows():
        data, errors = _check_row(
            number,
            values,
            formulas,
            lookups=lookups,
            first_number=first_number,
            first_email=first_email,
            looped=looped,
        )
        chunk.append((number, data, errors))
        if len(chunk) == CHUNK:
            batch.checked_rows += len(chunk)
            _store(batch, chunk, lookups)
            batch.set_progress(round(100 * batch.checked_rows / total))
            chunk = []
    batch.checked_rows += len(chunk)
    _store(batch, chunk, lookups)
    _refuse_rows_under_bad_managers(batch, lookups)
    batch.stage = StaffImport.Stage.CHECKED
    batch.save(
        update_fields=[
            "stage",
            "total_rows",
            "checked_rows",
            "bad_count",
            "new_count",
            "changed_count",
            "unchanged_count",
        ]
    )
    return batch


def _refuse_rows_under_bad_managers(batch: StaffImport, lookups: _Lookups) -> None:
    """A good row whose new line manager's own row is bad cannot go in: that manager will not exist."""
    while True:
        bad_new = set(
            StaffImportRow.objects.filter(batch=batch)
            .bad()
            .exclude(staff_number="")
            .values_list("staff_number", flat=True)
        )
        bad_new = {n.lower() for n in bad_new} - lookups.existing_numbers
        # A bad row's number may also be on a good row (a duplicate): that good row makes the manager.
        bad_new -= {
            n.lower() for n in StaffImportRow.objects.filter(batch=batch).good().values_list("staff_number", flat=True)
        }
        orphans = list(StaffImportRow.objects.filter(batch=batch).good().filter(data__manager__in=bad_new))
        if not orphans:
            return
        for row in orphans:
            row.errors = [f"Manager not found: the row of line manager {row.data['manager']} has problems."]
            if row.action == Action.NEW:
                batch.new_count -= 1
            elif row.action == Action.CHANGE:
                batch.changed_count -= 1
            else:
                batch.unchanged_count -= 1
            row.action = ""
            batch.bad_count += 1
        StaffImportRow.objects.bulk_update(orphans, ["errors", "action"])


# --- Confirming and writing -------------------------------------------------------------------


def staff_import_confirm(*, batch: StaffImport, by: Any, invite: bool) -> StaffImport:
    """HR confirms a checked import: queue the write of every good row (the bad ones stay out)."""
    with transaction.atomic():
        batch = StaffImport.objects.select_for_update().get(pk=batch.pk)
        if batch.stage != StaffImport.Stage.CHECKED or batch.has_failed:
            raise ValidationError(f"This import is {batch.state_label.lower()}; it cannot be confirmed now.")
        if not batch.good_count:
            raise ValidationError("No row can be imported: fix the file and upload it again.")
        StaffImport.objects.filter(pk=batch.pk).update(
            stage=StaffImport.Stage.IMPORTING,
            status=StaffImport.Status.QUEUED,
            progress=0,
            invite=invite,
            confirmed_by=by,
            started_at=None,
        )
        batch.refresh_from_db()
        batch.enqueue()
        audit.record(
            kind="import",
            action=f"Confirmed the staff import {batch.original_name} ({batch.good_count} good rows)",
            obj=batch,
            actor=by,
        )
    return batch


def _good_rows(batch: StaffImport, action: str) -> Iterator[list[StaffImportRow]]:
    """The good rows of one action (new or change), a chunk at a time, in file order."""
    rows = StaffImportRow.objects.filter(batch=batch).good().filter(action=action).order_by("number")
    chunk: list[StaffImportRow] = []
    for row in rows.iterator(chunk_size=CHUNK):
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _staff_pks(institution: Institution) -> dict[str, int]:
    return {
        number.lower(): pk
        for pk, number in StaffProfile.objects.filter(institution=institution)
        .exclude(staff_number="")
        .values_list("pk", "staff_number")
    }


def _create_people(batch: StaffImport, by: Any, pks: dict[str, int], progress: Any) -> int:
    """Create every new person, managers before the people they manage; return how many.

    Each pass over the new rows creates those whose line manager already exists (or who have
    none), so a person is created once, with their manager, in one insert and one history row;
    a pass per level of the management chain (the check refused loops, so this ends).
    """
    created = 0
    while True:
        waiting = made = 0
        for chunk in _good_rows(batch, Action.NEW):
            ready = []
            for row in chunk:
                number, manager = row.staff_number.lower(), row.data["manager"]
                if number in pks:
                    continue
                if manager and manager not in pks:
                    waiting += 1
                    continue
                ready.append(row)
            made += _create_chunk(batch, ready, by, pks)
            progress(created + made)
        created += made
        if not waiting:
            return created
        if not made:  # cannot happen after the check; refuse rather than loop for ever
            raise ValidationError(f"{waiting} rows name a line manager who cannot be created.")


def _create_chunk(batch: StaffImport, rows: list[StaffImportRow], by: Any, pks: dict[str, int]) -> int:
    """Create the accounts, records, first career events (and invitations) of a chunk of new people."""
    if not rows:
        return 0
    unusable = make_password(None)  # they sign in through the institution, or set a password
    users = []
    for row in rows:
        first, last = _split_name(row.data["name"])
        users.append(User(email=row.data["email"], first_name=first, last_name=last, password=unusable))
    User.objects.bulk_create(users)
    now = timezone.now()
    profiles = [
        StaffProfile(
            user=user,
            institution=batch.institution,
            staff_number=row.data["staff_number"],
            division_id=row.data["division_id"],
            job_family_id=row.data["job_family_id"],
            grade_id=row.data["grade_id"],
            line_manager_id=pks[row.data["manager"]] if row.data["manager"] else None,
            start_date=row.data["start_date"],
            leaving_date=row.data["leaving_date"],
            contract_type=row.data["contract_type"],
            onboarded_at=now,
        )
        for user, row in zip(users, rows, strict=True)
    ]
    bulk_create_with_history(
        profiles, StaffProfile, batch_size=CHUNK, default_user=by, default_change_reason=Cause.IMPORT.label
    )
    events = []
    today = timezone.localdate()
    for row, profile in zip(rows, profiles, strict=True):
        pks[row.staff_number.lower()] = profile.pk
        snapshot = {
            "grade_id": profile.grade_id,
            "job_family_id": profile.job_family_id,
            "division_id": profile.division_id,
            "line_manager_id": profile.line_manager_id,
            "contract_type": profile.contract_type,
        }
        note = f"From the staff list {batch.original_name}, row {row.number}."
        start = date.fromisoformat(row.data["start_date"]) if row.data["start_date"] else today
        events.append(
            CareerEvent(person=profile, effective_date=start, cause=Cause.JOINED, note=note, recorded_by=by, **snapshot)
        )
        if row.data["leaving_date"]:
            left = date.fromisoformat(row.data["leaving_date"])
            events.append(
                CareerEvent(
                    person=profile, effective_date=left, cause=Cause.LEFT, note=note, recorded_by=by, **snapshot
                )
            )
        if batch.invite:
            notification_enqueue(
                recipient=profile.user,
                kind=STAFF_INVITED.key,
                idempotency_key=f"people.staff_invited:{profile.pk}",
                context={"institution_name": batch.institution.name},
                institution=batch.institution,
                link=reverse("account_login"),
            )
    CareerEvent.objects.bulk_create(events, batch_size=CHUNK)
    return len(rows)


def _change_records(batch: StaffImport, rows: list[StaffImportRow], by: Any, pks: dict[str, int]) -> int:
    """Apply a chunk's changed rows: tracked fields through `staff_record_change` (a career event
    with its date), names and e-mail on the account, the rest on the record with its history."""
    changed = [row for row in rows if row.action == Action.CHANGE]
    profiles = {
        p.pk: p for p in StaffProfile.objects.filter(pk__in=[row.profile_id for row in changed]).select_related("user")
    }
    written = 0
    for row in changed:
        profile = profiles.get(row.profile_id or 0)
        if profile is None:
            continue
        data, changes = row.data, set(row.data.get("changes", []))
        first, last = _split_name(data["name"])
        user = profile.user
        if changes & {"first_name", "last_name", "email"}:
            user.first_name, user.last_name, user.email = first, last, data["email"]
            user.save(update_fields=["first_name", "last_name", "email"])
        if changes & {"staff_number", "start_date"}:
            profile.staff_number = data["staff_number"]
            profile.start_date = date.fromisoformat(data["start_date"]) if data["start_date"] else None
            profile._history_user = by  # type: ignore[attr-defined]
            profile._change_reason = Cause.IMPORT.label  # type: ignore[attr-defined]
            profile.save(update_fields=["staff_number", "start_date"])
        tracked: dict[str, Any] = {}
        for field, model in (("division", Division), ("job_family", JobFamily), ("grade", Grade)):
            if field in changes:
                tracked[field] = model.objects.get(pk=data[f"{field}_id"])
        if "line_manager" in changes:
            tracked["line_manager"] = StaffProfile.objects.get(pk=pks[data["manager"]]) if data["manager"] else None
        if "contract_type" in changes:
            tracked["contract_type"] = data["contract_type"]
        leaving = date.fromisoformat(data["leaving_date"]) if data["leaving_date"] else None
        if "leaving_date" in changes:
            tracked["leaving_date"] = leaving
        if tracked:
            cause = Cause.LEFT if "leaving_date" in changes and leaving else Cause.IMPORT
            staff_record_change(
                profile=profile,
                by=by,
                cause=cause,
                effective_date=leaving if cause == Cause.LEFT else timezone.localdate(),
                note=f"From the staff list {batch.original_name}, row {row.number}.",
                **tracked,
            )
        written += 1
    return written


def staff_import_write(*, batch: StaffImport) -> StaffImport:
    """Write every good row of a confirmed import in one transaction (run by the job's worker).

    New people first, managers before the people they manage, each with their first career
    events; then the changed records. A row whose record is already as the file says is skipped,
    so a retry, or the same file imported again, writes nothing. Progress goes to the cache
    (`written_progress`), since nothing written inside the transaction is seen before it ends.
    """
    if batch.stage != StaffImport.Stage.IMPORTING:
        return batch
    by = batch.confirmed_by
    to_write = batch.new_count + batch.changed_count
    with transaction.atomic():
        pks = _staff_pks(batch.institution)

        def progress(done: int) -> None:
            cache.set(progress_key(batch.pk), round(100 * done / max(to_write, 1)), 3600)

        written = _create_people(batch, by, pks, progress)
        for chunk in _good_rows(batch, Action.CHANGE):
            written += _change_records(batch, chunk, by, pks)
            progress(written)
        batch.stage = StaffImport.Stage.IMPORTED
        batch.written_rows = written
        batch.imported_at = timezone.now()
        batch.save(update_fields=["stage", "written_rows", "imported_at"])
        audit.record(
            kind="import",
            action=(
                f"Imported the staff list {batch.original_name}: {batch.new_count} new, "
                f"{batch.changed_count} changed, {batch.unchanged_count} unchanged, {batch.bad_count} refused"
            ),
            obj=batch,
            actor=by,
        )
    cache.delete(progress_key(batch.pk))
    return batch


def staff_import_run(*, batch: StaffImport) -> StaffImport:
    """The job's one task: check an uploaded file, or write a confirmed one."""
    if batch.stage == StaffImport.Stage.CHECKING:
        return staff_import_check(batch=batch)
    return staff_import_write(batch=batch)


# --- Changes sent by the HR system (the API) ---------------------------------------------------

STAFF_CHANGES_MAX = 1000  # people in one call: the API's batch limit


@dataclass(frozen=True)
class StaffChangeResult:
    """What became of one person sent by the HR system: new, changed, unchanged, or refused."""

    index: int
    staff_number: str
    status: str  # "new", "change", "same" (StaffImportRow.Action) or "refused"
    profile_id: int | None = None
    errors: tuple[str, ...] = ()


def _item_values(item: Any) -> dict[str, Any]:
    """An item's values under our columns, accepting the same names as the file's headings."""
    if not isinstance(item, dict):
        return dict.fromkeys(COLUMNS)
    return {
        column: next((item[name] for name in names if item.get(name) is not None), None)
        for column, names in COLUMNS.items()
    }


def staff_changes_receive(
    *, institution: Institution, items: list[Any], by: Any, source: str
) -> list[StaffChangeResult]:
    """Apply one person's record, or a batch, sent by the HR system; return one result per item.

    The items go through the staff import itself: a `StaffImport` named `source` is checked row
    by row with the file's rules and messages (`staff_import_check`, every item a row), and its
    good rows are written at once as if HR had confirmed it (`staff_import_write`: new people with
    their first career events, changes through `staff_record_change`, each a career event and an
    audit row; a record already as sent writes nothing). Refused items write nothing. `by` is the
    person accountable for the call (the token's creator): the history names them and the source.
    All in one transaction.
    """
    if len(items) > STAFF_CHANGES_MAX:
        raise ValidationError(f"At most {STAFF_CHANGES_MAX} people in one batch; split it.")
    if not items:
        raise ValidationError("Send at least one person.")

    def rows() -> Iterator[tuple[int, dict[str, Any], tuple[str, ...]]]:
        for number, item in enumerate(items, start=1):
            yield number, _item_values(item), ()

    with transaction.atomic():
        now = timezone.now()
        batch = StaffImport.objects.create(
            institution=institution,
            uploaded_by=by,
            original_name=source[:255],
            status=StaffImport.Status.DONE,
            progress=100,
            finished_at=now,
        )
        audit.record(kind="import", action=f"Received {len(items)} staff records from {source}", obj=batch, actor=by)
        staff_import_check(batch=batch, rows=rows)
        if batch.good_count:
            StaffImport.objects.filter(pk=batch.pk).update(stage=StaffImport.Stage.IMPORTING, confirmed_by=by)
            batch.stage, batch.confirmed_by = StaffImport.Stage.IMPORTING, by
            staff_import_write(batch=batch)
        checked = StaffImportRow.objects.filter(batch=batch).order_by("number")
        numbers = _staff_pks(institution)
        return [
            StaffChangeResult(
                index=row.number - 1,
                staff_number=row.staff_number,
                status=row.action if not row.errors else "refused",
                profile_id=numbers.get(row.staff_number.lower()) if not row.errors else None,
                errors=tuple(row.errors),
            )
            for row in checked
        ]
