"""Long jobs: claimed once, retried for real, failed only when the retries are spent, swept when stuck."""

from datetime import timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone

from core import jobs
from core.jobs import MAX_RETRIES, Job, job_task, stuck_jobs_sweep
from core.tenancy import current_institution_ids
from development.models import TrainingImport

Status = Job.Status


@pytest.fixture
def export(technician):
    """A job row: a training file's check stands for every `core.jobs.Job`."""
    return TrainingImport.objects.create(
        institution=technician.institution,
        uploaded_by=technician.user,
        file="development/imports/courses.csv",
        original_name="courses.csv",
    )


def test_of_two_claims_on_one_job_exactly_one_wins(export):
    assert TrainingImport.claim(export.pk) is True
    assert TrainingImport.claim(export.pk) is False
    export.refresh_from_db()
    assert (export.status, export.attempts) == (Status.RUNNING, 1)
    assert export.started_at is not None


_calls = []


@job_task("development.TrainingImport", name="tests.core.export_with_hiccups")
def export_with_hiccups(export):
    """Fail with a database hiccup as many times as the test asks, then finish."""
    _calls.append(current_institution_ids())
    export.set_progress(50)
    if len(_calls) <= _hiccups_wanted[0]:
        raise OperationalError("the database went away for a moment")
    return "built"


_hiccups_wanted = [0]


@pytest.fixture
def hiccups():
    _calls.clear()

    def want(n):
        _hiccups_wanted[0] = n

    yield want
    _hiccups_wanted[0] = 0


def test_a_job_that_hiccups_once_is_retried_and_ends_done(export, hiccups):
    hiccups(1)
    export_with_hiccups.delay(export.pk)
    export.refresh_from_db()
    assert (export.status, export.attempts, export.progress) == (Status.DONE, 2, 100)
    assert export.finished_at is not None
    assert len(_calls) == 2


def test_the_work_runs_inside_the_jobs_institution(export, hiccups):
    export_with_hiccups.delay(export.pk)
    assert _calls == [[export.institution_id]]


def test_a_job_is_failed_only_when_its_retries_are_spent(export, hiccups):
    hiccups(99)
    with pytest.raises(OperationalError):
        export_with_hiccups.delay(export.pk)
    export.refresh_from_db()
    assert export.status == Status.FAILED
    assert export.attempts == 1 + MAX_RETRIES
    assert "service was unavailable" in export.error


@job_task("development.TrainingImport", name="tests.core.export_with_a_bug")
def export_with_a_bug(export):
    raise ValueError("")


def test_a_job_with_a_bug_fails_at_once_with_a_message_a_person_can_read(export):
    with pytest.raises(ValueError):
        export_with_a_bug.delay(export.pk)
    export.refresh_from_db()
    assert (export.status, export.attempts) == (Status.FAILED, 1)
    assert export.error.startswith("The portal could not finish this")


def test_a_finished_job_is_not_run_again(export, hiccups):
    TrainingImport.objects.filter(pk=export.pk).update(status=Status.DONE)
    assert export_with_hiccups.delay(export.pk).result is None
    assert _calls == []


@pytest.fixture
def sent(monkeypatch):
    sent = []
    monkeypatch.setattr(jobs, "_send", lambda model, pk: sent.append((model, pk)))
    return sent


def test_a_job_stuck_in_running_past_its_time_limit_is_queued_again_and_resent(export, sent):
    long_ago = timezone.now() - TrainingImport.time_limit - timedelta(minutes=1)
    TrainingImport.objects.filter(pk=export.pk).update(status=Status.RUNNING, started_at=long_ago, attempts=1)
    assert stuck_jobs_sweep()["requeued"] == 1
    export.refresh_from_db()
    assert export.status == Status.QUEUED
    assert sent == [(TrainingImport, export.pk)]


def test_a_stuck_job_out_of_attempts_is_failed_with_a_message(export, sent):
    long_ago = timezone.now() - TrainingImport.time_limit - timedelta(minutes=1)
    TrainingImport.objects.filter(pk=export.pk).update(
        status=Status.RUNNING, started_at=long_ago, attempts=TrainingImport.max_attempts
    )
    assert stuck_jobs_sweep()["failed"] == 1
    export.refresh_from_db()
    assert export.status == Status.FAILED
    assert "stopped working on this" in export.error
    assert sent == []


def test_a_job_running_within_its_time_limit_is_left_alone(export, sent):
    TrainingImport.objects.filter(pk=export.pk).update(status=Status.RUNNING, started_at=timezone.now(), attempts=1)
    assert stuck_jobs_sweep() == {"requeued": 0, "failed": 0, "resent": 0}
    export.refresh_from_db()
    assert export.status == Status.RUNNING


def test_a_queued_job_whose_task_was_lost_is_resent(export, sent):
    TrainingImport.objects.filter(pk=export.pk).update(created_at=timezone.now() - TrainingImport.lost_after * 2)
    assert stuck_jobs_sweep()["resent"] == 1
    assert sent == [(TrainingImport, export.pk)]


def test_the_sweep_runs_every_ten_minutes_from_the_beat_schedule(db):
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="core.tasks.sweep_stuck_jobs")
    assert task.crontab.minute == "*/10"
