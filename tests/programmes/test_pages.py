"""The programme pages: who sees what, what they can do, and how many queries each list takes."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from people import roles
from people.models import StaffProfile, User
from programmes import selectors
from programmes.models import Application, Attendance, CalendarFeed, Programme, Session
from tests.conftest import client_for
from tests.factories import staff
from tests.programmes.conftest import CohortFactory, ProgrammeFactory, SessionFactory, make_application

State = Application.State
pytestmark = pytest.mark.django_db


# --- The catalogue ----------------------------------------------------------------------------


def test_catalogue_lists_own_and_partner_opened_programmes_only(institution, other_institution, technician):
    ProgrammeFactory(institution=institution, title="Ignite")
    ProgrammeFactory(institution=other_institution, title="Crick leadership", open_to_partners=True)
    ProgrammeFactory(institution=other_institution, title="Crick internal")
    other_institution.partners.add(institution)
    response = client_for(technician).get(reverse("programmes:catalogue"))
    titles = [p.title for p in response.context["page"].object_list]
    assert titles == ["Crick leadership", "Ignite"]


def test_partner_staff_see_only_programmes_opened_to_partners(programme, outsider, institution):
    ProgrammeFactory(institution=institution, title="ICR symposium", open_to_partners=True, kind=Programme.Kind.EVENT)
    institution.partners.add(outsider.institution)
    client = client_for(outsider)
    response = client.get(reverse("programmes:catalogue"))
    assert [p.title for p in response.context["page"].object_list] == ["ICR symposium"]
    assert client.get(reverse("programmes:programme", args=[programme.pk])).status_code == 404


def test_outsider_cannot_see_an_unopened_programme(programme, outsider):
    response = client_for(outsider).get(reverse("programmes:programme", args=[programme.pk]))
    assert response.status_code == 404


def test_only_what_i_can_apply_to_filters_by_eligibility(cohort, institution, technician):
    leadership = ProgrammeFactory(institution=institution, title="Leadership")
    CohortFactory(programme=leadership, min_level=4)
    client = client_for(technician)
    everything = client.get(reverse("programmes:catalogue"), {"open_now": "on"})
    assert [p.title for p in everything.context["page"].object_list] == ["Ignite", "Leadership"]
    mine = client.get(reverse("programmes:catalogue"), {"eligible_only": "on"})
    assert [p.title for p in mine.context["page"].object_list] == ["Ignite"]


def test_catalogue_search_and_kind_filter(institution, technician):
    ProgrammeFactory(institution=institution, title="Aurora", kind=Programme.Kind.EXTERNAL, summary="Women leaders")
    ProgrammeFactory(institution=institution, title="Project management", kind=Programme.Kind.MODULE)
    client = client_for(technician)
    found = client.get(reverse("programmes:catalogue"), {"q": "leaders"})
    assert [p.title for p in found.context["page"].object_list] == ["Aurora"]
    modules = client.get(reverse("programmes:catalogue"), {"kind": "module"})
    assert [p.title for p in modules.context["page"].object_list] == ["Project management"]


@pytest.mark.parametrize("count", [10, 500])
def test_catalogue_queries_do_not_grow_with_programmes(count, institution, technician, django_assert_num_queries):
    programmes = Programme.objects.bulk_create(
        [Programme(institution=institution, title=f"Programme {i:03d}", summary="s") for i in range(count)]
    )
    for programme in programmes[:10]:
        CohortFactory(programme=programme)
    client = client_for(technician)
    # Exactly the same number at both sizes (the "done when" of issue 3).
    with django_assert_num_queries(8):
        response = client.get(reverse("programmes:catalogue"), {"eligible_only": "on", "q": "Programme"})
    assert response.context["page"].paginator.count == 10


def test_programme_page_tells_the_viewer_why_they_are_not_eligible(cohort, manager):
    response = client_for(manager).get(reverse("programmes:programme", args=[cohort.programme_id]))
    content = response.content.decode()
    assert "You are not eligible for this cohort" in content
    assert "Your grade (SSO) is above the level this cohort is for." in content
    assert reverse("programmes:apply", args=[cohort.pk]) not in content


def test_programme_page_shows_places_left_and_an_apply_button_to_the_eligible(cohort, technician, institution):
    make_application(cohort, staff(institution), State.ACCEPTED)
    response = client_for(technician).get(reverse("programmes:programme", args=[cohort.programme_id]))
    content = response.content.decode()
    assert "19 of 20" in content
    assert "You are eligible." in content
    assert reverse("programmes:apply", args=[cohort.pk]) in content


# --- Applying and deciding --------------------------------------------------------------------


def test_technician_applies_through_the_form(cohort, technician, manager):
    cohort.questions = "Which project will you bring?"
    cohort.save()
    response = client_for(technician).post(
        reverse("programmes:apply", args=[cohort.pk]),
        {"statement": "I run the imaging core.", "question_0": "Automated segmentation"},
    )
    application = Application.objects.get(applicant=technician)
    assert response.status_code == 302 and response.url == application.get_absolute_url()
    assert application.state == State.AWAITING_ENDORSEMENT
    assert application.answers == [{"question": "Which project will you bring?", "answer": "Automated segmentation"}]


def test_applying_after_the_window_shows_the_reason_and_saves_nothing(cohort, technician):
    cohort.closes_on = timezone.localdate() - timedelta(days=1)
    cohort.opens_on = cohort.closes_on - timedelta(days=10)
    cohort.save()
    response = client_for(technician).post(reverse("programmes:apply", args=[cohort.pk]), {"statement": "Please"})
    assert response.status_code == 200
    assert "Applications to this cohort closed on" in response.content.decode()
    assert not Application.objects.exists()


def test_applicant_sees_status_and_history(endorsed, technician, manager):
    response = client_for(technician).get(endorsed.get_absolute_url())
    content = response.content.decode()
    assert "Waiting for selection" in content
    assert str(manager) in content  # who endorsed, in the history
    assert response.context["can_withdraw"] is True
    assert response.context["endorsement_form"] is None


def test_line_manager_sees_the_endorsement_form_and_endorses(submitted, manager):
    client = client_for(manager)
    response = client.get(submitted.get_absolute_url())
    assert response.context["endorsement_form"] is not None
    client.post(reverse("programmes:endorse", args=[submitted.pk]), {"decision": "endorse"})
    submitted.refresh_from_db()
    assert submitted.state == State.ENDORSED
    assert submitted.transitions.last().by == manager.user


def test_declining_without_a_reason_changes_nothing(submitted, manager):
    response = client_for(manager).post(
        reverse("programmes:endorse", args=[submitted.pk]), {"decision": "decline", "reason": ""}, follow=True
    )
    assert "Please give the applicant a reason." in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.state == State.AWAITING_ENDORSEMENT


def test_application_is_hidden_from_other_staff_and_outsiders(submitted, institution, outsider):
    for person in (staff(institution), outsider):
        assert client_for(person).get(submitted.get_absolute_url()).status_code == 404
        client_for(person).post(reverse("programmes:endorse", args=[submitted.pk]), {"decision": "endorse"})
    submitted.refresh_from_db()
    assert submitted.state == State.AWAITING_ENDORSEMENT


def test_team_page_lists_my_reports_applications(submitted, manager, institution):
    other = make_application(submitted.cohort, staff(institution), State.ENDORSED)
    response = client_for(manager).get(reverse("programmes:team"))
    assert list(response.context["applications"]) == [submitted]
    assert other not in response.context["applications"]


def test_applicant_withdraws(endorsed, technician):
    client_for(technician).post(reverse("programmes:withdraw", args=[endorsed.pk]))
    endorsed.refresh_from_db()
    assert endorsed.state == State.WITHDRAWN


def test_programme_manager_accepts_in_bulk(cohort, programme_manager, institution, so_family):
    grade = so_family.grades.get(short_name="HSO")
    applications = [make_application(cohort, staff(institution, grade=grade)) for _ in range(3)]
    response = client_for(programme_manager).post(
        reverse("programmes:cohort_run", args=[cohort.pk]),
        {"applications": [a.pk for a in applications[:2]], "decision": "accept", "reason": "Welcome"},
        follow=True,
    )
    assert "2 application(s) updated." in response.content.decode()
    states = [Application.objects.get(pk=a.pk).state for a in applications]
    assert states == [State.ACCEPTED, State.ACCEPTED, State.ENDORSED]


def test_programme_manager_sees_partner_applicants_of_own_programmes(cohort, programme_manager, outsider):
    partner_application = make_application(cohort, outsider, State.ENDORSED)
    client = client_for(programme_manager)
    response = client.get(reverse("programmes:cohort_run", args=[cohort.pk]))
    assert list(response.context["page"].object_list) == [partner_application]
    assert client.get(partner_application.get_absolute_url()).status_code == 200


def test_cohort_page_is_forbidden_to_technicians_and_hidden_from_other_institutions(
    cohort, technician, other_institution
):
    assert client_for(technician).get(reverse("programmes:cohort_run", args=[cohort.pk])).status_code == 403
    foreign_pm = staff(other_institution, groups=[roles.PROGRAMME_MANAGER])
    assert client_for(foreign_pm).get(reverse("programmes:cohort_run", args=[cohort.pk])).status_code == 404
    assert client_for(foreign_pm).get(reverse("programmes:run")).context["page"].paginator.count == 0


def _bulk_applicants(cohort, institution, count):
    users = User.objects.bulk_create([User(email=f"a{i}@icr.ac.uk", last_name=f"A{i}") for i in range(count)])
    profiles = StaffProfile.objects.bulk_create([StaffProfile(user=u, institution=institution) for u in users])
    Application.objects.bulk_create(
        [Application(cohort=cohort, applicant=p, statement="s", state=State.ENDORSED) for p in profiles]
    )


@pytest.mark.parametrize("count", [10, 500])
def test_cohort_applicant_list_queries_do_not_grow(
    count, cohort, institution, programme_manager, django_assert_num_queries
):
    _bulk_applicants(cohort, institution, count)
    SessionFactory(cohort=cohort)
    client = client_for(programme_manager)
    with django_assert_num_queries(9):
        response = client.get(reverse("programmes:cohort_run", args=[cohort.pk]), {"state": "endorsed"})
    assert response.context["page"].paginator.count == count


@pytest.mark.parametrize("count", [10, 200])
def test_run_list_queries_do_not_grow(count, programme, programme_manager, django_assert_max_num_queries):
    for _ in range(count):
        CohortFactory(programme=programme)
    client = client_for(programme_manager)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("programmes:run"))
    assert response.context["page"].paginator.count == count


# --- Sessions, register, timetable and feed ---------------------------------------------------


def test_programme_manager_adds_a_session_and_fills_the_register(cohort, programme_manager, technician):
    participant = make_application(cohort, technician, State.ACCEPTED)
    client = client_for(programme_manager)
    start = timezone.localtime() + timedelta(days=3)
    client.post(
        reverse("programmes:session_create", args=[cohort.pk]),
        {
            "title": "Leading projects",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "location": "Sutton, Brookes Lawley room 1",
        },
    )
    session = Session.objects.get(cohort=cohort)
    client.post(reverse("programmes:register", args=[session.pk]), {"present": [participant.pk]})
    assert Attendance.objects.get(session=session, application=participant).present is True
    participant.refresh_from_db()
    assert participant.state == State.COMPLETED  # 1 of 1 sessions meets the 80% rule


def test_a_session_ending_before_it_starts_is_refused(cohort, programme_manager):
    start = timezone.localtime() + timedelta(days=3)
    response = client_for(programme_manager).post(
        reverse("programmes:session_create", args=[cohort.pk]),
        {
            "title": "Backwards",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "location": "Room 1",
        },
    )
    assert "The session must end after it starts." in response.content.decode()
    assert not Session.objects.exists()


def test_register_is_hidden_from_other_institutions_programme_managers(cohort, other_institution):
    session = SessionFactory(cohort=cohort)
    foreign_pm = staff(other_institution, groups=[roles.PROGRAMME_MANAGER])
    assert client_for(foreign_pm).get(reverse("programmes:register", args=[session.pk])).status_code == 404


def test_timetable_and_calendar_feed_list_only_my_accepted_sessions(cohort, technician, institution):
    make_application(cohort, technician, State.ACCEPTED)
    mine = SessionFactory(cohort=cohort, title="Imaging masterclass")
    SessionFactory(cohort=CohortFactory(programme=cohort.programme), title="Someone else's")
    client = client_for(technician)
    response = client.get(reverse("programmes:timetable"))
    assert list(response.context["sessions"]) == [mine]
    feed = CalendarFeed.objects.get(user=technician.user)
    ics = client_for(staff(institution)).get(reverse("programmes:calendar_feed", args=[feed.token]))
    assert ics["Content-Type"].startswith("text/calendar")
    events = list(Calendar.from_ical(ics.content).walk("VEVENT"))
    assert [str(e["summary"]) for e in events] == ["Imaging masterclass (Ignite)"]
    assert events[0].decoded("dtstart") == mine.starts_at.replace(microsecond=0)


def test_resetting_the_calendar_address_stops_the_old_one(technician):
    client = client_for(technician)
    client.get(reverse("programmes:timetable"))
    old = CalendarFeed.objects.get(user=technician.user).token
    client.post(reverse("programmes:calendar_feed_reset"))
    new = CalendarFeed.objects.get(user=technician.user).token
    assert new != old
    assert client.get(reverse("programmes:calendar_feed", args=[old])).status_code == 404
    assert client.get(reverse("programmes:calendar_feed", args=[new])).status_code == 200


def test_my_programmes_page_records_completed_programmes(cohort, technician, outsider):
    done = make_application(cohort, technician, State.COMPLETED)
    make_application(CohortFactory(programme=cohort.programme), technician, State.ACCEPTED)
    response = client_for(technician).get(reverse("programmes:my_applications"))
    assert response.context["completed"] == [done]
    assert list(selectors.completed_programmes(technician)) == [done]
    assert client_for(outsider).get(reverse("programmes:my_applications")).context["applications"] == []


def test_programme_manager_decides_one_application_from_its_page(endorsed, programme_manager, manager):
    client_for(manager).post(reverse("programmes:decide", args=[endorsed.pk]), {"decision": "accept"})
    endorsed.refresh_from_db()
    assert endorsed.state == State.ENDORSED  # the line manager may not select
    client_for(programme_manager).post(
        reverse("programmes:decide", args=[endorsed.pk]), {"decision": "waitlist", "reason": "Full this time"}
    )
    endorsed.refresh_from_db()
    assert endorsed.state == State.WAITLISTED
    assert endorsed.transitions.last().reason == "Full this time"


def test_programme_manager_downloads_the_filtered_applicants_as_csv(cohort, programme_manager, institution, outsider):
    accepted = make_application(cohort, staff(institution), State.ACCEPTED)
    accepted.applicant.user.first_name = "=HYPERLINK"
    accepted.applicant.user.save()
    make_application(cohort, staff(institution), State.DECLINED)
    url = reverse("programmes:cohort_applicants_csv", args=[cohort.pk])
    response = client_for(programme_manager).get(url, {"state": "accepted"})
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].startswith("name,e-mail,institution")
    assert len(lines) == 2 and "Accepted" in lines[1]
    assert lines[1].startswith("'=HYPERLINK")  # a formula is neutralised
    assert client_for(outsider).get(url).status_code == 403
    assert client_for(staff(outsider.institution, groups=[roles.PROGRAMME_MANAGER])).get(url).status_code == 404
