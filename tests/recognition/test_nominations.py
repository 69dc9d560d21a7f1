"""Prizes and nominations (3D): draft, the nominee's agreement, submission, outcome; the prize
measure and the celebration feed follow; refusals (after the deadline, without agreement)."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from core import metrics
from notifications.models import Notification
from people import selectors as people_selectors
from people import services as people_services
from people.models import Celebration
from recognition import services
from recognition.models import Nomination, NominationTransition
from tests.conftest import client_for

from .conftest import make_prize, paper

pytestmark = pytest.mark.django_db

# Next year's round, so that pages (which use today's date) are before its deadlines.
YEAR = timezone.localdate().year + 1
BEFORE = date(YEAR, 3, 1)


def draft(prize, nominee, by, **kwargs):
    return services.nomination_draft(
        prize=prize,
        year=kwargs.pop("year", YEAR),
        nominee=nominee,
        category=kwargs.pop("category", ""),
        citation="Ran the organoid platform single-handed through the move.",
        by=by,
        today=kwargs.pop("today", BEFORE),
    )


def measure(institution):
    return metrics.get("recognition.prize_nominees")(
        institution=institution, start=date(YEAR, 1, 1), end=date(YEAR, 12, 31)
    )


def test_a_nomination_goes_from_draft_to_submitted_to_won_and_the_measure_and_feed_follow(
    institution, technician, manager, programme_manager, django_capture_on_commit_callbacks
):
    papin = make_prize(institution, "Papin Prize", month=6, day=30)
    rita = make_prize(
        institution, "RITA awards", month=9, day=15, categories="Technician of the Year\nApprentice of the Year"
    )
    make_prize(institution, "Internal award (not listed)", month=4, day=1, listed=False)
    # Hand-computed: two listed prizes with a deadline in the year, no nominee yet: 0 of 2.
    assert (measure(institution).value, measure(institution).detail) == (
        0,
        "0 of 2 prize rounds had a nominee (none yet for: Papin Prize, RITA awards)",
    )

    with django_capture_on_commit_callbacks(execute=False):
        nomination = draft(papin, technician, manager.user)
    assert nomination.state == Nomination.State.DRAFT
    asked = Notification.objects.get(kind="recognition.nomination_agreement")
    assert (asked.recipient, asked.idempotency_key) == (
        technician.user,
        f"recognition.nomination_agreement:{nomination.pk}",
    )
    assert measure(institution).value == 0  # a draft is not a nominee

    with pytest.raises(ValidationError, match="has not agreed to the nomination yet"):
        services.nomination_submit(nomination=nomination, by=manager.user, today=BEFORE)

    client = client_for(technician)
    assert client.post(reverse("recognition:nomination_agree", args=[nomination.pk])).status_code == 302
    assert client_for(manager).post(reverse("recognition:nomination_submit", args=[nomination.pk])).status_code == 302
    nomination.refresh_from_db()
    assert nomination.state == Nomination.State.SUBMITTED
    # Hand-computed: Papin has a nominee, RITA not: 1 of 2 = 0.5.
    result = measure(institution)
    assert (result.value, result.numerator, result.denominator) == (0.5, 1, 2)

    response = client_for(programme_manager).post(
        reverse("recognition:nomination_decide", args=[nomination.pk]), {"outcome": "won"}
    )
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.state == Nomination.State.WON
    assert list(NominationTransition.objects.filter(nomination=nomination).values_list("from_state", "to_state")) == [
        ("", "draft"),
        ("draft", "submitted"),
        ("submitted", "won"),
    ]
    assert measure(institution).value == 0.5  # a win is still one nominee

    celebration = Celebration.objects.get(source=f"recognition.Nomination:{nomination.pk}")
    assert (celebration.kind, celebration.person, celebration.consent) == (
        Celebration.Kind.PRIZE,
        technician,
        Celebration.Consent.ASKED,
    )
    assert celebration.title == f"{technician.name} won the Papin Prize {YEAR}"
    assert not people_selectors.celebrations().exists()  # nothing shown before the person agrees
    people_services.celebration_consent_set(celebration=celebration, by=technician.user, publish=True)
    assert list(people_selectors.celebrations()) == [celebration]

    # RITA gets a nominee too: 2 of 2.
    rita_nomination = draft(rita, technician, programme_manager.user, category="Technician of the Year")
    services.nomination_agree(nomination=rita_nomination, by=technician.user)
    services.nomination_submit(nomination=rita_nomination, by=programme_manager.user, today=BEFORE)
    assert measure(institution).value == 1


def test_a_nomination_after_the_deadline_is_refused_and_nothing_is_saved(institution, technician, manager):
    papin = make_prize(institution, month=6, day=30)
    response = client_for(manager).post(
        reverse("recognition:nomination_new"),
        {"prize": papin.pk, "year": 2020, "nominee": technician.pk, "citation": "Great work."},
    )
    assert "Nominations for the Papin Prize 2020 closed on 30 June 2020; choose next year&#x27;s round." in (
        response.content.decode()
    )
    assert not Nomination.objects.exists()
    nomination = draft(papin, technician, manager.user)
    services.nomination_agree(nomination=nomination, by=technician.user)
    with pytest.raises(ValidationError, match=f"closed on 30 June {YEAR}"):
        services.nomination_submit(nomination=nomination, by=manager.user, today=date(YEAR, 7, 1))
    nomination.refresh_from_db()
    assert nomination.state == Nomination.State.DRAFT and nomination.submitted_on is None


def test_a_category_must_be_one_of_the_prizes(institution, technician, manager):
    rita = make_prize(institution, "RITA awards", categories="Technician of the Year")
    with pytest.raises(ValidationError, match="Choose one of the prize's categories: Technician of the Year."):
        draft(rita, technician, manager.user, category="Best poster")


def test_only_the_nominee_agrees_and_only_managers_or_the_coordinator_submit(institution, technician, manager, mentor):
    nomination = draft(make_prize(institution), technician, manager.user)
    with pytest.raises(PermissionDenied):
        services.nomination_agree(nomination=nomination, by=manager.user)
    services.nomination_agree(nomination=nomination, by=technician.user)
    with pytest.raises(PermissionDenied):
        services.nomination_submit(nomination=nomination, by=technician.user, today=BEFORE)
    assert client_for(mentor).get(nomination.get_absolute_url()).status_code == 404


def test_a_technician_cannot_draft_a_nomination(technician):
    assert client_for(technician).get(reverse("recognition:nomination_new")).status_code == 403


def test_celebrating_ones_own_output_needs_the_consent_box(technician):
    output = paper(technician, title="Our organoid atlas")
    url = reverse("recognition:output_celebrate", args=[output.pk])
    refused = client_for(technician).post(url, {})
    assert "Tick the box to agree to your name and this output being celebrated." in refused.content.decode()
    assert not Celebration.objects.exists()
    client_for(technician).post(url, {"consent": "on"})
    celebration = Celebration.objects.get(source=f"recognition.Output:{output.pk}")
    assert (celebration.kind, celebration.consent) == (Celebration.Kind.PUBLICATION, Celebration.Consent.GIVEN)


def test_a_manager_proposing_a_celebration_asks_the_person_first(technician, manager):
    output = paper(technician, title="Our organoid atlas")
    client_for(manager).post(reverse("recognition:output_celebrate", args=[output.pk]), {})
    celebration = Celebration.objects.get()
    assert celebration.consent == Celebration.Consent.ASKED
    assert not people_selectors.celebrations().exists()


def test_the_prize_overview_shows_each_prize_and_whether_it_had_a_nominee(
    institution, technician, manager, programme_manager
):
    papin = make_prize(institution, "Papin Prize")
    make_prize(institution, "RITA awards", month=9, day=15)
    nomination = draft(papin, technician, manager.user)
    services.nomination_agree(nomination=nomination, by=technician.user)
    services.nomination_submit(nomination=nomination, by=manager.user, today=BEFORE)
    page = client_for(programme_manager).get(reverse("recognition:prizes"), {"year": YEAR}).content.decode()
    assert f"1 of 2 listed prizes had at least one nominee in {YEAR}" in page


def test_prize_deadlines_are_listed_in_the_opportunities_bulletin(institution, technician):
    from core.opportunities import opportunities_for

    make_prize(institution, "Papin Prize", month=6, day=30, categories="Technician of the Year")
    make_prize(institution, "Unlisted award", listed=False)
    today = date(YEAR, 3, 1)
    found = [o for o in opportunities_for(technician.user, today=today) if o.kind == "prize"]
    assert [(o.title, o.deadline, o.summary) for o in found] == [
        ("Papin Prize", date(YEAR, 6, 30), "Technician of the Year")
    ]
