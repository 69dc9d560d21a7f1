"""Writes to the action plan: import, progress updates, measures, snapshots, reports, reminders."""

from __future__ import annotations

import json
import logging
from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from core.text import with_unit
from notifications.selectors import keys_in_outbox
from notifications.services import notification_enqueue
from people.models import StaffProfile

from . import selectors
from .measures import STATUS_LABELS
from .models import (
    ActionItem,
    ActionPlan,
    Aim,
    MeasureSnapshot,
    MitRecommendation,
    Owner,
    Pillar,
    ProgressUpdate,
    ReportRun,
    Status,
    SuccessMeasure,
    default_end,
)
from .notifications import MONTHLY_DIGEST, QUARTERLY_REPORT, UPDATE_DUE

logger = logging.getLogger(__name__)

# --- Importing a plan file -----------------------------------------------------------------


class PlanFileError(ValueError):
    """The plan file is malformed; the message names the item and the field."""


@dataclass
class ImportResult:
    plan: ActionPlan
    created: int  # rows created (0 when the same file is imported again)
    changed: int  # rows whose values the file changed


def _require(mapping: dict, field: str, where: str, kind: type = str, allow_blank: bool = False) -> Any:
    if field not in mapping:
        raise PlanFileError(f"{where}: the field '{field}' is missing.")
    value = mapping[field]
    if not isinstance(value, kind):
        raise PlanFileError(f"{where}: the field '{field}' must be a {kind.__name__}, not {value!r}.")
    if isinstance(value, str) and not allow_blank and not value.strip():
        raise PlanFileError(f"{where}: the field '{field}' is blank.")
    return value


def _date(mapping: dict, field: str, where: str, required: bool = True) -> date | None:
    raw = mapping.get(field)
    if raw is None and not required:
        return None
    try:
        return date.fromisoformat(_require(mapping, field, where))
    except ValueError:
        raise PlanFileError(f"{where}: the field '{field}' is not a date (YYYY-MM-DD): {raw!r}.") from None


def plan_file_parse(text: str) -> dict[str, Any]:
    """Validate a plan file completely and return it as clean Python data; write nothing.

    Every problem raises PlanFileError naming the item (by code) and the field.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise PlanFileError(f"The file is not valid JSON: {error}.") from None
    if not isinstance(data, dict):
        raise PlanFileError("The file must hold one JSON object.")
    plan = _require(data, "plan", "The file", dict)
    clean: dict[str, Any] = {
        "title": _require(plan, "title", "The plan"),
        "start": _date(plan, "start", "The plan"),
        "end": _date(plan, "end", "The plan", required=False),
        "update_interval_days": plan.get("update_interval_days", 30),
        "notes": plan.get("notes", ""),
    }
    clean["end"] = clean["end"] or default_end(clean["start"])  # 36 months unless the file says otherwise
    if clean["end"] <= clean["start"]:
        raise PlanFileError("The plan: the field 'end' must be after 'start'.")
    aims = set(Aim.values)
    pillars: dict[int, dict[str, str]] = {}
    for n, pillar in enumerate(_require(data, "pillars", "The file", list), start=1):
        where = f"Pillar {pillar.get('number', n)}"
        number = _require(pillar, "number", where, int)
        aim = _require(pillar, "aim", where)
        if aim not in aims:
            raise PlanFileError(f"{where}: the field 'aim' is {aim!r}; it must be one of {', '.join(sorted(aims))}.")
        pillars[number] = {"aim": aim, "statement": pillar.get("statement", "")}
    owners: dict[str, str] = {}
    for owner in _require(data, "owners", "The file", list):
        short = _require(owner, "short_name", "An owner")
        owners[short] = _require(owner, "name", f"Owner {short}")
    mits: dict[str, str] = {}
    for mit in _require(data, "mit_recommendations", "The file", list):
        code = _require(mit, "code", "An MIT recommendation")
        mits[code] = _require(mit, "title", f"MIT recommendation {code}")
    items: list[dict[str, Any]] = []
    seen: set[str] = set()
    for n, item in enumerate(_require(data, "items", "The file", list), start=1):
        if not isinstance(item, dict):
            raise PlanFileError(f"Item number {n}: must be an object.")
        code = item.get("code") or f"number {n}"
        where = f"Item {code}"
        code = _require(item, "code", where)
        if code in seen:
            raise PlanFileError(f"{where}: the field 'code' repeats an earlier item.")
        seen.add(code)
        pillar = _require(item, "pillar", where, int)
        if pillar not in pillars:
            raise PlanFileError(f"{where}: the field 'pillar' is {pillar}, which is not a pillar of the plan.")
        for field, known, label in (("owners", owners, "owner"), ("mit", mits, "MIT recommendation")):
            for value in _require(item, field, where, list):
                if value not in known:
                    raise PlanFileError(f"{where}: the field '{field}' names an unknown {label} {value!r}.")
        item_aims = _require(item, "aims", where, list)
        for aim in item_aims:
            if aim not in aims:
                raise PlanFileError(f"{where}: the field 'aims' names an unknown TC aim {aim!r}.")
        if not item_aims:
            raise PlanFileError(f"{where}: the field 'aims' is empty.")
        measures: list[dict[str, Any]] = []
        for m, measure in enumerate(_require(item, "measures", where, list), start=1):
            mwhere = f"{where}, measure {m}"
            target = measure.get("target")
            if target is not None:
                try:
                    target = Decimal(str(target))
                except InvalidOperation:
                    raise PlanFileError(f"{mwhere}: the field 'target' is not a number: {target!r}.") from None
            direction = measure.get("direction", SuccessMeasure.Direction.AT_LEAST)
            if direction not in SuccessMeasure.Direction.values:
                raise PlanFileError(f"{mwhere}: the field 'direction' must be at_least or at_most.")
            window = measure.get("window", SuccessMeasure.Window.PLAN)
            if window not in SuccessMeasure.Window.values:
                raise PlanFileError(f"{mwhere}: the field 'window' must be plan or year.")
            measures.append(
                {
                    "position": m,
                    "wording": _require(measure, "wording", mwhere),
                    "target": target,
                    "unit": measure.get("unit", ""),
                    "direction": direction,
                    "window": window,
                    "due_date": _date(measure, "due", mwhere, required=False),
                    "metric_key": measure.get("metric", ""),
                    "missing_data": measure.get("missing_data", ""),
                }
            )
        items.append(
            {
                "code": code,
                "pillar": pillar,
                "title": _require(item, "title", where),
                "description": _require(item, "description", where, allow_blank=True),
                "owners": item["owners"],
                "aims": item_aims,
                "mit": item["mit"],
                "risks": item.get("risks", ""),
                "carried_over_from": item.get("carried_over_from", ""),
                "notes": item.get("notes", ""),
                "measures": measures,
            }
        )
    return {"plan": clean, "pillars": pillars, "owners": owners, "mits": mits, "items": items}


def _upsert(model: type[models.Model], lookup: dict[str, Any], values: dict[str, Any]) -> tuple[Any, str]:
    """Create the row, or update it only where a value differs; return (row, "created" | "changed" | "")."""
    row = model._default_manager.filter(**lookup).first()
    if row is None:
        return model._default_manager.create(**lookup, **values), "created"
    changed = [field for field, value in values.items() if getattr(row, field) != value]
    for field in changed:
        setattr(row, field, values[field])
    if changed:
        row.save(update_fields=changed)
    return row, "changed" if changed else ""


def plan_import(*, institution: Any, text: str, source: str = "") -> ImportResult:
    """Load a plan file into the institution, all or nothing; importing it again changes nothing.

    Validates the whole file first (PlanFileError names the item and field), then writes inside
    one transaction. Progress updates and hand-recorded values are never touched.
    """
    data = plan_file_parse(text)
    tally: Counter[str] = Counter()
    with transaction.atomic():
        plan_data = data["plan"]
        plan, new = _upsert(
            ActionPlan,
            {"institution": institution, "title": plan_data["title"]},
            {
                "start": plan_data["start"],
                "end": plan_data["end"],
                "notes": plan_data["notes"],
                "source": source,
            },
        )
        tally[new] += 1
        if new == "created":
            plan.update_interval_days = plan_data["update_interval_days"]
            plan.save(update_fields=["update_interval_days"])
        pillars: dict[int, Pillar] = {}
        for number, values in data["pillars"].items():
            pillars[number], new = _upsert(Pillar, {"plan": plan, "number": number}, values)
            tally[new] += 1
        by_aim = {pillar.aim: pillar for pillar in pillars.values()}
        owners: dict[str, Owner] = {}
        for short, name in data["owners"].items():
            owners[short], new = _upsert(Owner, {"institution": institution, "short_name": short}, {"name": name})
            tally[new] += 1
        mits: dict[str, MitRecommendation] = {}
        for code, title in data["mits"].items():
            mits[code], new = _upsert(MitRecommendation, {"code": code}, {"title": title})
            tally[new] += 1
        for position, item_data in enumerate(data["items"], start=1):
            item, new = _upsert(
                ActionItem,
                {"plan": plan, "code": item_data["code"]},
                {
                    "pillar": pillars[item_data["pillar"]],
                    "title": item_data["title"],
                    "description": item_data["description"],
                    "risks": item_data["risks"],
                    "carried_over_from": item_data["carried_over_from"],
                    "notes": item_data["notes"],
                    "position": position,
                },
            )
            tally[new] += 1
            item.owners.set([owners[short] for short in item_data["owners"]])
            item.aims.set([by_aim[aim] for aim in item_data["aims"]])
            item.mit_recommendations.set([mits[code] for code in item_data["mit"]])
            for measure_data in item_data["measures"]:
                position = measure_data.pop("position")
                _, new = _upsert(SuccessMeasure, {"item": item, "position": position}, measure_data)
                tally[new] += 1
            item.measures.filter(position__gt=len(item_data["measures"])).delete()
    return ImportResult(plan=plan, created=tally["created"], changed=tally["changed"])


# --- Progress updates and hand-recorded measures --------------------------------------------


def progress_update_add(
    *,
    item: ActionItem,
    author: Any,
    date: date,
    narrative: str,
    status: str,
    evidence_file: Any = None,
    evidence_link: str = "",
) -> ProgressUpdate:
    """Record a progress update and move the item's status and last-update date with it."""
    with transaction.atomic():
        update = ProgressUpdate.objects.create(
            item=item,
            author=author,
            date=date,
            narrative=narrative,
            status=status,
            evidence_file=evidence_file or "",
            evidence_link=evidence_link,
        )
        latest = item.updates.order_by("-date", "-pk").first()
        assert latest is not None  # the update just made, at least
        ActionItem.objects.filter(pk=item.pk).update(status=latest.status, last_update_on=latest.date)
        item.status, item.last_update_on = latest.status, latest.date
    return update


def measure_record(
    *,
    measure: SuccessMeasure,
    by: Any,
    value: Decimal | int | None,
    achieved: bool | None,
    evidence_note: str,
    evidence_link: str,
    evidence_file: Any = None,
    on: date | None = None,
) -> SuccessMeasure:
    """Record a hand-measured value or achievement with its evidence."""
    if measure.metric_key:
        raise ValueError("A computed measure cannot be recorded by hand.")
    with transaction.atomic():
        measure.recorded_value = value
        measure.achieved = achieved
        measure.evidence_note = evidence_note
        measure.evidence_link = evidence_link
        if evidence_file:
            measure.evidence_file = evidence_file
        measure.recorded_on = on or timezone.localdate()
        measure.recorded_by = by
        measure.save()
    return measure


# --- Snapshots: the trend's history ----------------------------------------------------------


def snapshots_record(*, plan: ActionPlan, on: date | None = None) -> int:
    """Record every measure's value on the day as history (again on the same day replaces it).

    The values are `selectors.measure_values`, what every page shows that day (without the
    trend: the history is not read to write a month of it); a snapshot is only ever read back as
    the trend. Returns the count.
    """
    on = on or timezone.localdate()
    measures = selectors.measure_values(plan=plan, on=on, trend=False)
    fields = ["value", "status", "detail", "how"]
    with transaction.atomic():
        # The day's rows in one read, then one UPDATE and one INSERT (not one of each per measure).
        existing = {
            row.measure_id: row
            for row in MeasureSnapshot.objects.select_for_update().filter(measure__in=measures, date=on)
        }
        new: list[MeasureSnapshot] = []
        for measure in measures:
            current = measure.current  # type: ignore[attr-defined]
            row = existing.get(measure.pk) or MeasureSnapshot(measure=measure, date=on)
            for name in fields:
                setattr(row, name, getattr(current, name))
            if row.pk is None:
                new.append(row)
        MeasureSnapshot.objects.bulk_update(list(existing.values()), fields)
        MeasureSnapshot.objects.bulk_create(new)
    return len(measures)


# --- Reports ---------------------------------------------------------------------------------


def report_run_start(*, plan: ActionPlan, by: Any, start: date, end: date, format: str) -> ReportRun:
    """Create a report run and queue its job once the row is committed."""
    with transaction.atomic():
        run = ReportRun.objects.create(plan=plan, requested_by=by, start=start, end=end, format=format)
        run.enqueue()
    return run


def report_run_build(*, run: ReportRun) -> None:
    """The report job's work (`tasks.generate_report`): build the run's file and attach it.

    Runs inside the plan's institution scope; the job marks the run done (or re-queues or fails
    it) around this. It writes no snapshots: its figures are `selectors.measure_values`, the
    same the pages show for the run's last day.
    """
    from . import reports

    content, filename = reports.build(run, on_progress=run.set_progress)
    run.file.save(filename, content, save=False)
    ReportRun.objects.filter(pk=run.pk).update(file=run.file.name)


# --- Reminders, digest and the quarterly report ------------------------------------------------


def _month(today: date) -> str:
    return f"{today:%Y-%m}"


def quarter_of(today: date) -> str:
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}"


def update_reminders_send(*, plan: ActionPlan | None = None, today: date | None = None) -> int:
    """Remind the holders of each owner role of an item with no update within the plan's interval.

    One message per item, person and month (the outbox key), so running daily sends one a month.
    One plan's items (the daily task per plan), or every plan of the current scope. The outbox
    rows are written in one transaction.
    """
    today = today or timezone.localdate()
    items = selectors.items_needing_update(today=today, plan=plan)
    with transaction.atomic():
        return _send_update_reminders(items, today=today)


def _send_update_reminders(items: list[ActionItem], *, today: date) -> int:
    sent = 0
    for item in items:
        since = item.last_update_on or item.plan.start
        for owner in item.owners.all():
            for holder in owner.holders.all():
                if not holder.user.is_active or not holder.is_current(today):
                    continue
                notification = notification_enqueue(
                    recipient=holder.user,
                    institution=item.plan.institution,
                    kind=UPDATE_DUE.key,
                    idempotency_key=f"actionplan.update_due:{item.pk}:{holder.pk}:{_month(today)}",
                    context={
                        "code": item.code,
                        "title": item.title,
                        "plan": item.plan.title,
                        "since": f"{since:%d %B %Y}",
                        "owner": owner.name,
                    },
                    link=item.get_absolute_url(),
                )
                sent += notification is not None
    return sent


def monthly_digest_send(*, plan: ActionPlan, today: date | None = None) -> int:
    """Send the plan's programme managers the items at risk, off track or overdue, once a month.

    The outbox rows are written in one transaction.
    """
    today = today or timezone.localdate()
    items = selectors.items_needing_attention(plan=plan, today=today)
    if not items:
        return 0
    rows = []
    for item in items:
        note = item.get_status_display()
        if item.update_overdue(today):
            note += f", no update since {item.last_update_on or plan.start:%d %b %Y}"
        rows.append({"code": item.code, "title": item.title, "note": note})
    sent = 0
    with transaction.atomic():
        for profile in selectors.programme_managers_of(plan.institution):
            notification = notification_enqueue(
                recipient=profile.user,
                institution=plan.institution,
                kind=MONTHLY_DIGEST.key,
                idempotency_key=f"actionplan.monthly_digest:{plan.pk}:{profile.pk}:{_month(today)}",
                context={"plan": plan.title, "rows": rows, "count": len(rows)},
                link=plan.get_absolute_url(),
            )
            sent += notification is not None
    return sent


def quarterly_report_send(*, plan: ActionPlan, today: date | None = None) -> int:
    """Send each holder of an owner role on the plan this quarter's measures, exactly once.

    The figures are `selectors.measure_values` for today, the same the pages and the quarter's
    PDF show. The outbox key (plan, person, quarter) makes a second run, or two at once, send
    nothing more; the outbox rows are written in one transaction, after the PDF is built.
    """
    today = today or timezone.localdate()
    quarter = quarter_of(today)
    # Stop before the figures and the PDF when every owner has this quarter's report (a second run
    # of the job) or nobody holds an owner role: at national size the job spent 0.2-0.5 s per plan
    # building what it would not send.
    keys = {
        _quarterly_report_key(plan, holder_pk, quarter)
        for holder_pk in selectors.owner_holders(plan).values_list("pk", flat=True)
    }
    if not keys - keys_in_outbox(keys):
        return 0
    run = _quarterly_report_run(plan=plan, quarter=quarter, today=today)
    rows = []
    for measure in selectors.measure_values(plan=plan, on=today):
        current = measure.current  # type: ignore[attr-defined]
        rows.append(
            {
                "code": measure.item.code,
                "wording": measure.wording,
                "target": with_unit(measure.target, measure.unit, empty="—"),
                "value": with_unit(current.value, measure.unit),
                "status": STATUS_LABELS.get(current.status, current.status),
                "how": f"{current.how} (recorded {current.as_of:%d %b %Y})",
            }
        )
    counts = selectors.status_counts(plan)
    by_status = ", ".join(f"{label}: {counts.get(key, 0)}" for key, label in Status.choices)
    with transaction.atomic():
        return _send_quarterly_report(plan=plan, quarter=quarter, today=today, rows=rows, by_status=by_status, run=run)


def _send_quarterly_report(
    *, plan: ActionPlan, quarter: str, today: date, rows: list[dict[str, str]], by_status: str, run: ReportRun | None
) -> int:
    sent = 0
    for holder in selectors.owner_holders(plan):
        notification = notification_enqueue(
            recipient=holder.user,
            institution=plan.institution,
            kind=QUARTERLY_REPORT.key,
            idempotency_key=_quarterly_report_key(plan, holder.pk, quarter),
            context={
                "plan": plan.title,
                "quarter": quarter,
                "as_of": f"{today:%d %B %Y}",
                "rows": rows,
                "by_status": by_status,
                "report_link": _absolute(reverse("actionplan:report_download", args=[run.pk])) if run else "",
            },
            link=plan.get_absolute_url(),
        )
        sent += notification is not None
    return sent


def _absolute(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def _quarterly_report_key(plan: ActionPlan, holder_pk: int, quarter: str) -> str:
    return f"actionplan.quarterly_report:{plan.pk}:{holder_pk}:{quarter}"


def _quarterly_report_run(*, plan: ActionPlan, quarter: str, today: date) -> ReportRun | None:
    """Return the quarter's PDF report of the plan, generating it the first time; None if it failed.

    One per plan and quarter (a unique constraint): a second run of the job, or one at the same
    time, finds it instead of making another. The first builds it here, in this (background)
    task, through the report job itself (claimed, retried, failed only when retries are spent),
    so the message can link to a file that exists.
    """
    from .tasks import generate_report

    run, created = ReportRun.objects.get_or_create(
        plan=plan,
        quarter=quarter,
        defaults={"format": ReportRun.Format.PDF, "start": plan.start, "end": min(today, plan.end)},
    )
    if created:
        result = generate_report.apply(args=[run.pk], throw=False)
        if result.failed():
            # The owners still get the figures in the message; the failed run shows its error.
            logger.error("The quarterly report %s of plan %s failed: %s", quarter, plan.pk, result.result)
    run.refresh_from_db()
    return run if run.status != ReportRun.Status.FAILED else None


def plan_publish(*, plan: ActionPlan, published: bool) -> ActionPlan:
    ActionPlan.objects.filter(pk=plan.pk).update(published=published)
    plan.published = published
    return plan


def plan_settings_save(*, plan: ActionPlan, published: bool, update_interval_days: int) -> ActionPlan:
    with transaction.atomic():
        ActionPlan.objects.filter(pk=plan.pk).update(published=published, update_interval_days=update_interval_days)
    plan.published, plan.update_interval_days = published, update_interval_days
    return plan


def owner_holders_set(*, owner: Owner, holders: list[StaffProfile]) -> Owner:
    """Replace who holds an owner role; every holder must work at the owner's institution."""
    if any(holder.institution_id != owner.institution_id for holder in holders):
        raise ValueError("An owner role can only be held by staff of its institution.")
    with transaction.atomic():
        owner.holders.set(holders)
    return owner
