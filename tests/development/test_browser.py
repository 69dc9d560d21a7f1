from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from development.models import DevelopmentRequest
from tests.conftest import sign_in

from .conftest import next_weekday

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def verified(*profiles):
    for profile in profiles:
        EmailAddress.objects.create(user=profile.user, email=profile.user.email, verified=True, primary=True)


def test_technician_requests_days_and_manager_approves_them_from_the_team_page(
    browser_page, technician, manager, policy
):
    verified(technician, manager)
    page = browser_page
    start = next_weekday()
    sign_in(page, technician.user.email)
    page.wait_for_url("**/")
    page.goto("/development/requests/new/")
    page.select_option("#id_activity_type", "course")
    page.fill("#id_title", "Advanced light microscopy (EMBL)")
    page.select_option("#id_delivery", "external")
    page.fill("#id_provider", "EMBL")
    page.fill("#id_start_date", start.isoformat())
    page.fill("#id_end_date", start.isoformat())
    page.fill("#id_days", "2")
    page.fill("#id_benefit", "Super-resolution imaging for the facility.")
    page.click("main form button[type=submit]")
    # Two days cannot fit in one day: the form says so and nothing is saved.
    assert "do not fit between" in page.inner_text("main form")
    assert not DevelopmentRequest.objects.exists()
    page.fill("#id_end_date", (start + timedelta(days=1)).isoformat())
    page.click("main form button[type=submit]")
    page.wait_for_url("**/development/requests/*/")
    assert page.inner_text("[data-testid=state]") == "Waiting for approval"

    page.context.clear_cookies()
    sign_in(page, manager.user.email)
    page.wait_for_url("**/")
    page.goto("/development/team/")
    page.check("input[name=request]")
    page.click("text=Approve selected")
    assert "Approved 1 request" in page.inner_text("main")
    row = page.locator("[data-testid=report-row]", has_text=str(technician))
    assert " ".join(row.inner_text().split()).startswith(f"{technician} HSO 5 0 2 3 0")

    page.context.clear_cookies()
    sign_in(page, technician.user.email)
    page.wait_for_url("**/")
    panel = page.get_by_role("region", name="My development days")
    assert "0 used · 2 approved · 3 left" in " ".join(panel.inner_text().split())
    assert DevelopmentRequest.objects.get().state == "approved"
    assert timezone.localdate() < start


def test_programme_manager_imports_only_the_good_rows_after_seeing_the_bad_ones(
    browser_page, programme_manager, technician, tmp_path
):
    from development.models import TrainingRecord

    verified(programme_manager)
    attendance = tmp_path / "attendance.csv"
    attendance.write_text(
        "course,date,email,hours\n"
        f"Laboratory safety,2026-03-04,{technician.user.email},3\n"
        "Laboratory safety,2026-03-04,nobody@icr.ac.uk,3\n"
    )
    page = browser_page
    sign_in(page, programme_manager.user.email)
    page.wait_for_url("**/")
    page.goto("/development/imports/")
    page.set_input_files("#id_file", str(attendance))
    page.click("main form button[type=submit]")
    page.wait_for_selector("[data-testid=bad-rows]")
    assert "Unknown person: nobody@icr.ac.uk" in page.inner_text("[data-testid=bad-rows]")
    assert page.is_disabled("button[value=all]")
    page.click("button[value=good]")
    assert "Imported 1 training records." in page.inner_text("main")
    assert list(TrainingRecord.objects.values_list("person", "title")) == [(technician.pk, "Laboratory safety")]


# The training report's chart and downloads moved to the report catalogue: tests/reports/test_browser.py.


@pytest.mark.celery_worker
def test_import_page_polls_until_the_worker_has_checked_every_row(
    celery_worker_on_redis, browser_page, programme_manager, technician, tmp_path
):
    from django.db import connection

    if connection.vendor != "postgresql":
        # SQLite's shared in-memory test database locks whole tables: the worker's progress
        # writes and the page's polls (two threads) then fail with "table is locked".
        pytest.skip("Needs PostgreSQL: a worker and the live server write and read at once.")
    verified(programme_manager)
    rows = [f"Course {n},2026-03-04,{technician.user.email},1" for n in range(300)]
    attendance = tmp_path / "attendance.csv"
    attendance.write_text("course,date,email,hours\n" + "\n".join(rows) + "\nBad,2026-03-04,nobody@icr.ac.uk,1\n")
    page = browser_page
    sign_in(page, programme_manager.user.email)
    page.wait_for_url("**/")
    page.goto("/development/imports/")
    page.set_input_files("#id_file", str(attendance))
    page.click("main form button[type=submit]")
    page.wait_for_url("**/development/imports/*/")
    page.wait_for_selector("[data-testid=good-count]", timeout=30_000)  # swapped in by the htmx poll
    assert page.inner_text("[data-testid=good-count]") == "300 good rows"
    assert page.inner_text("[data-testid=bad-count]") == "1 bad row"


def test_manager_asks_for_changes_and_the_technician_resubmits(browser_page, technician, manager, policy):
    from .conftest import make_request

    verified(technician, manager)
    request = make_request(technician, start=next_weekday(), end=next_weekday() + timedelta(days=2), days="3")
    page = browser_page
    sign_in(page, manager.user.email)
    page.wait_for_url("**/")
    page.goto(request.get_absolute_url())
    page.check("input[name=decision][value=changes_requested]")
    page.click("main form button[type=submit]")
    assert "Say why" in page.inner_text("main form")
    page.check("input[name=decision][value=changes_requested]")
    page.fill("#id_reason", "Could it be two days?")
    page.click("main form button[type=submit]")
    assert page.inner_text("[data-testid=state]") == "Changes requested"

    page.context.clear_cookies()
    sign_in(page, technician.user.email)
    page.wait_for_url("**/")
    page.goto(request.get_absolute_url())
    assert "Could it be two days?" in page.inner_text("[data-testid=reason]")
    page.click("text=Change and resubmit")
    page.fill("#id_end_date", (request.start_date + timedelta(days=1)).isoformat())
    page.fill("#id_days", "2")
    page.click("main form button[type=submit]")
    assert page.inner_text("[data-testid=state]") == "Waiting for approval"
    request.refresh_from_db()
    assert request.days == 2 and list(request.transitions.values_list("to_state", flat=True)) == [
        "changes_requested",
        "submitted",
    ]
