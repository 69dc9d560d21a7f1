"""The programme evaluation's pages (1B) pass the same checks as the crawl (axe-core WCAG 2.2 AA, no
console error, no CSP violation, empty forms answered accessibly) for the participant and for their
line manager, whose answer page is about one report: pages the demo crawl does not reach."""

from datetime import timedelta

import pytest
from django.utils import timezone

from programmes import services
from programmes.models import Application
from tests.accessibility.crawler import Crawl
from tests.accessibility.test_every_page import _report
from tests.conftest import sign_in
from tests.programmes.conftest import CohortFactory, ProgrammeFactory, SessionFactory, make_application

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("who", ["participant", "line manager"])
def test_the_evaluation_pages_are_accessible(browser_page, live_server, institution, technician, manager, who):
    from tests.factories import staff

    programme_manager = staff(institution, groups=["Programme manager"])
    cohort = CohortFactory(programme=ProgrammeFactory(institution=institution, open_to_partners=True))
    application = make_application(cohort, technician, Application.State.ACCEPTED)
    session = SessionFactory(cohort=cohort, starts_at=timezone.now() - timedelta(hours=3))
    services.attendance_record(session=session, present_application_ids=[application.pk], by=programme_manager.user)
    participants, managers = services.cohort_evaluation_surveys(cohort=cohort)
    person, answer_url = (
        (technician, f"/surveys/{participants.pk}/answer/")
        if who == "participant"
        else (manager, f"/surveys/{managers.pk}/answer/about/{technician.pk}/")
    )
    crawl = Crawl(browser_page, live_server.url, who=who)
    sign_in(browser_page, person.user.email)
    for url in ("/surveys/", application.get_absolute_url(), answer_url):
        crawl.visit(url)
    crawl.submit_forms_empty(answer_url)
    assert not crawl.problems, _report(crawl)
