"""Training uptake by job family (1G) in the catalogue: development's figures as they were (the
hand-checked data set of tests/development/test_report.py), the year before, the satisfaction
figures from `value_rating`, the streamed CSV and XLSX, and the old address."""

import io
from datetime import date

import openpyxl
import pytest
from django.urls import reverse

from tests.conftest import client_for
from tests.factories import DivisionFactory, JobFamilyFactory, staff

from .conftest import make_record

pytestmark = pytest.mark.django_db

PAGE = reverse("reports:report", args=["training"])


def table(page, caption):
    caption_tag = f'<caption class="caption-top fw-semibold text-body">{caption}</caption>'
    return page.split(caption_tag)[1].split("</table>")[0]


def row(table_html, label):
    return table_html.split(f'<th scope="row" class="fw-normal">{label}</th>')[1].split("</tr>")[0]


def test_the_page_shows_developments_figures_hidden_ones_in_words(data_set, institution, hr):
    response = client_for(hr).get(PAGE, {"year": 2026})
    page = response.content.decode()
    # The HR viewer is staff too (no job family recorded): 238 hours over 71 people.
    assert "3.35 hours per head across the institution" in page
    assert "&lt;5" not in page and "rounded to the nearest 5" in page
    families = table(page, "By job family, 2026")
    analytical = row(families, "Analytical Scientists")
    assert "7 or fewer" in analytical and "under 23 people" in analytical and "18" not in analytical
    bsu = row(families, "Biological Services Unit")
    assert "Under-represented" in bsu and "1.67" in bsu
    research = row(families, "Research Management")
    assert "Under-represented" in research and "0.00" in research
    chart = response.context["chart"]
    assert chart["datasets"][0]["data"][chart["labels"].index("Analytical Scientists")] is None
    assert chart["datasets"][0]["data"][chart["labels"].index("Biological Services Unit")] == 1.67


def test_the_year_before_and_the_change_are_shown_only_where_both_years_are(data_set, institution, hr):
    # 2025: the Scientific Officer family's one 100-hour record over its 30 staff (3.33 per head).
    page = client_for(hr).get(PAGE, {"year": 2026}).content.decode()
    so = row(table(page, "By job family, 2026"), "Scientific Officer")
    assert '<td class="text-end">6.00</td><td class="text-end">30</td>' not in so  # sanity of the cell order
    assert ">3.33<" in so and ">+2.67<" in so  # 6.00 this year, 3.33 last year
    analytical = row(table(page, "By job family, 2026"), "Analytical Scientists")
    assert "+" not in analytical  # hidden this year, so no change either


def test_satisfaction_is_the_mean_of_each_persons_ratings_with_small_groups_hidden(institution, hr):
    family = JobFamilyFactory(institution=institution, name="Scientific Officer")
    small = JobFamilyFactory(institution=institution, name="Analytical Scientists")
    smaller = JobFamilyFactory(institution=institution, name="Research Management")
    people = [staff(institution, job_family=family, start_date=date(2020, 1, 1)) for _ in range(24)]
    for n, person in enumerate(people):
        # 12 rate 5 and 5 (mean 5), 12 rate 2 and 3 (mean 2.5): mean of means 3.75, half found it valuable.
        ratings = (5, 5) if n < 12 else (2, 3)
        for rating in ratings:
            make_record(person, on=date(2026, 4, 1), value_rating=rating)
    # Two small families (3 and 4 people): each hidden, so neither can be worked out from the total.
    for family, n in ((small, 3), (smaller, 4)):
        for person in [staff(institution, job_family=family, start_date=date(2020, 1, 1)) for _ in range(n)]:
            make_record(person, on=date(2026, 4, 1), value_rating=1)
    make_record(people[0], on=date(2025, 4, 1), value_rating=1)  # last year: not counted
    page = client_for(hr).get(PAGE, {"year": 2026}).content.decode()
    ratings = table(page, "How valuable staff found their training, 2026")
    so = row(ratings, "Scientific Officer")
    assert '<td class="text-end">25</td><td class="text-end">3.8</td><td class="text-end">50%</td>' in so
    analytical = row(ratings, "Analytical Scientists")
    assert '<td class="text-end">5</td>' in analytical and "7 or fewer" in analytical and "under 23" in analytical
    # Institution: 31 raters, (12 x 5 + 12 x 2.5 + 7 x 1) / 31 = 3.1, 12 of 31 valuable = 39%.
    everyone = row(ratings, "Institution")
    assert '<td class="text-end">30</td><td class="text-end">3.1</td><td class="text-end">39%</td>' in everyone


def test_csv_streams_the_same_figures_with_reasons_in_words(data_set, institution, programme_manager):
    response = client_for(programme_manager).get(reverse("reports:report_csv", args=["training"]), {"year": 2026})
    assert response.streaming and response["Content-Type"].startswith("text/csv")
    lines = b"".join(response.streaming_content).decode().splitlines()
    analytical = next(line for line in lines if line.startswith("Analytical Scientists,"))
    assert analytical.startswith(
        "Analytical Scientists,5,5,not shown: fewer than 23 people,not shown: 7 people or fewer,"
        "not shown: 7 people or fewer,not shown: 7 people or fewer,not shown: 7 people or fewer,"
    )
    assert any(line.startswith("Biological Services Unit,25,10,33,40.0,8,1.67,0.33,") for line in lines)
    assert "rounded to the nearest 5" in lines[-1]


def test_xlsx_streams_numbers_as_numbers_and_hidden_figures_in_words(data_set, institution, hr):
    response = client_for(hr).get(reverse("reports:report_xlsx", args=["training"]), {"year": 2026, "margin": 60})
    assert response.streaming
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    small = "not shown: 7 people or fewer"
    assert ["Analytical Scientists", 5, 5, "not shown: fewer than 23 people", *[small] * 4] == rows[
        next(i for i, r in enumerate(rows) if r[0] == "Analytical Scientists")
    ][:8]
    # At a 60% margin (threshold 1.34) the BSU's 1.67 hours per head is not marked.
    bsu = next(r for r in rows if r[0] == "Biological Services Unit")
    assert bsu[:8] == ["Biological Services Unit", 25, 10, 33, 40, 8, 1.67, 0.33] and bsu[10] is None


def test_the_downloads_ask_to_confirm_it_is_you_and_are_audited(data_set, hr):
    from core.models import AuditEvent

    csv = reverse("reports:report_csv", args=["training"])
    response = client_for(hr, reauthenticated=False).get(csv, {"year": 2026})
    assert response.status_code == 302 and "reauthenticate" in response["Location"]
    assert client_for(hr).get(csv, {"year": 2026}).status_code == 200
    assert AuditEvent.objects.filter(kind="export", action="Exported training-report.csv").exists()


def test_the_old_address_leads_to_the_catalogue_with_its_filters(data_set, hr):
    response = client_for(hr).get(reverse("development:report"), {"year": 2026, "margin": 30})
    assert response.status_code == 302 and response["Location"] == f"{PAGE}?year=2026&margin=30"
    csv = client_for(hr).get(reverse("development:report_csv"), {"year": 2026})
    assert csv["Location"] == reverse("reports:report_csv", args=["training"]) + "?year=2026"


def test_it_is_for_hr_and_programme_managers_only(data_set, outsider, hr, programme_manager):
    technician = data_set["Scientific Officer"][0]
    assert client_for(technician).get(PAGE).status_code == 403
    assert client_for(outsider).get(PAGE).status_code == 403
    assert client_for(technician).get(reverse("development:report")).status_code == 403
    assert client_for(programme_manager).get(PAGE).status_code == 200


def test_another_institutions_hr_sees_none_of_this_data(data_set, other_institution):
    from people import roles
    from tests.conftest import _with_totp

    their_hr = staff(other_institution, groups=[roles.HR])
    _with_totp(their_hr.user)
    page = client_for(their_hr).get(PAGE, {"year": 2026}).content.decode()
    assert "Scientific Officer" not in page and "Biological Services Unit" not in page


@pytest.mark.parametrize("people", [10, 40])
def test_its_queries_do_not_grow_with_the_data(people, institution, hr, django_assert_max_num_queries):
    family = JobFamilyFactory(institution=institution)
    for n in range(people):
        person = staff(institution, job_family=family, division=DivisionFactory(institution=institution))
        make_record(person, on=date(2026, 1 + n % 12, 1), value_rating=1 + n % 5)
    client = client_for(hr)
    # The report itself is one statement (its staff cells with their year's training).
    with django_assert_max_num_queries(16) as captured:
        response = client.get(PAGE, {"year": 2026})
    assert len(captured) == 16
    assert f"about {5 * round((people + 1) / 5)} staff" in response.content.decode()
