"""Apprentice mentors through the mentoring app, the completion's celebration (with consent), the
versioned guidance for staff and managers, and the RAG rule."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from apprenticeships import services
from apprenticeships.hours import OffTheJob
from apprenticeships.models import GATEWAY_CHECKS, Apprenticeship
from apprenticeships.selectors import assess
from guidance import services as guidance_services
from mentoring.models import MentorProfile, Relationship
from people.models import Celebration
from tests.apprenticeships.conftest import enrol
from tests.conftest import client_for
from tests.factories import staff

pytestmark = pytest.mark.django_db

ALL_TICKED = dict.fromkeys([name for name, _label in GATEWAY_CHECKS], True)


def complete(a, by, grade="pass", days_ago=10):
    today = timezone.localdate()
    services.gateway_save(
        apprenticeship=a, by=by.user, checks=ALL_TICKED, gateway_on=today - timedelta(days=days_ago + 5)
    )
    return services.assessment_record(
        apprenticeship=a, by=by.user, assessment_on=today - timedelta(days=days_ago), grade=grade
    )


@pytest.fixture
def former(institution, so_family, programme_manager, standard, provider):
    """Someone who completed the same apprenticeship and is now an SO."""
    person = staff(institution, job_family=so_family, grade=so_family.grades.get(short_name="SO"))
    today = timezone.localdate()
    a = enrol(
        person, programme_manager, standard, provider, start=today - timedelta(days=800), end=today - timedelta(days=60)
    )
    complete(a, programme_manager)
    return person


def test_a_completion_is_proposed_for_celebration_and_waits_for_consent(former):
    celebration = Celebration.objects.get(person=former)
    assert celebration.kind == Celebration.Kind.APPRENTICESHIP
    assert celebration.consent == Celebration.Consent.ASKED
    assert "completed the Laboratory technician apprenticeship (pass)" in celebration.title


def test_a_fail_is_not_celebrated(apprentice, programme_manager, standard, provider):
    today = timezone.localdate()
    a = enrol(
        apprentice,
        programme_manager,
        standard,
        provider,
        start=today - timedelta(days=800),
        end=today - timedelta(days=60),
    )
    complete(a, programme_manager, grade="fail")
    assert not Celebration.objects.filter(person=apprentice).exists()


def test_someone_who_completed_offers_to_mentor_and_new_apprentices_see_them_suggested_with_the_reason(
    former, apprentice, programme_manager, standard, provider
):
    response = client_for(former).post(
        reverse("apprenticeships:offer_to_mentor"), {"capacity": 2, "bio": "Happy to help with the portfolio."}
    )
    assert response.status_code == 302
    profile = MentorProfile.objects.get(person=former)
    assert profile.purpose_values == ["apprenticeship"]

    a = enrol(apprentice, programme_manager, standard, provider, start=timezone.localdate() - timedelta(days=30))
    page = client_for(apprentice).get(a.get_absolute_url())
    suggestions = page.context["suggestions"]
    assert [s.mentor.person for s in suggestions] == [former]
    assert "Completed the ST0248 Laboratory technician apprenticeship you are on" in page.content.decode()


def test_someone_who_never_completed_cannot_offer(apprentice):
    response = client_for(apprentice).get(reverse("apprenticeships:offer_to_mentor"))
    assert response.status_code == 302
    assert not MentorProfile.objects.filter(person=apprentice).exists()


def test_the_programme_manager_pairs_a_workplace_mentor_through_the_mentoring_app(
    former, apprentice, programme_manager, standard, provider
):
    services.offer_to_mentor(person=former, by=former.user, capacity=1, bio="Happy to help.")
    a = enrol(apprentice, programme_manager, standard, provider, start=timezone.localdate() - timedelta(days=30))
    response = client_for(programme_manager).post(
        reverse("apprenticeships:mentor", args=[a.pk]), {"mentor": MentorProfile.objects.get(person=former).pk}
    )
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.workplace_mentor == former
    pairing = Relationship.objects.get(mentee=apprentice)
    assert (pairing.mentor, pairing.purpose, pairing.state, pairing.origin) == (
        former,
        "apprenticeship",
        "active",
        "paired",
    )


def test_the_request_page_quotes_the_staff_guidance_and_the_manager_sees_theirs(
    institution, technician, manager, programme_manager, standard
):
    page = guidance_services.ensure_page(
        institution=institution,
        slug="apprenticeships",
        title="Apprenticeships",
        body="Who can apply: anyone on a contract past the planned end.",
        audience="staff",
        effective_from=date(2025, 1, 1),
    )
    guidance_services.publish_version(
        page=page, audience="managers", effective_from=date(2025, 1, 1), body="Release your report a day a week."
    )
    form = client_for(technician).get(reverse("apprenticeships:request_new")).content.decode()
    assert "Who can apply: anyone on a contract past the planned end." in form
    assert reverse("guidance:page", args=["apprenticeships"]) in form
    made = services.request_submit(
        person=technician,
        by=technician.user,
        standard=standard,
        preferred_start=date(2099, 1, 1),
        why="x",
        time_plan="y",
    )
    assert "Release your report a day a week." in client_for(manager).get(made.get_absolute_url()).content.decode()


def test_a_request_without_a_confirmed_line_manager_is_not_offered(institution, so_family, standard):
    alone = staff(institution, job_family=so_family, grade=so_family.grades.get(short_name="SO"))
    page = client_for(alone).get(reverse("apprenticeships:request_new"))
    assert "No line manager is confirmed for you" in page.content.decode()
    assert "Send to" not in page.content.decode()


@pytest.mark.parametrize(
    ("behind_by", "review_in_days", "end_in_days", "state", "expected"),
    [
        (0, 60, 300, "active", "green"),
        (16, 60, 300, "active", "red"),  # margin 15
        (8, 60, 300, "active", "amber"),  # more than half the margin
        (0, -1, 300, "active", "red"),  # review overdue
        (0, 10, 300, "active", "amber"),  # review due within two weeks
        (0, 60, -1, "active", "red"),  # planned end passed
        (0, 60, 20, "active", "amber"),
        (40, -30, -10, "on_break", "paused"),
    ],
)
def test_rag_status(behind_by, review_in_days, end_in_days, state, expected):
    today = date(2026, 3, 2)
    a = Apprenticeship(
        state=state,
        next_review_due=today + timedelta(days=review_in_days),
        planned_end_date=today + timedelta(days=end_in_days),
    )
    hours = OffTheJob(total=Decimal(400), due=Decimal(100), done=Decimal(100 - behind_by), margin=15)
    assert assess(a, hours, today).rag == expected
