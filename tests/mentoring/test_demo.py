import pytest

from mentoring import demo, tasks
from mentoring.models import Feedback, Meeting, MentorProfile, Relationship
from notifications.models import Notification
from people.demo import seed_staff

pytestmark = pytest.mark.django_db
State = Relationship.State


def test_the_demo_has_mentees_in_every_state_for_the_demo_accounts_and_seeds_once():
    context = seed_staff()
    demo.seed(context)
    counts = (MentorProfile.objects.count(), Relationship.objects.count(), Meeting.objects.count())
    demo.seed(context)  # a second run creates nothing new
    assert (MentorProfile.objects.count(), Relationship.objects.count(), Meeting.objects.count()) == counts

    rows = Relationship.objects.select_related("mentor__user", "mentee__user")
    assert {r.state for r in rows} == {
        State.REQUESTED,
        State.ACTIVE,
        State.COMPLETED,
        State.DECLINED,
        State.ENDED_EARLY,
    }
    priya = rows.get(mentee__user__email="technician@icr.ac.uk")
    assert priya.mentor.user.email == "mentor@icr.ac.uk" and priya.state == State.ACTIVE
    assert priya.meetings.count() == 2
    assert {r.state for r in rows if r.mentor.user.email == "mentor@icr.ac.uk"} == {
        State.REQUESTED,
        State.ACTIVE,
        State.COMPLETED,
        State.DECLINED,
    }
    for closed in rows.filter(state__in=Relationship.CLOSED_STATES):
        assert set(Feedback.objects.filter(relationship=closed).values_list("role", flat=True)) == {"mentor", "mentee"}
    assert rows.get(origin=Relationship.Origin.PAIRED).paired_by.user.email == "programmes@icr.ac.uk"
    assert all(r.mentee.line_manager_id != r.mentor_id for r in rows)

    # Both reminders have work in the demo: the waiting request and the apprentice's check-in.
    tasks.send_reminders()
    assert Notification.objects.filter(kind="mentoring.request_waiting").count() == 1
    assert Notification.objects.filter(kind="mentoring.check_in").count() == 2
