"""Background work: checking imports, building report files, and the daily reminders."""

from datetime import timedelta

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from . import services
from .models import AllowancePolicy, ReportExport, TrainingImport


@shared_task(max_retries=3, retry_backoff=True, autoretry_for=(OSError, OperationalError))
def check_training_import(batch_id):
    """Check every row of an uploaded training file (progress is saved as it goes)."""
    services.training_import_check(batch_id=batch_id)


@shared_task(bind=True, max_retries=3)
def build_report_export(self, export_id):
    """Build the XLSX training report for one export row.

    A database or disk hiccup is retried with backoff; any other error, or the last retry,
    marks the export failed so the page stops waiting.
    """
    export = ReportExport.objects.select_related("institution").get(pk=export_id)
    if export.status != ReportExport.Status.RUNNING:
        return
    try:
        services.report_export_build(export=export)
    except (OSError, OperationalError) as error:
        if self.request.retries < self.max_retries:
            raise self.retry(exc=error, countdown=min(5 * 2**self.request.retries, 60)) from error
        services.report_export_failed(export=export, error=error)
        raise
    except Exception as error:
        services.report_export_failed(export=export, error=error)
        raise


@shared_task(max_retries=3, retry_backoff=True)
def send_development_reminders():
    """Daily (beat): remind managers of requests waiting 5+ working days, and, past mid-year,
    technicians with nothing recorded. Running twice sends nothing twice (outbox keys)."""
    sent = 0
    for request in services.approval_reminders_due():
        sent += services.approval_reminder_send(request=request)
    for policy in AllowancePolicy.objects.select_related("institution").prefetch_related("overrides"):
        year, people = services.nothing_recorded_due(policy=policy)
        overrides = list(policy.overrides.all())
        for person in people:
            sent += (
                services.nothing_recorded_send(person=person, policy=policy, year=year, overrides=overrides) is not None
            )
    return sent


STALLED_IMPORT_MINUTES = 15


@shared_task(max_retries=3, retry_backoff=True)
def requeue_stalled_imports():
    """Every 10 minutes (beat): queue the check again for uploads whose task was lost.

    An upload still being checked a quarter of an hour later has lost its task (a worker died
    or the broker dropped it); checking again is harmless, it only rewrites the preview.
    """
    cutoff = timezone.now() - timedelta(minutes=STALLED_IMPORT_MINUTES)
    ids = list(
        TrainingImport.objects.filter(status=TrainingImport.Status.VALIDATING, created_at__lt=cutoff).values_list(
            "pk", flat=True
        )[:100]
    )
    for pk in ids:
        check_training_import.delay(pk)
    return len(ids)
