"""Background work: checking imports and the daily reminders.

Checking an import is a `core.jobs.Job`: its task claims the row,
run inside its institution's scope and retry for real. A job whose worker died or whose task
was lost is picked up by core's `sweep_stuck_jobs`. The daily reminders are one task across
institutions that writes the outbox in bulk.
"""

from datetime import date

from django.utils import timezone

from core.jobs import job_task, retrying_task
from core.tenancy import across_institutions

from . import selectors, services


@job_task("development.TrainingImport")
def check_training_import(batch):
    """Check every row of an uploaded training file (progress is saved as it goes).

    The job is done when the rows are checked; importing them waits for the person's choice.
    """
    services.training_import_check(batch=batch)


@retrying_task
def send_development_reminders(on=None):
    """Daily (beat): remind managers (and their delegates) of requests waiting 5+ working days,
    and, past the middle of their institution's year, technicians with nothing recorded; across
    institutions, in bulk, each message in its recipient's institution. Running twice sends
    nothing twice (outbox keys). `on` (an ISO date) stands in for today in tests."""
    today = date.fromisoformat(on) if on else timezone.localdate()
    with across_institutions():  # the due-work queries read every institution's requests and policies
        return {
            "approvals": services.approval_reminders_send(requests=selectors.approval_reminders_due(today=today)),
            "nothing_recorded": services.nothing_recorded_send(due=selectors.nothing_recorded_due(today=today)),
        }
