"""The action plan on the core layer: institution scopes, the report job's retries, one source
for a measure's value, and outbox rows written in the service's own transaction."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope

from actionplan import models, reports, services, tasks
from actionplan.models import ActionItem, MeasureSnapshot, Owner, ReportRun, SuccessMeasure
from actionplan.services import plan_import
from core import metrics
from core.jobs import Job
from core.tenancy import ScopeError, in_institution, scoped_models
from notifications.models import Notification
from tests.conftest import client_for
from tests.factories import staff

from .conftest import SEED_FILE

pytestmark = pytest.mark.django_db

SCOPED = [
    models.ActionPlan,
    models.Pillar,
    models.Owner,
    models.ActionItem,
    models.SuccessMeasure,
    models.MeasureSnapshot,
    models.ProgressUpdate,
    models.ReportRun,
]


def _rows_of_every_model(plan, author):
    services.progress_update_add(
        item=plan.items.get(code="1A"), author=author, date=plan.start, narrative="x", status="on_track"
    )
    services.snapshots_record(plan=plan, on=plan.start)
    ReportRun.objects.create(plan=plan, start=plan.start, end=plan.start, format="csv")


# --- Tenancy ------------------------------------------------------------------------------------


def test_every_institution_model_of_the_action_plan_is_scoped():
    assert {model for model in scoped_models() if model._meta.app_label == "actionplan"} == set(SCOPED)


@pytest.mark.parametrize("model", SCOPED, ids=lambda model: model.__name__)
def test_an_unscoped_query_of_the_action_plan_raises(model, plan):
    with scope(), pytest.raises(ScopeError):  # a thread that never entered an institution
        list(model.objects.all())


def test_another_institutions_plan_is_invisible_inside_a_scope(
    plan, institution, other_institution, programme_manager, seed_text
):
    theirs = plan_import(institution=other_institution, text=seed_text).plan
    _rows_of_every_model(plan, programme_manager.user)
    _rows_of_every_model(theirs, programme_manager.user)

    with in_institution(institution):
        for model in SCOPED:
            path = model._default_manager.institution_path
            seen = set(model.objects.values_list(path, flat=True))
            assert seen == {institution.pk}, model.__name__


def test_the_import_command_enters_the_institution_it_imports_into(institution, tmp_path):
    with in_institution(None):  # as a shell with no scope: the command must choose one itself
        call_command("import_action_plan", str(SEED_FILE), "--institution", "icr", stdout=io.StringIO())
    assert ActionItem.objects.filter(plan__institution=institution).count() == 26


def test_the_beat_tasks_scan_every_institution_from_a_worker_with_no_scope(plan, other_institution, seed_text):
    today = timezone.localdate()
    theirs = plan_import(institution=other_institution, text=seed_text).plan
    for each in (plan, theirs):
        each.start, each.end = today - timedelta(days=400), today + timedelta(days=700)
        each.save()
    rdc = staff(plan.institution)
    Owner.objects.get(institution=plan.institution, short_name="RDC").holders.add(rdc)

    with scope():  # a real worker thread starts with no scope
        assert tasks.record_all_snapshots() == 2
        assert tasks.send_update_reminders() == 2

    assert MeasureSnapshot.objects.filter(date=today).count() == SuccessMeasure.objects.count()
    # Only ICR's RDC holds a role; they are reminded of every action, and of ICR's only.
    reminded = Notification.objects.filter(kind="actionplan.update_due", recipient=rdc.user)
    assert reminded.count() == 26
    assert all(
        key.split(":")[1] in {str(pk) for pk in plan.items.values_list("pk", flat=True)}
        for key in reminded.values_list("idempotency_key", flat=True)
    )


# --- The report job -------------------------------------------------------------------------------


def _start_report(plan, by, fmt="csv"):
    return services.report_run_start(plan=plan, by=by, start=plan.start, end=plan.start, format=fmt)


def test_a_report_whose_database_fails_once_is_retried_and_ends_done_after_two_attempts(
    plan, programme_manager, monkeypatch, django_capture_on_commit_callbacks
):
    real_build, calls = reports.build, []

    def flaky(run, on_progress=lambda p: None):
        calls.append(run.pk)
        if len(calls) == 1:
            raise OperationalError("database is locked")
        return real_build(run, on_progress=on_progress)

    monkeypatch.setattr(reports, "build", flaky)
    with django_capture_on_commit_callbacks(execute=True):
        run = _start_report(plan, programme_manager.user)

    run.refresh_from_db()
    assert (run.status, run.attempts, run.progress, run.error) == (Job.Status.DONE, 2, 100, "")
    assert len(calls) == 2 and run.file and run.finished_at is not None
    page = client_for(programme_manager).get(reverse("actionplan:report", args=[run.pk])).content.decode()
    assert reverse("actionplan:report_download", args=[run.pk]) in page and "hx-trigger" not in page


def test_a_report_that_fails_for_good_says_so_on_its_page_and_stops_polling(
    plan, programme_manager, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(run, on_progress=lambda p: None):
        raise ValueError("the template is missing a column")

    monkeypatch.setattr(reports, "build", broken)
    # Run in-process, the task's error reaches the caller; on a worker it stays in the log.
    with pytest.raises(ValueError), django_capture_on_commit_callbacks(execute=True):
        run = _start_report(plan, programme_manager.user)

    run.refresh_from_db()
    assert (run.status, run.attempts) == (Job.Status.FAILED, 1)  # not retried: it would fail again
    page = client_for(programme_manager).get(reverse("actionplan:report", args=[run.pk])).content.decode()
    assert "The report failed: The portal could not finish this." in page
    assert "the template is missing a column" not in page  # the internals stay in the log
    assert "hx-trigger" not in page
    assert client_for(programme_manager).get(reverse("actionplan:report_download", args=[run.pk])).status_code == 404


def test_a_report_whose_database_keeps_failing_is_failed_once_its_retries_are_spent(
    plan, programme_manager, monkeypatch, django_capture_on_commit_callbacks
):
    def down(run, on_progress=lambda p: None):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(reports, "build", down)
    with pytest.raises(OperationalError), django_capture_on_commit_callbacks(execute=True):
        run = _start_report(plan, programme_manager.user)

    run.refresh_from_db()
    assert (run.status, run.attempts) == (Job.Status.FAILED, ReportRun.max_attempts)
    assert "a service was unavailable" in run.error


# --- One source for a measure's value -----------------------------------------------------------


def test_the_dashboard_item_page_summary_and_report_show_the_same_value_on_the_same_day(
    plan, programme_manager, fake_metric, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    plan.start, plan.end, plan.published = today - timedelta(days=200), today + timedelta(days=800), True
    plan.save()
    measure = SuccessMeasure.objects.get(item__plan=plan, metric_key="exchange.participants")
    SuccessMeasure.objects.filter(pk=measure.pk).update(metric_key="tests.fake")
    fake_metric["result"] = metrics.MetricResult(value=12, detail="12 people with both days recorded")
    # Last month's snapshot said 1: history for the trend, not the value shown today.
    MeasureSnapshot.objects.create(measure=measure, date=today - timedelta(days=30), value=1, status="behind")
    client = client_for(programme_manager)

    dashboard = client.get(reverse("actionplan:dashboard", args=[plan.pk]))
    item_page = client.get(reverse("actionplan:item", args=[measure.item_id]))
    summary = client.get(reverse("actionplan:summary", args=[plan.pk]))
    with django_capture_on_commit_callbacks(execute=True):
        run = services.report_run_start(plan=plan, by=programme_manager.user, start=plan.start, end=today, format="csv")
    run.refresh_from_db()
    rows = list(csv.reader(io.StringIO(run.file.read().decode("utf-8-sig"))))
    in_report = next(r for r in rows if r[1:3] == [measure.item.code, measure.wording])

    def shown(response):
        return next(m.current for m in response.context["measures"] if m.pk == measure.pk)

    on_dashboard, on_item_page = shown(dashboard), shown(item_page)
    on_summary = next(m.current for i in summary.context["items"] for m in i.measure_list if m.pk == measure.pk)
    for current in (on_dashboard, on_item_page, on_summary):
        assert (current.value, current.status, current.as_of) == (on_dashboard.value, on_dashboard.status, today)
    assert str(on_dashboard.value) == "12.00" and on_summary.public_value == on_dashboard.value
    for response in (dashboard, item_page, summary):
        assert "12 people with both days recorded" in response.content.decode()
    assert in_report[5:7] == ["12", on_dashboard.status_label] and in_report[9] == today.isoformat()
    assert [point["values"] for point in dashboard.context["charts"] if point["id"] == measure.pk] == [[1.0]]


def test_a_share_of_fewer_than_23_people_is_not_published(
    plan, programme_manager, fake_metric, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    plan.start, plan.end, plan.published = today - timedelta(days=200), today + timedelta(days=800), True
    plan.save()
    measure = SuccessMeasure.objects.get(item__plan=plan, metric_key="exchange.participants")
    SuccessMeasure.objects.filter(pk=measure.pk).update(metric_key="tests.fake", unit="%")
    fake_metric["result"] = metrics.MetricResult(value=75, detail="3 of 4 said yes", numerator=3, denominator=4)
    client = client_for(programme_manager)
    assert "3 of 4 said yes" in client.get(reverse("actionplan:item", args=[measure.item_id])).content.decode()
    published = client.get(reverse("actionplan:summary", args=[plan.pk])).content.decode()
    assert "not shown: fewer than 23 people" in published and "3 of 4" not in published and "75" not in published
    with django_capture_on_commit_callbacks(execute=True):
        run = services.report_run_start(plan=plan, by=programme_manager.user, start=plan.start, end=today, format="csv")
    run.refresh_from_db()
    report = run.file.read().decode("utf-8-sig")
    assert "not shown: fewer than 23 people" in report and "3 of 4" not in report


def _item_with_measures(plan, n):
    target = plan.items.get(code="1A")
    for position in range(10, 10 + n):
        SuccessMeasure.objects.create(
            item=target,
            position=position,
            wording=f"Measure {position}",
            target=5,
            unit="people",
            metric_key="exchange.participants" if position % 2 else "",
        )
        MeasureSnapshot.objects.create(
            measure_id=SuccessMeasure.objects.get(item=target, position=position).pk,
            date=plan.start,
            value=1,
            status="on_track",
        )
    return target


@pytest.mark.parametrize("extra_measures", [2, 40])
def test_the_item_page_uses_the_same_number_of_queries_for_few_and_many_measures(
    extra_measures, plan, programme_manager, django_assert_max_num_queries
):
    target = _item_with_measures(plan, extra_measures)
    client = client_for(programme_manager)
    client.get("/")  # warm the session

    with django_assert_max_num_queries(16):  # 15 measured at both sizes (one snapshot query per measure before)
        response = client.get(reverse("actionplan:item", args=[target.pk]))

    assert len(response.context["measures"]) == 2 + extra_measures  # 1A has two of its own


@pytest.mark.parametrize("months", [2, 12])
def test_recording_the_months_snapshots_reads_that_day_only_however_long_the_history(
    months, plan, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    day = plan.start + timedelta(days=31 * months)
    for month in range(months):
        services.snapshots_record(plan=plan, on=plan.start + timedelta(days=31 * month))
    # The measures, each distinct metric's own queries, the day's snapshots (locked) and their
    # INSERT in a savepoint; not the plan's history, which grows by a row per measure every month.
    with CaptureQueriesContext(connection) as queries, django_assert_num_queries(24):
        assert services.snapshots_record(plan=plan, on=day) == SuccessMeasure.objects.filter(item__plan=plan).count()
    reads = [q["sql"] for q in queries if q["sql"].startswith("SELECT") and '"actionplan_measuresnapshot"' in q["sql"]]
    assert len(reads) == 1 and "FOR UPDATE" in reads[0]
    assert MeasureSnapshot.objects.filter(date=day).count() == SuccessMeasure.objects.filter(item__plan=plan).count()


# --- Outbox rows in the service's own transaction -------------------------------------------------


@pytest.fixture
def holders(plan, institution):
    rdc, cpt = staff(institution), staff(institution)
    Owner.objects.get(short_name="RDC").holders.add(rdc)
    Owner.objects.get(short_name="CPT Programme Manager").holders.add(cpt, rdc)
    return rdc, cpt


def test_update_reminders_are_in_the_outbox_even_if_the_process_dies_after_the_commit(
    plan, holders, django_capture_on_commit_callbacks
):
    today = plan.start + timedelta(days=60)
    with django_capture_on_commit_callbacks(execute=False):
        sent = services.update_reminders_send(plan=plan, today=today)
    assert sent > 0
    assert Notification.objects.filter(kind="actionplan.update_due").count() == sent


def test_the_monthly_digest_is_in_the_outbox_even_if_the_process_dies_after_the_commit(
    plan, programme_manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        sent = services.monthly_digest_send(plan=plan, today=plan.start + timedelta(days=60))
    assert sent == 1
    assert Notification.objects.get(kind="actionplan.monthly_digest").recipient == programme_manager.user


def test_the_quarterly_report_is_in_the_outbox_even_if_the_process_dies_after_the_commit(
    plan, holders, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        sent = services.quarterly_report_send(plan=plan, today=plan.start + timedelta(days=100))
    assert sent == 2
    assert Notification.objects.filter(kind="actionplan.quarterly_report").count() == 2
    assert ReportRun.objects.get(plan=plan).status == Job.Status.DONE
