"""ReportRun becomes a core.jobs.Job: its `state` becomes the job's `status` (with attempts), and
the reminder scan's index leads with the plan, as the scan now runs one plan at a time."""

from django.db import migrations, models

# Old ReportRun.State -> core.jobs.Job.Status. The values happen to be the same words; the map
# says so out loud.
STATE_TO_STATUS = {"queued": "queued", "running": "running", "done": "done", "failed": "failed"}


def state_to_status(apps, schema_editor):
    ReportRun = apps.get_model("actionplan", "ReportRun")
    for old, new in STATE_TO_STATUS.items():
        # A run that was started has had at least one attempt.
        attempts = 0 if old == "queued" else 1
        ReportRun.objects.filter(state=old).update(status=new, attempts=attempts)
    # Nothing else was ever written; anything that was cannot be resumed, so it is failed.
    ReportRun.objects.exclude(state__in=STATE_TO_STATUS).update(status="failed")


def status_to_state(apps, schema_editor):
    ReportRun = apps.get_model("actionplan", "ReportRun")
    for old, new in STATE_TO_STATUS.items():
        ReportRun.objects.filter(status=new).update(state=old)


class Migration(migrations.Migration):
    dependencies = [
        ("actionplan", "0004_quarterly_report_run"),
    ]

    operations = [
        migrations.AddField(
            model_name="reportrun",
            name="attempts",
            field=models.PositiveSmallIntegerField(
                default=0, help_text="How many times a worker started it.", verbose_name="attempts"
            ),
        ),
        migrations.AddField(
            model_name="reportrun",
            name="status",
            field=models.CharField(
                choices=[
                    ("queued", "Waiting to start"),
                    ("running", "In progress"),
                    ("done", "Done"),
                    ("failed", "Failed"),
                ],
                default="queued",
                max_length=10,
                verbose_name="status",
            ),
        ),
        migrations.RunPython(state_to_status, status_to_state),
        migrations.RemoveField(
            model_name="reportrun",
            name="state",
        ),
        migrations.AlterField(
            model_name="reportrun",
            name="error",
            field=models.TextField(
                blank=True, help_text="What went wrong, in words the requester can act on.", verbose_name="error"
            ),
        ),
        migrations.RemoveIndex(
            model_name="actionitem",
            name="actionitem_open_update_idx",
        ),
        migrations.AddIndex(
            model_name="actionitem",
            index=models.Index(
                condition=models.Q(("status", "done"), _negated=True),
                fields=["plan", "last_update_on"],
                name="actionitem_open_by_plan_idx",
            ),
        ),
    ]
