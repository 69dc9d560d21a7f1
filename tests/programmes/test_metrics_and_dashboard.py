"""Success measures registered for the action plan, and the dashboard panels."""

from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from core import metrics
from people.models import User
from programmes import dashboard
from programmes.models import Application, Cohort, ManagerNotice, Programme
from tests.conftest import client_for
from tests.factories import staff
from tests.programmes.conftest import CohortFactory, ProgrammeFactory, SessionFactory, evaluated, make_application

State = Application.State
pytestmark = pytest.mark.django_db


def _period():
    today = timezone.localdate()
    return {"start": today - timedelta(days=365), "end": today}


def test_every_programme_metric_is_registered():
    keys = {m.key for m in metrics.all_metrics() if m.key.startswith("programmes.")}
    assert {
        "programmes.participants_benefit",
        "programmes.managers_benefit",
        "programmes.partner_events",
        "programmes.partner_events_valuable",
        "programmes.network_meetings",
        "programmes.managers_notified_within_3_days",
        "programmes.modules_open_to_all",
        "programmes.bulletin_clicks",
        "programmes.bulletin_uptake",
    } <= keys


def test_metrics_say_none_when_there_is_no_data(institution):
    for key in (
        "participants_benefit",
        "managers_benefit",
        "partner_events",
        "network_meetings",
        "modules_open_to_all",
        "bulletin_clicks",
        "bulletin_uptake",
    ):
        assert metrics.get(f"programmes.{key}")(institution=institution, **_period()) is None


def test_participants_benefit_is_the_share_of_yes(cohort, institution, so_family):
    evaluated(cohort, [True, True, True, False])
    result = metrics.get("programmes.participants_benefit")(institution=institution, **_period())
    assert (result.value, result.numerator, result.denominator) == (75, 3, 4)


def test_partner_events_counts_cohorts_opened_to_partners_with_a_session(institution):
    symposium = ProgrammeFactory(institution=institution, kind=Programme.Kind.EVENT, open_to_partners=True)
    held = CohortFactory(programme=symposium)
    SessionFactory(cohort=held, starts_at=timezone.now() - timedelta(days=10))
    CohortFactory(programme=symposium)  # no session: not an event yet
    internal = CohortFactory(programme__institution=institution)
    SessionFactory(cohort=internal, starts_at=timezone.now() - timedelta(days=10))
    assert metrics.get("programmes.partner_events")(institution=institution, **_period()).value == 1


def test_managers_notified_within_3_days_counts_late_notices_as_misses(institution, so_family):
    hso = so_family.grades.get(short_name="HSO")
    on_time_manager, late_manager = staff(institution), staff(institution)
    staff(institution, job_family=so_family, grade=hso, line_manager=on_time_manager)
    staff(institution, job_family=so_family, grade=hso, line_manager=late_manager)
    opened = timezone.localdate() - timedelta(days=20)
    cohort = CohortFactory(programme__institution=institution, min_level=3, max_level=3, opens_on=opened)
    ManagerNotice.objects.create(
        cohort=cohort, manager=on_time_manager, notified_at=timezone.now() - timedelta(days=19)
    )
    ManagerNotice.objects.create(cohort=cohort, manager=late_manager, notified_at=timezone.now() - timedelta(days=10))
    result = metrics.get("programmes.managers_notified_within_3_days")(institution=institution, **_period())
    assert (result.numerator, result.denominator, result.value) == (1, 2, 50)


@pytest.mark.parametrize("cohorts", [2, 6])
def test_managers_notified_within_3_days_asks_the_same_queries_for_any_number_of_cohorts(
    cohorts, institution, so_family, django_assert_max_num_queries
):
    so, hso = so_family.grades.get(short_name="SO"), so_family.grades.get(short_name="HSO")
    so_manager, hso_manager = staff(institution), staff(institution)
    staff(institution, job_family=so_family, grade=so, line_manager=so_manager)
    staff(institution, job_family=so_family, grade=hso, line_manager=hso_manager)
    opened = timezone.localdate() - timedelta(days=20)
    for n in range(cohorts):
        # Even cohorts admit HSO only (1 manager), odd ones SO and HSO (2 managers); the HSO
        # manager is told on time for every cohort, the SO manager never.
        cohort = CohortFactory(
            programme__institution=institution, min_level=(3 if n % 2 == 0 else 2), max_level=3, opens_on=opened
        )
        ManagerNotice.objects.create(
            cohort=cohort, manager=hso_manager, notified_at=timezone.now() - timedelta(days=19)
        )
    measure = metrics.get("programmes.managers_notified_within_3_days")
    with django_assert_max_num_queries(5):
        result = measure(institution=institution, **_period())
    # Hand-computed: each cohort expects its HSO manager (told in time); the odd ones also the SO manager.
    assert (result.numerator, result.denominator) == (cohorts, cohorts + cohorts // 2)


def test_dashboard_shows_my_application_and_my_sessions(cohort, technician):
    make_application(cohort, technician, State.ACCEPTED)
    SessionFactory(cohort=cohort, title="Kick-off")
    content = client_for(technician).get(reverse("home")).content.decode()
    assert "My programmes" in content
    assert "Kick-off" in content and "Ignite" in content


def test_dashboard_shows_the_manager_what_to_endorse(submitted, manager):
    content = client_for(manager).get(reverse("home")).content.decode()
    assert "Applications to endorse" in content
    assert str(submitted.applicant) in content


def test_dashboard_shows_programme_managers_applicants_to_decide(endorsed, programme_manager):
    content = client_for(programme_manager).get(reverse("home")).content.decode()
    assert "Cohorts I run" in content
    assert "1 to decide" in content


@pytest.mark.parametrize("count", [10, 60])
def test_dashboard_queries_do_not_grow_with_applications(
    count, cohort, technician, manager, institution, django_assert_max_num_queries
):
    programmes = [ProgrammeFactory(institution=institution) for _ in range(count)]
    for programme in programmes:
        other = CohortFactory(programme=programme)
        make_application(other, technician, State.ACCEPTED)
        SessionFactory(cohort=other)
    # Only this app's panel is measured, so other apps' panels cannot move the bound.
    request = RequestFactory().get("/")
    request.user = User.objects.select_related("profile").get(pk=technician.user_id)
    with django_assert_max_num_queries(4):
        panel = dashboard.my_programmes(request)
        html = render_to_string(panel.template, {"ctx": panel.context, "panel": panel})
    assert html.count('data-testid="state"') == 5


def test_the_managers_of_many_cohorts_are_those_of_each_cohorts_eligible_staff(
    institution, other_institution, so_family
):
    """managers_of_eligible_staff applies staff_eligible_for's rules to many cohorts at once."""
    from programmes.selectors import managers_of_eligible_staff, staff_eligible_for
    from tests.factories import GradeFactory, JobFamilyFactory

    institution.partners.add(other_institution)
    their_family = JobFamilyFactory(institution=other_institution, name="Scientific Officer")
    their_hso = GradeFactory(job_family=their_family, level=3, short_name="HSO", name="Higher Scientific Officer")
    rm = JobFamilyFactory(institution=institution, name="Research Management")
    rm3 = GradeFactory(job_family=rm, level=3, short_name="RM3", name="Research Manager 3")
    so, hso = so_family.grades.get(short_name="SO"), so_family.grades.get(short_name="HSO")
    for family, grade, where in [(so_family, so, institution), (so_family, hso, institution), (rm, rm3, institution),
                                 (their_family, their_hso, other_institution), (None, None, institution)]:  # fmt: skip
        staff(where, job_family=family, grade=grade, line_manager=staff(where))
    staff(
        institution,
        job_family=so_family,
        grade=hso,
        leaving_date=timezone.localdate() - timedelta(days=1),
        line_manager=staff(institution),
    )  # fmt: skip  (left: in no cohort)
    cohorts = [
        CohortFactory(programme__institution=institution, min_level=3, max_level=3),
        CohortFactory(programme__institution=institution, min_level=2),
        CohortFactory(programme__institution=institution),
        CohortFactory(programme=ProgrammeFactory(institution=institution, open_to_partners=True), min_level=3),
    ]
    cohorts[0].job_families.add(rm)
    loaded = list(Cohort.objects.filter(pk__in=[c.pk for c in cohorts]).select_related("programme")
                  .prefetch_related("job_families"))  # fmt: skip
    expected = {
        (cohort.pk, manager)
        for cohort in loaded
        for manager in staff_eligible_for(cohort).exclude(line_manager=None).values_list("line_manager_id", flat=True)
    }
    assert managers_of_eligible_staff(loaded) == expected
    assert len({manager for _, manager in expected}) == 5  # every kind of cohort admits someone
