"""Recognition's background work: a daily beat job, one task per prize due and the yearly
prompts in bulk (one INSERT per 1,000 people).

- A listed prize whose nominations close within 30 days: the coordinator and line managers are
  told, once per person and prize year.
- The yearly prompt to technical staff to update their outputs, sent from 1 November (before the
  December report), once per person and year; the daily run only picks up those not yet sent.
"""

from datetime import date

from django.utils import timezone

from core.jobs import retrying_task
from core.tenancy import across_institutions, in_institution, institution_id_of

from . import selectors, services
from .models import Prize

PROMPT_FROM = (11, 1)  # month, day


def prompt_due(today: date) -> bool:
    return (today.month, today.day) >= PROMPT_FROM


@retrying_task
def send_reminders(on=None):
    """Daily (beat). `on` (an ISO date) stands in for today in tests."""
    today = date.fromisoformat(on) if on else timezone.localdate()
    with across_institutions():
        prizes = selectors.prize_deadlines_due(today=today)
        for prize_id in prizes:
            remind_prize_deadline.delay(prize_id, today.isoformat())
        prompts = services.outputs_update_prompts(year=today.year) if prompt_due(today) else 0
    return {"prize_deadlines": len(prizes), "output_prompts": prompts}


@retrying_task
def remind_prize_deadline(prize_id, on):
    institution_id = institution_id_of(Prize, prize_id)
    if institution_id is None:
        return 0
    with in_institution(institution_id):
        return services.prize_deadline_remind(prize_id=prize_id, today=date.fromisoformat(on))
