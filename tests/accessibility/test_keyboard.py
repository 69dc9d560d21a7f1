"""Journeys driven by the keyboard alone: after opening the first page, every step is a key press
(Tab, Enter, Space, typing). `tab_to` fails when a control cannot be reached by Tab, which is also
how a focus trap shows itself."""

from datetime import timedelta
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from development.models import AllowancePolicy, DevelopmentRequest
from tests.conftest import PASSWORD
from tests.development.conftest import next_weekday

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAX_TABS = 120


def focused(page):
    return page.evaluate(
        """() => { const el = document.activeElement;
          return {id: el.id, name: el.getAttribute('name'), tag: el.tagName.toLowerCase(),
                  text: (el.innerText || el.value || '').trim(), label: el.getAttribute('aria-label') || '',
                  href: el.getAttribute('href') || ''}; }"""
    )


def tab_to(page, *, id=None, text=None, name=None, prefix=None, href=None):
    """Press Tab until the wanted control has the focus; fail if it never does."""
    seen = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        now = focused(page)
        seen.append(now["id"] or now["text"][:30] or now["tag"])
        if (
            (id is not None and now["id"] == id)
            or (text is not None and now["text"] == text)
            or (name is not None and now["name"] == name)
            or (prefix is not None and now["text"].startswith(prefix))
            or (href is not None and now["href"] == href)
        ):
            return now
    pytest.fail(f"Tab never reached {id or text or name or prefix or href}; focus went through {seen}")


def sign_in_by_keyboard(page, email):
    page.goto("/accounts/login/")
    tab_to(page, id="id_login")
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")


def test_the_skip_link_is_the_first_stop_and_moves_the_focus_to_the_page(browser_page, technician):
    EmailAddress.objects.create(user=technician.user, email=technician.user.email, verified=True, primary=True)
    sign_in_by_keyboard(browser_page, technician.user.email)
    browser_page.keyboard.press("Tab")
    assert focused(browser_page)["text"] == "Skip to main content"
    browser_page.keyboard.press("Enter")
    assert focused(browser_page)["id"] == "main"


def test_a_technician_requests_days_and_their_manager_approves_them_by_keyboard_alone(
    browser_page, technician, manager
):
    AllowancePolicy.objects.create(institution=technician.institution, minimum_days=Decimal("5"))
    for profile in (technician, manager):
        EmailAddress.objects.create(user=profile.user, email=profile.user.email, verified=True, primary=True)
    page = browser_page
    start = next_weekday()

    sign_in_by_keyboard(page, technician.user.email)
    tab_to(page, text="Request days")
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    assert page.url.endswith("/development/requests/new/")
    tab_to(page, id="id_activity_type")
    page.keyboard.type("Course")
    tab_to(page, id="id_title")
    page.keyboard.type("Advanced light microscopy (EMBL)")
    tab_to(page, id="id_delivery")
    page.keyboard.type("External")
    tab_to(page, id="id_provider")
    page.keyboard.type("EMBL")
    for field, day in (("id_start_date", start), ("id_end_date", start)):
        tab_to(page, id=field)
        # Chromium's date field takes the digits in the browser's locale order (en-US here).
        page.keyboard.type(day.strftime("%m%d%Y"))
        assert page.evaluate(f"document.getElementById('{field}').value") == day.isoformat()
    tab_to(page, id="id_days")
    page.keyboard.type("1")
    tab_to(page, id="id_benefit")
    page.keyboard.type("Super-resolution imaging for the facility.")
    tab_to(page, text="Send to my line manager")
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    assert "/development/requests/new/" not in page.url, page.inner_text("main")
    request = DevelopmentRequest.objects.get()
    assert request.title == "Advanced light microscopy (EMBL)" and request.days == 1

    page.context.clear_cookies()
    sign_in_by_keyboard(page, manager.user.email)
    tab_to(page, text="Development")
    page.keyboard.press("Enter")  # opens the menu
    tab_to(page, text="My team")
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    assert page.url.endswith("/development/team/")
    tab_to(page, name="request")
    page.keyboard.press("Space")
    tab_to(page, text="Approve selected")
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    assert "Approved 1 request" in page.inner_text("main")
    request.refresh_from_db()
    assert request.state == DevelopmentRequest.State.APPROVED


def test_a_technician_logs_external_training_by_keyboard_alone(browser_page, technician):
    from development.models import TrainingRecord

    AllowancePolicy.objects.create(institution=technician.institution, minimum_days=Decimal("5"))
    EmailAddress.objects.create(user=technician.user, email=technician.user.email, verified=True, primary=True)
    page = browser_page
    day = timezone.localdate() - timedelta(days=7)

    sign_in_by_keyboard(page, technician.user.email)
    tab_to(page, text="Log training")
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    assert page.url.endswith("/development/records/new/")
    tab_to(page, id="id_title")
    page.keyboard.type("RMS flow cytometry course")
    tab_to(page, id="id_activity_type")
    page.keyboard.type("Course")
    tab_to(page, id="id_delivery")
    page.keyboard.type("External")
    tab_to(page, id="id_provider")
    page.keyboard.type("Royal Microscopical Society")
    tab_to(page, id="id_date")
    page.keyboard.type(day.strftime("%m%d%Y"))  # Chromium's date field, en-US order
    tab_to(page, id="id_hours")
    page.keyboard.type("7")
    tab_to(page, id="id_cpd_category")
    page.keyboard.type("Formal")
    tab_to(page, id="id_reflection")
    page.keyboard.type("Set up the new sorter's daily QC with what I learnt.")
    tab_to(page, text="Save")
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    assert "Your training is recorded." in page.inner_text("main"), page.inner_text("main")
    record = TrainingRecord.objects.get(person=technician)
    assert (record.title, record.hours, record.date, record.cpd_category) == (
        "RMS flow cytometry course",
        Decimal("7.00"),
        day,
        "formal",
    )


def test_an_action_owner_adds_a_progress_update_by_keyboard_alone(browser_page, institution, technician):
    from pathlib import Path

    from actionplan.models import Owner, ProgressUpdate
    from actionplan.services import plan_import

    seed = Path(__file__).resolve().parents[2] / "actionplan" / "data" / "icr-2024-2027.json"
    plan = plan_import(institution=institution, text=seed.read_text(encoding="utf-8"), source=seed.name).plan
    Owner.objects.get(institution=institution, short_name="RDC").holders.add(technician)
    EmailAddress.objects.create(user=technician.user, email=technician.user.email, verified=True, primary=True)
    page = browser_page

    sign_in_by_keyboard(page, technician.user.email)
    tab_to(page, text="Update my actions")
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    assert page.url.endswith("/action-plan/mine/")
    first = plan.items.order_by("position", "code").filter(owners__short_name="RDC").first()
    tab_to(page, text="Add a progress update")
    page.keyboard.press("Enter")  # opens the <details>
    tab_to(page, id=f"id_item{first.pk}-status")
    page.keyboard.type("On track")
    tab_to(page, id=f"id_item{first.pk}-narrative")
    page.keyboard.type("Guidance agreed at the steering group; circulated to all managers.")
    tab_to(page, text=f"Save update of {first.code}")
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    update = ProgressUpdate.objects.get(item=first)
    assert (update.status, update.narrative) == (
        "on_track",
        "Guidance agreed at the steering group; circulated to all managers.",
    )
    first.refresh_from_db()
    assert first.status == "on_track"


def test_a_technician_applies_and_their_manager_endorses_by_keyboard_alone(
    browser_page, institution, technician, manager, programme_manager
):
    from programmes.models import Application
    from tests.programmes.conftest import CohortFactory, ProgrammeFactory

    programme = ProgrammeFactory(institution=institution, title="Ignite", owner=programme_manager)
    CohortFactory(programme=programme, name="Spring intake", min_level=3, max_level=3, eligibility_text="HSO")
    for profile in (technician, manager):
        EmailAddress.objects.create(user=profile.user, email=profile.user.email, verified=True, primary=True)
    page = browser_page

    sign_in_by_keyboard(page, technician.user.email)
    tab_to(page, text="Programmes")
    page.keyboard.press("Enter")  # opens the menu
    tab_to(page, text="All programmes")
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    tab_to(page, prefix="Ignite\n")  # the programme's card is one link
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    tab_to(page, text="Apply")
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    tab_to(page, id="id_statement")
    page.keyboard.type("I run the imaging core and want to lead projects.")
    tab_to(page, text="Send application")
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    application = Application.objects.get(applicant=technician)
    assert application.state == Application.State.AWAITING_ENDORSEMENT

    page.context.clear_cookies()
    sign_in_by_keyboard(page, manager.user.email)
    tab_to(page, href=application.get_absolute_url())  # "Applications to endorse" on the home page
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    tab_to(page, id="id_decision_0")
    page.keyboard.press("Space")
    tab_to(page, text="Send")
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    application.refresh_from_db()
    assert application.state == Application.State.ENDORSED, page.inner_text("main")


def test_a_programme_manager_signs_in_with_their_code_and_downloads_a_plan_report_by_keyboard_alone(
    browser_page, institution, programme_manager
):
    import time
    from pathlib import Path

    from actionplan.models import ReportRun
    from actionplan.services import plan_import
    from tests.conftest import totp_code

    seed = Path(__file__).resolve().parents[2] / "actionplan" / "data" / "icr-2024-2027.json"
    plan = plan_import(institution=institution, text=seed.read_text(encoding="utf-8"), source=seed.name).plan
    user = programme_manager.user
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    page = browser_page

    sign_in_by_keyboard(page, user.email)
    assert "/accounts/2fa/authenticate/" in page.url  # programme managers give their code
    tab_to(page, id="id_code")
    if 30 - time.time() % 30 < 6:  # allauth takes only the current code: wait for a fresh one
        time.sleep(30 - time.time() % 30 + 0.5)
    page.keyboard.type(totp_code())
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    assert "/accounts/" not in page.url

    tab_to(page, href=plan.get_absolute_url())
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    tab_to(page, id="id_format")
    page.keyboard.type("CSV")  # a select takes the typed option
    tab_to(page, text="Generate report")
    page.keyboard.press("Enter")  # htmx adds the run to the list, which polls until it is done
    page.get_by_test_id("report-download").first.wait_for(timeout=30_000)
    run = ReportRun.objects.get(plan=plan)
    assert (run.format, run.status) == (ReportRun.Format.CSV, ReportRun.Status.DONE)
    tab_to(page, href=f"/action-plan/reports/{run.pk}/download/")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    content = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "1E" in content and plan.items.count() > 0


def test_hr_runs_the_training_report_for_last_year_and_downloads_it_by_keyboard_alone(
    browser_page, institution, hr, so_family
):
    import time
    from datetime import date
    from pathlib import Path

    from tests.conftest import totp_code
    from tests.development.conftest import make_record
    from tests.factories import staff

    for n in range(3):
        person = staff(institution, job_family=so_family, grade=so_family.grades.get(short_name="HSO"))
        make_record(person, on=date(2025, 3 + n, 10), title=f"Course {n}")
    make_record(person, on=date(2026, 2, 10), title="This year's course")
    EmailAddress.objects.create(user=hr.user, email=hr.user.email, verified=True, primary=True)
    page = browser_page

    sign_in_by_keyboard(page, hr.user.email)
    tab_to(page, id="id_code")
    if 30 - time.time() % 30 < 6:  # allauth takes only the current code: wait for a fresh one
        time.sleep(30 - time.time() % 30 + 0.5)
    page.keyboard.type(totp_code())
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")

    tab_to(page, text="People")
    page.keyboard.press("Enter")  # opens the menu
    tab_to(page, href="/reports/")
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    tab_to(page, href="/reports/training/")
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    tab_to(page, id="id_year")
    page.keyboard.type("2025")  # a select takes the typed option
    tab_to(page, text="Show")
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    assert "year=2025" in page.url
    assert "Scientific Officer" in page.locator("main").inner_text()
    tab_to(page, text="Download CSV")
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")  # staff figures: confirm it is you first
    assert "/accounts/reauthenticate/" in page.url
    tab_to(page, id="id_password")
    page.keyboard.type(PASSWORD)
    with page.expect_download() as download:
        page.keyboard.press("Enter")  # confirmed, back to the download
    content = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "Scientific Officer" in content and "2025" in content
