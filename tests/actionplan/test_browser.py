"""The plan's page workflows in real headless Chromium."""

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from actionplan.models import ActionItem, ProgressUpdate, ReportRun
from tests.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _signed_in(page, profile):
    EmailAddress.objects.create(user=profile.user, email=profile.user.email, verified=True, primary=True)
    sign_in(page, profile.user.email)
    page.wait_for_url("**/")


def test_programme_manager_generates_a_report_and_downloads_it_when_the_progress_bar_finishes(
    browser_page, plan, programme_manager, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    page = browser_page
    _signed_in(page, programme_manager)
    page.get_by_role("link", name="Action plan").first.click()
    page.wait_for_url(f"**/action-plan/{plan.pk}/")
    assert page.get_by_test_id("item-count").inner_text() == "26 actions"

    form = page.get_by_test_id("report-form")
    form.get_by_label("Format").select_option("csv")
    form.get_by_role("button", name="Generate report").click()

    # The run appears at once (htmx), polls its progress, and turns into a download link.
    download = page.get_by_test_id("report-download")
    download.wait_for()
    assert download.inner_text().strip() == "Download CSV"
    run = ReportRun.objects.get()
    assert run.status == "done" and run.progress == 100
    response = page.request.get(download.get_attribute("href"))
    assert response.status == 200
    assert "Raise survey response rates to 20+%" in response.text()


def test_an_owner_adds_a_progress_update_from_my_actions(browser_page, plan, rdc):
    page = browser_page
    _signed_in(page, rdc)
    page.goto("/action-plan/mine/")
    card = page.get_by_test_id("my-action").filter(has_text="2I Create a network for Scientific Project Managers")
    card.get_by_text("Add a progress update").click()
    card.get_by_label("Status").select_option("at_risk")
    card.get_by_label("Progress").fill("One meeting so far; the next two are booked.")
    card.get_by_role("button", name="Save update of 2I").click()

    page.wait_for_url("**/action-plan/mine/")
    assert "Your update of 2I is saved." in page.get_by_role("alert").inner_text()
    item = ActionItem.objects.get(plan=plan, code="2I")
    assert item.status == "at_risk" and item.last_update_on == timezone.localdate()
    assert ProgressUpdate.objects.get(item=item).narrative == "One meeting so far; the next two are booked."
