"""Guidance's background work: reminding whoever keeps a page that its review is coming."""

from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.jobs import fan_out, retrying_task
from core.tenancy import across_institutions, in_institution, institution_id_of
from notifications.services import notification_enqueue
from people import roles
from people.selectors import holders_of

from . import selectors
from .models import GuidancePage, next_review_due
from .notifications import REVIEW_DUE

REMIND_DAYS_BEFORE = 30


@retrying_task
def send_review_reminders():
    """Daily (beat): one task per page whose review falls due within 30 days (or is overdue)."""
    by = timezone.localdate() + timedelta(days=REMIND_DAYS_BEFORE)
    with across_institutions():
        due = [found.pk for found, _ in selectors.reviews_due(by=by)]
        return fan_out(remind_review, GuidancePage.objects.filter(pk__in=due))


@retrying_task
def remind_review(page_id):
    """Tell the page's keeper once per due date (the outbox key holds it to once)."""
    institution_id = institution_id_of(GuidancePage, page_id)
    if institution_id is None:
        return 0
    with in_institution(institution_id):
        found = selectors.pages().select_related("owner__user", "institution").get(pk=page_id)
        due = next_review_due(found, found.last_reviewed, found.first_published)
        if due is None:
            return 0
        recipients = [found.owner] if found.owner else holders_of(found.institution, roles.PROGRAMME_MANAGER)
        sent = 0
        with transaction.atomic():
            for person in recipients:
                sent += (
                    notification_enqueue(
                        recipient=person.user,
                        kind=REVIEW_DUE.key,
                        idempotency_key=f"guidance.review_due:{found.pk}:{due.isoformat()}:{person.pk}",
                        context={"title": found.title, "due": due.strftime("%-d %B %Y")},
                        link=reverse("guidance:page", args=[found.slug]),
                    )
                    is not None
                )
        return sent
