"""HR in Chromium: uploads the staff list, reads the bad rows, confirms; then a person's data page.

Each page passes the accessibility sweep's checks (axe, no console error, nothing too wide at
390 px); screenshots at 1280 and 390 px go to SCREENSHOTS when it is set.
"""

import os
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from people.models import StaffImport, StaffProfile
from tests.accessibility.crawler import Crawl
from tests.conftest import sign_in
from tests.people.test_staff_import import HEADER

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WHERE = "Cancer Biology,Scientific Officer,SO"


def _shots(page, name):
    folder = os.environ.get("SCREENSHOTS")
    if not folder:
        return
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(Path(folder) / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_hr_imports_the_staff_list_and_opens_a_person_s_data_in_the_browser(
    browser_page, hr, technician, division, so_family, tmp_path
):
    EmailAddress.objects.create(user=hr.user, email=hr.user.email, verified=True, primary=True)
    staff_list = tmp_path / "staff.csv"
    staff_list.write_text(
        "\n".join(
            [
                HEADER,
                f"N1,Ada Newstarter,ada.newstarter@icr.ac.uk,{WHERE},,2026-01-05,,Fixed-term",
                "N2,Ben Nowhere,ben.nowhere@icr.ac.uk,Atlantis,Scientific Officer,SO,N1,2026-01-05,,",
                'N3,"=HYPERLINK(""http://evil.example"")",n3@icr.ac.uk,Cancer Biology,Scientific Officer,SO,,,,',
            ]
        )
        + "\n"
    )
    page = browser_page
    crawl = Crawl(page, page.url, who="hr")
    sign_in(page, hr.user.email)
    page.wait_for_url("**/")
    page.get_by_role("button", name="People").click()
    page.get_by_role("link", name="Import staff").click()
    crawl.check("staff import")
    _shots(page, "staff-import-upload")
    page.set_input_files("#id_file", str(staff_list))
    page.click("main form button[type=submit]")
    page.wait_for_url("**/import/*/")
    page.wait_for_selector("[data-testid=bad-rows]")
    assert page.inner_text("[data-testid=good-count]") == "1 good row"
    assert page.inner_text("[data-testid=bad-count]") == "2 bad rows"
    table = page.inner_text("[data-testid=bad-rows]")
    assert "Unknown division: “Atlantis”" in table and "Formula cell in name" in table
    assert "'=HYPERLINK" in table
    assert not StaffProfile.objects.filter(staff_number="N1").exists()
    crawl.check("import result")
    _shots(page, "staff-import-result")

    page.click("text=Import the 1 good row")
    page.wait_for_selector("text=Imported: 1 new")
    assert StaffProfile.objects.get(staff_number="N1").user.email == "ada.newstarter@icr.ac.uk"
    assert StaffImport.objects.get().stage == "imported"

    page.goto(reverse("people:profile", args=[technician.pk]))
    page.click("main >> text=Personal data")
    page.wait_for_url(f"**{reverse('people:personal_data_person', args=[technician.pk])}")
    assert "this person has no leaving date" in page.inner_text("[data-testid=erasure]")
    crawl.check("personal data")
    _shots(page, "personal-data-person")
    main_menu = page.get_by_role("navigation", name="Main")
    main_menu.get_by_role("button", name="People").click()
    main_menu.get_by_role("link", name="Personal data requests").click()
    page.fill("#id_q", technician.user.last_name)
    page.click("main form button[type=submit]")
    assert str(technician) in page.inner_text("[data-testid=found]")
    crawl.check("personal data requests")
    _shots(page, "personal-data-requests")
    assert not crawl.problems, "\n".join(crawl.problems)
