"""A technician answers the annual survey in the browser; the programme manager reads the results."""

import os

import pytest
from allauth.account.models import EmailAddress

from surveys import services
from surveys.models import Participation, Response
from tests.conftest import sign_in
from tests.factories import staff

from .conftest import answers_for, make_survey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def check_page(page, name):
    """axe's WCAG 2.2 AA checks on the page's own content, at 1280 px and on a phone."""
    from axe_playwright_python.sync_playwright import Axe

    for width, height, size in ((1280, 900, "1280"), (390, 844, "phone")):
        page.set_viewport_size({"width": width, "height": height})
        results = Axe().run(
            page, context="main", options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag22aa"]}}
        )
        assert results.violations_count == 0, results.generate_report()
        if os.environ.get("SCREENSHOTS"):
            page.screenshot(path=os.path.join(os.environ["SCREENSHOTS"], f"{name}-{size}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def verified(*profiles):
    for profile in profiles:
        EmailAddress.objects.create(user=profile.user, email=profile.user.email, verified=True, primary=True)


def test_technician_answers_from_the_dashboard_and_the_manager_sees_the_chart_and_table(
    browser_page, institution, technician, programme_manager, so_family
):
    verified(technician, programme_manager)
    others = [staff(institution, job_family=so_family) for _ in range(7)]  # with the technician, 8: shown
    survey = make_survey(institution, by=programme_manager.user)
    services.survey_publish(survey=survey)
    for person in others:
        services.survey_answer(invitation=survey.invitations.get(person=person), answers=answers_for(survey))
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, technician.user.email)
    page.wait_for_url("**/")
    page.locator("[data-testid=surveys-waiting]").get_by_role("link", name=survey.title).click()
    page.wait_for_url(f"**/surveys/{survey.pk}/answer/")
    page.get_by_label("Agree", exact=True).check()
    page.get_by_label("Higher grade").check()
    page.get_by_label("Mentoring").check()
    page.get_by_label("Development days last year").fill("45")
    page.click("main form button[type=submit]")
    assert "Give a number of at most 30." in page.inner_text("main form")
    check_page(page, "answer")
    assert not Participation.objects.filter(person=technician).exists()
    page.get_by_label("Development days last year").fill("6")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/surveys/")
    assert "your answers to" in page.inner_text("main")
    assert Response.objects.filter(survey=survey).count() == 8

    page.context.clear_cookies()
    sign_in(page, programme_manager.user.email)
    page.wait_for_url("**/")
    page.goto(f"/surveys/manage/{survey.pk}/results/")
    assert "about 10 responses from" in page.inner_text("[data-testid=rate]")  # 8, rounded to the nearest 5
    page.wait_for_function("() => !!Chart.getChart(document.querySelector('canvas'))")
    table = page.locator("table", has_text="Strongly disagree").first
    assert "Agree" in table.inner_text()
    check_page(page, "results")
    page.goto(f"/surveys/manage/{survey.pk}/")
    check_page(page, "detail")
    page.goto("/surveys/manage/")
    check_page(page, "list")
