"""Celery tasks of the action plan.

Beat tasks decide which plans have work, reading every institution's, and fan out one task
per plan (`core.jobs.fan_out`); each per-plan task loads its plan by id, enters the plan's
institution scope and calls a service. The report job is a `core.jobs.Job`.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.utils import timezone

from core.jobs import fan_out, job_task, retrying_task
from core.tenancy import across_institutions, in_institution

from . import selectors, services
from .models import ActionPlan


@job_task("actionplan.ReportRun")
def generate_report(run):
    """Build one report run's file (claimed, so a second delivery of the task does nothing)."""
    services.report_run_build(run=run)
    return run.pk


@contextmanager
def _plan(plan_id: int) -> Iterator[ActionPlan]:
    """Load the plan and enter its institution's scope for the work on it.

    The plan is read once without a scope (its own row, by id) only to learn which
    institution's scope to enter; everything the service then reads is scoped.
    """
    plan = ActionPlan._base_manager.select_related("institution").get(pk=plan_id)
    with in_institution(plan.institution_id):
        yield plan


@retrying_task
def record_plan_snapshots(plan_id):
    with _plan(plan_id) as plan:
        return services.snapshots_record(plan=plan)


@retrying_task
def record_all_snapshots():
    """Monthly (beat): record every started plan's measures as history, one task per plan."""
    with across_institutions():  # a beat scan of every institution's plans
        return fan_out(record_plan_snapshots, selectors.plans_started_by(timezone.localdate()))


@retrying_task
def send_plan_update_reminders(plan_id):
    with _plan(plan_id) as plan:
        return services.update_reminders_send(plan=plan)


@retrying_task
def send_update_reminders():
    """Daily (beat): remind owners of items with no recent update; once per item, person and month."""
    with across_institutions():  # a beat scan of every institution's plans
        return fan_out(send_plan_update_reminders, selectors.plans_running_on(timezone.localdate()))


@retrying_task
def send_plan_digest(plan_id):
    with _plan(plan_id) as plan:
        return services.monthly_digest_send(plan=plan)


@retrying_task
def send_monthly_digests():
    """Monthly (beat): each current plan's digest for its programme managers."""
    with across_institutions():  # a beat scan of every institution's plans
        return fan_out(send_plan_digest, selectors.plans_running_on(timezone.localdate()))


@retrying_task
def send_plan_quarterly_report(plan_id):
    with _plan(plan_id) as plan:
        return services.quarterly_report_send(plan=plan)


@retrying_task
def send_quarterly_reports():
    """Quarterly (beat): each current plan's report to its owners; the outbox key allows one per quarter."""
    with across_institutions():  # a beat scan of every institution's plans
        return fan_out(send_plan_quarterly_report, selectors.plans_running_on(timezone.localdate()))
