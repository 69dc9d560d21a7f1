"""The workflow's guarantees: one active mentor per purpose, capacity, refusals that say why."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from mentoring import services
from mentoring.models import Purpose, Relationship
from tests.factories import staff
from tests.mentoring.conftest import grade, make_mentor, request_and_accept

pytestmark = pytest.mark.django_db
State = Relationship.State


def test_the_database_refuses_a_second_active_mentor_for_the_same_purpose(technician, senior_mentor, institution):
    request_and_accept(technician, senior_mentor)
    other = make_mentor(staff(institution))
    with pytest.raises(IntegrityError), transaction.atomic():
        Relationship.objects.create(
            institution=institution,
            mentee=technician,
            mentor=other.person,
            purpose=Purpose.PROMOTION,
            hopes="x",
            state=State.ACTIVE,
            requested_on="2026-01-01",
        )


def test_asking_for_a_second_mentor_for_the_same_purpose_says_why(technician, senior_mentor, institution):
    request_and_accept(technician, senior_mentor)
    other = make_mentor(staff(institution))
    with pytest.raises(ValidationError, match="already has a mentor for promotion"):
        services.relationship_request(
            mentee=technician, mentor=other, purpose=Purpose.PROMOTION, hopes="x", by=technician.user
        )
    # Another purpose is fine.
    other_purpose = services.relationship_request(
        mentee=technician, mentor=senior_mentor, purpose=Purpose.REGISTRATION, hopes="x", by=technician.user
    )
    assert other_purpose.state == State.REQUESTED


def test_a_mentor_at_capacity_cannot_accept(institution, so_family, senior_mentor):
    mentees = [staff(institution, job_family=so_family, grade=grade(so_family, "SO")) for _ in range(3)]
    waiting = [
        services.relationship_request(mentee=m, mentor=senior_mentor, purpose=Purpose.PROMOTION, hopes="x", by=m.user)
        for m in mentees
    ]
    for relationship in waiting[:2]:
        services.relationship_accept(relationship=relationship, by=senior_mentor.person.user)
    with pytest.raises(services.MentorFull, match="as many as they offered to take"):
        services.relationship_accept(relationship=waiting[2], by=senior_mentor.person.user)
    waiting[2].refresh_from_db()
    assert waiting[2].state == State.REQUESTED
    assert Relationship.objects.filter(mentor=senior_mentor.person, state=State.ACTIVE).count() == 2


def test_a_full_mentor_gets_no_new_requests_and_the_pairing_respects_capacity_too(
    institution, so_family, senior_mentor, programme_manager
):
    senior_mentor.capacity = 1
    senior_mentor.save()
    first, second = (staff(institution, job_family=so_family, grade=grade(so_family, "SO")) for _ in range(2))
    request_and_accept(first, senior_mentor)
    with pytest.raises(services.MentorFull):
        services.relationship_request(
            mentee=second, mentor=senior_mentor, purpose=Purpose.PROMOTION, hopes="x", by=second.user
        )
    with pytest.raises(services.MentorFull):
        services.relationship_pair(
            mentee=second, mentor=senior_mentor, purpose=Purpose.PROMOTION, hopes="x", by=programme_manager.user
        )
    assert not Relationship.objects.filter(mentee=second).exists()


def test_someone_else_cannot_ask_on_the_mentees_behalf(technician, senior_mentor, manager):
    with pytest.raises(PermissionDenied):
        services.relationship_request(
            mentee=technician, mentor=senior_mentor, purpose=Purpose.PROMOTION, hopes="x", by=manager.user
        )
    assert not Relationship.objects.exists()


def test_a_mentor_not_taking_mentees_cannot_be_asked(technician, senior_mentor):
    senior_mentor.available = False
    senior_mentor.save()
    with pytest.raises(ValidationError, match="not taking new mentees"):
        services.relationship_request(
            mentee=technician, mentor=senior_mentor, purpose=Purpose.PROMOTION, hopes="x", by=technician.user
        )


def test_a_purpose_the_mentor_does_not_offer_is_refused(technician, senior_mentor):
    with pytest.raises(ValidationError, match="does not mentor for apprenticeship"):
        services.relationship_request(
            mentee=technician, mentor=senior_mentor, purpose=Purpose.APPRENTICESHIP, hopes="x", by=technician.user
        )


def test_the_mentee_withdraws_a_waiting_request_and_may_ask_again(technician, senior_mentor):
    relationship = services.relationship_request(
        mentee=technician, mentor=senior_mentor, purpose=Purpose.PROMOTION, hopes="x", by=technician.user
    )
    services.relationship_withdraw(relationship=relationship, by=technician.user)
    relationship.refresh_from_db()
    assert relationship.state == State.WITHDRAWN
    again = services.relationship_request(
        mentee=technician, mentor=senior_mentor, purpose=Purpose.PROMOTION, hopes="y", by=technician.user
    )
    assert again.state == State.REQUESTED


def test_feedback_is_given_once_per_side_and_only_after_the_end(technician, senior_mentor):
    relationship = request_and_accept(technician, senior_mentor)
    with pytest.raises(ValidationError, match="once the mentoring has ended"):
        services.feedback_give(relationship=relationship, author=technician, rating=5, comments="x")
    services.relationship_close(
        relationship=relationship, outcome=State.COMPLETED, by=technician.user, rating=5, comments="Good."
    )
    with pytest.raises(ValidationError, match="already given"):
        services.feedback_give(relationship=relationship, author=technician, rating=4, comments="Again.")
    services.feedback_give(relationship=relationship, author=senior_mentor.person, rating=4, comments="Fine.")
    assert relationship.feedback.count() == 2


def test_lowering_capacity_below_current_mentees_drops_nobody(institution, so_family, senior_mentor):
    for _ in range(2):
        request_and_accept(staff(institution, job_family=so_family, grade=grade(so_family, "SO")), senior_mentor)
    services.mentor_profile_save(
        person=senior_mentor.person, available=True, capacity=1, bio="x", purposes=[Purpose.PROMOTION]
    )
    assert Relationship.objects.filter(mentor=senior_mentor.person, state=State.ACTIVE).count() == 2


def test_the_request_and_its_outbox_row_are_written_in_one_transaction(
    technician, senior_mentor, django_capture_on_commit_callbacks
):
    from notifications.models import Notification

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        relationship = services.relationship_request(
            mentee=technician, mentor=senior_mentor, purpose=Purpose.PROMOTION, hopes="x", by=technician.user
        )
        message = Notification.objects.get(kind="mentoring.request_received")
    assert message.recipient == senior_mentor.person.user
    assert message.idempotency_key == f"mentoring.request_received:{relationship.pk}"
    assert len(callbacks) == 1  # delivery is queued for after the commit; the row is already there


def test_a_second_request_for_the_same_purpose_waits_for_the_first(technician, senior_mentor, institution):
    services.relationship_request(
        mentee=technician, mentor=senior_mentor, purpose=Purpose.PROMOTION, hopes="x", by=technician.user
    )
    other = make_mentor(staff(institution))
    with pytest.raises(ValidationError, match="waiting for an answer"):
        services.relationship_request(
            mentee=technician, mentor=other, purpose=Purpose.PROMOTION, hopes="x", by=technician.user
        )
    assert Relationship.objects.filter(mentee=technician).count() == 1
