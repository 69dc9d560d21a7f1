"""Training records: logged by the technician, changed, deleted and downloaded; their evidence files."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import filetype
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from people.models import StaffProfile

from ..models import ActivityType, CpdCategory, Delivery, TrainingRecord
from ..rules import require_change_record, require_delete_record, require_log_record

EVIDENCE_MAX_BYTES = 5 * 1024 * 1024
EVIDENCE_TYPES = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}
RECORD_NOTE_FIELDS = ("hours", "cpd_category", "reflection", "value_rating")


def evidence_check(upload: Any) -> str:
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


def training_record_log(*, person: StaffProfile, by: Any, evidence: Any = None, **fields: Any) -> TrainingRecord:
    """Record training done without a request."""
    require_log_record(by, person)
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


def log_off_the_job(
    *,
    person: StaffProfile,
    on: date,
    hours: Decimal,
    title: str,
    delivery: str = Delivery.EXTERNAL,
    reflection: str = "",
    today: date | None = None,
) -> TrainingRecord:
    """Record apprenticeship off-the-job training as a training record flagged off-the-job.

    It is part of the person's training record and the training report like any other training,
    and counts towards their off-the-job hours (`selectors.off_the_job_hours`). The caller
    (apprenticeships) has checked who may log for this person and that the date falls inside the
    apprenticeship; here the facts of the record itself are checked: no future date, hours above
    zero and at most a day's worth. Uses none of the development allowance (`days` is 0).
    """
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if on > today:
        errors["on"] = "Log off-the-job training once it has happened: this date is in the future."
    if hours is None or hours <= 0:
        errors["hours"] = "Enter the hours spent, more than 0."
    elif hours > 24:
        errors["hours"] = "One entry covers one day: at most 24 hours."
    if not title.strip():
        errors["title"] = "Say what the training was."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        record = TrainingRecord(
            person=person,
            source=TrainingRecord.Source.LOGGED,
            title=title.strip()[:200],
            activity_type=ActivityType.APPRENTICESHIP,
            delivery=delivery,
            date=on,
            hours=hours,
            days=Decimal("0"),
            cpd_category=CpdCategory.FORMAL,
            reflection=reflection.strip(),
            off_the_job=True,
        )
        record.full_clean(exclude=["evidence"])
        record.save()
    return record


def training_record_update(*, record: TrainingRecord, by: Any, evidence: Any = None, **fields: Any) -> TrainingRecord:
    """Save the owner's changes; only a logged record's facts (title, dates, days) can change.

    A new evidence file replaces the old one, which is deleted once the change commits.
    """
    require_change_record(by, record)
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


def training_record_delete(*, record: TrainingRecord, by: Any) -> None:
    """Delete a record the technician logged themself (not one from a request or an import)."""
    require_delete_record(by, record)
    with transaction.atomic():
        name, storage = record.evidence.name, record.evidence.storage
        record.delete()
        if name:
            transaction.on_commit(lambda: storage.delete(name))


def records_csv_rows(records: QuerySet[TrainingRecord]) -> Iterator[list[Any]]:
    """Yield a person's training records as CSV rows (header first), for `core.exports.csv_response`."""
    yield (
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
        yield (
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
