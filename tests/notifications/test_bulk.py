"""The bulk outbox write of the reminder sweeps: the same promises as one enqueue, in a few queries."""

import pytest
from django.core import mail

from notifications import services
from notifications.models import Notification, Preference
from tests.factories import staff
from tests.notifications.test_outbox import REMINDER

pytestmark = pytest.mark.django_db


def _messages(people, round_=1):
    return [
        services.Message(
            recipient=person.user, idempotency_key=f"tests.reminder:{round_}:{person.pk}", context={"due": "1 May"}
        )
        for person in people
    ]


@pytest.mark.parametrize("size", [5, 60])
def test_a_sweep_sends_each_message_once_in_the_same_number_of_queries(
    size, institution, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    people = [staff(institution) for _ in range(size)]
    Preference.objects.create(user=people[0].user, kind=REMINDER.key, enabled=False)
    people = [type(people[0]).objects.select_related("user", "institution").get(pk=p.pk) for p in people]
    # preferences, keys already sent, the insert (in its savepoint), the rows read back
    with django_assert_max_num_queries(6):
        created = services.notifications_enqueue_many(kind=REMINDER.key, messages=_messages(people))
    assert len(created) == size - 1
    with django_assert_max_num_queries(2):
        again = services.notifications_enqueue_many(kind=REMINDER.key, messages=_messages(people))
    assert again == []
    assert sorted(Notification.objects.filter(kind=REMINDER.key).values_list("recipient", flat=True)) == sorted(
        p.user_id for p in people[1:]
    )


def test_the_messages_are_delivered_once_the_transaction_commits(institution, django_capture_on_commit_callbacks):
    people = [staff(institution) for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        services.notifications_enqueue_many(kind=REMINDER.key, messages=_messages(people))
    assert sorted(message.to[0] for message in mail.outbox) == sorted(p.user.email for p in people)
    assert set(Notification.objects.values_list("status", flat=True)) == {Notification.Status.SENT}


def test_a_key_already_in_the_outbox_is_not_written_twice(institution):
    person = staff(institution)
    services.notification_enqueue(
        recipient=person.user, kind=REMINDER.key, idempotency_key=f"tests.reminder:1:{person.pk}", context={}
    )
    assert services.notifications_enqueue_many(kind=REMINDER.key, messages=_messages([person])) == []
    assert Notification.objects.count() == 1
