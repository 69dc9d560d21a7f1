"""The training report (1G) against a hand-checked data set.

Calendar year 2026 at one institution:
- Scientific Officer: 10 staff, 6 of them with one 10-hour record: 60 hours, 6.00 per head.
- Biological Services Unit: 5 staff, 2 with one 5-hour record: 10 hours, 2.00 per head.
- Analytical Scientists: 3 staff with 3 hours each: suppressed (<5 people).
- Research Management: 2 staff, no training: suppressed.
- Institution: 20 staff, 79 hours, 79 / 20 = 3.95 per head; 20% below is 3.16, so the BSU
  (2.00) is under-represented and the SO family (6.00) is not.
- Divisions: Labs has the SO and RM staff (12, 60 hours, 5.00 per head); Services has the
  BSU and Analytical Scientists (8, 19 hours, 2.38 per head).
A leaver who left in 2025 and a record dated 2025 do not count.
"""

from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from development.models import AllowancePolicy, ReportExport
from development.selectors import training_report
from tests.conftest import client_for
from tests.factories import DivisionFactory, GradeFactory, JobFamilyFactory, staff

from .conftest import make_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def data_set(institution):
    AllowancePolicy.objects.create(institution=institution, minimum_days=5, under_representation_margin=20)
    labs, services = (DivisionFactory(institution=institution, name=n) for n in ("Labs", "Services"))
    families = {}
    for name, count, trained, hours, division in [
        ("Scientific Officer", 10, 6, "10", labs),
        ("Biological Services Unit", 5, 2, "5", services),
        ("Analytical Scientists", 3, 3, "3", services),
        ("Research Management", 2, 0, "0", labs),
    ]:
        family = JobFamilyFactory(institution=institution, name=name)
        grade = GradeFactory(job_family=family, level=2, short_name=name[:3].upper())
        people = [
            staff(institution, job_family=family, grade=grade, division=division, start_date=date(2020, 1, 1))
            for _ in range(count)
        ]
        for person in people[:trained]:
            make_record(person, on=date(2026, 3, 10), hours=hours)
        families[name] = people
    make_record(families["Scientific Officer"][0], on=date(2025, 12, 31), hours="100")
    leaver = staff(
        institution,
        job_family=families["Biological Services Unit"][0].job_family,
        division=services,
        start_date=date(2019, 1, 1),
        leaving_date=date(2025, 6, 30),
    )
    make_record(leaver, on=date(2025, 3, 1), hours="50")
    return families


def by_label(rows):
    return {row.label: row for row in rows}


def test_report_gives_the_hand_checked_figures(data_set, institution):
    report = training_report(institution, 2026)
    assert (report.total.headcount, report.total.hours, report.total.hours_per_head) == (20, 79, Decimal("3.95"))
    assert report.threshold == Decimal("3.16")
    families = by_label(report.by_family)
    so, bsu, analytical = (
        families["Scientific Officer"],
        families["Biological Services Unit"],
        families["Analytical Scientists"],
    )
    assert (so.headcount, so.people_trained, so.hours, so.records, so.hours_per_head) == (10, 6, 60, 6, Decimal("6.00"))
    assert not so.under_represented and not so.trained_suppressed
    assert (bsu.headcount, bsu.hours_per_head, bsu.under_represented, bsu.trained_suppressed) == (
        5,
        Decimal("2.00"),
        True,
        True,
    )
    assert analytical.suppressed and not analytical.under_represented
    divisions = by_label(report.by_division)
    assert (divisions["Services"].headcount, divisions["Services"].hours_per_head) == (8, Decimal("2.38"))
    assert (divisions["Labs"].headcount, divisions["Labs"].hours_per_head) == (12, Decimal("5.00"))
    assert families["Research Management"].suppressed


def test_a_wider_margin_stops_marking_the_family(data_set, institution):
    report = training_report(institution, 2026, margin=60)  # threshold 1.58: BSU's 2.00 is above it
    assert not by_label(report.by_family)["Biological Services Unit"].under_represented


def test_report_page_suppresses_small_counts_and_marks_under_representation(data_set, institution, hr):
    response = client_for(hr).get(reverse("development:report"), {"year": 2026})
    page = response.content.decode()
    # The HR viewer is staff too (no job family recorded): 79 hours over 21 people.
    assert 'data-testid="average">3.76<' in page
    assert "Not recorded" in page
    family_table = page.split('data-testid="by-job-family"')[1].split("</table>")[0]
    analytical = family_table.split("Analytical Scientists")[1].split("</tr>")[0]
    assert "&lt;5" in analytical and "9" not in analytical
    bsu = family_table.split("Biological Services Unit")[1].split("</tr>")[0]
    assert "Under-represented" in bsu and "2.00" in bsu
    assert response.context["chart"]["values"][0] is None  # Analytical Scientists, suppressed in the chart too


def test_csv_export_suppresses_small_counts(data_set, institution, programme_manager):
    response = client_for(programme_manager).get(reverse("development:report_csv"), {"year": 2026})
    lines = b"".join(response.streaming_content).decode().splitlines()
    analytical = next(line for line in lines if line.startswith("Job family,Analytical Scientists"))
    assert analytical == "Job family,Analytical Scientists,<5,<5,<5,<5,<5,<5,"
    bsu = next(line for line in lines if line.startswith("Job family,Biological Services Unit"))
    assert bsu == "Job family,Biological Services Unit,5,<5,10.00,2,2.00,0.40,yes"


def test_xlsx_export_is_built_by_the_worker_and_downloadable(
    data_set, institution, hr, django_capture_on_commit_callbacks
):
    client = client_for(hr)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("development:report_export"), {"year": 2026, "margin": "60"})
    export = ReportExport.objects.get()
    assert export.margin == 60
    assert export.status == ReportExport.Status.DONE and export.progress == 100
    response = client.get(reverse("development:report_export_download", args=[export.pk]))
    sheet = openpyxl.load_workbook(__import__("io").BytesIO(b"".join(response.streaming_content))).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert ["Job family", "Analytical Scientists", "<5", "<5", "<5", "<5", "<5", "<5", None] in rows
    assert ["Institution", "Institution", 21, 11, 79, 11, 3.76, 0.52, None] in rows  # with the HR viewer
    # At a 60% margin (threshold 1.50) the BSU's 2.00 hours per head is not marked.
    assert ["Job family", "Biological Services Unit", 5, "<5", 10, 2, 2, 0.4, None] in rows


def test_report_is_for_hr_and_programme_managers_only(data_set, institution, outsider, hr):
    technician = data_set["Scientific Officer"][0]
    assert client_for(technician).get(reverse("development:report")).status_code == 403
    assert client_for(outsider).get(reverse("development:report")).status_code == 403
    assert client_for(hr).get(reverse("development:report")).status_code == 200


def test_another_institutions_hr_sees_none_of_this_data(data_set, other_institution):
    from people import roles
    from tests.conftest import _with_totp

    their_hr = staff(other_institution, groups=[roles.HR])
    _with_totp(their_hr.user)
    response = client_for(their_hr).get(reverse("development:report"), {"year": 2026})
    assert response.context["report"].total.headcount == 1 and response.context["report"].total.hours == 0


@pytest.mark.parametrize("people", [10, 40])
def test_report_queries_do_not_grow_with_the_data(people, institution, hr, django_assert_max_num_queries):
    family = JobFamilyFactory(institution=institution)
    for n in range(people):
        person = staff(institution, job_family=family, division=DivisionFactory(institution=institution))
        make_record(person, on=date(2026, 1 + n % 12, 1))
    client = client_for(hr)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("development:report"), {"year": 2026})
    assert response.context["report"].total.headcount == people + 1


def test_a_lone_small_group_hides_the_next_smallest_too_so_the_total_cannot_reveal_it():
    from development.selectors import ReportRow, _suppress_complements

    rows = [
        ReportRow("Small", 3, 2, Decimal(6), 2),
        ReportRow("Middle", 6, 6, Decimal(12), 6),
        ReportRow("Large", 10, 9, Decimal(30), 9),
    ]
    _suppress_complements(rows)
    assert [row.suppressed for row in rows] == [True, True, False]
    assert not rows[2].trained_suppressed

    trained = [
        ReportRow("A", 8, 2, Decimal(4), 2),
        ReportRow("B", 9, 6, Decimal(6), 6),
        ReportRow("C", 9, 8, Decimal(8), 8),
    ]
    _suppress_complements(trained)
    assert [row.trained_suppressed for row in trained] == [True, True, False]
    assert not any(row.suppressed for row in trained)


def test_a_failing_export_is_marked_failed_so_the_page_stops_waiting(
    institution, hr, monkeypatch, django_capture_on_commit_callbacks
):
    from development import selectors as development_selectors

    def broken(*args, **kwargs):
        raise ValueError("report data is inconsistent")

    monkeypatch.setattr(development_selectors, "training_report", broken)
    with pytest.raises(ValueError), django_capture_on_commit_callbacks(execute=True):
        client_for(hr).post(reverse("development:report_export"), {"year": timezone.localdate().year})
    export = ReportExport.objects.get()
    assert export.status == ReportExport.Status.FAILED and "inconsistent" in export.error
    page = client_for(hr).get(reverse("development:report_export_status", args=[export.pk])).content.decode()
    assert "Failed: report data is inconsistent" in page and "hx-trigger" not in page


def test_an_export_is_only_for_the_person_who_asked_for_it(institution, hr, programme_manager, outsider):
    export = ReportExport.objects.create(institution=institution, requested_by=hr.user, year=2026)
    status = reverse("development:report_export_status", args=[export.pk])
    download = reverse("development:report_export_download", args=[export.pk])
    assert "Being built" in client_for(hr).get(status).content.decode()
    assert client_for(programme_manager).get(status).status_code == 404
    assert client_for(programme_manager).get(download).status_code == 404
    assert client_for(outsider).get(status).status_code == 403  # not HR or a programme manager anywhere
