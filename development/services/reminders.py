"""The daily reminders: requests waiting for a decision, and nothing recorded by mid-year.

Which rows are due is decided by the selectors (`approval_reminders_due`,
`nothing_recorded_due`), across institutions; these functions write the outbox rows in bulk
(`notifications_enqueue_many`), whose idempotency keys make a second run of the day send nothing.

In bulk because one task per institution, each enqueueing one message per request, took 12 s at
national size, and 40 s to send nothing: every message already sent was a savepoint, an INSERT
refused by the unique key and a rollback, and Django scans the transaction's pending on-commit
callbacks on each rollback.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.utils import timezone

from core.text import number
from notifications.services import Message, notifications_enqueue_many

from ..models import DevelopmentRequest
from ..notifications import APPROVAL_WAITING, NOTHING_RECORDED
from ..selectors import NothingRecorded


def approval_reminders_send(*, requests: Iterable[DevelopmentRequest]) -> int:
    """Remind each request's line manager, and anyone standing in for them today, once per
    submission.

    `requests` come from `selectors.approval_reminders_due` (delegations prefetched). Returns
    the number of messages queued (none for those sent before).
    """

    def messages() -> Iterator[Message]:
        for request in requests:
            manager = request.person.line_manager
            if manager is None:  # approval_reminders_due only returns requests with a line manager
                continue
            deciders = {manager.pk: manager}
            for delegation in getattr(manager, "active_delegations", []):
                deciders.setdefault(delegation.delegate_id, delegation.delegate)
            context = {
                "requester": str(request.person),
                "title": request.title,
                "days": number(request.days),
                "submitted": f"{timezone.localtime(request.submitted_at):%d %b %Y}",
            }
            for decider in deciders.values():
                key_suffix = "" if decider.pk == manager.pk else f":{decider.pk}"
                yield Message(
                    recipient=decider.user,
                    institution=decider.institution,
                    idempotency_key=(
                        f"development.approval_waiting:{request.pk}:{request.submitted_at:%Y%m%d%H%M%S}{key_suffix}"
                    ),
                    context=context,
                    link=request.get_absolute_url(),
                )

    return len(notifications_enqueue_many(kind=APPROVAL_WAITING.key, messages=messages()))


def nothing_recorded_send(*, due: Iterable[NothingRecorded]) -> int:
    """Remind everyone given, once per allowance year, that nothing is recorded or planned.

    `due` from `selectors.nothing_recorded_due`: each institution's policy (overrides
    prefetched), its year and its people. Past mid-year this can be most of an institution's staff.
    """

    def messages() -> Iterator[Message]:
        for each in due:
            overrides = list(each.policy.overrides.all())
            for person in each.people:
                yield Message(
                    recipient=person.user,
                    institution=each.policy.institution,
                    idempotency_key=f"development.nothing_recorded:{person.pk}:{each.year}",
                    context={
                        "minimum": number(each.policy.minimum_for(person, overrides)),
                        "year": each.policy.year_label(each.year),
                    },
                    link="/development/",
                )

    return len(notifications_enqueue_many(kind=NOTHING_RECORDED.key, messages=messages()))
