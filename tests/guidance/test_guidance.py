"""Versioned guidance pages: versions by date and audience, history, yearly reviews and their reminder."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from guidance import services, tasks
from guidance.models import GuidancePage, GuidanceReview, GuidanceVersion
from notifications.models import Notification
from people import roles
from tests.conftest import client_for
from tests.factories import staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme_manager(institution):
    return staff(institution, groups=[roles.PROGRAMME_MANAGER])


@pytest.fixture
def guide(institution, programme_manager):
    return services.ensure_page(
        institution=institution,
        slug="registration-guide",
        title="Professional registration guide",
        body="Version one text.",
        effective_from=date(2025, 1, 6),
        owner=programme_manager,
    )


def test_ensure_page_makes_one_page_and_one_first_version(institution, guide):
    again = services.ensure_page(institution=institution, slug="registration-guide", title="Other", body="Other")
    assert again.pk == guide.pk
    assert [(v.number, v.body) for v in GuidanceVersion.objects.all()] == [(1, "Version one text.")]


def test_the_page_shows_the_version_in_effect_per_audience_and_keeps_the_history(guide, technician):
    today = timezone.localdate()
    services.publish_version(
        page=guide, audience="everyone", effective_from=today, body="Version two: costs and timelines."
    )
    services.publish_version(
        page=guide, audience="managers", effective_from=today, body="For managers: how to support."
    )
    services.publish_version(
        page=guide, audience="everyone", effective_from=today + timedelta(days=30), body="Not yet."
    )
    page = client_for(technician).get(reverse("guidance:page", args=["registration-guide"])).text
    assert "Version two: costs and timelines." in page and "For managers: how to support." in page
    assert "Not yet." not in page and "Version one text." not in page
    assert "Version 4" in page  # listed in the history, though not in effect yet
    old = client_for(technician).get(reverse("guidance:version", args=["registration-guide", 1])).text
    assert "Version one text." in old and "6 January 2025" in old


def test_hr_and_programme_managers_write_versions_technicians_cannot(guide, technician, hr):
    url = reverse("guidance:version_create", args=["registration-guide"])
    refused = client_for(technician).post(url, {"audience": "everyone", "effective_from": "2026-01-01", "body": "x"})
    assert refused.status_code == 403
    response = client_for(hr).post(
        url,
        {"audience": "everyone", "effective_from": "2026-01-01", "body": "Fees for 2026.", "change_note": "2026 fees"},
    )
    assert response.status_code == 302
    assert guide.versions.get(number=2).body == "Fees for 2026."


def test_bad_input_is_refused_beside_the_field_and_nothing_saved(guide, hr, institution):
    response = client_for(hr).post(
        reverse("guidance:review_create", args=["registration-guide"]),
        {"reviewed_on": (timezone.localdate() + timedelta(days=3)).isoformat(), "outcome": "no_change", "notes": "x"},
    )
    assert "A review cannot be dated in the future." in response.text and "There is a problem" in response.text
    assert not GuidanceReview.objects.exists()
    response = client_for(hr).post(
        reverse("guidance:page_create"),
        {"title": "Another", "slug": "registration-guide", "summary": "", "review_every_months": 12, "body": "x"},
    )
    assert "Another page already uses this short name." in response.text
    assert GuidancePage.objects.count() == 1


def test_another_institutions_page_is_a_404(guide, other_institution):
    outsider = staff(other_institution, groups=[roles.HR])
    assert client_for(outsider).get(reverse("guidance:page", args=["registration-guide"])).status_code == 404
    assert client_for(outsider).get(reverse("guidance:version", args=["registration-guide", 1])).status_code == 404


def test_the_review_reminder_goes_once_to_the_keeper_30_days_ahead(guide, programme_manager, hr, monkeypatch):
    # First published 6 January 2025, never reviewed: due 6 January 2026.
    monkeypatch.setattr(timezone, "localdate", lambda: date(2025, 12, 7))
    tasks.send_review_reminders.delay()
    tasks.send_review_reminders.delay()
    sent = Notification.objects.filter(kind="guidance.review_due")
    assert [(n.recipient, n.context["due"]) for n in sent] == [(programme_manager.user, "6 January 2026")]

    services.record_review(
        page=guide, reviewed_on=date(2025, 12, 7), outcome="no_change", notes="Still right", by=hr.user
    )
    tasks.send_review_reminders.delay()
    assert sent.count() == 1  # next due 7 December 2026: not yet


def test_not_due_yet_sends_nothing(guide, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda: date(2025, 12, 6))  # due 6 January: 31 days ahead
    tasks.send_review_reminders.delay()
    assert not Notification.objects.filter(kind="guidance.review_due").exists()


@pytest.mark.parametrize("versions", [2, 20])
def test_the_page_takes_the_same_queries_for_2_and_20_versions(versions, guide, hr, django_assert_num_queries):
    for n in range(versions - 1):
        services.publish_version(
            page=guide, audience="everyone", effective_from=date(2025, 2, 1), body=f"v{n}", by=hr.user
        )
        services.record_review(page=guide, reviewed_on=date(2025, 3, 1), outcome="no_change", notes="ok", by=hr.user)
    client = client_for(hr)
    client.get(reverse("guidance:page", args=["registration-guide"]))
    with django_assert_num_queries(7):
        response = client.get(reverse("guidance:page", args=["registration-guide"]))
    assert response.text.count("Version ") >= versions


def test_a_new_page_names_its_owner_by_work_e_mail_address(institution, other_institution, programme_manager):
    hr = staff(institution, groups=[roles.HR])
    outsider = staff(other_institution)
    data = {
        "title": "Apprenticeships",
        "slug": "apprenticeships",
        "summary": "",
        "review_every_months": 12,
        "body": "x",
    }
    refused = client_for(hr).post(reverse("guidance:page_create"), {**data, "owner": outsider.user.email})
    assert "No one at your institution has this e-mail address in TechCareers" in refused.text
    assert not GuidancePage.objects.exists()
    client_for(hr).post(reverse("guidance:page_create"), {**data, "owner": programme_manager.user.email})
    assert GuidancePage.objects.get().owner == programme_manager
