"""The equality pipeline report in the catalogue: the same disclosed figures as the equality page
(tests/equality: worked by hand), for HR and programme managers only."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import client_for
from tests.equality.conftest import pipeline_data  # noqa: F401  (the hand-checked data set)
from tests.reports.test_reports import cells, table

pytestmark = pytest.mark.django_db


def test_the_catalogue_shows_the_pipeline_by_division_as_the_equality_page_does(hr, pipeline_data):  # noqa: F811
    today = timezone.localdate()
    start = today - timedelta(days=365)
    page = client_for(hr).get(reverse("reports:report", args=["equality-pipeline"]), {"breakdown": "division"})
    html = page.content.decode()
    by_division = table(html, f"Programmes by division, {start:%-d %b %Y} to {today:%-d %b %Y}")
    # Cancer Biology: 25 eligible (24 rounded), 10 applied (42%), 5 accepted (21%), 5 completed (13%).
    assert cells(by_division, "Cancer Biology") == ["25", "10", "42%", "5", "21%", "5", "13%"]
    assert "Equality across the development pipeline" in client_for(hr).get(reverse("reports:index")).content.decode()


@pytest.mark.parametrize("who", ["manager", "technician"])
def test_a_line_manager_or_technician_cannot_open_it(request, who):
    response = client_for(request.getfixturevalue(who)).get(reverse("reports:report", args=["equality-pipeline"]))
    assert response.status_code == 403
