"""Done when: a programme manager creates an intake, enrols a recruit and an existing member of
staff (through the guided request and the manager's approval), logs hours and reviews, records
gateway, assessment and destination; the two measures on the action plan change accordingly,
against hand-computed values (with a break in learning and an apprentice who did not complete)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone

from actionplan.selectors import measure_values
from apprenticeships import services
from apprenticeships.models import GATEWAY_CHECKS, Apprenticeship, ApprenticeshipRequest, Intake, ProgressReview
from development.models import TrainingRecord
from notifications.models import Notification
from people.models import CareerEvent
from people.services import staff_record_change
from tests.apprenticeships.conftest import enrol
from tests.conftest import client_for
from tests.factories import staff

pytestmark = pytest.mark.django_db

State = Apprenticeship.State
ALL_TICKED = dict.fromkeys([name for name, _label in GATEWAY_CHECKS], True)


def measures(plan, on):
    values = {m.metric_key: m.current.value for m in measure_values(plan=plan, on=on) if m.metric_key}
    return values["apprenticeships.levy_in_progress"], values["apprenticeships.so_roles_within_3_months"]


@pytest.fixture
def plan(institution):
    from actionplan.services import plan_import
    from tests.actionplan.conftest import SEED_FILE

    return plan_import(institution=institution, text=SEED_FILE.read_text(encoding="utf-8"), source="seed").plan


def test_the_programme_managers_journey_moves_both_measures(
    institution, so_family, standard, provider, apprentice, technician, manager, programme_manager, hr, plan
):
    today = timezone.localdate()
    pm = client_for(programme_manager)
    assert measures(plan, today) == (None, None)  # nothing recorded yet: "no data", not 0

    # An intake, created on the page.
    started = today - timedelta(days=800)
    response = pm.post(
        reverse("apprenticeships:intake_create"),
        {
            "name": "Laboratory technicians 2024",
            "standard": standard.pk,
            "provider": provider.pk,
            "start_date": started.isoformat(),
            "places": 3,
        },
    )
    intake = Intake.objects.get(name="Laboratory technicians 2024")
    assert response.status_code == 302 and response.url == intake.get_absolute_url()

    # A new recruit enrolled in it.
    response = pm.post(
        reverse("apprenticeships:enrol"),
        {
            "apprentice": apprentice.user.email,
            "route": "new_recruit",
            "standard": standard.pk,
            "provider": provider.pk,
            "intake": intake.pk,
            "start_date": started.isoformat(),
            "planned_end_date": (started + timedelta(days=700)).isoformat(),
            "levy_funded": "on",
            "contracted_hours": "37.5",
            "prior_learning_hours": "0",
        },
    )
    recruit = Apprenticeship.objects.get(apprentice=apprentice)
    assert response.status_code == 302 and response.url == recruit.get_absolute_url()
    assert (recruit.state, recruit.route, recruit.intake, recruit.line_manager) == (
        State.ACTIVE,
        "new_recruit",
        intake,
        manager,
    )
    assert recruit.transitions.get().by == programme_manager.user
    assert Notification.objects.filter(kind="apprenticeships.enrolled", recipient=apprentice.user).exists()

    # The existing member of staff asks through the guided request; their manager approves.
    page = client_for(technician).get(reverse("apprenticeships:request_new"))
    assert "Talk to your line manager" in page.content.decode()
    response = client_for(technician).post(
        reverse("apprenticeships:request_new"),
        {
            "standard": standard.pk,
            "provider": provider.pk,
            "preferred_start": (today + timedelta(days=14)).isoformat(),
            "why": "To run the tissue culture facility's quality checks myself.",
            "time_plan": "Tuesdays; Sam covers the cell lines.",
            "read_guidance": "on",
        },
    )
    made = ApprenticeshipRequest.objects.get(person=technician)
    assert response.status_code == 302 and made.state == ApprenticeshipRequest.State.SUBMITTED
    assert Notification.objects.filter(kind="apprenticeships.request_submitted", recipient=manager.user).exists()
    assert measures(plan, today)[0] == Decimal("0")  # asked, not studying yet

    response = client_for(manager).post(made.get_absolute_url(), {"decision": "approve", "reason": ""})
    made.refresh_from_db()
    assert made.state == ApprenticeshipRequest.State.APPROVED and made.decided_by == manager
    assert Notification.objects.filter(
        kind="apprenticeships.request_to_enrol", recipient=programme_manager.user
    ).exists()
    assert made in pm.get(reverse("apprenticeships:programme")).context["to_enrol"]

    response = pm.post(
        reverse("apprenticeships:request_enrol", args=[made.pk]),
        {
            "provider": provider.pk,
            "start_date": (today - timedelta(days=30)).isoformat(),
            "planned_end_date": (today + timedelta(days=700)).isoformat(),
            "contracted_hours": "37.5",
            "prior_learning_hours": "0",
        },
    )
    levy = Apprenticeship.objects.get(apprentice=technician)
    made.refresh_from_db()
    assert made.state == ApprenticeshipRequest.State.ENROLLED and levy.request == made
    assert (levy.route, levy.levy_funded, levy.intake) == ("existing_staff", True, None)
    assert measures(plan, today)[0] == Decimal("1")  # the recruit is not existing staff

    # The apprentice logs hours: a training record flagged off-the-job.
    response = client_for(apprentice).post(
        reverse("apprenticeships:hours", args=[recruit.pk]),
        {"on": (today - timedelta(days=200)).isoformat(), "hours": "7.5", "activity": "Training by the provider"},
    )
    record = TrainingRecord.objects.get(person=apprentice)
    assert (record.off_the_job, record.hours, record.activity_type) == (True, Decimal("7.50"), "apprenticeship")
    assert client_for(apprentice).get(recruit.get_absolute_url()).context["hours"].done == Decimal("7.50")

    # The manager records a review; the three parties sign.
    response = client_for(manager).post(
        reverse("apprenticeships:review_new", args=[recruit.pk]),
        {"held_on": (today - timedelta(days=190)).isoformat(), "notes": "Portfolio on track.", "actions": ""},
    )
    review = ProgressReview.objects.get(apprenticeship=recruit)
    recruit.refresh_from_db()
    assert recruit.next_review_due == review.held_on + relativedelta(months=3)
    client_for(apprentice).post(reverse("apprenticeships:review_sign", args=[review.pk, "apprentice"]))
    client_for(manager).post(reverse("apprenticeships:review_sign", args=[review.pk, "manager"]))
    pm.post(reverse("apprenticeships:review_sign", args=[review.pk, "provider"]), {"provider_signatory": "J. Okafor"})
    review.refresh_from_db()
    assert review.fully_signed and review.provider_signed_by == "J. Okafor"
    assert review.provider_recorded_by == programme_manager

    # Gateway, assessment (a pass, 120 days ago), and the new grade in career history 100 days ago.
    checks = dict.fromkeys(ALL_TICKED, "on")
    pm.post(
        reverse("apprenticeships:gateway", args=[recruit.pk]),
        {**checks, "gateway_on": (today - timedelta(days=150)).isoformat()},
    )
    pm.post(
        reverse("apprenticeships:assessment", args=[recruit.pk]),
        {"assessment_on": (today - timedelta(days=120)).isoformat(), "grade": "distinction"},
    )
    recruit.refresh_from_db()
    assert (recruit.state, recruit.grade, recruit.ended_on) == (
        State.COMPLETED,
        "distinction",
        today - timedelta(days=120),
    )
    staff_record_change(
        profile=apprentice,
        by=hr.user,
        cause=CareerEvent.Cause.APPRENTICESHIP_COMPLETED,
        effective_date=today - timedelta(days=100),
        grade=so_family.grades.get(short_name="SO"),
    )
    response = pm.post(reverse("apprenticeships:destination", args=[recruit.pk]), {"where": "here"})
    recruit.refresh_from_db()
    assert (recruit.destination_role, recruit.destination_start) == ("Scientific Officer", today - timedelta(days=100))
    page = pm.get(recruit.get_absolute_url()).content.decode()
    assert "An SO or equivalent role within 3 months of completing." in page
    # 1 of 1 successful completions at least 3 months ago is in an SO role: 100%.
    assert measures(plan, today) == (Decimal("1"), Decimal("100.00"))

    # A second recruit fails the assessment: did not complete, not in the 4C count.
    failed_person = staff(institution, job_family=so_family, grade=so_family.grades.get(short_name="APP"))
    failed = enrol(
        failed_person, programme_manager, standard, provider, start=started, end=started + timedelta(days=700)
    )
    services.gateway_save(
        apprenticeship=failed,
        by=programme_manager.user,
        checks=ALL_TICKED,
        gateway_on=today - timedelta(days=160),
    )
    services.assessment_record(
        apprenticeship=failed, by=programme_manager.user, assessment_on=today - timedelta(days=130), grade="fail"
    )
    failed.refresh_from_db()
    assert failed.state == State.NOT_COMPLETED
    assert measures(plan, today)[1] == Decimal("100.00")

    # A third completes and takes a role elsewhere that is not SO-equivalent: 1 of 2 = 50%.
    third_person = staff(institution, job_family=so_family, grade=so_family.grades.get(short_name="APP"))
    third = enrol(third_person, programme_manager, standard, provider, start=started, end=started + timedelta(days=700))
    services.gateway_save(
        apprenticeship=third,
        by=programme_manager.user,
        checks=ALL_TICKED,
        gateway_on=today - timedelta(days=140),
    )
    services.assessment_record(
        apprenticeship=third, by=programme_manager.user, assessment_on=today - timedelta(days=110), grade="pass"
    )
    pm.post(
        reverse("apprenticeships:destination", args=[third.pk]),
        {
            "where": "elsewhere",
            "role": "Laboratory assistant, a contract research organisation",
            "started_on": (today - timedelta(days=90)).isoformat(),
        },
    )
    assert measures(plan, today) == (Decimal("1"), Decimal("50.00"))

    # A second existing member of staff on a levy apprenticeship, then on a break: studying, then not.
    second = staff(institution, job_family=so_family, grade=so_family.grades.get(short_name="SO"), line_manager=manager)
    second_levy = enrol(
        second,
        programme_manager,
        standard,
        provider,
        route="existing_staff",
        start=today - timedelta(days=60),
        end=today + timedelta(days=600),
    )
    assert measures(plan, today)[0] == Decimal("2")
    pm.post(
        reverse("apprenticeships:break_start", args=[second_levy.pk]),
        {"starts_on": (today - timedelta(days=5)).isoformat(), "reason": "Parental leave"},
    )
    second_levy.refresh_from_db()
    assert second_levy.state == State.ON_BREAK
    assert measures(plan, today)[0] == Decimal("1")
    # Counted for the days before the break: as of a week ago there were two.
    assert measures(plan, today - timedelta(days=7))[0] == Decimal("2")

    # The programme manager's page shows the same two figures, with how each is computed.
    page = pm.get(reverse("apprenticeships:programme"))
    shown = [(m["label"], m["result"].value) for m in page.context["measures"]]
    assert shown == [
        ("Existing staff studying via the apprenticeship levy", 1),
        ("Apprentices in SO or equivalent roles within 3 months of completing", 50.0),
    ]
    text = page.content.decode()
    assert "How it is computed: Counts, on the reporting date, distinct existing members of staff" in text
    assert "1 of 2 apprentices who completed" in text
