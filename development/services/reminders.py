"""The daily reminders: requests waiting for a decision, and nothing recorded by mid-year.

Which rows are due is decided by the selectors (`approval_reminders_due`,
`nothing_recorded_due`); these functions write the outbox rows, whose idempotency keys make a
second run of the day send nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.utils import timezone

from core.text import number
from notifications.services import Message, notification_enqueue, notifications_enqueue_many
from people.models import StaffProfile

from .. import selectors
from ..models import AllowanceOverride, AllowancePolicy, DevelopmentRequest
from ..notifications import APPROVAL_WAITING, NOTHING_RECORDED


def approval_reminder_send(*, request: DevelopmentRequest) -> int:
    """Remind the line manager, and anyone standing in for them today, once per submission.

    `request` comes from `selectors.approval_reminders_due` (delegations prefetched). Returns
    the number of messages queued (0 when they were all sent before).
    """
    manager = request.person.line_manager
    assert manager is not None  # approval_reminders_due only returns requests with a line manager
    deciders = [manager, *(d.delegate for d in getattr(manager, "active_delegations", []))]
    queued = 0
    for decider in deciders:
        key_suffix = "" if decider.pk == manager.pk else f":{decider.pk}"
        queued += (
            notification_enqueue(
                recipient=decider.user,
                kind=APPROVAL_WAITING.key,
                idempotency_key=(
                    f"development.approval_waiting:{request.pk}:{request.submitted_at:%Y%m%d%H%M%S}{key_suffix}"
                ),
                context={
                    "requester": str(request.person),
                    "title": request.title,
                    "days": number(request.days),
                    "submitted": f"{timezone.localtime(request.submitted_at):%d %b %Y}",
                },
                link=request.get_absolute_url(),
            )
            is not None
        )
    return queued


def nothing_recorded_send(
    *, people: Iterable[StaffProfile], policy: AllowancePolicy, year: int, overrides: list[AllowanceOverride]
) -> int:
    """Remind everyone given, once per allowance year, that nothing is recorded or planned.

    In bulk: past mid-year this can be most of an institution's staff.
    """
    created = notifications_enqueue_many(
        kind=NOTHING_RECORDED.key,
        messages=(
            Message(
                recipient=person.user,
                institution=policy.institution,
                idempotency_key=f"development.nothing_recorded:{person.pk}:{year}",
                context={"minimum": number(policy.minimum_for(person, overrides)), "year": policy.year_label(year)},
                link="/development/",
            )
            for person in people
        ),
    )
    return len(created)


def development_reminders_send(*, today: date | None = None) -> int:
    """Send the day's reminders of the institution in scope; return the number of messages queued."""
    today = today or timezone.localdate()
    sent = 0
    for request in selectors.approval_reminders_due(today=today):
        sent += approval_reminder_send(request=request)
    for policy in AllowancePolicy.objects.select_related("institution").prefetch_related("overrides"):
        year, people = selectors.nothing_recorded_due(policy=policy, today=today)
        sent += nothing_recorded_send(people=people, policy=policy, year=year, overrides=list(policy.overrides.all()))
    return sent
