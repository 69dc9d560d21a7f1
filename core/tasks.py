"""Core's own beat job: keep long jobs from hanging forever."""

from .jobs import retrying_task, stuck_jobs_sweep


@retrying_task
def sweep_stuck_jobs():
    """Every 10 minutes (beat): re-queue or fail jobs stuck in RUNNING; re-send lost ones."""
    return stuck_jobs_sweep()
