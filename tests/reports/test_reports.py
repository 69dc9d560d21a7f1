"""The catalogue's reports show their apps' figures as those apps disclose them: promotions twice
a year (2F) and leavers and alumni with the leaver questionnaire (4E), checked by hand."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from surveys import services as survey_services
from surveys.models import Invitation, Survey
from tests.conftest import client_for
from tests.factories import JobFamilyFactory, staff
from tests.promotions.test_pages import _applicants
from tests.surveys.conftest import answers_for, make_survey

pytestmark = pytest.mark.django_db


def table(page, caption):
    caption_tag = f'<caption class="caption-top fw-semibold text-body">{caption}</caption>'
    return page.split(caption_tag)[1].split("</table>")[0]


def cells(table_html, label):
    row = table_html.split(f'<th scope="row" class="fw-normal">{label}</th>')[1].split("</tr>")[0]
    return [cell.split(">", 1)[1].split("</td>")[0] for cell in row.split("<td")[1:]]


def test_promotions_shows_each_rounds_applications_promotions_and_rate(
    institution, so_family, open_round, hr, programme_manager
):
    _applicants(institution, so_family, open_round, hr, 24)  # 24 decided, 12 promoted
    page = client_for(programme_manager).get(
        reverse("reports:report", args=["promotions"]), {"year": open_round.panel_on.year}
    )
    text = page.content.decode()
    overview = table(text, f"Rounds in {open_round.panel_on.year}")
    assert cells(overview, f"Spring (panel {open_round.panel_on:%-d %b %Y})") == ["25", "10", "50%"]
    by_family = table(text, "Spring: by job family")
    assert cells(by_family, "Scientific Officer") == ["25", "10", "50%"]
    assert page.context["chart"]["datasets"][0]["data"] == [25.0]


def test_leavers_counts_the_years_leavers_and_summarises_the_questionnaire(institution, so_family, hr):
    today = timezone.localdate()
    small = JobFamilyFactory(institution=institution, name="Analytical Scientists")
    left_on = date(today.year, 1, 31)
    survey = make_survey(institution, title="Leaver questionnaire", kind=Survey.Kind.LEAVER, standing=True)
    survey_services.survey_publish(survey=survey, invite=False)
    leavers = [staff(institution, job_family=so_family, leaving_date=left_on) for _ in range(9)]
    leavers += [staff(institution, job_family=small, leaving_date=left_on)]
    staff(institution, job_family=so_family, leaving_date=date(today.year - 1, 6, 30))  # last year: alumni only
    for person in leavers[:9]:
        invitation = Invitation.objects.create(
            survey=survey, person=person, invited_on=today, respond_by=today + timedelta(days=14)
        )
        survey_services.survey_answer(invitation=invitation, answers=answers_for(survey, single="Higher grade"))
    text = client_for(hr).get(reverse("reports:report", args=["leavers"])).content.decode()
    by_family = table(text, f"Leavers in {today.year}, by job family")
    assert cells(by_family, "Scientific Officer") == ["10"]  # 9, rounded
    assert cells(by_family, "Analytical Scientists") == ["0"]  # 1 shows as 0
    assert cells(by_family, "All") == ["10"]
    alumni = table(text, "Former staff on record (alumni), by job family")
    assert cells(alumni, "Scientific Officer") == ["10"]  # 10 former SO staff on record
    responses = table(text, "Leaver questionnaire: responses")
    assert cells(responses, "Responses") == ["10"]
    assert "under 23 people" in cells(responses, "Response rate")[0]
    ambitions = table(text, "Where do you see yourself in five years?")
    assert cells(ambitions, "Higher grade")[0] == "10"
    assert "under 23 people" in cells(ambitions, "Higher grade")[1]
    assert "Mean answer (1 = strongly disagree, 5 = strongly agree): 4.00" in text


def test_registration_counts_registered_staff_by_register_family_and_stage(
    institution, so_family, technician, manager, programme_manager
):
    from registration.models import Journey
    from tests.registration.conftest import journey_to

    people = [staff(institution, job_family=so_family, line_manager=manager) for _ in range(3)]
    for person in people:
        journey_to(person, Journey.State.REGISTERED)
    journey_to(technician, Journey.State.PREPARING)
    text = client_for(programme_manager).get(reverse("reports:report", args=["registration"])).content.decode()
    assert cells(table(text, "Registered now, by register"), "RSci") == ["5"]  # 3, rounded
    assert cells(table(text, "Registered now, by register"), "All registers") == ["5"]
    assert cells(table(text, "Registered now, by job family"), "Scientific Officer") == ["5"]
    stages = table(text, "Journeys by stage")
    assert cells(stages, "Registered") == ["5"] and cells(stages, "Preparing") == ["0"]  # 1 shows as 0
    assert "rounded to the nearest 5" in text


def test_apprenticeships_shows_each_intakes_outcomes_and_levy_study(
    institution, so_family, manager, hr, programme_manager
):
    from apprenticeships.models import Intake, Provider, Standard
    from tests.apprenticeships.conftest import enrol

    standard = Standard.objects.create(
        institution=institution,
        reference="ST0248",
        title="Laboratory technician",
        version="1.2",
        level=3,
        typical_months=24,
        minimum_off_the_job_hours=400,
    )
    provider = Provider.objects.create(institution=institution, name="Southbank Science Skills")
    intake = Intake.objects.create(
        institution=institution,
        name="Laboratory technicians, September 2025",
        standard=standard,
        provider=provider,
        start_date=date(2025, 9, 1),
        places=8,
    )
    for _ in range(8):
        person = staff(
            institution, job_family=so_family, grade=so_family.grades.get(short_name="APP"), line_manager=manager
        )
        enrol(person, programme_manager, standard, provider, intake=intake)
    text = client_for(hr).get(reverse("reports:report", args=["apprenticeships"])).content.decode()
    # 8 started and active, rounded to 10; none completed, so no share in SO roles to show.
    assert cells(table(text, "Outcomes by intake"), "Laboratory technicians, September 2025")[:4] == [
        "10",
        "10",
        "0",
        "0",
    ]
    assert (
        "no one in the group" in cells(table(text, "Outcomes by intake"), "Laboratory technicians, September 2025")[5]
    )
