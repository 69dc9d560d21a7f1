"""The equality app's test data: a small institution whose pipeline figures are worked out by hand.

The programmes data set (`pipeline_people`), with an HSO-level Ignite cohort that opened
yesterday (inside the default period, the last 365 days):

- 24 HSOs in Cancer Biology (the technician among them), all declaring "Female";
- 6 HSOs in Structural Biology, all declaring "Male";
- 6 RM3s (Research Management, also level 3) in Scientific Services: 3 "Prefer not to say",
  3 who never declared;
- not eligible: the SSO line manager, HR and the programme manager (no grade), an HSO who left
  before the period, and a Crick technician (another institution).

Applications to the cohort:

- Cancer Biology: 10 applied; 5 offered (3 completed, 1 accepted, 1 withdrew after acceptance);
  5 not offered (4 declined, 1 still waiting for selection);
- Structural Biology: 2 applied, 1 offered (accepted), 1 declined;
- Scientific Services: the 3 "Prefer not to say" RM3s applied, 1 accepted, 2 declined;
- an application to a cohort that opened 400 days ago (outside the period) is left out;
- the HSO who left had applied to the old cohort only.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from equality.models import Declaration
from programmes.models import Application
from tests.apprenticeships.conftest import provider, standard  # noqa: F401  (fixtures for test_sources.py)
from tests.exchange.conftest import exchange_round, host, host_manager, offer, other_division  # noqa: F401
from tests.factories import DivisionFactory, GradeFactory, JobFamilyFactory, staff
from tests.programmes.conftest import CohortFactory, ProgrammeFactory, make_application
from tests.promotions.conftest import criteria  # noqa: F401

S = Application.State


@pytest.fixture
def period():
    today = timezone.localdate()
    return today - timedelta(days=365), today


def declare(person, **answers):
    return Declaration.objects.create(person=person, **answers)


def accepted_then(cohort, person, state):
    """An application accepted and then moved on (completed, or withdrawn), with both transitions."""
    application = make_application(cohort, person, state=S.ACCEPTED)
    application.state = state
    application.save(update_fields=["state"])
    application.transitions.create(from_state=S.ACCEPTED, to_state=state, reason="test set-up")
    return application


@pytest.fixture
def pipeline_data(institution, other_institution, division, so_family, technician, manager, hr, programme_manager):
    hso = so_family.grades.get(short_name="HSO")
    structural = DivisionFactory(institution=institution, name="Structural Biology")
    services = DivisionFactory(institution=institution, name="Scientific Services")
    rm = JobFamilyFactory(institution=institution, name="Research Management")
    rm3 = GradeFactory(job_family=rm, level=3, short_name="RM3", name="Research Manager 3")

    cancer = [technician] + [
        staff(institution, division=division, job_family=so_family, grade=hso, line_manager=manager) for _ in range(23)
    ]
    struct = [staff(institution, division=structural, job_family=so_family, grade=hso) for _ in range(6)]
    rms = [staff(institution, division=services, job_family=rm, grade=rm3) for _ in range(6)]
    today = timezone.localdate()
    left = staff(
        institution, division=division, job_family=so_family, grade=hso, leaving_date=today - timedelta(days=400)
    )
    for person in cancer:
        declare(person, sex="female", ethnicity="white_british")
    for person in struct:
        declare(person, sex="male", ethnicity="asian_indian")
    for person in rms[:3]:
        declare(person, sex="prefer_not_to_say")

    ignite = ProgrammeFactory(institution=institution, title="Ignite", owner=programme_manager)
    cohort = CohortFactory(programme=ignite, name="Spring intake", min_level=3, max_level=3)
    old = CohortFactory(
        programme=ignite,
        name="Last year's intake",
        min_level=3,
        max_level=3,
        opens_on=today - timedelta(days=400),
        closes_on=today - timedelta(days=380),
    )
    for person in cancer[:3]:
        accepted_then(cohort, person, S.COMPLETED)
    make_application(cohort, cancer[3], state=S.ACCEPTED)
    accepted_then(cohort, cancer[4], S.WITHDRAWN)
    for person in cancer[5:9]:
        make_application(cohort, person, state=S.DECLINED)
    make_application(cohort, cancer[9], state=S.ENDORSED)
    make_application(cohort, struct[0], state=S.ACCEPTED)
    make_application(cohort, struct[1], state=S.DECLINED)
    make_application(cohort, rms[0], state=S.ACCEPTED)
    make_application(cohort, rms[1], state=S.DECLINED)
    make_application(cohort, rms[2], state=S.DECLINED)
    make_application(old, cancer[10], state=S.COMPLETED)
    make_application(old, left, state=S.COMPLETED)

    # Another institution's technician, with answers of their own: in none of our figures.
    crick_family = JobFamilyFactory(institution=other_institution, name="Scientific Officer")
    crick_hso = GradeFactory(job_family=crick_family, level=3, short_name="HSO", name="Higher Scientific Officer")
    crick = staff(other_institution, job_family=crick_family, grade=crick_hso)
    declare(crick, sex="female")
    return {"cancer": cancer, "structural": struct, "rm": rms, "left": left, "cohort": cohort, "crick": crick}
