"""Each beat job (django-celery-beat's PeriodicTask rows) over the whole data set, run twice.

The first run finds the due work and writes its outbox rows; the second must send nothing (the
outbox's idempotency keys and the jobs' own "already done" checks). Both runs are inside one
transaction that is rolled back, so the benchmark leaves the data set as it found it: delivery
is queued on commit, so no message leaves either. Tasks run eagerly, fan-out included.
"""

import time
import traceback

from django.db import transaction
from django_celery_beat.models import PeriodicTask

from notifications.models import Notification
from techcareers.celery import app


class _Rollback(Exception):
    pass


def run(*, names: list[str] | None = None, out=None) -> list[dict]:
    """Run every beat job, or those whose task name contains one of `names`."""
    app.loader.import_default_modules()  # autodiscover every app's tasks module
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    rows = []
    for periodic in PeriodicTask.objects.exclude(task="celery.backend_cleanup").order_by("task"):
        if names and not any(name in periodic.task for name in names):
            continue
        row = {"job": periodic.task, "name": periodic.name}
        try:
            with transaction.atomic():
                for attempt in ("first", "second"):
                    before = Notification.objects.count()
                    started = time.perf_counter()
                    app.tasks[periodic.task].apply(throw=True)
                    row[f"{attempt}_s"] = round(time.perf_counter() - started, 2)
                    row[f"{attempt}_sent"] = Notification.objects.count() - before
                raise _Rollback
        except _Rollback:
            pass
        except Exception as error:  # a job that fails is a finding, not the end of the benchmark
            row["error"] = f"{type(error).__name__}: {error}"
            row["trace"] = traceback.format_exc(limit=3)
        row["ok"] = "error" not in row and row.get("second_sent") == 0
        rows.append(row)
        if out:
            out(
                f"{periodic.task:55} {row.get('first_s', '-'):>7} s {row.get('first_sent', '-'):>6} sent | "
                f"again {row.get('second_s', '-'):>7} s {row.get('second_sent', '-'):>6} sent {row.get('error', '')}"
            )
    return rows
