from pathlib import Path

import pytest

from actionplan.models import Owner
from actionplan.services import plan_import
from core import metrics

SEED_FILE = Path(__file__).resolve().parents[2] / "actionplan" / "data" / "icr-2024-2027.json"


@pytest.fixture
def seed_text():
    return SEED_FILE.read_text(encoding="utf-8")


@pytest.fixture
def plan(institution, seed_text):
    return plan_import(institution=institution, text=seed_text, source=SEED_FILE.name).plan


@pytest.fixture
def rdc(plan, institution, staff_factory):
    """A technician who holds the RDC owner role (named on every action of the seed plan)."""
    holder = staff_factory(job_title="Researcher Development Coordinator")
    Owner.objects.get(institution=institution, short_name="RDC").holders.add(holder)
    return holder


@pytest.fixture
def staff_factory(institution):
    from tests.factories import staff

    return lambda **fields: staff(institution, **fields)


@pytest.fixture
def fake_metric():
    """Register a metric for the test and remove it afterwards."""
    answers = {}

    @metrics.metric(key="tests.fake", label="Fake", unit="people", how="Counts the fake people.")
    def fake(*, institution, start, end):
        answers["window"] = (start, end)
        return answers.get("result")

    yield answers
    metrics._metrics.pop("tests.fake")


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Reports and evidence files go to the test's own folder, never the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
