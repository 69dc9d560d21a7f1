"""The issue's "done when", through the pages: ask, accept, two meetings, complete with feedback."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from mentoring.models import Feedback, Meeting, Relationship, RelationshipTransition
from notifications.models import Notification
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
State = Relationship.State


def test_a_mentee_asks_is_accepted_logs_two_meetings_and_completes_with_feedback(technician, senior_mentor):
    mentee_client, mentor_client = client_for(technician), client_for(senior_mentor.person)
    today = timezone.localdate()

    # The mentee finds the mentor among the suggestions for promotion.
    page = mentee_client.get(reverse("mentoring:find"), {"purpose": "promotion"})
    assert page.status_code == 200
    assert [s.mentor.pk for s in page.context["suggestions"]] == [senior_mentor.pk]
    assert "One grade above yours (SSO)" in page.content.decode()

    # ... asks ...
    response = mentee_client.post(
        reverse("mentoring:mentor", args=[senior_mentor.pk]),
        {"purpose": "promotion", "hopes": "Prepare my SSO promotion case."},
    )
    relationship = Relationship.objects.get(mentee=technician)
    assert response.status_code == 302 and response.url == relationship.get_absolute_url()
    assert relationship.state == State.REQUESTED and relationship.requested_on == today
    assert Notification.objects.filter(recipient=senior_mentor.person.user, kind="mentoring.request_received").exists()

    # ... the mentor sees the request on their dashboard and accepts ...
    home = mentor_client.get(reverse("home")).content.decode()
    assert "Waiting for your answer" in home and str(technician) in home
    response = mentor_client.post(reverse("mentoring:accept", args=[relationship.pk]))
    assert response.status_code == 302
    relationship.refresh_from_db()
    assert relationship.state == State.ACTIVE and relationship.started_on == today
    assert Notification.objects.filter(recipient=technician.user, kind="mentoring.request_accepted").exists()

    # ... both log a meeting ...
    for client, days, notes in ((mentee_client, 14, "Went through the criteria."), (mentor_client, 0, "Draft read.")):
        relationship.started_on = today - timedelta(days=30)
        Relationship.objects.filter(pk=relationship.pk).update(started_on=relationship.started_on)
        response = client.post(
            reverse("mentoring:meeting_log", args=[relationship.pk]),
            {"met_on": (today - timedelta(days=days)).isoformat(), "notes": notes},
        )
        assert response.status_code == 302
    assert Meeting.objects.filter(relationship=relationship).count() == 2
    page = mentee_client.get(relationship.get_absolute_url()).content.decode()
    assert "Went through the criteria." in page and "Draft read." in page
    relationship.refresh_from_db()
    assert relationship.last_contact_on == today

    # ... the mentor's dashboard lists the mentee ...
    panel = mentor_client.get(reverse("home"))
    assert str(technician) in panel.content.decode()
    assert 'data-testid="mentees"' in panel.content.decode()

    # ... the mentee completes it with feedback; the mentor is asked for theirs and gives it.
    response = mentee_client.post(
        reverse("mentoring:close", args=[relationship.pk]),
        {"outcome": "completed", "reason": "", "rating": "5", "comments": "My case went in on time."},
    )
    assert response.status_code == 302
    relationship.refresh_from_db()
    assert relationship.state == State.COMPLETED and relationship.ended_on == today
    assert Notification.objects.filter(recipient=senior_mentor.person.user, kind="mentoring.ended").exists()
    response = mentor_client.post(
        reverse("mentoring:feedback", args=[relationship.pk]), {"rating": "4", "comments": "A pleasure."}
    )
    assert response.status_code == 302
    assert sorted(Feedback.objects.filter(relationship=relationship).values_list("role", "rating")) == [
        ("mentee", 5),
        ("mentor", 4),
    ]
    assert list(
        RelationshipTransition.objects.filter(relationship=relationship).values_list("to_state", flat=True)
    ) == [State.REQUESTED, State.ACTIVE, State.COMPLETED]
    page = mentee_client.get(relationship.get_absolute_url()).content.decode()
    assert "My case went in on time." in page and "A pleasure." in page


def test_the_mentor_declines_with_a_reason_the_mentee_is_told(technician, senior_mentor):
    mentee_client, mentor_client = client_for(technician), client_for(senior_mentor.person)
    mentee_client.post(
        reverse("mentoring:mentor", args=[senior_mentor.pk]), {"purpose": "promotion", "hopes": "Please."}
    )
    relationship = Relationship.objects.get(mentee=technician)

    empty = mentor_client.post(reverse("mentoring:decline", args=[relationship.pk]), {"reason": ""})
    assert empty.status_code == 200 and "This field is required." in empty.content.decode()
    relationship.refresh_from_db()
    assert relationship.state == State.REQUESTED

    mentor_client.post(reverse("mentoring:decline", args=[relationship.pk]), {"reason": "Full until June."})
    relationship.refresh_from_db()
    assert relationship.state == State.DECLINED
    assert relationship.transitions.last().reason == "Full until June."
    message = Notification.objects.get(recipient=technician.user, kind="mentoring.request_declined")
    assert message.context["reason"] == "Full until June."


def test_ending_early_needs_a_reason_beside_the_field(technician, senior_mentor):
    from tests.mentoring.conftest import request_and_accept

    relationship = request_and_accept(technician, senior_mentor)
    response = client_for(technician).post(
        reverse("mentoring:close", args=[relationship.pk]),
        {"outcome": "ended_early", "reason": "", "rating": "3", "comments": "Fine."},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["Say why the mentoring ends early."]
    relationship.refresh_from_db()
    assert relationship.state == State.ACTIVE and not Feedback.objects.exists()


def test_a_meeting_in_the_future_is_refused_beside_the_date(technician, senior_mentor):
    from tests.mentoring.conftest import request_and_accept

    relationship = request_and_accept(technician, senior_mentor)
    response = client_for(technician).post(
        reverse("mentoring:meeting_log", args=[relationship.pk]),
        {"met_on": (timezone.localdate() + timedelta(days=1)).isoformat(), "notes": "x"},
    )
    assert response.status_code == 200
    assert "in the future" in response.context["form"].errors["met_on"][0]
    assert not Meeting.objects.exists()


def test_a_programme_manager_pairs_two_people_and_it_is_recorded_as_paired(
    technician, senior_mentor, programme_manager
):
    client = client_for(programme_manager)
    data = {"mentee": technician.user.email, "purpose": "registration", "hopes": "RSciTech."}
    # The mentee's address where the mentor's should be: they have no mentor profile.
    refused = client.post(reverse("mentoring:pair"), {**data, "mentor": technician.user.email}).content.decode()
    assert "No one with a mentor profile here or at a partner institution has this e-mail address" in refused
    assert not Relationship.objects.exists()
    response = client.post(reverse("mentoring:pair"), {**data, "mentor": senior_mentor.person.user.email.upper()})
    relationship = Relationship.objects.get(mentee=technician)
    assert response.status_code == 302
    assert relationship.state == State.ACTIVE
    assert relationship.origin == Relationship.Origin.PAIRED and relationship.paired_by == programme_manager
    assert relationship.transitions.get().by == programme_manager.user
    assert set(Notification.objects.filter(kind="mentoring.paired").values_list("recipient", flat=True)) == {
        technician.user.pk,
        senior_mentor.person.user.pk,
    }


def test_a_technician_cannot_pair_people(technician, senior_mentor, manager):
    response = client_for(technician).get(reverse("mentoring:pair"))
    assert response.status_code == 403
    assert not Relationship.objects.exists()


def test_anyone_can_offer_to_mentor_from_the_profile_page(technician):
    client = client_for(technician)
    bad = client.post(reverse("mentoring:profile_edit"), {"available": "on", "capacity": "0", "bio": "Hi"})
    assert bad.status_code == 200
    errors = bad.context["form"].errors
    assert "capacity" in errors and "purposes" in errors
    response = client.post(
        reverse("mentoring:profile_edit"),
        {"available": "on", "capacity": "3", "bio": "Apprentice in 2019.", "purposes": ["apprenticeship", "general"]},
    )
    assert response.status_code == 302
    profile = technician.mentor_profile
    assert profile.capacity == 3 and profile.purpose_values == ["apprenticeship", "general"]
