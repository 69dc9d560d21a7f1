"""Pages: what each person sees, who may not, and query counts pinned at two data sizes."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core import metrics
from promotions import services
from promotions.models import Application, ManagerNotice, Vacancy
from tests.conftest import client_for
from tests.factories import GradeFactory, JobFamilyFactory, staff
from tests.promotions.conftest import grade, make_round, publish

pytestmark = pytest.mark.django_db
State = Application.State


def _applicants(institution, so_family, round, hr, n):
    for i in range(n):
        boss = staff(institution, job_family=so_family, grade=grade(so_family, "SSO"))
        person = staff(institution, job_family=so_family, grade=grade(so_family, "HSO"), line_manager=boss)
        application = services.application_intend(round=round, person=person, by=person.user)
        services.application_support(application=application, by=boss.user, statement="Yes.")
        services.application_submit(application=application, by=person.user, statement="My case.")
        services.application_decide(
            application=application,
            by=hr.user,
            promoted=i % 2 == 0,
            new_grade=grade(so_family, "SSO"),
            effective_date=timezone.localdate(),
            feedback="More leadership." if i % 2 else "",
        )


def _more_criteria(institution, hr, n):
    for i in range(n):
        family = JobFamilyFactory(institution=institution, name=f"Family {i} {timezone.now().timestamp()}")
        GradeFactory(job_family=family, level=1, short_name="L1", name="Level one")
        GradeFactory(job_family=family, level=2, short_name="L2", name="Level two")
        publish(institution, family, "L2", hr.user)
        publish(institution, family, "L2", hr.user, change_note="Clearer wording.")


def test_the_applicant_list_the_summary_and_the_criteria_page_keep_their_query_counts(
    institution, so_family, open_round, hr, technician, django_assert_max_num_queries
):
    pages = [
        (client_for(hr), reverse("promotions:round", args=[open_round.pk]), 22),
        (client_for(hr), reverse("promotions:summary", args=[open_round.pk]), 16),
        (client_for(technician), reverse("promotions:criteria"), 18),
    ]
    for client, url, _ in pages:
        client.get(url)  # warm the session
    counts = {url: [] for _, url, _ in pages}
    for n in (2, 10):
        _applicants(institution, so_family, open_round, hr, n)
        _more_criteria(institution, hr, n)
        for client, url, limit in pages:
            with django_assert_max_num_queries(limit) as captured:
                response = client.get(url)
            assert response.status_code == 200
            counts[url].append(len(captured))
    for url, (small, large) in counts.items():
        assert small == large, url
    text = client_for(hr).get(reverse("promotions:round", args=[open_round.pk])).text
    assert text.count('href="/promotions/applications/') == 12


def test_the_applicant_list_shows_a_page_at_a_time_and_keeps_the_state_chosen(institution, so_family, open_round, hr):
    for _ in range(27):
        person = staff(institution, job_family=so_family, grade=grade(so_family, "HSO"))
        services.application_intend(round=open_round, person=person, by=person.user)
    client = client_for(hr)
    url = reverse("promotions:round", args=[open_round.pk])
    first = client.get(url, {"state": State.INTENDED}).text
    assert first.count('href="/promotions/applications/') == 25
    assert "27 applications; 1 to 25 shown" in first
    assert "?state=intended&amp;page=2" in first
    second = client.get(url, {"state": State.INTENDED, "page": 2}).text
    assert second.count('href="/promotions/applications/') == 2 and "26 to 27 shown" in second


def test_the_criteria_page_tells_the_technician_what_counts_and_whether_their_records_meet_it(criteria, technician):
    services.declaration_save(person=technician, highest_qualification="phd")
    text = client_for(technician).get(reverse("promotions:criteria")).text
    assert "Senior Scientific Officer (SSO)" in text
    assert "A PhD, or 6 years of relevant experience, or registration as RSci or CSci, or completing Ignite." in text
    assert "You hold a PhD or other doctorate, which meets “a PhD or equivalent”." in text


def test_the_declaration_form_saves_the_qualification_in_promotions(technician, criteria):
    response = client_for(technician).post(
        reverse("promotions:declaration"),
        {"highest_qualification": "masters", "qualification_subject": "Cell biology", "prior_experience_years": "3"},
    )
    assert response.status_code == 302
    assert technician.promotion_declaration.highest_qualification == "masters"


def test_an_outsider_gets_a_404_for_a_round_and_an_application(open_round, technician, outsider):
    application = services.application_intend(round=open_round, person=technician, by=technician.user)
    client = client_for(outsider)
    assert client.get(reverse("promotions:round", args=[open_round.pk])).status_code == 404
    assert client.get(reverse("promotions:application", args=[application.pk])).status_code == 404


def test_a_colleague_cannot_see_someone_elses_application(open_round, technician, institution):
    application = services.application_intend(round=open_round, person=technician, by=technician.user)
    assert (
        client_for(staff(institution)).get(reverse("promotions:application", args=[application.pk])).status_code == 404
    )


def test_the_manager_sees_the_application_and_adds_a_supporting_statement(open_round, technician, manager):
    application = services.application_intend(round=open_round, person=technician, by=technician.user)
    client = client_for(manager)
    assert "Save the supporting statement" in client.get(reverse("promotions:application", args=[application.pk])).text
    client.post(reverse("promotions:support", args=[application.pk]), {"manager_statement": "Strongly support."})
    application.refresh_from_db()
    assert application.manager_statement == "Strongly support." and application.manager_statement_by == manager


def test_a_submission_outside_the_window_shows_the_reason_beside_the_statement(institution, criteria, technician):
    round = make_round(institution, opens=-10, submissions_open_on=5, submissions_close_on=20)
    application = services.application_intend(round=round, person=technician, by=technician.user)
    response = client_for(technician).post(reverse("promotions:submit", args=[application.pk]), {"statement": "x"})
    assert response.status_code == 400
    assert "There is a problem" in response.text and "it is not possible to submit today" in response.text
    application.refresh_from_db()
    assert application.state == State.INTENDED and application.statement == ""


def test_the_round_form_refuses_dates_out_of_order(hr, criteria):
    response = client_for(hr).post(
        reverse("promotions:round_new"),
        {
            "name": "Bad",
            "opens_on": "2026-03-01",
            "mentoring_from": "2026-03-01",
            "submissions_open_on": "2026-04-01",
            "submissions_close_on": "2026-03-15",
            "panel_on": "2026-05-01",
            "outcomes_on": "2026-05-15",
        },
    )
    assert "“Submissions close” cannot be before “submissions open”." in response.text
    assert not open_round_exists()


def open_round_exists():
    from promotions.models import Round

    return Round.objects.filter(name="Bad").exists()


def test_the_vacancy_page_reports_the_share_asking_for_a_degree_without_a_reason(hr, so_family, institution):
    client = client_for(hr)
    hso = grade(so_family, "HSO")
    for title, asked, reason in [("A", "on", "regulated"), ("B", "on", ""), ("C", "", ""), ("D", "", "")]:
        data = {"title": title, "grade": hso.pk, "degree_reason": reason}
        if asked:
            data["degree_asked"] = asked
        assert client.post(reverse("promotions:vacancies"), data).status_code == 302
    assert (
        "1 of 4 vacancies recorded ask for a degree without a recorded reason (25%)."
        in client.get(reverse("promotions:vacancies")).text
    )
    refused = client.post(reverse("promotions:vacancies"), {"title": "E", "grade": hso.pk, "degree_reason": "theory"})
    assert "A reason is needed only when the job description asks for a degree." in refused.text
    assert Vacancy.objects.count() == 4


def test_a_manager_corrects_only_the_vacancies_they_recorded(hr, manager, technician, so_family, institution):
    """Issue 16, point 8: any line manager could rewrite another manager's vacancy (its degree
    reason counts in HR's recruitment report, 1H)."""
    assert technician.line_manager == manager  # so the manager recruits
    other_manager = staff(institution, job_family=so_family, grade=grade(so_family, "SSO"))
    staff(institution, line_manager=other_manager)
    hso = grade(so_family, "HSO")
    data = {"title": "Lab technician", "grade": hso.pk, "degree_asked": "on", "degree_reason": ""}
    assert client_for(manager).post(reverse("promotions:vacancies"), data).status_code == 302
    vacancy = Vacancy.objects.get(title="Lab technician")
    edit = reverse("promotions:vacancy_edit", args=[vacancy.pk])

    intruder = client_for(other_manager)
    assert intruder.get(edit).status_code == 403
    assert intruder.post(edit, {**data, "degree_reason": "regulated"}).status_code == 403
    listed = intruder.get(reverse("promotions:vacancies")).text
    assert "Lab technician" in listed and edit not in listed
    vacancy.refresh_from_db()
    assert vacancy.degree_reason == ""

    assert client_for(manager).post(edit, {**data, "degree_reason": "regulated"}).status_code == 302
    assert client_for(hr).get(edit).status_code == 200
    vacancy.refresh_from_db()
    assert vacancy.degree_reason == "regulated"


def test_metrics_are_computed_as_described(institution, so_family, criteria, hr, manager, technician):
    start, end = date(2020, 1, 1), timezone.localdate()
    # 4B: one round opened 5 days ago; technician's manager told on day 2, a second manager on day 4 (late).
    round = make_round(institution, opens=-5, submissions_close_on=20)
    late_boss = staff(institution, job_family=so_family, grade=grade(so_family, "SSO"))
    staff(institution, job_family=so_family, grade=grade(so_family, "HSO"), line_manager=late_boss)
    ManagerNotice.objects.create(round=round, manager=manager, notified_at=timezone.now() - timedelta(days=3))
    ManagerNotice.objects.create(round=round, manager=late_boss, notified_at=timezone.now() - timedelta(days=1))
    result = metrics.get("promotions.managers_notified_within_3_days")(institution=institution, start=start, end=end)
    assert result.numerator == 1 and result.denominator == 2 and result.value == 50
    # 2F: one summary published.
    _applicants(institution, so_family, round, hr, 1)
    services.summary_publish(round=round, by=hr.user)
    assert metrics.get("promotions.updates_published")(institution=institution, start=start, end=end).value == 1
    # 1H: two criteria versions (HSO and SSO) published today.
    assert metrics.get("promotions.criteria_updated")(institution=institution, start=start, end=end).value == 2
    # 1H: 1 of 3 vacancies asks for a degree with no reason: 33.3%.
    for asked, reason in [(True, ""), (True, "funder"), (False, "")]:
        Vacancy.objects.create(
            institution=institution,
            title="v",
            grade=grade(so_family, "SO"),
            degree_asked=asked,
            degree_reason=reason,
            recorded_on=end,
            recorded_by=hr,
        )
    result = metrics.get("promotions.vacancies_degree_unjustified")(institution=institution, start=start, end=end)
    assert (result.numerator, result.denominator, str(result.value)) == (1, 3, "33.3")


def test_the_summary_suppresses_small_numbers(institution, so_family, open_round, hr):
    _applicants(institution, so_family, open_round, hr, 3)  # 3 applications, 2 promoted
    text = client_for(hr).get(reverse("promotions:summary", args=[open_round.pk])).text
    assert "not shown: fewer than 23 people" in text
    assert "<td>5</td><td>0</td>" in text  # 3 rounds to 5, 2 shows as 0


def test_a_programme_manager_schedules_the_workshop_as_a_session_of_a_cohort_they_run(
    open_round, programme_manager, institution
):
    from programmes.models import Cohort, Programme, Session

    programme = Programme.objects.create(
        institution=institution, title="Career workshops", kind=Programme.Kind.MODULE, summary="Workshops."
    )
    today = timezone.localdate()
    cohort = Cohort.objects.create(
        programme=programme,
        name="This year",
        opens_on=today,
        closes_on=today,
        starts_on=today,
        ends_on=today + timedelta(days=90),
        capacity=50,
    )
    client = client_for(programme_manager)
    starts = (timezone.localtime() + timedelta(days=3)).replace(hour=13, minute=0, second=0, microsecond=0)
    data = {
        "cohort": cohort.pk,
        "title": "Promotion criteria workshop",
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "location": "",
    }
    refused = client.post(reverse("promotions:workshop", args=[open_round.pk]), data)
    assert "Give a place or an online link." in refused.text and not Session.objects.exists()
    response = client.post(reverse("promotions:workshop", args=[open_round.pk]), {**data, "location": "Room 2"})
    assert response.status_code == 302
    open_round.refresh_from_db()
    session = Session.objects.get()
    assert open_round.workshop == session and session.cohort == cohort
    page = client_for(programme_manager).get(reverse("promotions:round", args=[open_round.pk])).text
    assert "Promotion criteria workshop" in page and "Career workshops" in page


def test_a_technician_states_an_intention_from_the_round_page(open_round, technician, manager):
    client = client_for(technician)
    assert "I intend to apply" in client.get(reverse("promotions:round", args=[open_round.pk])).text
    response = client.post(reverse("promotions:intend", args=[open_round.pk]))
    application = Application.objects.get(applicant=technician)
    assert response.url == reverse("promotions:application", args=[application.pk])
    assert "Your intention is recorded" in client.get(response.url).text


def test_hr_publishes_the_summary_once_outcomes_are_in_and_staff_then_see_it(
    institution, so_family, open_round, hr, technician
):
    client = client_for(hr)
    url = reverse("promotions:summary", args=[open_round.pk])
    assert client_for(technician).get(url).status_code == 403  # not published yet
    client.post(reverse("promotions:summary_publish", args=[open_round.pk]))
    open_round.refresh_from_db()
    assert open_round.summary_published_at is None  # nothing decided yet: refused
    _applicants(institution, so_family, open_round, hr, 1)
    client.post(reverse("promotions:summary_publish", args=[open_round.pk]))
    open_round.refresh_from_db()
    assert open_round.summary_published_at is not None
    assert "Published to all staff" in client_for(technician).get(url).text
