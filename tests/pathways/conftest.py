import csv
import io
from decimal import Decimal

import pytest

from pathways import demo, services
from promotions import services as promotions
from promotions.models import QualificationAsked

DEMO_FILE = demo.FRAMEWORK_FILE


def rows_of(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def framework_text():
    return DEMO_FILE.read_text(encoding="utf-8")


@pytest.fixture
def framework(institution, so_family, framework_text):
    version, _ = services.framework_load(institution=institution, rows=rows_of(framework_text), file_name="demo.csv")
    return version


@pytest.fixture
def pathway(so_family, programme_manager):
    made = services.pathway_create(
        job_family=so_family,
        title="Scientific Officer career pathway",
        steps={k: dict(v) for k, v in demo.SO_STEPS.items()},
    )
    grades = {g.short_name: g for g in so_family.grades.all()}
    services.side_route_add(
        pathway=made,
        from_grade=grades["SSO"],
        title="Core facility management",
        description="Run a shared facility.",
        by=programme_manager.user,
    )
    return services.pathway_update(pathway=made, by=programme_manager.user, note="Published.", published=True)


@pytest.fixture
def sso_criteria(institution, so_family, programme_manager):
    return promotions.criteria_publish(
        institution=institution,
        target_grade=so_family.grades.get(short_name="SSO"),
        by=programme_manager.user,
        expectations="Leads a technique or facility.",
        qualification_asked=QualificationAsked.PHD,
        equivalent_years=6,
        equivalent_registrations="RSci, CSci",
        equivalent_programmes="Ignite",
    )


def rate_all(assessment, person, level_of):
    """Rate every capability of the assessment's framework: {code: level}, 3 by default."""
    capabilities = list(assessment.version.capabilities.all())
    return services.assessment_rate(
        assessment=assessment,
        by=person.user,
        ratings={c.pk: (level_of.get(c.code, 3), f"Evidence for {c.code}", []) for c in capabilities},
    )


ZERO = Decimal(0)
