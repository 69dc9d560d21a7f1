"""The report catalogue's background work: the daily beat job that sends saved schedules."""

from django.utils import timezone

from core.jobs import fan_out, retrying_task
from core.tenancy import across_institutions, in_institution, institution_id_of

from . import selectors, services
from .models import Schedule


@retrying_task
def send_scheduled_reports():
    """Daily (beat): every active schedule not yet sent this month (or quarter) gets one task."""
    with across_institutions():
        return fan_out(send_schedule, selectors.schedules_due(today=timezone.localdate()))


@retrying_task
def send_schedule(schedule_id):
    """E-mail one schedule's report for the current period (at most once: the service claims it)."""
    institution_id = institution_id_of(Schedule, schedule_id)
    if institution_id is None:
        return 0
    with in_institution(institution_id):
        return services.schedule_send(schedule_id=schedule_id, today=timezone.localdate())
