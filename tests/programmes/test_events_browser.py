"""Events and the bulletin in a real browser, at desktop width and at 390 px."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from programmes.models import BulletinClick, BulletinPost, Event, Registration
from tests.conftest import sign_in
from tests.factories import staff
from tests.programmes.conftest import CohortFactory, EventFactory, ProgrammeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_partner_finds_an_opened_event_on_the_bulletin_and_registers(
    browser_page, institution, partner, programme_manager, live_server, tmp_path
):
    crick_technician = staff(partner, job_title="Imaging technician")
    EmailAddress.objects.create(
        user=crick_technician.user, email=crick_technician.user.email, verified=True, primary=True
    )
    CohortFactory(programme=ProgrammeFactory(institution=institution, title="Ignite", open_to_partners=True))
    event = EventFactory(
        institution=institution,
        title="Cryo-EM open day",
        audience=Event.Audience.PARTNERS,
        capacity=1,
        starts_at=timezone.now() + timedelta(days=4),
        ends_at=timezone.now() + timedelta(days=4, hours=3),
    )
    BulletinPost.objects.create(
        institution=partner, title="Crick secondment", summary="Six months.", url="https://crick.example/x"
    )
    page = browser_page
    sign_in(page, crick_technician.user.email)
    page.wait_for_url("**/")
    page.goto(live_server.url + "/programmes/bulletin/")
    page.screenshot(path=str(tmp_path / "bulletin.png"), full_page=True)
    page.get_by_role("link", name="Cryo-EM open day").click()
    assert BulletinClick.objects.filter(person=crick_technician, opportunity=f"programmes.event:{event.pk}").exists()
    page.get_by_role("button", name="Register").click()
    assert "You have a place at Cryo-EM open day." in page.inner_text("main")
    assert "Registered" in page.get_by_test_id("my-registration").inner_text()
    assert Registration.objects.get(event=event, person=crick_technician).state == Registration.State.REGISTERED

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/programmes/events/?show=")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.get_by_test_id("places").inner_text() == "0 of 1 places left"  # the host's registrations count
    page.screenshot(path="/tmp/events-390.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/programmes/bulletin/")
    page.screenshot(path="/tmp/bulletin-1280.png", full_page=True)
