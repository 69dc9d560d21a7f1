"""Anonymity in the database, suppression of small groups, exports, access and query counts."""

import csv
import io
from datetime import timedelta

import openpyxl
import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse
from django.utils import timezone

from people.models import StaffProfile
from surveys import services
from surveys.models import Answer, Participation, Response, Survey
from tests.conftest import client_for
from tests.factories import JobFamilyFactory, staff

from .conftest import answers_for, make_survey

pytestmark = pytest.mark.django_db


def _answered(survey, people, **answers):
    for person in people:
        services.survey_answer(invitation=survey.invitations.get(person=person), answers=answers_for(survey, **answers))


def _all_values(instance):
    return [getattr(instance, f.attname) for f in instance._meta.concrete_fields]


def test_nothing_in_the_database_ties_an_anonymous_response_to_its_author(annual, technician, institution):
    _answered(annual, [technician], text="My manager never discusses my career.")
    assert Participation.objects.filter(person=technician).exists()
    response = Response.objects.get(survey=annual)
    # No field of the response or its answers points at a person, a user or the participation, but
    # the respondent and the subject of a named survey, empty for an anonymous one.
    for model in (Response, Answer):
        for field in model._meta.concrete_fields:
            if isinstance(field, models.ForeignKey):
                assert field.related_model not in (StaffProfile, apps.get_model("people", "User"), Participation) or (
                    model is Response and field.name in ("respondent", "subject")
                )
    assert response.respondent_id is None and response.subject_id is None
    # The only columns kept with the answers: a random key, the survey, the day, the (empty)
    # respondent and subject, the job family's name; and per answer its random key, the response, the
    # question, the value.
    assert {f.attname for f in Response._meta.concrete_fields} == {
        "id",
        "survey_id",
        "submitted_on",
        "respondent_id",
        "subject_id",
        "job_family_name",
    }
    assert {f.attname for f in Answer._meta.concrete_fields} == {
        "id",
        "response_id",
        "question_id",
        "option",
        "number",
        "text",
    }
    # No text stored with the answers names the person.
    stored = _all_values(response) + [v for a in response.answers.all() for v in _all_values(a)]
    texts = " ".join(str(v) for v in stored)
    for clue in (technician.user.email, technician.user.first_name, technician.user.last_name):
        assert clue not in texts
    # Keys are random UUIDs (no sequence to line up with the participations), and the day is the finest time kept.
    assert response.pk.version == 4 and all(a.pk.version == 4 for a in response.answers.all())
    assert not any(isinstance(v, timezone.datetime) for v in stored)
    assert response.submitted_on == timezone.localdate()


def test_response_order_says_nothing_about_who_answered_first(annual, institution):
    people = [staff(institution) for _ in range(12)]
    survey = make_survey(institution, title="Order test")
    services.survey_publish(survey=survey)
    for i, person in enumerate(people):
        services.survey_answer(invitation=survey.invitations.get(person=person), answers=answers_for(survey, number=i))
    in_key_order = [r.answers.get(question__kind="number").number for r in Response.objects.filter(survey=survey)]
    assert in_key_order != list(range(12))  # 1 in 12! by chance; random UUID keys


def _results_page(client, survey):
    return client.get(reverse("surveys:results", args=[survey.pk])).content.decode()


def test_results_stay_hidden_for_seven_responses_or_fewer(annual, institution, programme_manager):
    people = [staff(institution) for _ in range(7)]
    survey = make_survey(institution, title="Small")
    services.survey_publish(survey=survey)
    _answered(survey, people, text="Only seven of us")
    page = _results_page(client_for(programme_manager), survey)
    assert "7 responses or fewer so far" in page
    assert "Only seven of us" not in page
    rows = list(
        csv.reader(
            io.StringIO(
                b"".join(
                    client_for(programme_manager).get(reverse("surveys:export_csv", args=[survey.pk])).streaming_content
                ).decode()
            )
        )
    )
    assert len(rows) == 1  # the header only


def test_results_go_through_disclosure_control(institution, programme_manager, so_family):
    lab = JobFamilyFactory(institution=institution, name="Laboratory support")
    big = [staff(institution, job_family=so_family) for _ in range(10)]
    few = [staff(institution, job_family=lab) for _ in range(2)]
    survey = make_survey(institution, title="Counts")
    services.survey_publish(survey=survey)
    _answered(survey, big, likert=4, single="Higher grade", text='=HYPERLINK("http://evil")')
    _answered(survey, few, likert=1, single="Outside research")
    page = _results_page(client_for(programme_manager), survey)
    assert "about 10 responses from" in page  # 12, rounded to the nearest 5
    assert "mean 3.50" in page  # (10*4 + 2*1) / 12, shown: more than 7 answers
    # Counts rounded to the nearest 5 (2 shows as 0); shares hidden under 23 answering, in words.
    higher = page.split("<td>Higher grade</td>")[1].split("</tr>")[0]
    assert '<td class="text-end">10</td>' in higher and "under 23 people" in higher
    assert '<td>Outside research</td><td class="text-end">0</td>' in page
    assert "&lt;5" not in page and "rounded to the nearest 5" in page
    # The two Laboratory support responses are folded into the other families.
    assert "Laboratory support" not in page
    assert "<td>Other job families</td>" in page
    assert '<td>Scientific Officer</td><td class="text-end">10</td><td class="text-end">10</td>' in page


def test_many_different_numbers_are_shown_in_ranges():
    from surveys.selectors import number_rows

    assert number_rows({0: 5, 2: 6}) == [("0", 5), ("2", 6)]
    counts = dict.fromkeys(range(30), 1)  # 0 to 29, one person each
    assert number_rows(counts) == [(f"{s} to {s + 4}", 5) for s in range(0, 30, 5)]
    assert number_rows({1: 2, 3: 1, 4: 1, 8: 3, 9: 1, 13: 4, 14: 1}) == [
        ("1 to 3", 3),
        ("4 to 6", 1),
        ("7 to 9", 4),
        ("13 to 15", 5),
    ]


def test_the_csv_export_is_streamed_neutralises_formulas_and_folds_small_families(
    institution, programme_manager, so_family
):
    lab = JobFamilyFactory(institution=institution, name="Laboratory support")
    survey = make_survey(institution, title="Export")
    big = [staff(institution, job_family=so_family) for _ in range(8)]
    few = [staff(institution, job_family=lab)]
    services.survey_publish(survey=survey)
    _answered(survey, big, text='=HYPERLINK("http://evil")')
    _answered(survey, few, text="@SUM(A1)")
    response = client_for(programme_manager).get(reverse("surveys:export_csv", args=[survey.pk]))
    assert response.streaming
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    header, body = rows[0], rows[1:]
    assert header[:2] == ["response", "job family"]  # anonymous: no respondent, no day
    assert len(body) == 9
    assert {row[1] for row in body} == {"Scientific Officer", "Other job families"}
    texts = {row[-1] for row in body}
    assert texts == {'\'=HYPERLINK("http://evil")', "'@SUM(A1)"}
    for person in [*big, *few]:
        assert not any(person.user.email in cell or str(person) in cell for row in rows for cell in row)


def test_the_xlsx_export_has_one_row_per_response(institution, programme_manager):
    people = [staff(institution) for _ in range(8)]
    survey = make_survey(institution, title="XLSX")
    services.survey_publish(survey=survey)
    _answered(survey, people, text="-1 is fine")
    response = client_for(programme_manager).get(reverse("surveys:export_xlsx", args=[survey.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 9
    assert rows[1][-1] == "'-1 is fine"


def test_a_named_survey_exports_the_respondent(institution, programme_manager):
    people = [staff(institution) for _ in range(8)]
    survey = make_survey(institution, title="Named", anonymous=False, kind=Survey.Kind.OTHER)
    services.survey_publish(survey=survey)
    _answered(survey, people)
    body = b"".join(
        client_for(programme_manager).get(reverse("surveys:export_csv", args=[survey.pk])).streaming_content
    ).decode()
    assert str(people[0]) in body


# --- Access ------------------------------------------------------------------------------------


MANAGER_PAGES = ["surveys:detail", "surveys:results", "surveys:export_csv", "surveys:export_xlsx"]


@pytest.mark.parametrize("page", MANAGER_PAGES)
def test_programme_managers_and_hr_see_their_surveys(annual, programme_manager, hr, page):
    for person in (programme_manager, hr):
        assert client_for(person).get(reverse(page, args=[annual.pk])).status_code == 200


@pytest.mark.parametrize("page", MANAGER_PAGES)
def test_the_outsider_gets_a_404_on_another_institutions_survey(annual, outsider, page):
    other_pm = staff(outsider.institution, groups=["Programme manager"])
    assert client_for(outsider).get(reverse(page, args=[annual.pk])).status_code == 404
    assert client_for(other_pm).get(reverse(page, args=[annual.pk])).status_code == 404


@pytest.mark.parametrize("page", MANAGER_PAGES)
def test_staff_cannot_read_results(annual, technician, page):
    assert client_for(technician).get(reverse(page, args=[annual.pk])).status_code == 404


def test_staff_cannot_run_surveys(technician):
    assert client_for(technician).get(reverse("surveys:list")).status_code == 403
    assert client_for(technician).get(reverse("surveys:create")).status_code == 403


def test_the_survey_list_shows_only_the_own_institutions_surveys(annual, programme_manager, other_institution):
    make_survey(other_institution, title="Crick staff survey")
    page = client_for(programme_manager).get(reverse("surveys:list")).content.decode()
    assert annual.title in page and "Crick staff survey" not in page


# --- Query counts at two sizes ---------------------------------------------------------------


@pytest.mark.parametrize("size", [10, 30])
def test_the_results_page_runs_the_same_queries_at_two_sizes(
    institution, programme_manager, so_family, size, django_assert_max_num_queries
):
    people = [staff(institution, job_family=so_family) for _ in range(size)]
    survey = make_survey(institution, title=f"Size {size}")
    services.survey_publish(survey=survey)
    _answered(survey, people, text="Fine")
    client = client_for(programme_manager)
    client.get("/")  # the first request of a session reads the session and the sign-in checks
    with django_assert_max_num_queries(16):  # 16 at 10 responses and at 30
        page = client.get(reverse("surveys:results", args=[survey.pk]))
    assert f"about {size} responses" in page.content.decode()


@pytest.mark.parametrize("size", [2, 12])
def test_the_survey_list_runs_the_same_queries_at_two_sizes(
    institution, programme_manager, size, django_assert_max_num_queries
):
    for i in range(size):
        Survey.objects.create(institution=institution, title=f"S{i}", opens_on=timezone.localdate() - timedelta(days=i))
    client = client_for(programme_manager)
    client.get("/")  # the first request of a session reads the session and the sign-in checks
    with django_assert_max_num_queries(10):
        page = client.get(reverse("surveys:list"))
    assert page.content.decode().count("<tr>") == size + 1  # the header and one row per survey


@pytest.mark.parametrize("size", [1, 8])
def test_my_surveys_and_the_dashboard_run_the_same_queries_at_two_sizes(
    institution, technician, size, django_assert_max_num_queries
):
    for i in range(size):
        survey = make_survey(institution, title=f"Survey {i}")
        services.survey_publish(survey=survey)
    client = client_for(technician)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("surveys:mine"))
    assert page.content.decode().count("/answer/") == size
    with django_assert_max_num_queries(34):  # the promotions panel: 2; registration and apprenticeships: 1 each
        home = client.get("/")
    assert "Surveys waiting for you" in home.content.decode()


def test_another_institutions_programme_manager_cannot_change_our_survey(institution, outsider):
    draft = make_survey(institution, title="Draft")
    question = draft.questions.first()
    other_pm = client_for(staff(outsider.institution, groups=["Programme manager"]))
    for url in (
        reverse("surveys:question_add", args=[draft.pk]),
        reverse("surveys:question_remove", args=[draft.pk, question.pk]),
        reverse("surveys:publish", args=[draft.pk]),
    ):
        assert other_pm.post(url, {"text": "Injected", "kind": "text"}).status_code == 404
    draft.refresh_from_db()
    assert draft.state == Survey.State.DRAFT and draft.questions.count() == 5
    assert not draft.questions.filter(text="Injected").exists()
