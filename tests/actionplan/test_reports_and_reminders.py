"""Reports produced by a real Celery worker, the quarterly report, reminders and the digest."""

import base64
import csv
import io
import re
import time
import zlib
from datetime import date, timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from actionplan import services, tasks
from actionplan.models import ActionItem, Owner, ReportRun, SuccessMeasure
from core.text import number
from notifications.models import Notification
from notifications.services import render
from people import roles
from tests.conftest import client_for
from tests.factories import staff


def _wait_for(run, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.status in (ReportRun.Status.DONE, ReportRun.Status.FAILED):
            return run
        time.sleep(0.5)
    raise AssertionError(f"The report run is still {run.status} after {timeout}s")


def _pdf_text(data):
    """The text drawn in a reportlab PDF (its streams are ASCII85- then Flate-encoded)."""
    chunks = []
    for stream in re.findall(rb"stream\r?\n(.*?)~>endstream", data, re.S):
        try:
            chunks.append(zlib.decompress(base64.a85decode(stream.strip())))
        except (ValueError, zlib.error):
            continue  # an image or font stream
    return " ".join(m.decode("latin-1") for m in re.findall(rb"\((.*?)\) Tj", b"\n".join(chunks)))


def _dashboard_values(client, plan):
    measures = client.get(reverse("actionplan:dashboard", args=[plan.pk])).context["measures"]
    return {(m.item.code, m.wording): number(m.current.value) for m in measures}


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_reports_started_from_the_page_run_on_the_worker_and_match_the_dashboard(
    celery_worker_on_redis, plan, programme_manager, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    plan.end = timezone.localdate() + timedelta(days=365)  # a plan still running whenever the test runs
    plan.save()
    modules = SuccessMeasure.objects.get(item__plan=plan, item__code="1E")
    services.measure_record(
        measure=modules,
        by=programme_manager.user,
        value=1,
        achieved=None,
        evidence_note="Module 1 opened",
        evidence_link="https://nexus.example/modules",
    )
    client = client_for(programme_manager)
    today = timezone.localdate()
    runs = {}
    for fmt in ("pdf", "xlsx", "csv"):
        response = client.post(
            reverse("actionplan:report_start", args=[plan.pk]),
            {"format": fmt, "start": plan.start.isoformat(), "end": today.isoformat()},
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200
        assert 'hx-trigger="every 1s"' in response.content.decode()  # the page polls the new run
        # One at a time: the test database may be SQLite, which cannot take two writers at once.
        run = runs[fmt] = _wait_for(ReportRun.objects.get(format=fmt))
        assert run.status == ReportRun.Status.DONE, run.error
        assert run.progress == 100 and run.finished_at is not None
        fragment = client.get(reverse("actionplan:report", args=[run.pk]), HTTP_HX_REQUEST="true").content.decode()
        assert "hx-trigger" not in fragment and reverse("actionplan:report_download", args=[run.pk]) in fragment

    expected = _dashboard_values(client, plan)
    assert expected[("1E", modules.wording)] == "1"

    csv_bytes = b"".join(client.get(reverse("actionplan:report_download", args=[runs["csv"].pk])).streaming_content)
    rows = list(csv.reader(io.StringIO(csv_bytes.decode("utf-8-sig"))))
    header = rows.index(
        [
            "Pillar",
            "Action",
            "Success measure",
            "Target",
            "Unit",
            "Value",
            "Status",
            "Figures",
            "How it was computed",
            "Value as of",
        ]
    )
    from_csv = {(r[1], r[2]): r[5] for r in rows[header + 1 :]}
    assert from_csv == expected
    survey = next(r for r in rows[header + 1 :] if r[1] == "4D")
    assert survey[5] == ""  # computed (surveys.response_rate), but no annual survey yet: no number
    assert survey[7].startswith("No data yet: nothing recorded from")
    assert all(r[9] == today.isoformat() for r in rows[header + 1 :])  # when each number was computed

    book = load_workbook(
        io.BytesIO(
            b"".join(client.get(reverse("actionplan:report_download", args=[runs["xlsx"].pk])).streaming_content)
        )
    )
    sheet = book["Success measures"]
    values = list(sheet.iter_rows(values_only=True))
    xlsx_header = values.index(tuple(rows[header]))
    from_xlsx = {(r[1], r[2]): number(r[5]) for r in values[xlsx_header + 1 :]}
    assert from_xlsx == expected

    pdf = b"".join(client.get(reverse("actionplan:report_download", args=[runs["pdf"].pk])).streaming_content)
    assert pdf.startswith(b"%PDF")
    text = _pdf_text(pdf)
    assert "How it was computed" in text and "Recorded by hand on" in text


@pytest.mark.django_db
def test_report_downloads_are_for_programme_managers_of_the_institution_only(
    plan, programme_manager, technician, outsider, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        run = services.report_run_start(
            plan=plan, by=programme_manager.user, start=plan.start, end=plan.start, format="csv"
        )
    run.refresh_from_db()
    assert run.status == "done"  # eager in tests without a broker
    url = reverse("actionplan:report_download", args=[run.pk])
    assert client_for(programme_manager).get(url).status_code == 200
    assert client_for(technician).get(url).status_code == 404
    assert client_for(outsider).get(url).status_code == 404


@pytest.mark.django_db
def test_a_report_range_outside_the_plan_is_refused_and_nothing_is_queued(plan, programme_manager):
    response = client_for(programme_manager).post(
        reverse("actionplan:report_start", args=[plan.pk]),
        {"format": "pdf", "start": "2023-01-01", "end": "2024-02-01"},
        follow=True,
    )
    assert "Choose dates within the plan" in response.content.decode()
    assert not ReportRun.objects.exists()


@pytest.mark.django_db
def test_the_submission_workbook_arranges_actions_under_each_tc_aim(
    plan, programme_manager, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    services.progress_update_add(
        item=ActionItem.objects.get(plan=plan, code="4A"),
        author=programme_manager.user,
        date=plan.start,
        narrative="Two placements agreed",
        status="on_track",
        evidence_link="https://nexus.example/exchange",
    )
    with django_capture_on_commit_callbacks(execute=True):
        run = services.report_run_start(
            plan=plan, by=programme_manager.user, start=plan.start, end=plan.end, format="submission"
        )
    run.refresh_from_db()

    book = load_workbook(run.file.path)
    assert book.sheetnames == ["Career development", "Visibility", "Recognition", "Sustainability"]
    codes = {name: [r[0] for r in book[name].iter_rows(min_row=3, values_only=True)] for name in book.sheetnames}
    assert codes["Sustainability"] == ["1B", "1C", "4A", "4B", "4C", "4D", "4E"]
    assert "4A" in codes["Career development"]  # serves two aims, so it is under both
    row = next(r for r in book["Sustainability"].iter_rows(min_row=3, values_only=True) if r[0] == "4A")
    assert "Two placements agreed" in row[5] and "https://nexus.example/exchange" in row[7]

    page = client_for(programme_manager).get(reverse("actionplan:submission", args=[plan.pk])).content.decode()
    assert "Two placements agreed" in page


# --- Quarterly report --------------------------------------------------------------------------


@pytest.fixture
def holders(plan, institution):
    rdc, cpt = staff(institution), staff(institution)
    Owner.objects.get(short_name="RDC").holders.add(rdc)
    Owner.objects.get(short_name="CPT Programme Manager").holders.add(cpt, rdc)
    return rdc, cpt


@pytest.mark.django_db
def test_the_quarterly_report_goes_to_each_owner_once_per_quarter(
    plan, holders, settings, django_capture_on_commit_callbacks
):
    services.snapshots_record(plan=plan, on=date(2025, 4, 1))
    with django_capture_on_commit_callbacks(execute=True):
        first = services.quarterly_report_send(plan=plan, today=date(2025, 4, 1))
    again = services.quarterly_report_send(plan=plan, today=date(2025, 4, 30))
    next_quarter = services.quarterly_report_send(plan=plan, today=date(2025, 7, 1))

    assert (first, again, next_quarter) == (2, 0, 2)
    rdc, cpt = holders
    keys = set(
        Notification.objects.filter(kind="actionplan.quarterly_report").values_list("idempotency_key", flat=True)
    )
    assert keys == {
        f"actionplan.quarterly_report:{plan.pk}:{rdc.pk}:2025-Q2",
        f"actionplan.quarterly_report:{plan.pk}:{cpt.pk}:2025-Q2",
        f"actionplan.quarterly_report:{plan.pk}:{rdc.pk}:2025-Q3",
        f"actionplan.quarterly_report:{plan.pk}:{cpt.pk}:2025-Q3",
    }
    reports = ReportRun.objects.filter(plan=plan).exclude(quarter="").order_by("quarter")
    assert [(r.quarter, r.format, r.status, r.end) for r in reports] == [
        ("2025-Q2", "pdf", "done", date(2025, 4, 1)),
        ("2025-Q3", "pdf", "done", date(2025, 7, 1)),
    ]
    message = Notification.objects.get(recipient=rdc.user, idempotency_key__endswith="2025-Q2")
    assert message.status == "sent"
    download = reverse("actionplan:report_download", args=[reports[0].pk])
    assert f"This quarter's report as a PDF: {settings.PORTAL_BASE_URL}{download}" in message.body
    assert client_for(rdc).get(download).status_code == 200  # owners may download it
    assert "4D Raise survey response rates to 20+%" in message.body
    assert "Target: 20% · Value: no data · No data" in message.body
    assert "How: Recorded by hand; nothing recorded yet. (recorded 01 Apr 2025)" in message.body


@pytest.mark.django_db
def test_a_quarter_already_reported_or_a_plan_without_owners_builds_no_report(plan, holders):
    services.quarterly_report_send(plan=plan, today=date(2025, 4, 1))
    assert ReportRun.objects.filter(plan=plan, quarter="2025-Q2").count() == 1
    ReportRun.objects.filter(plan=plan).delete()
    # Both owners have this quarter's report: a second run neither sends nor builds another PDF.
    assert services.quarterly_report_send(plan=plan, today=date(2025, 5, 1)) == 0
    assert not ReportRun.objects.filter(plan=plan).exists()
    # Nobody holds an owner role: nothing to send, nothing built.
    for owner in Owner.objects.all():
        owner.holders.clear()
    assert services.quarterly_report_send(plan=plan, today=date(2025, 7, 1)) == 0
    assert not ReportRun.objects.filter(plan=plan).exists()


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_two_quarterly_runs_at_once_on_the_worker_send_each_owner_one_report(celery_worker_on_redis, plan, holders):
    if connection.vendor != "postgresql":
        pytest.skip("Concurrent writers need PostgreSQL (SQLite locks the whole database).")
    from celery.signals import task_postrun

    finished = []

    def count(sender=None, retval=None, **kwargs):
        if sender.name == "actionplan.tasks.send_plan_quarterly_report":
            finished.append(retval)

    task_postrun.connect(count, weak=False)
    try:
        for _ in range(2):
            tasks.send_plan_quarterly_report.delay(plan.pk)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and len(finished) < 2:
            time.sleep(0.2)
    finally:
        task_postrun.disconnect(count)

    # Both runs finished, and between them they sent two messages, not four (they may share the work).
    assert len(finished) == 2 and sum(finished) == 2
    assert ReportRun.objects.filter(plan=plan).exclude(quarter="").count() == 1
    per_person = list(
        Notification.objects.filter(kind="actionplan.quarterly_report").values_list("recipient", flat=True)
    )
    assert sorted(per_person) == sorted([holders[0].user.pk, holders[1].user.pk])


# --- Reminders and digest -----------------------------------------------------------------------


@pytest.mark.django_db
def test_owners_of_an_action_without_a_recent_update_are_reminded_once_a_month(plan, holders, programme_manager):
    today = date(2025, 3, 10)
    fresh = ActionItem.objects.get(plan=plan, code="1A")
    services.progress_update_add(
        item=fresh,
        author=programme_manager.user,
        date=today - timedelta(days=5),
        narrative="Consulted",
        status="on_track",
    )
    done = ActionItem.objects.get(plan=plan, code="1H")
    services.progress_update_add(
        item=done, author=programme_manager.user, date=date(2024, 6, 1), narrative="Guidelines updated", status="done"
    )

    sent = services.update_reminders_send(today=today)
    again = services.update_reminders_send(today=today + timedelta(days=1))

    rdc, cpt = holders
    reminded = Notification.objects.filter(kind="actionplan.update_due")
    assert again == 0
    # RDC is on all 26 actions; 1A was updated and 1H is done: 24 reminders. CPT holds 6 stale ones.
    assert reminded.filter(recipient=rdc.user).count() == 24
    assert reminded.filter(recipient=cpt.user).count() == 6
    assert sent == 30
    assert not reminded.filter(idempotency_key__startswith=f"actionplan.update_due:{fresh.pk}:").exists()
    assert services.update_reminders_send(today=date(2025, 4, 10)) == 31  # next month: 1A is stale by then


@pytest.mark.django_db
def test_the_monthly_digest_lists_actions_at_risk_or_overdue_for_programme_managers(plan, programme_manager, hr):
    today = date(2025, 3, 10)
    for item in ActionItem.objects.filter(plan=plan):
        status = "at_risk" if item.code == "4C" else "on_track"
        services.progress_update_add(item=item, author=programme_manager.user, date=today, narrative="x", status=status)
    ActionItem.objects.filter(plan=plan, code="2I").update(last_update_on=date(2024, 12, 1))

    assert services.monthly_digest_send(plan=plan, today=today) == 1
    assert services.monthly_digest_send(plan=plan, today=today) == 0

    digest = Notification.objects.get(kind="actionplan.monthly_digest")
    assert digest.recipient == programme_manager.user  # not HR: the digest is the programme manager's
    subject, body = render(digest)
    assert subject == "Technician Commitment Action Plan 2024-2027: 2 actions need attention"
    assert "4C Recruit Laboratory Technician Apprentices as future SOs: At risk" in body
    assert "2I Create a network for Scientific Project Managers: On track, no update since 01 Dec 2024" in body
    assert "1A" not in body
    assert roles.PROGRAMME_MANAGER in programme_manager.user.groups.values_list("name", flat=True)


@pytest.mark.django_db
def test_the_beat_schedules_exist_and_name_real_tasks():
    from django_celery_beat.models import PeriodicTask

    from techcareers.celery import app

    schedules = {
        task.task: task
        for task in PeriodicTask.objects.filter(name__startswith="Action plan:").select_related("crontab")
    }
    assert set(schedules) == {
        "actionplan.tasks.record_all_snapshots",
        "actionplan.tasks.send_update_reminders",
        "actionplan.tasks.send_monthly_digests",
        "actionplan.tasks.send_quarterly_reports",
    }
    assert all(name in app.tasks for name in schedules)
    quarterly = schedules["actionplan.tasks.send_quarterly_reports"].crontab
    assert (quarterly.day_of_month, quarterly.month_of_year) == ("1", "1,4,7,10")


@pytest.mark.django_db
def test_the_beat_tasks_fan_out_to_each_current_plan(plan, holders, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    plan.start, plan.end = today - timedelta(days=400), today + timedelta(days=700)  # running today
    plan.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_quarterly_reports() == 1
    assert Notification.objects.filter(kind="actionplan.quarterly_report").count() == 2
    assert tasks.record_all_snapshots() == 1
    assert plan.items.first().measures.first().snapshots.count() == 1


@pytest.mark.django_db
def test_a_report_for_a_quarter_computes_each_measure_over_that_quarter(
    plan, programme_manager, fake_metric, settings, tmp_path, django_capture_on_commit_callbacks
):
    from core import metrics

    settings.MEDIA_ROOT = tmp_path
    SuccessMeasure.objects.filter(item__plan=plan, item__code="4A").update(metric_key="tests.fake")
    fake_metric["result"] = metrics.MetricResult(value=2, detail="2 people in the quarter")
    with django_capture_on_commit_callbacks(execute=True):
        run = services.report_run_start(
            plan=plan, by=programme_manager.user, start=date(2025, 4, 1), end=date(2025, 6, 30), format="csv"
        )
    run.refresh_from_db()

    assert fake_metric["window"] == (date(2025, 4, 1), date(2025, 6, 30))
    rows = list(csv.reader(io.StringIO(run.file.read().decode("utf-8-sig"))))
    row = next(r for r in rows if r[:2] == ["Sustainability", "4A"])
    assert row[5:] == [
        "2",
        "On track",  # 2 of 4 people with half the plan gone
        "2 people in the quarter",
        "Counts the fake people. Counted from 01 Apr 2025 to 30 Jun 2025.",
        "2025-06-30",
    ]


@pytest.mark.django_db
def test_a_running_report_shows_its_progress_bar_and_keeps_polling(plan, programme_manager, outsider):
    run = ReportRun.objects.create(
        plan=plan,
        requested_by=programme_manager.user,
        start=plan.start,
        end=plan.end,
        format="xlsx",
        status=ReportRun.Status.RUNNING,
        progress=40,
    )
    url = reverse("actionplan:report", args=[run.pk])

    page = client_for(programme_manager).get(url).content.decode()

    assert 'aria-valuenow="40"' in page and 'data-width="40"' in page
    assert f'hx-get="{url}" hx-trigger="every 1s"' in page
    assert "report-download" not in page
    assert client_for(outsider).get(url).status_code == 404
