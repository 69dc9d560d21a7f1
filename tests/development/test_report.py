"""The training report (1G) against a hand-checked data set, every figure through core.disclosure.

Calendar year 2026 at one institution, 70 staff:
- Scientific Officer: 30 staff, 18 of them with one 10-hour record: 180 hours, 6.00 per head,
  60% trained; shown as 30 staff, 20 trained (rounded to the nearest 5).
- Biological Services Unit: 24 staff, 8 with one 5-hour record: 40 hours, 40/24 = 1.67 per
  head, 8/24 = 33% trained; shown as 25 staff, 10 trained.
- Analytical Scientists: 6 staff with 3 hours each: 18 hours. 6 people: shown as 5 and 5; the
  percentage (under 22.5 people), hours and averages (7 or fewer) are not shown.
- Research Management: 10 staff, no training: 0.00 per head would be shown, but with the
  Analytical Scientists hidden alone, the total less the rest would give their hours away, so
  the smallest other family (Research Management) is hidden with it.
- Institution: 70 staff, 238 hours, 238 / 70 = 3.40 per head; 20% below is 2.72, so the BSU
  (1.67) is under-represented and the SO family (6.00) is not. 32 trained: shown as 30; 46%.
- Divisions: Labs has the SO and RM staff (40, 180 hours, 4.50 per head); Services has the
  BSU and Analytical Scientists (30, 58 hours, 1.93 per head).
A leaver who left in 2025 and a record dated 2025 do not count. Viewed by HR (staff with no job
family recorded), the page counts 71 people: a "Not recorded" family of one, hidden too, so
two families are hidden and Research Management is shown (0.00, under-represented).
"""

from datetime import date
from decimal import Decimal

import pytest

from core import disclosure
from development.models import AllowancePolicy
from development.selectors import training_report
from tests.factories import DivisionFactory, GradeFactory, JobFamilyFactory, staff

from .conftest import make_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def data_set(institution):
    AllowancePolicy.objects.create(institution=institution, minimum_days=5, under_representation_margin=20)
    labs, services = (DivisionFactory(institution=institution, name=n) for n in ("Labs", "Services"))
    families = {}
    for name, count, trained, hours, division in [
        ("Scientific Officer", 30, 18, "10", labs),
        ("Biological Services Unit", 24, 8, "5", services),
        ("Analytical Scientists", 6, 6, "3", services),
        ("Research Management", 10, 0, "0", labs),
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


def shown(row):
    return {key: figure.shown for key, figure in row.shown.items()}


def test_report_gives_the_hand_checked_figures_as_they_may_be_shown(data_set, institution):
    report = training_report(institution, 2026)
    assert (report.total.headcount, report.total.hours, report.total.hours_per_head) == (70, 238, Decimal("3.40"))
    assert report.threshold == Decimal("2.72")
    assert shown(report.total) == {
        "headcount": "70",
        "people_trained": "30",
        "percent_trained": "46%",
        "hours": "238.0",
        "records": "32",
        "hours_per_head": "3.40",
        "records_per_head": "0.46",
    }
    families = by_label(report.by_family)
    assert shown(families["Scientific Officer"]) == {
        "headcount": "30",
        "people_trained": "20",
        "percent_trained": "60%",
        "hours": "180.0",
        "records": "18",
        "hours_per_head": "6.00",
        "records_per_head": "0.60",
    }
    assert shown(families["Biological Services Unit"]) == {
        "headcount": "25",
        "people_trained": "10",
        "percent_trained": "33%",
        "hours": "40.0",
        "records": "8",
        "hours_per_head": "1.67",
        "records_per_head": "0.33",
    }
    few, small = "not shown: fewer than 23 people", "not shown: 7 people or fewer"
    assert shown(families["Analytical Scientists"]) == {
        "headcount": "5",
        "people_trained": "5",
        "percent_trained": few,
        "hours": small,
        "records": small,
        "hours_per_head": small,
        "records_per_head": small,
    }
    research = shown(families["Research Management"])
    assert research["hours"] == research["hours_per_head"] == disclosure.SECONDARY_REASON
    assert research["headcount"] == "10" and research["percent_trained"] == few
    assert families["Biological Services Unit"].under_represented
    assert not any(families[name].under_represented for name in families if name != "Biological Services Unit")
    divisions = by_label(report.by_division)
    assert (shown(divisions["Services"])["hours_per_head"], shown(divisions["Labs"])["hours_per_head"]) == (
        "1.93",
        "4.50",
    )


def test_a_wider_margin_stops_marking_the_family(data_set, institution):
    report = training_report(institution, 2026, margin=60)  # threshold 1.36: BSU's 1.67 is above it
    assert not by_label(report.by_family)["Biological Services Unit"].under_represented


# The report's page, CSV and XLSX moved to the report catalogue: tests/reports/test_training.py.
