"""The catalogue in Chromium: the chart drawn beside its table, a download after confirming it is
you, and a schedule saved from the page."""

from datetime import date
from pathlib import Path

import pytest
from django.utils import timezone

from reports.models import Schedule
from tests.conftest import PASSWORD, sign_in
from tests.factories import JobFamilyFactory, staff

from .conftest import make_record

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def verified(*profiles):
    from allauth.account.models import EmailAddress

    for profile in profiles:
        EmailAddress.objects.create(user=profile.user, email=profile.user.email, verified=True, primary=True)


def test_a_programme_manager_reads_the_chart_and_downloads_the_csv(
    browser_page, institution, programme_manager, technician
):
    verified(programme_manager)
    family = JobFamilyFactory(institution=institution, name="Laboratory Technicians")
    year = timezone.localdate().year
    for _ in range(30):
        make_record(staff(institution, job_family=family), on=date(year, 1, 5), hours="6")
    page = browser_page
    sign_in(page, programme_manager.user.email)
    page.wait_for_url("**/")
    page.get_by_role("button", name="People").click()  # the menu the link is in
    page.get_by_role("link", name="Reports").click()
    page.get_by_role("link", name="Training uptake by job family").click()
    # A function, not an expression: Playwright polls an expression with eval(), which the CSP refuses.
    page.wait_for_function("() => !!(window.Chart && Chart.getChart('report-chart'))")
    labels = page.evaluate("Chart.getChart('report-chart').data.labels")
    assert "Laboratory Technicians" in labels
    # The same labels are rows of the table beside the chart.
    table = page.locator("[data-testid^='table-by-job-family']")
    assert "Laboratory Technicians" in table.inner_text()
    # Staff figures leave the portal only after the person confirms it is them.
    page.get_by_role("link", name="Download CSV").click()
    page.wait_for_url("**/accounts/reauthenticate/**")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_download() as download:
        page.click("main button[type=submit]")
    assert download.value.suggested_filename == "training-report.csv"
    content = Path(download.value.path()).read_text(encoding="utf-8")
    assert "Laboratory Technicians,30,30," in content


def test_hr_saves_a_monthly_schedule_from_the_report_page(browser_page, hr, programme_manager):
    verified(hr)
    page = browser_page
    sign_in(page, hr.user.email)
    page.wait_for_url("**/")
    page.goto("/reports/leavers/")
    page.get_by_label("Monthly", exact=False).check()
    page.get_by_label(str(programme_manager), exact=False).check()
    page.get_by_role("button", name="Save the schedule").click()
    page.wait_for_url("**/reports/leavers/**")
    assert "will be e-mailed monthly" in page.inner_text("main")
    schedule = Schedule.objects.get()
    assert schedule.report_key == "leavers" and list(schedule.recipients.all()) == [programme_manager]
