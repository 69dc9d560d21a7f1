"""The catalogue: who sees which report, the registry's refusal of figures that skipped
disclosure control, and every page's query count pinned at two data sizes."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core import disclosure
from reports import catalogue
from reports.models import Schedule
from surveys import services as survey_services
from surveys.models import Invitation, Survey
from tests.conftest import client_for
from tests.factories import DivisionFactory, GradeFactory, JobFamilyFactory, staff
from tests.recognition.conftest import paper
from tests.surveys.conftest import answers_for, make_survey

from .conftest import make_record

pytestmark = pytest.mark.django_db

KEYS = ["training", "promotions", "registration", "apprenticeships", "authorships", "leavers"]


def test_the_catalogue_lists_every_report_for_hr_and_programme_managers(hr, programme_manager):
    for person in (hr, programme_manager):
        page = client_for(person).get(reverse("reports:index")).content.decode()
        listed = page.split('data-testid="catalogue"')[1].split("</div>")[0]
        for key in KEYS:
            assert f'href="/reports/{key}/"' in listed
        assert "Training uptake by job family" in listed and "Action 1G" in listed


def test_other_roles_and_other_institutions_are_refused(technician, manager, mentor, outsider):
    for person in (technician, manager, mentor, outsider):
        response = client_for(person).get(reverse("reports:index"))
        assert response.status_code == 403
        assert "Only HR and programme managers" in response.content.decode()
        assert client_for(person).get(reverse("reports:report", args=["leavers"])).status_code == 403
    assert client_for(technician).get(reverse("reports:report_csv", args=["leavers"])).status_code == 403


def test_an_unknown_report_is_a_404(hr):
    assert client_for(hr).get("/reports/no-such-report/").status_code == 404


def test_the_navigation_has_one_reports_link_under_people(hr, technician):
    page = client_for(hr).get(reverse("home")).content.decode()
    assert page.count('href="/reports/"') == 1
    assert "/development/report/" not in page and "/recognition/report/" not in page
    assert 'href="/reports/"' not in client_for(technician).get(reverse("home")).content.decode()


def test_a_report_cannot_show_a_figure_that_skipped_disclosure_control():
    with pytest.raises(TypeError, match="core.disclosure"):
        catalogue.Table(caption="t", group="g", columns=["People"], rows=[catalogue.Row("SO", [4])])
    with pytest.raises(TypeError, match="core.disclosure"):
        catalogue.Series("People", [disclosure.count(4), 3])
    fine = catalogue.Table(
        caption="t", group="g", columns=["People"], rows=[catalogue.Row("SO", [disclosure.count(4)])]
    )
    assert fine.rows[0].figures[0].shown == "5"


def test_bad_filters_are_shown_beside_the_field_with_the_summary(hr):
    page = client_for(hr).get(reverse("reports:report", args=["training"]), {"year": "1066", "margin": "500"})
    text = page.content.decode()
    assert "There is a problem" in text and "Select a valid choice" in text
    assert "Ensure this value is less than or equal to 100" in text
    assert page.context["result"] is None  # nothing shown from filters that are not valid


def _grow(institution, n, today, leaver_survey):
    """n more staff in a new family, grade and division: each with a training record this year, an
    output, and one in three of them left this year and answered the leaver questionnaire."""
    family = JobFamilyFactory(institution=institution)
    grade = GradeFactory(job_family=family, level=3)
    division = DivisionFactory(institution=institution)
    for i in range(n):
        left = today - timedelta(days=1) if i % 3 == 0 and today.month > 1 else None
        person = staff(institution, job_family=family, grade=grade, division=division, leaving_date=left)
        make_record(person, on=date(today.year, 1, 1), value_rating=1 + i % 5)
        paper(person, title=f"Paper {person.pk}", on=date(today.year, 1, 1))
        if left:
            invitation = Invitation.objects.create(
                survey=leaver_survey, person=person, invited_on=today, respond_by=today + timedelta(days=14)
            )
            survey_services.survey_answer(invitation=invitation, answers=answers_for(leaver_survey))


@pytest.fixture
def leaver_survey(institution):
    survey = make_survey(institution, title="Leaver questionnaire", kind=Survey.Kind.LEAVER, standing=True)
    return survey_services.survey_publish(survey=survey, invite=False)


# Queries per page, the same at both sizes: the session and the viewer's roles, the filters' choices,
# the report's own selectors (the training report runs development's twice: this year and the year
# before), the recipients and schedules for the schedule form.
PAGES = [
    ("training", 31),
    ("promotions", 11),
    ("registration", 16),
    ("apprenticeships", 15),
    ("authorships", 13),
    ("leavers", 20),
]


@pytest.mark.parametrize(("key", "limit"), PAGES, ids=[key for key, _ in PAGES])
def test_each_report_page_keeps_its_query_count_as_data_grows(
    key, limit, institution, hr, leaver_survey, django_assert_max_num_queries
):
    client = client_for(hr)
    counts = []
    for n in (24, 36):  # 8 leavers' answers, then 20: the questionnaire's answers shown at both sizes
        _grow(institution, n, timezone.localdate(), leaver_survey)
        with django_assert_max_num_queries(limit) as captured:
            response = client.get(reverse("reports:report", args=[key]))
        assert response.status_code == 200 and response.context["result"] is not None
        counts.append(len(captured))
    assert counts[0] == counts[1], counts


def test_the_catalogue_keeps_its_query_count_as_schedules_grow(
    institution, hr, programme_manager, django_assert_max_num_queries
):
    client = client_for(hr)
    counts = []
    for n in (1, 6):
        for _ in range(n):
            schedule = Schedule.objects.create(institution=institution, report_key="training", created_by=hr)
            schedule.recipients.set([hr, programme_manager])
        with django_assert_max_num_queries(9) as captured:
            response = client.get(reverse("reports:index"))
        assert len(response.context["schedules"]) == sum((1, 6)[: len(counts) + 1])
        counts.append(len(captured))
    assert counts[0] == counts[1], counts
