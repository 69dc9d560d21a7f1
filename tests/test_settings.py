import os
import secrets
import subprocess
import sys

import pytest
from celery.app.defaults import NAMESPACES, flatten
from django.conf import settings


def test_every_celery_setting_is_one_celery_knows():
    # A misspelt name (CELERY_TASK_TIME_LIMT) would be silently ignored by Celery.
    known = {key.upper() for key, _ in flatten(NAMESPACES)}
    ours = {name.removeprefix("CELERY_") for name in dir(settings) if name.startswith("CELERY_")}
    assert ours - known == set()


def _check_deploy(env):
    # a browser test in the same process may have set this testing-only flag
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env={**inherited, **env},
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )


def test_production_mode_passes_the_deployment_checks():
    result = _check_deploy(
        {
            "TECHCAREERS_PRODUCTION": "true",
            "SECRET_KEY": "k" * 20 + "-very-long-and-random-production-secret-key",
            "ALLOWED_HOSTS": "techcareers.example.org",
        }
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_mode_refuses_to_start_without_a_secret_key():
    env = {"TECHCAREERS_PRODUCTION": "true", "ALLOWED_HOSTS": "techcareers.example.org"}
    env_without_key = {k: v for k, v in {**os.environ, **env}.items() if k != "SECRET_KEY"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        env=env_without_key,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_static_files_collect_with_the_production_storage(tmp_path):
    # The hashed-manifest storage fails on a vendored file that points at a missing one.
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        env={
            **os.environ,
            "TECHCAREERS_PRODUCTION": "true",
            "ALLOWED_HOSTS": "build",
            "SECRET_KEY": secrets.token_urlsafe(64),  # production refuses a key written in the repository
            "STATIC_ROOT": str(tmp_path),
        },
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "staticfiles.json").exists()


def test_database_connections_persist_and_are_checked_before_reuse(settings):
    # One new connection per request halved the pages served per second (issue 18).
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] >= 60
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


@pytest.mark.django_db
def test_postgresql_connections_run_without_jit():
    # JIT compiled the 1G report for 160-330 ms, longer than the query ran (issue 18).
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("Needs PostgreSQL.")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
