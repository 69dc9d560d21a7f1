"""Imports and report exports become core.jobs.Job rows; core's stuck-job sweep replaces ours.

TrainingImport.status was one field for two phases: validating / ready / imported / failed.
It is now the job's status (queued / running / done / failed) beside the import's own `stage`
(checking / checked / imported). ReportExport.status was running / ready / failed.
"""

from django.db import migrations

IMPORTS = {
    # old status: (job status, stage)
    "validating": ("queued", "checking"),  # its task may be lost: the sweep sends it again
    "ready": ("done", "checked"),
    "imported": ("done", "imported"),
    "failed": ("failed", "checking"),
}
IMPORTS_BACK = {
    ("queued", "checking"): "validating",
    ("running", "checking"): "validating",
    ("done", "checking"): "validating",
    ("done", "checked"): "ready",
    ("done", "imported"): "imported",
    ("failed", "checking"): "failed",
    ("failed", "checked"): "failed",
    ("failed", "imported"): "failed",
}
EXPORTS = {"running": "queued", "ready": "done", "failed": "failed"}
EXPORTS_BACK = {"queued": "running", "running": "running", "done": "ready", "failed": "failed"}

STALLED_IMPORTS = "Re-check training imports whose task was lost"


def forward(apps, schema_editor):
    TrainingImport = apps.get_model("development", "TrainingImport")
    ReportExport = apps.get_model("development", "ReportExport")
    for old, (status, stage) in IMPORTS.items():
        TrainingImport.objects.filter(status=old).update(status=status, stage=stage)
    TrainingImport.objects.filter(status="done").update(progress=100)
    for old, new in EXPORTS.items():
        ReportExport.objects.filter(status=old).update(status=new)
    # core.tasks.sweep_stuck_jobs re-sends lost checks now.
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        task="development.tasks.requeue_stalled_imports"
    ).delete()


def backward(apps, schema_editor):
    TrainingImport = apps.get_model("development", "TrainingImport")
    ReportExport = apps.get_model("development", "ReportExport")
    for (status, stage), old in IMPORTS_BACK.items():
        TrainingImport.objects.filter(status=status, stage=stage).update(status=old)
    for new, old in EXPORTS_BACK.items():
        ReportExport.objects.filter(status=new).update(status=old)
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="*/10", hour="*", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Europe/London"
    )
    apps.get_model("django_celery_beat", "PeriodicTask").objects.get_or_create(
        name=STALLED_IMPORTS, defaults={"task": "development.tasks.requeue_stalled_imports", "crontab": crontab}
    )


class Migration(migrations.Migration):
    dependencies = [
        ("development", "0008_core_layer"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forward, backward)]
