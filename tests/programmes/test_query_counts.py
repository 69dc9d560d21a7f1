"""Every list page takes the same number of queries whatever the number of rows."""

import pytest
from django.urls import reverse

from programmes.models import Application, Attendance, CalendarFeed
from tests.conftest import client_for
from tests.factories import staff
from tests.programmes.conftest import CohortFactory, SessionFactory, make_application

State = Application.State
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("count", [3, 30])
def test_programme_page_queries_do_not_grow_with_cohorts(
    count, programme, technician, so_family, django_assert_max_num_queries
):
    for _ in range(count):
        cohort = CohortFactory(programme=programme, min_level=3)
        cohort.job_families.add(so_family)
        SessionFactory(cohort=cohort)
        make_application(cohort, technician, State.ENDORSED)
    client = client_for(technician)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("programmes:programme", args=[programme.pk]))
    assert len(response.context["cohorts"]) == count


@pytest.mark.parametrize("count", [3, 30])
def test_my_applications_and_timetable_queries_do_not_grow(count, programme, technician, django_assert_max_num_queries):
    for _ in range(count):
        cohort = CohortFactory(programme=programme)
        make_application(cohort, technician, State.ACCEPTED)
        SessionFactory(cohort=cohort)
    client = client_for(technician)
    with django_assert_max_num_queries(10):
        mine = client.get(reverse("programmes:my_applications"))
    assert len(mine.context["applications"]) == count
    with django_assert_max_num_queries(13):
        timetable = client.get(reverse("programmes:timetable"))
    assert len(timetable.context["sessions"]) == count
    feed = CalendarFeed.objects.get(user=technician.user)
    with django_assert_max_num_queries(6):
        ics = client.get(reverse("programmes:calendar_feed", args=[feed.token]))
    assert ics.content.count(b"BEGIN:VEVENT") == count


@pytest.mark.parametrize("count", [3, 30])
def test_team_page_queries_do_not_grow(count, cohort, manager, institution, django_assert_max_num_queries):
    for _ in range(count):
        make_application(cohort, staff(institution, line_manager=manager), State.AWAITING_ENDORSEMENT)
    client = client_for(manager)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("programmes:team"))
    assert len(response.context["applications"]) == count


@pytest.mark.parametrize("count", [3, 30])
def test_register_and_application_history_queries_do_not_grow(
    count, cohort, institution, programme_manager, django_assert_max_num_queries
):
    session = SessionFactory(cohort=cohort)
    participants = [make_application(cohort, staff(institution), State.ACCEPTED) for _ in range(count)]
    Attendance.objects.bulk_create([Attendance(session=session, application=p, present=True) for p in participants])
    for _ in range(count):
        participants[0].transitions.create(from_state="accepted", to_state="accepted", reason="note")
    client = client_for(programme_manager)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("programmes:register", args=[session.pk]))
    assert len(response.context["register"]) == count
    with django_assert_max_num_queries(14):
        response = client.get(participants[0].get_absolute_url())
    assert len(response.context["history"]) == count + 1
