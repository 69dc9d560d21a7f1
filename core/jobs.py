"""Background work: every Celery task retries for real, and every long job keeps a progress row.

Two tools:

- `retrying_task` is `shared_task` with bounded, real retries: a database or disk hiccup
  (`RETRYABLE`) is retried up to 3 times with exponential backoff capped at a minute.
  (Celery ignores `max_retries` and `retry_backoff` unless `autoretry_for` names what to
  retry, which is why every task in the project is declared through this.)
- `Job` (an abstract model) and `job_task` for a long job a person waits for: a report, an
  export, an import. The row moves QUEUED → RUNNING (claimed with a conditional UPDATE that
  only one worker can win) → DONE or FAILED, with its progress, its attempts and an error a
  person can read. A retryable failure puts the row back in QUEUED for the retry; it is marked
  FAILED only when the retries are spent. `sweep_stuck_jobs` (beat, every 10 minutes) re-queues
  or fails a job stuck in RUNNING past its time limit (a worker that died) and re-sends a job
  whose task was lost while QUEUED.

    class ReportRun(Job):
        task_name = "actionplan.tasks.generate_report"
        institution_path = "plan__institution"
        ...

    @job_task("actionplan.ReportRun")
    def generate_report(run):
        services.report_run_build(run=run)   # sets run.progress as it goes, saves its file

    services: run = ReportRun.objects.create(...); run.enqueue()
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from importlib import import_module
from typing import Any, ClassVar

from celery import Task, current_app, shared_task
from celery.exceptions import Retry
from django.apps import apps
from django.db import InterfaceError, OperationalError, models, transaction
from django.db.models import F
from django.utils import timezone
from kombu.exceptions import KombuError

from .tenancy import in_institution

logger = logging.getLogger(__name__)


class TemporaryFailure(Exception):
    """Raise from a task's work for a failure worth another try (a service briefly down)."""


# What publishing a task raises when the broker is down or refuses (kombu wraps the socket errors).
PUBLISH_ERRORS: tuple[type[BaseException], ...] = (KombuError, ConnectionError, TimeoutError)

RETRYABLE: tuple[type[BaseException], ...] = (OperationalError, InterfaceError, OSError, TemporaryFailure)
MAX_RETRIES = 3


class RetryingTask(Task):
    """A task whose retries also happen when tasks run in-process (`make run`, the tests).

    With `task_eager_propagates` on, Celery raises the Retry out of an eager task instead of
    running it again, so an in-process hiccup would reach the web page as an error; here the
    retry runs at once, and the original error surfaces only when the retries are spent.
    """

    abstract = True

    def apply(self, args: Any = None, kwargs: Any = None, **options: Any) -> Any:
        retries = options.get("retries") or 0
        try:
            return super().apply(args, kwargs, **options)
        except Retry as retry:
            if retry.sig is None:
                raise
            return retry.sig.apply(retries=retries + 1)


RETRY_OPTIONS: dict[str, Any] = {
    "base": RetryingTask,
    "autoretry_for": RETRYABLE,
    "max_retries": MAX_RETRIES,
    "retry_backoff": 2,  # 2 s, 4 s, 8 s ...
    "retry_backoff_max": 60,
    "retry_jitter": True,
}


def retrying_task(*args: Any, **options: Any) -> Any:
    """`shared_task` with real, bounded retries of RETRYABLE errors (see the module docstring)."""
    return shared_task(*args, **{**RETRY_OPTIONS, **options})


def fan_out(task: Any, queryset: models.QuerySet) -> int:
    """Send `task` once per row of `queryset`; return how many.

    Build the queryset inside `across_institutions()` (a scoped manager refuses when the
    queryset is built, not when it is read): the beat job says out loud that it scans every
    institution.

    The shape of every beat job: decide who gets work, then one task per row, so one
    institution's failure or a slow row never holds up the rest. Each task claims or
    de-duplicates its own work (outbox keys), so a beat that runs twice sends nothing twice.
    """
    from .tenancy import across_institutions

    with across_institutions():
        ids = list(queryset.values_list("pk", flat=True))
    for pk in ids:
        task.delay(pk)
    return len(ids)


def publish(task: Any, *args: Any) -> bool:
    """Send `task` now; if the broker cannot be reached, log it and return False.

    Only callers whose work is also found by a sweep may use this (an outbox row, a QUEUED
    job): the sweep sends it once the broker is back, so a Redis outage delays the work but
    never turns the user's saved change into an error page.
    """
    try:
        task.delay(*args)
    except PUBLISH_ERRORS as error:
        logger.error("Could not queue %s%r (%s); the sweep will send it", task.name, args, error)
        return False
    return True


def publish_after_commit(task: Any, *args: Any) -> None:
    """`publish` once the surrounding transaction commits (the row the task reads must exist)."""
    transaction.on_commit(lambda: publish(task, *args))


class Job(models.Model):
    """A long piece of work a person waits for, done by one Celery task at a time."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "In progress"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    status = models.CharField("status", max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField("progress (%)", default=0)
    attempts = models.PositiveSmallIntegerField("attempts", default=0, help_text="How many times a worker started it.")
    error = models.TextField("error", blank=True, help_text="What went wrong, in words the requester can act on.")
    created_at = models.DateTimeField("requested", auto_now_add=True)
    started_at = models.DateTimeField("started", null=True, blank=True)
    finished_at = models.DateTimeField("finished", null=True, blank=True)

    # The Celery task (its registered name) that runs the job; the sweep re-sends it.
    task_name: ClassVar[str] = ""
    # How the row reaches its institution, so the task runs inside that institution's scope.
    institution_path: ClassVar[str] = "institution"
    # A job RUNNING longer than this has lost its worker; keep it above the task's time limit.
    time_limit: ClassVar[timedelta] = timedelta(minutes=20)
    # A QUEUED job older than this has lost its task message.
    lost_after: ClassVar[timedelta] = timedelta(minutes=15)
    max_attempts: ClassVar[int] = MAX_RETRIES + 1

    class Meta:
        abstract = True
        # A subclass that declares its own Meta inherits these with `class Meta(Job.Meta)`.
        indexes = [
            # sweep_stuck_jobs: jobs whose worker died (RUNNING past the time limit) ...
            models.Index(fields=["started_at"], condition=models.Q(status="running"), name="%(class)s_stuck_idx"),
            # ... and jobs whose task message was lost (still QUEUED long after they were asked for).
            models.Index(fields=["created_at"], condition=models.Q(status="queued"), name="%(class)s_lost_idx"),
        ]

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    def enqueue(self) -> None:
        """Send the job's task once the surrounding transaction commits (the row must exist first).

        If the broker cannot be reached the row stays QUEUED for `sweep_stuck_jobs`: the
        request that asked for the job still succeeds (see `publish_after_commit`).
        """
        publish_after_commit(_task(self.task_name), self.pk)

    @classmethod
    def claim(cls, pk: int) -> bool:
        """Move QUEUED → RUNNING; False when another worker has it or it is finished.

        A conditional UPDATE: of two deliveries of the same task, exactly one wins.
        """
        return (
            cls._base_manager.filter(pk=pk, status=cls.Status.QUEUED).update(
                status=cls.Status.RUNNING, started_at=timezone.now(), attempts=F("attempts") + 1, error=""
            )
            == 1
        )

    def set_progress(self, percent: int) -> None:
        """Save the progress shown to the person waiting (only while running)."""
        self.progress = max(0, min(100, int(percent)))
        type(self)._base_manager.filter(pk=self.pk, status=self.Status.RUNNING).update(progress=self.progress)

    def mark_done(self) -> None:
        type(self)._base_manager.filter(pk=self.pk, status=self.Status.RUNNING).update(
            status=self.Status.DONE, progress=100, finished_at=timezone.now()
        )
        self.status = self.Status.DONE

    def mark_failed(self, message: str) -> None:
        type(self)._base_manager.filter(pk=self.pk).exclude(status=self.Status.DONE).update(
            status=self.Status.FAILED, error=message[:2000], finished_at=timezone.now()
        )
        self.status = self.Status.FAILED

    def requeue(self, message: str = "") -> None:
        """Give a RUNNING job back for the next attempt."""
        type(self)._base_manager.filter(pk=self.pk, status=self.Status.RUNNING).update(
            status=self.Status.QUEUED, error=message[:2000]
        )
        self.status = self.Status.QUEUED

    @classmethod
    def institution_id_of(cls, pk: int) -> int | None:
        return cls._base_manager.filter(pk=pk).values_list(cls.institution_path, flat=True).first()

    @classmethod
    def failure_message(cls, error: BaseException) -> str:
        """What the requester reads when the job failed for good; override for a kinder word."""
        if isinstance(error, RETRYABLE):
            return "The portal could not finish this because a service was unavailable. Please try again later."
        return "The portal could not finish this. The error has been logged; please try again or tell us."


def job_task(model_label: str, **options: Any) -> Callable[[Callable[[Any], Any]], Any]:
    """Turn `work(job)` into a Celery task that takes the job's id, claims it and runs it.

    The work runs inside the job's institution scope. Returning normally marks the job DONE
    (unless the work finished it itself, e.g. an import waiting for the person's choice).
    """

    def decorate(work: Callable[[Any], Any]) -> Any:
        @shared_task(bind=True, name=options.pop("name", f"{work.__module__}.{work.__name__}"), **RETRY_OPTIONS)
        def run(self: Any, job_id: int) -> Any:
            model: Any = apps.get_model(model_label)
            if not model.claim(job_id):
                return None
            job = model._base_manager.get(pk=job_id)
            with in_institution(model.institution_id_of(job_id)):
                try:
                    result = work(job)
                except RETRYABLE as error:
                    if self.request.retries < self.max_retries:
                        job.requeue(f"Attempt {job.attempts} failed; trying again.")
                    else:
                        logger.exception("%s %s failed after %s attempts", model_label, job_id, job.attempts)
                        job.mark_failed(model.failure_message(error))
                    raise
                except Exception as error:
                    logger.exception("%s %s failed", model_label, job_id)
                    job.mark_failed(model.failure_message(error))
                    raise
                job.mark_done()
            return result

        run.work = work
        return run

    return decorate


def job_models() -> list[type[Job]]:
    return [model for model in apps.get_models() if issubclass(model, Job)]


def stuck_jobs_sweep(*, now: Any = None) -> dict[str, int]:
    """Re-queue or fail jobs stuck in RUNNING past their time limit; re-send lost QUEUED jobs.

    A RUNNING row older than `time_limit` lost its worker (killed, out of memory, restarted):
    it goes back to QUEUED and its task is sent again while attempts remain, else it is FAILED
    with a message the requester can read. Each row moves with a conditional UPDATE, so two
    sweeps at once act on it once.
    """
    now = now or timezone.now()
    counts = {"requeued": 0, "failed": 0, "resent": 0}
    for model in job_models():
        running = model._base_manager.filter(status=Job.Status.RUNNING, started_at__lt=now - model.time_limit)
        for pk, attempts in running.values_list("pk", "attempts"):
            if attempts >= model.max_attempts:
                counts["failed"] += model._base_manager.filter(pk=pk, status=Job.Status.RUNNING).update(
                    status=Job.Status.FAILED,
                    finished_at=now,
                    error="The portal stopped working on this and gave up. Please try again.",
                )
            elif model._base_manager.filter(pk=pk, status=Job.Status.RUNNING).update(status=Job.Status.QUEUED):
                counts["requeued"] += 1
                _send(model, pk)
        lost = model._base_manager.filter(status=Job.Status.QUEUED, created_at__lt=now - model.lost_after)
        lost = lost.filter(models.Q(started_at__isnull=True) | models.Q(started_at__lt=now - model.lost_after))
        for pk in lost.values_list("pk", flat=True)[:500]:
            counts["resent"] += 1
            _send(model, pk)
    return counts


def _task(name: str) -> Any:
    """The registered task called `name`, importing its module first.

    Celery's autodiscovery imports every app's tasks module in the worker only; a web process
    has registered just the tasks of modules something happened to import.
    """
    import_module(name.rpartition(".")[0])
    return current_app.tasks[name]


def _send(model: type[Job], pk: int) -> None:
    publish(_task(model.task_name), pk)
