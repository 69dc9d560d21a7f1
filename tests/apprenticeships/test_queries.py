"""Query counts pinned at two data sizes: the programme manager's list and the apprentice page
(5 and 200 apprentices, each with hours, a review and some with a break), the intake page, the
home page and the dashboard."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from apprenticeships.models import Apprenticeship, BreakInLearning, ProgressReview, Route
from development.models import TrainingRecord
from tests.apprenticeships.conftest import enrol
from tests.conftest import client_for
from tests.factories import StaffProfileFactory

pytestmark = pytest.mark.django_db


def grow(institution, so_family, manager, standard, provider, intake, total):
    """Bring the institution up to `total` apprenticeships, rows written in bulk."""
    today = timezone.localdate()
    have = Apprenticeship.objects.filter(institution=institution).count()
    grade = so_family.grades.get(short_name="APP")
    people = [
        StaffProfileFactory(institution=institution, job_family=so_family, grade=grade, line_manager=manager)
        for _ in range(total - have)
    ]
    rows = Apprenticeship.objects.bulk_create(
        Apprenticeship(
            institution=institution,
            apprentice=person,
            route=Route.NEW_RECRUIT if i % 3 else Route.EXISTING_STAFF,
            standard=standard,
            provider=provider,
            intake=intake if i % 2 else None,
            line_manager=manager,
            start_date=today - timedelta(days=200 + i),
            planned_end_date=today + timedelta(days=400),
            next_review_due=today + timedelta(days=i % 40 - 10),
            state=Apprenticeship.State.ON_BREAK if i % 7 == 0 else Apprenticeship.State.ACTIVE,
        )
        for i, person in enumerate(people)
    )
    BreakInLearning.objects.bulk_create(
        BreakInLearning(apprenticeship=a, starts_on=today - timedelta(days=20), reason="Leave")
        for a in rows
        if a.state == Apprenticeship.State.ON_BREAK
    )
    ProgressReview.objects.bulk_create(
        ProgressReview(apprenticeship=a, held_on=today - timedelta(days=60), notes="Fine.") for a in rows
    )
    TrainingRecord.objects.bulk_create(
        TrainingRecord(
            person=a.apprentice,
            title="Off-the-job: Online learning",
            activity_type="apprenticeship",
            delivery="internal",
            date=today - timedelta(days=d),
            hours=Decimal("6"),
            cpd_category="formal",
            off_the_job=True,
        )
        for a in rows
        for d in (3, 10)
    )


PAGES = [
    ("programme", lambda a: reverse("apprenticeships:programme"), "programme_manager", 18),
    # The apprentice pages suggest mentors: one query per registered mentoring signal (3).
    ("apprentice page", lambda a: a.get_absolute_url(), "apprentice", 21),
    ("apprentice page for the programme manager", lambda a: a.get_absolute_url(), "programme_manager", 18),
    ("intake", lambda a: reverse("apprenticeships:intake", args=[a.intake_id]), "programme_manager", 10),
    ("home of their manager", lambda a: reverse("apprenticeships:home"), "manager", 15),
    # The home page with every app's panels (promotions 2, registration 1, celebrations 2 among them).
    ("dashboard of their manager", lambda a: reverse("home"), "manager", 44),
]


@pytest.mark.parametrize(("label", "url", "who", "limit"), PAGES, ids=[p[0] for p in PAGES])
def test_pages_keep_their_query_count_from_5_to_200_apprentices(
    label,
    url,
    who,
    limit,
    institution,
    so_family,
    manager,
    apprentice,
    programme_manager,
    standard,
    provider,
    intake,
    django_assert_max_num_queries,
):
    intake.places = 200
    intake.save()
    mine = enrol(apprentice, programme_manager, standard, provider, intake=intake)
    people = {"programme_manager": programme_manager, "apprentice": apprentice, "manager": manager}
    client = client_for(people[who])
    counts = []
    for total in (5, 200):
        grow(institution, so_family, manager, standard, provider, intake, total)
        with django_assert_max_num_queries(limit) as captured:
            response = client.get(url(mine))
        assert response.status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1], counts
    assert Apprenticeship.objects.count() == 200
