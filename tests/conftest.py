"""The test people, defined once: a technician, their manager, a programme manager, HR, an
institution administrator, a mentor, and an outsider from another institution."""

import contextlib
import os
import time

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client

from people import roles
from tests.factories import (
    PASSWORD,
    TOTP_SECRET,
    DivisionFactory,
    GradeFactory,
    InstitutionFactory,
    JobFamilyFactory,
    staff,
)

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """PBKDF2 takes a quarter of a second per user; tests make hundreds of users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: sign-in rate limits counted by one test (for a user
    id the next test reuses) must not refuse the next one."""
    from django.core.cache import caches

    from core.cache import reset_failover_state

    reset_failover_state()
    for cache in caches.all():
        # a cache whose server a test stopped, or the database one in a test without a database
        with contextlib.suppress(Exception):
            cache.clear()
    yield


@pytest.fixture(autouse=True)
def test_code_sees_every_institution():
    """Let the test's own set-up and assertions query any institution's rows.

    Only the test body is outside the scope: a request through the test client enters the
    viewer's institution in the middleware, a live server's thread and a real worker start
    with no scope at all, and a metric enters its institution, exactly as in production.
    Tests that prove a query outside a scope raises enter `in_institution` themselves.
    """
    from core.tenancy import across_institutions

    with across_institutions():
        yield


@pytest.fixture(autouse=True)
def tasks_run_in_process():
    """Run Celery tasks in-process unless a test asks for the real worker.

    CI sets CELERY_BROKER_URL so the worker tests reach Redis; every other test still wants
    `.delay()` to run at once rather than wait on a queue nobody reads.
    """
    from techcareers.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


@pytest.fixture(autouse=True)
def no_outside_network(settings):
    """No test reaches ORCID or Crossref: recognition's client refuses (tests use recordings)."""
    settings.RECOGNITION_REMOTE_LOOKUPS = False


@pytest.fixture
def institution(db):
    return InstitutionFactory(name="Institute of Cancer Research", short_name="ICR", slug="icr")


@pytest.fixture
def other_institution(db):
    return InstitutionFactory(name="Francis Crick Institute", short_name="Crick", slug="crick")


@pytest.fixture
def so_family(institution):
    family = JobFamilyFactory(institution=institution, name="Scientific Officer")
    for level, (short, name) in enumerate(
        [
            ("APP", "Apprentice"),
            ("SO", "Scientific Officer"),
            ("HSO", "Higher Scientific Officer"),
            ("SSO", "Senior Scientific Officer"),
            ("PSO", "Principal Scientific Officer"),
        ],
        start=1,
    ):
        GradeFactory(job_family=family, level=level, short_name=short, name=name, welcome_new_starters=short == "SO")
    return family


@pytest.fixture
def division(institution):
    return DivisionFactory(institution=institution, name="Cancer Biology")


@pytest.fixture
def manager(institution, division, so_family):
    return staff(institution, division=division, job_family=so_family, grade=so_family.grades.get(short_name="SSO"))


@pytest.fixture
def technician(institution, division, so_family, manager):
    return staff(
        institution,
        division=division,
        job_family=so_family,
        grade=so_family.grades.get(short_name="HSO"),
        line_manager=manager,
    )


@pytest.fixture
def programme_manager(institution):
    # HR, administrators and programme managers come with a TOTP authenticator (tests.factories.staff)
    return staff(institution, groups=[roles.PROGRAMME_MANAGER], job_title="CPT programme manager")


@pytest.fixture
def hr(institution):
    return staff(institution, groups=[roles.HR], job_title="HR business partner")


@pytest.fixture
def institution_admin(institution):
    return staff(institution, groups=[roles.INSTITUTION_ADMIN], job_title="Portal administrator")


@pytest.fixture
def mentor(institution):
    return staff(institution, groups=[roles.MENTOR], job_title="Senior scientific officer")


@pytest.fixture
def outsider(other_institution):
    return staff(other_institution, job_title="Technician elsewhere")


def _with_totp(user):
    """Give the user a TOTP authenticator (if they have none) so the MFA requirement for their role is met."""
    Authenticator.objects.get_or_create(
        user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": TOTP_SECRET}}
    )


def totp_code(secret=TOTP_SECRET):
    """The authenticator app's current code for this secret."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time

    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


def client_for(profile_or_user, *, second_factor=True, reauthenticated=True):
    """A test client signed in as this person, as allauth's sign-in would leave the session.

    The session's authentication records say the password was given (and, for someone with an
    authenticator, the second factor), just now, as if the person had also just confirmed it
    for a sensitive action (`reauthenticated`). `second_factor=False` gives a session signed in
    by password alone; `reauthenticated=False` one that must confirm again before exporting
    personal data or changing roles (tests/security covers both; the sign-in itself is tested
    in tests/people/test_signin.py).
    """
    user = getattr(profile_or_user, "user", profile_or_user)
    client = Client()
    client.force_login(user)
    authenticator = Authenticator.objects.filter(user=user).first() if second_factor else None
    _record_authentication(client, user, authenticator, reauthenticated)
    return client


def _record_authentication(client, user, authenticator, reauthenticated):
    import time

    from allauth.account.internal.flows.login import (
        _AUTHENTICATION_METHODS_USER_SESSION_KEY,
        AUTHENTICATION_METHODS_SESSION_KEY,
    )
    from allauth.account.internal.userkit import user_id_to_str

    session = client.session
    now = time.time()
    records = [{"method": "password", "at": now, "email": user.email}]
    if authenticator is not None:
        records.append({"method": "mfa", "at": now, "id": authenticator.pk, "type": authenticator.type})
    if reauthenticated:
        records[-1]["reauthenticated"] = True
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = user_id_to_str(user)
    session.save()


@pytest.fixture
def password():
    return PASSWORD


# --- Real services -------------------------------------------------------------------------


@pytest.fixture
def celery_worker_on_redis(transactional_db, settings):
    """Start a real Celery worker thread that consumes from the Redis broker.

    Uses CELERY_BROKER_URL when it points at Redis, else redis://127.0.0.1:6379/0. Outside CI
    the test is skipped when Redis or PostgreSQL is not there; in CI it fails, since CI must prove it.
    Each test gets its own queue, so parallel test processes never take each other's tasks.
    """
    import uuid

    import redis
    from celery.contrib.testing.worker import start_worker

    from techcareers.celery import app

    broker = os.environ.get("CELERY_BROKER_URL", "")
    if not broker.startswith("redis"):
        broker = "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(broker, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError:
        if IN_CI:
            pytest.fail(f"Redis is not reachable at {broker}; CI needs it for the Celery tests.")
        pytest.skip(f"Redis is not reachable at {broker}")

    from django.db import connection

    if connection.vendor == "sqlite":
        # SQLite lets one writer in at a time, so worker threads writing at once fail at random.
        if IN_CI:
            pytest.fail("CI runs the Celery worker tests on PostgreSQL; set DATABASE_URL.")
        pytest.skip("The real-worker tests need PostgreSQL (DATABASE_URL); SQLite allows one writer at a time.")

    queue = f"test-{uuid.uuid4().hex[:12]}"
    saved = {
        key: app.conf[key]
        for key in ("broker_url", "task_always_eager", "task_default_queue", "result_backend", "broker_pool_limit")
    }
    app.conf.update(
        broker_url=broker,
        task_always_eager=False,
        task_default_queue=queue,
        result_backend=None,
        broker_pool_limit=None,
    )
    settings.CELERY_TASK_ALWAYS_EAGER = False
    _reset_broker_connections(app)
    try:
        with start_worker(
            app,
            pool="threads",
            concurrency=4,
            queues=[queue],
            perform_ping_check=False,
            shutdown_timeout=30,
            loglevel="WARNING",
        ):
            yield app
    finally:
        app.conf.update(saved)
        _reset_broker_connections(app)


def _reset_broker_connections(app):
    """Drop pooled connections so the next publish connects to the broker now configured."""
    from kombu import pools

    pools.reset()  # kombu keeps producer pools per connection, process-wide
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def browser_page(live_server):
    """A Playwright page in Debian's headless Chromium, pointed at the live test server.

    Skipped outside CI when /usr/bin/chromium is missing; fails in CI, which installs it.
    """
    chromium = "/usr/bin/chromium"
    if not os.path.exists(chromium):
        if IN_CI:
            pytest.fail("Chromium is missing at /usr/bin/chromium; .ci/run installs it.")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread, which Django's ORM would refuse.
    saved_async_flag = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium,
            args=[
                "--no-sandbox",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-gpu",
                "--disable-dev-shm-usage",
            ],
        )
        context = browser.new_context(base_url=live_server.url)
        context.set_default_timeout(15_000)
        page = context.new_page()
        try:
            yield page
        finally:
            context.close()
            browser.close()
            if saved_async_flag is None:
                os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
            else:
                os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = saved_async_flag


def sign_in(page, email, password=PASSWORD, second_factor=True):
    """Sign in through allauth's real login form, giving the current TOTP code when it is asked for.

    The code is computed from the account's own authenticator (the test people's or the demo's).
    """
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    # Wait for the answer to the form, not the login page that is already loaded.
    with page.expect_navigation():
        page.click("button[type=submit]")
    if "/accounts/2fa/authenticate/" in page.url and second_factor:
        from allauth.mfa.utils import decrypt

        authenticator = Authenticator.objects.get(user__email=email, type=Authenticator.Type.TOTP)
        # allauth accepts only the current 30-second code: on a busy machine a code taken in the
        # last seconds of its period can reach the server after it ended, so wait for a fresh one.
        left = 30 - time.time() % 30
        if left < 6:
            time.sleep(left + 0.5)
        page.fill("input[name=code]", totp_code(decrypt(authenticator.data["secret"])))
        with page.expect_navigation():
            page.click("button[type=submit]")
