from core.jobs import fan_out, job_task, retrying_task
from core.tenancy import across_institutions, in_institution

from . import selectors, services, services_staff_import
from .models import ManagerConfirmation


@retrying_task
def send_welcome_messages():
    """Daily (beat): welcome each new starter on a welcomed grade. Running twice sends nothing twice.

    Reads the due starters across institutions, then queues each welcome inside its
    person's institution. Returns how many were queued now (a repeat finds them queued).
    """
    with across_institutions():
        due = list(selectors.welcome_due())
    sent = 0
    for profile in due:
        with in_institution(profile.institution_id):
            if services.welcome_send(profile=profile) is not None:
                sent += 1
    return sent


@retrying_task
def remind_manager_confirmations():
    """Daily (beat): one task per line-manager confirmation waiting 5+ working days.

    Returns how many were sent work; each reminder is sent once in the request's lifetime
    (its outbox key), so a second run of the day, or of the next day, sends nothing again.
    """
    return fan_out(send_manager_confirmation_reminder, selectors.manager_confirmation_reminders_due())


@retrying_task
def send_manager_confirmation_reminder(confirmation_id):
    """Remind the named manager of one waiting confirmation, if it is still waiting."""
    with across_institutions():
        institution_id = (
            ManagerConfirmation.objects.filter(pk=confirmation_id)
            .values_list("person__institution_id", flat=True)
            .first()
        )
    if institution_id is None:
        return False
    with in_institution(institution_id):
        confirmation = (
            ManagerConfirmation.objects.pending()
            .select_related("person__user", "person__institution", "manager__user")
            .filter(pk=confirmation_id)
            .first()
        )
        if confirmation is None:  # answered or withdrawn since the beat looked
            return False
        return services.manager_confirmation_remind(confirmation=confirmation) is not None


@job_task("people.StaffImport")
def run_staff_import(batch):
    """Check an uploaded staff list, or write a confirmed one (progress is saved as it goes).

    The check ends with the rows waiting for HR; HR's confirmation queues the job again to write.
    """
    services_staff_import.staff_import_run(batch=batch)
