"""Every task retries for real, a bounded number of times."""

import time
import uuid

import pytest
from django.db import OperationalError

from core.jobs import MAX_RETRIES, RETRYABLE, retrying_task
from techcareers.celery import app


def _project_tasks():
    app.loader.import_default_modules()  # autodiscovery: every app's tasks.py
    return sorted(
        (task for name, task in app.tasks.items() if not name.startswith("celery.") and not name.startswith("tests.")),
        key=lambda task: task.name,
    )


def test_the_project_has_tasks_to_check():
    assert len(_project_tasks()) >= 15


@pytest.mark.parametrize("task", _project_tasks(), ids=lambda task: task.name)
def test_every_task_retries_database_and_disk_hiccups_a_bounded_number_of_times(task):
    # Celery ignores max_retries and retry_backoff unless autoretry_for names what to retry.
    assert set(RETRYABLE) <= set(task.autoretry_for)
    assert 1 <= task.max_retries <= 5
    assert task.retry_backoff
    assert task.retry_backoff_max <= 120


ATTEMPTS_KEY = "tests:flaky-task:{}"


@retrying_task(name="tests.core.flaky", retry_backoff=1, retry_jitter=False)
def flaky(run_id, failures, broker_url):
    """Fail `failures` times with a database hiccup, then succeed; count attempts in Redis."""
    import redis

    attempts = redis.Redis.from_url(broker_url).incr(ATTEMPTS_KEY.format(run_id))
    if attempts <= failures:
        raise OperationalError("the database went away for a moment")
    return attempts


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_task_that_fails_twice_then_succeeds_runs_three_times_on_a_real_worker(celery_worker_on_redis):
    import redis

    broker = celery_worker_on_redis.conf.broker_url
    run_id = uuid.uuid4().hex
    flaky.delay(run_id, 2, broker)
    counter = redis.Redis.from_url(broker)
    deadline = time.monotonic() + 30
    key = ATTEMPTS_KEY.format(run_id)
    while int(counter.get(key) or 0) < 3 and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1.5)  # room for a fourth run, which must not come
    assert int(counter.get(key)) == 3
    counter.delete(key)


_eager_attempts = []


@retrying_task(name="tests.core.always_failing", retry_backoff=1, retry_jitter=False)
def always_failing():
    _eager_attempts.append(1)
    raise OperationalError("the database is down")


def test_a_task_that_keeps_failing_stops_after_its_retries(settings):
    # In-process Celery runs the retries at once; the count is the bound: one run and 3 retries.
    _eager_attempts.clear()
    with pytest.raises(OperationalError):
        always_failing.delay()
    assert len(_eager_attempts) == 1 + MAX_RETRIES


_hiccups = []


@retrying_task(name="tests.core.hiccup_once", retry_backoff=1, retry_jitter=False)
def hiccup_once():
    _hiccups.append(1)
    if len(_hiccups) == 1:
        raise OperationalError("a moment's hiccup")
    return "done"


def test_an_in_process_task_retries_a_hiccup_instead_of_failing_the_page():
    _hiccups.clear()
    assert hiccup_once.delay().result == "done"  # .get() refuses once a worker ran in this process
    assert len(_hiccups) == 2
