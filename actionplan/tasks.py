"""Celery tasks of the action plan. Beat tasks fan out per plan; each task loads rows by id and
calls a service."""

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from . import services
from .models import ActionPlan


# A locked or briefly unreachable database is worth another try; the claim makes retries safe.
@shared_task(bind=True, autoretry_for=(OperationalError,), max_retries=3, retry_backoff=True)
def generate_report(self, run_id):
    """Build one report run's file; a second delivery of the task finds it claimed and stops."""
    run = services.report_run_generate(run_id)
    return run.pk if run else None


@shared_task(max_retries=3, retry_backoff=True)
def record_plan_snapshots(plan_id):
    plan = ActionPlan.objects.select_related("institution").get(pk=plan_id)
    return services.snapshots_record(plan=plan)


@shared_task(max_retries=3, retry_backoff=True)
def record_all_snapshots():
    """Monthly (beat): record every current plan's measures, one task per plan."""
    today = timezone.localdate()
    ids = list(ActionPlan.objects.filter(start__lte=today).values_list("pk", flat=True))
    for pk in ids:
        record_plan_snapshots.delay(pk)
    return len(ids)


@shared_task(max_retries=3, retry_backoff=True)
def send_update_reminders():
    """Daily (beat): remind owners of items with no recent update; once per item, person and month."""
    return services.update_reminders_send()


@shared_task(max_retries=3, retry_backoff=True)
def send_plan_digest(plan_id):
    plan = ActionPlan.objects.select_related("institution").get(pk=plan_id)
    return services.monthly_digest_send(plan=plan)


@shared_task(max_retries=3, retry_backoff=True)
def send_monthly_digests():
    """Monthly (beat): each current plan's digest for its programme managers."""
    today = timezone.localdate()
    ids = list(ActionPlan.objects.filter(start__lte=today, end__gte=today).values_list("pk", flat=True))
    for pk in ids:
        send_plan_digest.delay(pk)
    return len(ids)


@shared_task(max_retries=3, retry_backoff=True)
def send_plan_quarterly_report(plan_id):
    plan = ActionPlan.objects.select_related("institution").get(pk=plan_id)
    return services.quarterly_report_send(plan=plan)


@shared_task(max_retries=3, retry_backoff=True)
def send_quarterly_reports():
    """Quarterly (beat): each current plan's report to its owners; the outbox key allows one per quarter."""
    today = timezone.localdate()
    ids = list(ActionPlan.objects.filter(start__lte=today, end__gte=today).values_list("pk", flat=True))
    for pk in ids:
        send_plan_quarterly_report.delay(pk)
    return len(ids)
