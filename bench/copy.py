"""Bulk rows into PostgreSQL with COPY, filling each column as the model would.

`copy_rows(Model, rows)` writes dicts keyed by field attname (`person_id`, not `person`). A column
a row leaves out gets what Django would have written: the field's default (called if callable),
now for `auto_now_add`, NULL where the field allows it, the empty string for text. The database
still checks every constraint (unique keys, check constraints, foreign keys) as it copies, so a
seeding mistake fails loudly instead of leaving data no service could have written.
"""

import csv
import io
import json
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from django.db import connection, models
from django.db.models import NOT_PROVIDED
from django.utils import timezone

NULL = r"\N"
CHUNK = 50_000


def reserve_ids(model: type[models.Model], n: int) -> list[int]:
    """Take `n` ids from the table's sequence, so rows copied later can be referred to at once."""
    if n == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, n])
        return [row[0] for row in cursor.fetchall()]


def _filler(field: models.Field, now: datetime):
    if getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False):
        return lambda: now
    if field.default is not NOT_PROVIDED:
        default = field.default
        return default if callable(default) else (lambda: default)
    if field.null:
        return lambda: None
    if isinstance(field, models.CharField | models.TextField | models.FileField):
        return lambda: ""
    return None


def _text(value) -> str:
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | dict):
        return json.dumps(value)
    if isinstance(value, Decimal | int | float):
        return str(value)
    return str(value)


def copy_rows(model: type[models.Model], rows: Iterable[dict]) -> int:
    """COPY the rows into the model's table; returns how many were written."""
    now = timezone.now()
    fields = list(model._meta.concrete_fields)
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return 0
    with_id = "id" in first
    columns = [f for f in fields if not (f.primary_key and not with_id)]
    fillers = {f.attname: _filler(f, now) for f in columns}
    names = [f.column for f in columns]
    sql = (
        f'COPY "{model._meta.db_table}" ({", ".join(chr(34) + n + chr(34) for n in names)}) '
        f"FROM STDIN WITH (FORMAT csv, NULL '{NULL}')"
    )
    written = 0

    def flush(buffer: io.StringIO) -> None:
        buffer.seek(0)
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(sql, buffer)

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    pending = 0
    for row in _chain(first, rows):
        values = []
        for f in columns:
            if f.attname in row:
                value = row[f.attname]
            else:
                filler = fillers[f.attname]
                if filler is None:
                    raise ValueError(f"{model.__name__}.{f.attname} needs a value")
                value = filler()
            values.append(_text(value))
        writer.writerow(values)
        pending += 1
        written += 1
        if pending >= CHUNK:
            flush(buffer)
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\n")
            pending = 0
    if pending:
        flush(buffer)
    return written


def _chain(first, rest):
    yield first
    yield from rest
