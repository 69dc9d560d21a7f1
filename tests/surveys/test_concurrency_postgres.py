"""Two submissions at once from the same person: exactly one response, on PostgreSQL."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from core.tenancy import in_institution
from surveys import services
from surveys.models import Answer, Participation, Response

from .conftest import answers_for

pytestmark = pytest.mark.django_db(transaction=True)

AT_ONCE = 8


def test_simultaneous_submissions_record_one_response(annual, technician, institution):
    if connection.vendor != "postgresql":
        pytest.skip("Run with DATABASE_URL=postgres://... to prove the race on the real database.")
    invitation = annual.invitations.select_related("survey", "person__job_family").get(person=technician)
    answers = answers_for(annual)
    barrier = threading.Barrier(AT_ONCE)
    outcomes, errors = [], []

    def submit():
        barrier.wait()
        with in_institution(institution):
            try:
                services.survey_answer(invitation=invitation, answers=answers)
                outcomes.append("recorded")
            except ValidationError as error:
                outcomes.append("refused" if services.ALREADY_ANSWERED in error.messages else repr(error))
            except Exception as error:  # any other failure must fail the test, not vanish in a thread
                errors.append(repr(error))
            finally:
                connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(AT_ONCE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(outcomes) == ["recorded"] + ["refused"] * (AT_ONCE - 1)
    assert Participation.objects.filter(survey=annual).count() == 1
    assert Response.objects.filter(survey=annual).count() == 1
    # The losers' answers rolled back with their participation: one response's worth of answers.
    assert Answer.objects.filter(response__survey=annual, question__kind="likert").count() == 1
