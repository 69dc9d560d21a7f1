"""Who sees what: acknowledgement cases are the reporter's and the coordinator's alone; another
institution's objects are 404s; prizes are the coordinator's to change."""

import pytest
from django.urls import reverse

from recognition import services
from recognition.models import AcknowledgementCase, Prize
from tests.conftest import client_for

from .conftest import make_prize, paper

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(technician):
    return services.case_report(
        person=technician,
        work="Organoid atlas paper",
        credit=AcknowledgementCase.Credit.NOT_AT_ALL,
        account="I built the pipeline; the paper thanks nobody.",
        may_use_anonymously=False,
    )


def test_a_case_is_seen_by_the_reporter_and_the_coordinator_only(case, technician, programme_manager, manager, hr):
    assert "I built the pipeline" in client_for(technician).get(case.get_absolute_url()).content.decode()
    assert "I built the pipeline" in client_for(programme_manager).get(case.get_absolute_url()).content.decode()
    assert client_for(manager).get(case.get_absolute_url()).status_code == 404
    assert client_for(hr).get(case.get_absolute_url()).status_code == 404
    assert "Organoid atlas paper" not in client_for(manager).get(reverse("recognition:cases")).content.decode()


def test_a_case_becomes_an_example_only_with_the_reporters_agreement(case, programme_manager, technician):
    client = client_for(programme_manager)
    response = client.post(case.get_absolute_url(), {"example": "bad", "coordinator_note": "Raised with the PI."})
    assert "The reporter did not agree to this being used as an example." in response.content.decode()
    case.refresh_from_db()
    assert (case.example, case.coordinator_note) == ("", "")
    client.post(case.get_absolute_url(), {"example": "", "coordinator_note": "Raised with the PI."})
    case.refresh_from_db()
    assert case.coordinator_note == "Raised with the PI."
    assert client_for(technician).post(case.get_absolute_url(), {"example": ""}).status_code == 403


def test_a_case_needs_an_account(technician):
    response = client_for(technician).post(
        reverse("recognition:case_new"), {"work": "Paper", "credit": "fairly", "account": "  "}
    )
    assert "There is a problem" in response.content.decode()
    assert not AcknowledgementCase.objects.exists()


def test_another_institutions_people_get_404s(case, technician, outsider, institution):
    output = paper(technician)
    client = client_for(outsider)
    assert client.get(output.get_absolute_url()).status_code == 404
    assert client.get(case.get_absolute_url()).status_code == 404
    assert output.title not in client.get(reverse("recognition:outputs")).content.decode()


def test_only_the_coordinator_lists_prizes(institution, technician, programme_manager):
    prize = make_prize(institution)
    assert client_for(technician).get(reverse("recognition:prize_new")).status_code == 403
    assert client_for(technician).get(reverse("recognition:prize_edit", args=[prize.pk])).status_code == 403
    response = client_for(programme_manager).post(
        reverse("recognition:prize_new"),
        {"name": "RITA awards", "scope": "external", "deadline_month": 2, "deadline_day": 31, "listed": "on"},
    )
    assert "That month has no such day." in response.content.decode()
    assert Prize.objects.count() == 1
