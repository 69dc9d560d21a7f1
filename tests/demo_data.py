"""The demo data as a starting point for the tests that crawl or walk through it.

`seed_demo` takes about 25 s on PostgreSQL, and twenty browser tests (the accessibility crawls,
the journeys through the demo) start from it: about four minutes of CI. On PostgreSQL, outside a
transaction (the live-server tests), the first call in a test process seeds the demo and copies
every table out (COPY ... TO STDOUT, in memory) with the files it wrote; each later call that day
empties the tables, copies them back in one transaction (about a second), sets each sequence past
its largest id and writes back any file the new media folder lacks. Everything else seeds: SQLite,
a test inside a transaction, and a database that already holds people (the copy would replace
them). The tests of the seeding itself (`test_*demo*.py`) call the command, never this.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date

from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone


@dataclass
class _Copy:
    database: str
    day: date
    tables: dict[str, bytes] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)


_copy: _Copy | None = None


def seed_demo() -> None:
    """The demo, as `manage.py seed_demo` leaves it."""
    global _copy
    copyable = connection.vendor == "postgresql" and not connection.in_atomic_block and not _holds_people()
    if copyable and _copy is not None and (_copy.database, _copy.day) == _key():
        _restore(_copy)
        return
    call_command("seed_demo", stdout=io.StringIO())
    if copyable:
        _copy = _take()


def _key() -> tuple[str, date]:
    # The demo's dates follow today: a copy from yesterday would tell another story.
    return connection.settings_dict["NAME"], timezone.localdate()


def _holds_people() -> bool:
    from people.models import Institution, User

    return User.objects.exists() or Institution.objects.exists()


def _tables() -> list[str]:
    with connection.cursor() as cursor:
        return [name for name in connection.introspection.table_names(cursor) if name != "django_migrations"]


def _file_fields() -> list[tuple[type[models.Model], str]]:
    return [
        (model, f.name)
        for model in apps.get_models()
        for f in model._meta.concrete_fields
        if isinstance(f, models.FileField)
    ]


def _take() -> _Copy:
    copy = _Copy(*_key())
    with connection.cursor() as cursor:
        raw = cursor.cursor
        for table in _tables():
            out = io.BytesIO()
            raw.copy_expert(f'COPY "{table}" TO STDOUT WITH (FORMAT binary)', out)
            copy.tables[table] = out.getvalue()
    for model, name in _file_fields():
        for path in model._base_manager.exclude(**{name: ""}).values_list(name, flat=True):
            if path and default_storage.exists(path):
                with default_storage.open(path, "rb") as handle:
                    copy.files[path] = handle.read()
    return copy


def _restore(copy: _Copy) -> None:
    tables = list(copy.tables)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " CASCADE")
        raw = cursor.cursor
        for table, data in copy.tables.items():
            raw.copy_expert(f'COPY "{table}" FROM STDIN WITH (FORMAT binary)', io.BytesIO(data))
        for sql in connection.ops.sequence_reset_sql(no_style(), apps.get_models(include_auto_created=True)):
            cursor.execute(sql)
    for path, data in copy.files.items():
        if not default_storage.exists(path):
            default_storage.save(path, ContentFile(data))
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
