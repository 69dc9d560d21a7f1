"""The daily reminders: requests waiting for a decision, and nothing recorded by mid-year.

Which rows are due is decided by the selectors (`approval_reminders_due`,
`nothing_recorded_due`); these functions write the outbox rows, whose idempotency keys make a
second run of the day send nothing.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from core.text import number
from notifications.models import Notification
from notifications.services import notification_enqueue
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
    *, person: StaffProfile, policy: AllowancePolicy, year: int, overrides: list[AllowanceOverride]
) -> Notification | None:
    return notification_enqueue(
        recipient=person.user,
        institution=policy.institution,
        kind=NOTHING_RECORDED.key,
        idempotency_key=f"development.nothing_recorded:{person.pk}:{year}",
        context={"minimum": number(policy.minimum_for(person, overrides)), "year": policy.year_label(year)},
        link="/development/",
    )


def development_reminders_send(*, today: date | None = None) -> int:
    """Send the day's reminders of the institution in scope; return the number of messages queued."""
    today = today or timezone.localdate()
    sent = 0
    for request in selectors.approval_reminders_due(today=today):
        sent += approval_reminder_send(request=request)
    for policy in AllowancePolicy.objects.select_related("institution").prefetch_related("overrides"):
        year, people = selectors.nothing_recorded_due(policy=policy, today=today)
        overrides = list(policy.overrides.all())
        for person in people:
            sent += nothing_recorded_send(person=person, policy=policy, year=year, overrides=overrides) is not None
    return sent
