"""Issue 16, problem 3: a worker killed mid-task (the kernel's out-of-memory killer, a deploy).

A real `celery worker` process (prefork, one child) on a redis-server of the test's own, against
the test database. The child is killed with SIGKILL while it holds a job or is sending a message;
Celery (acks late, reject on worker lost) gives the task to a fresh child. What must hold:

- a job is never run twice at once and never lost: the redelivered task finds the job RUNNING
  and leaves it; the sweep re-queues it once its time limit has passed, and it finishes once;
- a message is never sent twice: a row left SENDING stays SENDING (whether the mail left is
  unknown, and a missed reminder is better than a duplicate), shown to administrators.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone

from core.jobs import stuck_jobs_sweep
from development.models import TrainingImport
from notifications.models import Notification
from notifications.tasks import deliver_notification
from tests.conftest import IN_CI
from tests.security.services import SMTPListener
from tests.security.test_faults import broker_on  # noqa: F401  (the fixture: publish to the test's redis-server)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("celery-process")]


def _wait_for(condition, *, timeout: float, what: str, step: float = 0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"gave up waiting for {what} after {timeout} s")


class WorkerProcess:
    """`celery -A techcareers worker` in a process of its own, its log in a file."""

    def __init__(self, broker_url: str, log: Path, extra_env: dict[str, str]):
        db = connection.settings_dict
        host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        database_url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{host}/{db['NAME']}"
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "CELERY_BROKER_URL": broker_url,
            "MEDIA_ROOT": str(django_settings.MEDIA_ROOT),
            **extra_env,
        }
        self.log = log
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "techcareers",
                "worker",
                "--pool",
                "prefork",
                "--concurrency",
                "1",
                "--without-heartbeat",
                "--without-mingle",
                "--without-gossip",
                "--loglevel",
                "INFO",
            ],
            cwd=django_settings.BASE_DIR,
            env=env,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
        )
        _wait_for(lambda: "ready." in self.text(), timeout=60, what="the worker to start", step=0.2)

    def text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def child(self) -> int:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        assert len(children) == 1, children
        return int(children[0])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


@pytest.fixture
def worker(broker_on, tmp_path):  # noqa: F811
    if connection.vendor != "postgresql":
        if IN_CI:
            pytest.fail("CI runs the worker tests on PostgreSQL; set DATABASE_URL.")
        pytest.skip("A worker process needs PostgreSQL (DATABASE_URL).")
    started: list[WorkerProcess] = []

    def start(**extra_env: str) -> WorkerProcess:
        process = WorkerProcess(broker_on.url, tmp_path / f"worker-{len(started)}.log", extra_env)
        started.append(process)
        return process

    yield start
    for process in started:
        process.stop()


def _redelivered_and_done(process: WorkerProcess) -> bool:
    """The task came back (received twice) and the fresh child finished it."""
    log = process.text()
    return log.count("] received") >= 2 and "] succeeded" in log


def _status(model, pk):
    return model._base_manager.filter(pk=pk).values_list("status", flat=True).get()


def test_a_job_whose_worker_is_killed_is_not_run_twice_at_once_and_finishes_once_after_the_sweep(
    worker, institution, technician
):
    rows = "".join(f"Safety {n},2026-03-04,{technician.user.email},1\n" for n in range(6000))
    batch = TrainingImport(institution=institution, original_name="big.csv")
    batch.file.save("big.csv", ContentFile(f"course,date,email,hours\n{rows}".encode()))
    batch.save()
    process = worker()

    from development.tasks import check_training_import

    check_training_import.delay(batch.pk)
    _wait_for(lambda: _status(TrainingImport, batch.pk) == "running", timeout=30, what="the job to start")
    # Hold the row so the worker blocks on its next progress update: it is certainly mid-task.
    with transaction.atomic():
        TrainingImport._base_manager.select_for_update().get(pk=batch.pk)
        child = process.child()
        os.kill(child, signal.SIGKILL)
        _wait_for(lambda: "WorkerLostError" in process.text(), timeout=30, what="Celery to see the child die")
    # The task came back to a fresh child, which found the job RUNNING and left it alone.
    _wait_for(lambda: _redelivered_and_done(process), timeout=30, what="the redelivered task to run")
    time.sleep(1)
    batch.refresh_from_db()
    assert (batch.status, batch.attempts) == ("running", 1)

    # Past the job's time limit the sweep gives it back once, and the next attempt finishes it.
    TrainingImport._base_manager.filter(pk=batch.pk).update(started_at=timezone.now() - timedelta(hours=1))
    assert stuck_jobs_sweep()["requeued"] == 1
    _wait_for(lambda: _status(TrainingImport, batch.pk) == "done", timeout=60, what="the second attempt to finish")
    batch.refresh_from_db()
    assert batch.attempts == 2 and batch.stage == "checked"
    assert len(batch.good_rows) == 6000 and not batch.bad_rows


def test_a_message_whose_worker_is_killed_while_sending_is_never_sent_twice(worker, technician):
    listener = SMTPListener("hang")
    try:
        process = worker(EMAIL_URL=f"smtp://127.0.0.1:{listener.port}", EMAIL_TIMEOUT="120")
        message = Notification.objects.create(
            recipient=technician.user,
            institution=technician.institution,
            kind="people.welcome",
            idempotency_key="tests.killed-while-sending",
            context={},
        )
        deliver_notification.delay(message.pk)
        _wait_for(lambda: listener.connections == 1, timeout=30, what="the worker to reach the mail server")
        assert _status(Notification, message.pk) == Notification.Status.SENDING
        os.kill(process.child(), signal.SIGKILL)
        _wait_for(lambda: "WorkerLostError" in process.text(), timeout=30, what="Celery to see the child die")
        _wait_for(lambda: _redelivered_and_done(process), timeout=30, what="the redelivered task to run")
        time.sleep(1)
        # The fresh child could not claim the row: nobody tried the mail server again.
        assert listener.connections == 1
        assert _status(Notification, message.pk) == Notification.Status.SENDING
    finally:
        listener.close()
