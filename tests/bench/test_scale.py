"""seed_scale at tiny sizes writes data every page can show, refuses a second run, and `bench`
measures every role's pages and checks each figure against its SQL baseline.

The data set is seeded once for the module (the demo plus ~200 scale staff, ~15 s) inside a
transaction rolled back at the end, so no other test sees it. The HTTP load (gunicorn, wrk)
needs committed data and is not run here; `make bench` runs it.
"""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import F
from django.test import override_settings

from bench import figures, pages, runner
from bench.seeding import SCALE_MARKER, Seeder, Sizes
from core.tenancy import across_institutions
from development.models import DevelopmentRequest, RequestTransition, TrainingRecord
from people.models import Institution, StaffProfile, User
from programmes.models import Application, ApplicationTransition

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="seed_scale writes with PostgreSQL's COPY"),
    pytest.mark.xdist_group("bench"),
    pytest.mark.django_db,
]

SIZES = Sizes.small()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    fast_hashing = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast_hashing, transaction.atomic():
        counts = Seeder(SIZES).run()
        yield counts
        transaction.set_rollback(True)


def test_it_writes_the_sizes_asked_for(seeded):
    assert seeded["people.StaffProfile"] == SIZES.staff
    assert seeded["development.TrainingRecord"] == SIZES.training
    assert seeded["development.DevelopmentRequest"] == SIZES.requests
    assert seeded["programmes.Application"] == SIZES.applications
    assert Institution.objects.filter(slug__startswith="scale-").count() == SIZES.institutions - 1
    for label in [
        "programmes.Attendance",
        "exchange.ExchangePlacement",
        "actionplan.ProgressUpdate",
        "registration.Journey",
        "apprenticeships.Apprenticeship",
        "promotions.Application",
        "recognition.Output",
        "mentoring.Relationship",
        "surveys.Invitation",
    ]:
        assert seeded[label] > 0, label


def test_every_record_stays_inside_its_institution(seeded):
    scale = StaffProfile.objects.filter(user__email__contains=".scale.").exclude(user__email__endswith=SCALE_MARKER)
    scale |= StaffProfile.objects.filter(user__email__endswith=SCALE_MARKER)
    assert scale.count() == SIZES.staff
    assert not scale.exclude(line_manager=None).exclude(line_manager__institution=F("institution")).exists()
    assert not scale.exclude(grade__job_family__institution=F("institution")).exists()
    seeded_applications = Application.objects.filter(cohort__programme__title__contains="national scale")
    assert seeded_applications.count() == SIZES.applications
    assert not seeded_applications.exclude(cohort__programme__institution=F("applicant__institution")).exists()


def test_every_state_has_the_moves_a_service_would_have_recorded(seeded):
    for request in DevelopmentRequest.objects.filter(person__user__email__contains="scale")[:200]:
        moves = list(
            RequestTransition.objects.filter(request=request).order_by("at", "pk").values_list("to_state", flat=True)
        )
        assert moves[0] == "submitted"
        assert moves[-1] == request.state
    for application in Application.objects.filter(applicant__user__email__contains="scale")[:200]:
        last = ApplicationTransition.objects.filter(application=application).order_by("at", "pk").last()
        assert last.to_state == application.state
    completed = DevelopmentRequest.objects.filter(person__user__email__contains="scale", state="completed")
    assert completed.exists()
    assert not completed.filter(record=None).exists()  # a completed request has its training record
    assert TrainingRecord.objects.filter(hours__lte=0).count() == 0


def test_a_seeded_manager_reaches_every_app_without_an_error(seeded):
    manager = (
        StaffProfile.objects.filter(user__email__endswith=SCALE_MARKER, reports__isnull=False).order_by("pk").first()
    )
    with across_institutions():
        found = pages.crawl("seeded manager", manager.user.email, repeat=1, max_pages=40)
    failures = [(p.path, p.status) for p in found if p.status != 200]
    assert not failures
    visited = {p.path for p in found}
    for app in ["/programmes/", "/development/", "/exchange/", "/mentoring/", "/staff/"]:
        assert any(path.startswith(app) for path in visited), app


def test_running_it_again_refuses_and_says_why(seeded):
    before = User.objects.count()
    with pytest.raises(CommandError, match="already holds the scale data set"):
        call_command("seed_scale", "--small", stdout=io.StringIO())
    assert User.objects.count() == before


def test_bench_lists_every_role_and_every_figure_matches_its_baseline(seeded, tmp_path):
    result = runner.run(only=["pages", "figures", "exports"], repeat=1, max_pages=5, seconds=1, connections=1, out=None)
    path = runner.write(result, tmp_path / "latest.json")
    written = json.loads(path.read_text())
    roles = {page["role"] for page in written["pages"]}
    assert roles == {"technician", "manager", "mentor", "programme manager", "hr", "institution admin"}
    for role in roles:
        home = next(p for p in written["pages"] if p["role"] == role and p["path"] == "/")
        assert home["status"] == 200 and home["queries"] > 0 and home["p95_ms"] >= home["p50_ms"] > 0
    assert all(page["status"] == 200 for page in written["pages"])
    checked = [m for m in written["measures"] if m["baseline_ms"] is not None]
    assert {m["key"] for m in checked} >= set(figures.BASELINES)
    assert all(m["match"] for m in checked), [m for m in checked if not m["match"]]
    assert written["training_report"]["match"] is True
    assert {e["what"] for e in written["exports"]} >= {"1G training report CSV", "my training records CSV"}
    assert all(e["status"] == 200 and e["rows"] > 0 for e in written["exports"])
