"""The annual authorship report (2E) against a hand-computed data set, with suppression applied.

The data set, for 2024 (staff employed on 31 December 2024):

| division           | staff | named author in 2024 | acknowledged in 2024 |
|--------------------|-------|----------------------|----------------------|
| Cancer Biology     | 25    | 10 (40%)             | 5 (20%)              |
| Genetics           | 30    | 6 (20%)              | 12 (40%)             |
| Structural Biology | 4     | 1 (hidden: < 23)     | 0 (hidden: < 23)     |
| all                | 59 → 60 (rounded) | 17/59 = 28.8 → 29% | 17/59 → 29% |

Structural Biology's percentages are hidden (under 22.5 people), so the next smallest group,
Cancer Biology (25), is hidden too: otherwise it could be worked out from the total. Also: one
Cancer Biology technician who left on 30 June 2024 (with a 2024 paper) is not counted, and two
Genetics papers of 2023 make the 2023 trend 2 of 60 (the leaver was still employed) = 3%.
"""

from datetime import date

import pytest
from django.urls import reverse

from core.disclosure import SECONDARY_REASON
from recognition import selectors, services
from recognition.models import AnnualReport
from tests.conftest import client_for
from tests.factories import DivisionFactory, staff

from .conftest import paper

pytestmark = pytest.mark.django_db

HIDDEN = "not shown: fewer than 23 people"


@pytest.fixture
def data_set(institution, so_family, programme_manager):
    """The table above; the coordinator (programme_manager) is one of Structural Biology's four."""
    biology = DivisionFactory(institution=institution, name="Cancer Biology")
    genetics = DivisionFactory(institution=institution, name="Genetics")
    structural = DivisionFactory(institution=institution, name="Structural Biology")
    on = date(2024, 5, 1)

    def group(division, n, named, acknowledged, job_family=so_family):
        people = [staff(institution, division=division, job_family=job_family) for _ in range(n)]
        for person in people[:named]:
            paper(person, title=f"Paper of {person.pk}", on=on)
        for person in people[n - acknowledged :]:
            paper(person, title=f"Data of {person.pk}", part="acknowledged", kind="dataset", on=on)
        return people

    biology_staff = group(biology, 25, 10, 5)
    for i in range(3):
        paper(biology_staff[0], title=f"Patent {i}", kind="patent", on=on)
    genetics_staff = group(genetics, 30, 6, 12)
    for person in genetics_staff[-2:]:
        paper(person, title=f"Old paper of {person.pk}", on=date(2023, 3, 1))
    group(structural, 3, 1, 0, job_family=None)
    programme_manager.division = structural
    programme_manager.save(update_fields=["division"])
    leaver = staff(institution, division=biology, job_family=so_family, leaving_date=date(2024, 6, 30))
    paper(leaver, title="Leaver's paper", on=on)
    staff(institution, division=genetics, job_family=so_family, start_date=date(2025, 1, 6))


def shown(row):
    return (row.name, row.staff.shown, row.named.shown, row.acknowledged.shown)


def test_the_report_matches_the_hand_computed_figures_with_suppression(institution, data_set, programme_manager):
    report = selectors.authorship_report(institution=institution, year=2024)
    assert report.on == date(2024, 12, 31)
    assert shown(report.total) == ("All technical staff", "60", "29%", "29%")
    assert [shown(row) for row in report.by_division] == [
        ("Cancer Biology", "25", SECONDARY_REASON, SECONDARY_REASON),
        ("Genetics", "30", "20%", "40%"),
        ("Structural Biology", "5", HIDDEN, HIDDEN),
    ]
    # Two job families: the one of 4 is hidden, so the other is too.
    assert [shown(row) for row in report.by_job_family] == [
        ("No job family recorded", "5", HIDDEN, HIDDEN),
        ("Scientific Officer", "55", SECONDARY_REASON, SECONDARY_REASON),
    ]
    # 17 papers (rounded to 15), 17 datasets (15), 3 patents (5); the leaver's paper is not counted.
    by_kind = {label: figure.shown for label, figure in report.by_kind}
    assert (by_kind["Journal paper"], by_kind["Dataset"], by_kind["Patent"], by_kind["Preprint"]) == (
        "15",
        "15",
        "5",
        "0",
    )
    assert [(row.year, row.staff.shown, row.named.shown, row.acknowledged.shown) for row in report.trend] == [
        (2020, "60", "0%", "0%"),
        (2021, "60", "0%", "0%"),
        (2022, "60", "0%", "0%"),
        (2023, "60", "3%", "0%"),
        (2024, "60", "29%", "29%"),
    ]


# The page, its CSV and XLSX moved to the report catalogue (reports/library/authorships.py).
CATALOGUE = reverse("reports:report", args=["authorships"])


def test_the_page_and_the_csv_show_the_same_suppressed_figures(institution, data_set, programme_manager):
    client = client_for(programme_manager)
    page = client.get(CATALOGUE, {"year": 2024}).content.decode()
    assert HIDDEN in page and SECONDARY_REASON in page and "40%" in page
    csv_url = reverse("reports:report_csv", args=["authorships"])
    csv = b"".join(client.get(csv_url, {"year": 2024}).streaming_content)
    lines = csv.decode("utf-8-sig").splitlines()
    assert "Division,Technical staff,With a named authorship (%),With an acknowledgement (%)" in lines
    assert "Genetics,30,20,40" in lines
    assert f"Structural Biology,5,{HIDDEN},{HIDDEN}" in lines
    assert "2023,60,3,0" in lines  # the trend
    xlsx = client.get(reverse("reports:report_xlsx", args=["authorships"]), {"year": 2024})
    assert xlsx["Content-Disposition"] == 'attachment; filename="authorships-report.xlsx"'


def test_the_old_address_leads_to_the_catalogue(programme_manager):
    response = client_for(programme_manager).get(reverse("recognition:report"), {"year": 2024})
    assert response.status_code == 302 and response["Location"] == f"{CATALOGUE}?year=2024"


def test_publishing_keeps_the_figures_and_counts_for_the_2e_measure(institution, data_set, hr):
    from core import metrics

    response = client_for(hr).post(reverse("recognition:report_publish"), {"year": 2024})
    assert response.status_code == 302
    published = AnnualReport.objects.get()
    assert published.year == 2024 and published.published_by == hr
    assert ["2024", "Division", "Genetics", "30", "20%", "40%"] in published.figures["rows"]
    today = published.published_at.date()
    result = metrics.get("recognition.annual_report_produced")(institution=institution, start=today, end=today)
    assert (result.value, result.detail) == (1, "Published: the 2024 report")
    services.report_publish(institution=institution, year=2024, by=hr.user)
    assert AnnualReport.objects.count() == 1


def test_only_hr_and_the_coordinator_see_the_report(technician, manager):
    assert client_for(technician).get(reverse("recognition:report")).status_code == 403
    assert client_for(manager).get(reverse("recognition:report")).status_code == 403


def test_the_report_lists_the_years_published_celebrations(institution, technician, programme_manager):
    from people import services as people_services

    people_services.propose_celebration(
        person=technician,
        kind="prize",
        title="Won the Papin Prize",
        occurred_on=date(2024, 7, 1),
        source="t:1",
        consent=True,
    )
    people_services.propose_celebration(
        person=technician, kind="prize", title="Not agreed yet", occurred_on=date(2024, 8, 1), source="t:2"
    )
    page = client_for(programme_manager).get(CATALOGUE, {"year": 2024}).content.decode()
    assert "Won the Papin Prize" in page and "Not agreed yet" not in page
