"""Background work: checking imports and the daily reminders.

Checking an import is a `core.jobs.Job`: its task claims the row,
run inside its institution's scope and retry for real. A job whose worker died or whose task
was lost is picked up by core's `sweep_stuck_jobs`.
"""

from core.jobs import fan_out, job_task, retrying_task
from core.tenancy import across_institutions, in_institution

from . import selectors, services


@job_task("development.TrainingImport")
def check_training_import(batch):
    """Check every row of an uploaded training file (progress is saved as it goes).

    The job is done when the rows are checked; importing them waits for the person's choice.
    """
    services.training_import_check(batch=batch)


@retrying_task
def send_development_reminders():
    """Daily (beat): find the institutions with reminders due and send each its own task.

    Returns the number of institutions sent work. Running twice sends nothing twice (outbox keys).
    """
    with across_institutions():  # the due-work query reads every institution's requests and policies
        due = selectors.institutions_with_reminders_due()
    return fan_out(send_institution_development_reminders, due)


@retrying_task
def send_institution_development_reminders(institution_id):
    """Remind one institution's managers of requests waiting 5+ working days, and, past mid-year,
    its technicians with nothing recorded. Returns the number of messages queued."""
    with in_institution(institution_id):
        return services.development_reminders_send()
