"""Reads of the action plan, inside the viewer's institution scope, and the access helpers.

`get_<thing>_for_user(user, pk)` returns the object or raises Http404 (what the viewer may not
see does not exist for them); what they may then do with it is checked in `rules.py`.

`measure_values` is the one source of a success measure's value: the dashboard, the item page,
the public summary, the reports and the quarterly message all read it, so they show the same
figure for the same day. Snapshots are the trend's history, never the current value.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import Any, cast

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from core.access import allowed, get_visible_or_404
from people import roles
from people.models import StaffProfile

from .measures import MetricAnswers, measure_evaluate
from .models import ActionItem, ActionPlan, MeasureSnapshot, Owner, ProgressUpdate, ReportRun, Status, SuccessMeasure

# --- What the viewer may see ------------------------------------------------------------------


def sees_full_plan(user: Any) -> bool:
    return allowed(user, "actionplan.see_full_plan")


def plans_for(user: Any) -> QuerySet[ActionPlan]:
    """The plans of the viewer's institution (the full plan or its summary; see the getters)."""
    return ActionPlan.objects.for_institution(user.institution)


def _full_plan_or_none(user: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
    """The queryset for those who see the whole plan (managers, HR, owner-role holders); empty for others."""
    return queryset if sees_full_plan(user) else queryset.none()


def get_plan_for_user(user: Any, pk: Any) -> ActionPlan:
    """Return the plan for its programme managers, HR and owner-role holders; 404 otherwise."""
    return get_visible_or_404(_full_plan_or_none(user, plans_for(user).select_related("institution")), pk)


def get_published_plan_for_user(user: Any, pk: Any) -> ActionPlan:
    """Return the plan's public summary: anyone at the institution once it is published."""
    plans = plans_for(user).select_related("institution")
    if not sees_full_plan(user):
        plans = plans.filter(published=True)
    return get_visible_or_404(plans, pk)


def get_item_for_user(user: Any, pk: Any) -> ActionItem:
    items = ActionItem.objects.for_institution(user.institution).select_related("plan", "pillar")
    return get_visible_or_404(_full_plan_or_none(user, items), pk)


def get_update_for_user(user: Any, pk: Any) -> ProgressUpdate:
    updates = ProgressUpdate.objects.for_institution(user.institution).select_related("item")
    return get_visible_or_404(_full_plan_or_none(user, updates), pk)


def get_measure_for_user(user: Any, pk: Any) -> SuccessMeasure:
    """A measure of the plan, for those who see the whole plan (its evidence file)."""
    measures = SuccessMeasure.objects.for_institution(user.institution)
    return get_visible_or_404(_full_plan_or_none(user, measures), pk)


def get_manual_measure_for_user(user: Any, pk: Any) -> SuccessMeasure:
    """A hand-recorded measure of the viewer's institution (a computed one is never recorded: 404).

    Who may record it is `rules.require_record_measure` (403 for the institution's other staff).
    """
    measures = SuccessMeasure.objects.for_institution(user.institution).filter(metric_key="")
    return get_visible_or_404(measures.select_related("item__plan"), pk)


def get_owner_for_user(user: Any, pk: Any) -> Owner:
    """An owner role of the viewer's institution; who may change it is `rules.require_manage_owners`."""
    return get_visible_or_404(Owner.objects.for_institution(user.institution), pk)


def get_report_for_user(user: Any, pk: Any) -> ReportRun:
    """Reports are for those who see the whole plan: programme managers, HR and owner-role holders."""
    runs = ReportRun.objects.for_institution(user.institution).select_related("plan")
    return get_visible_or_404(_full_plan_or_none(user, runs), pk)


def published_plans(institution: Any) -> QuerySet[ActionPlan]:
    """The institution's published plans, newest first: what its staff may read (the API's)."""
    return ActionPlan.objects.for_institution(institution).filter(published=True).order_by("-start", "pk")


def get_published_plan(institution: Any, pk: Any) -> ActionPlan:
    """A published plan of the institution, or Http404 (a draft, another institution's)."""
    return get_visible_or_404(published_plans(institution).select_related("institution"), pk)


def owners_with_holders(institution: Any) -> QuerySet[Owner]:
    return Owner.objects.for_institution(institution).prefetch_related("holders__user")


# --- Lists -----------------------------------------------------------------------------------


def items_for_dashboard(plan: ActionPlan) -> QuerySet[ActionItem]:
    """Items with everything a list row shows, in a fixed number of queries."""
    return (
        ActionItem.objects.filter(plan=plan)
        .select_related("pillar", "plan")
        .prefetch_related("owners", "aims", "mit_recommendations")
    )


def measure_values(
    *,
    plan: ActionPlan,
    on: date,
    items: Iterable[ActionItem] | QuerySet[ActionItem] | None = None,
    start: date | None = None,
    end: date | None = None,
    trend: bool = True,
) -> list[SuccessMeasure]:
    """The plan's measures, each with `.current` (its value on the day `on`) and `.trend`.

    `.current` is a `measures.Evaluation`: computed live by the measure's metric, or the figure
    recorded by hand for a manual measure, as it stood on `on`. Every page and report reads a
    measure's value here and nowhere else. `.trend` is the history recorded by the monthly job
    (snapshots up to `on`, oldest first), for the chart only.

    `items` limits it to those actions (the item page); `start`/`end` count every measure over
    that range instead of its own window (a report of one quarter). `trend=False` leaves
    `.trend` out (recording the month's snapshots needs no history, which grows every month).
    Two queries (one without the trend), plus each distinct metric's own queries once per
    window, however many measures share it.
    """
    measures_query = SuccessMeasure.objects.filter(item__plan=plan).select_related(
        "item__pillar", "item__plan__institution", "recorded_by"
    )
    if items is not None:
        measures_query = measures_query.filter(item__in=items)
    measures_query = measures_query.order_by("item__position", "item__code", "position")
    if trend:
        snapshots = MeasureSnapshot.objects.filter(date__lte=on).order_by("date")
        measures_query = measures_query.prefetch_related(Prefetch("snapshots", queryset=snapshots, to_attr="trend"))
    measures: list[SuccessMeasure] = list(measures_query)
    answers: MetricAnswers = {}
    for measure in measures:
        cast(Any, measure).current = measure_evaluate(measure, as_of=on, start=start, end=end, answers=answers)
    return measures


def status_counts(plan: ActionPlan, items: QuerySet[ActionItem] | None = None) -> dict[str, int]:
    queryset = ActionItem.objects.filter(plan=plan) if items is None else items
    return dict(queryset.order_by().values_list("status").annotate(n=Count("pk")))


def pillar_progress(items: Iterable[ActionItem]) -> list[dict[str, Any]]:
    """Per pillar: items, done, and counts by status, from already-loaded items."""
    rows: dict[int, dict[str, Any]] = {}
    for item in items:
        row = rows.setdefault(item.pillar_id, {"pillar": item.pillar, "total": 0, "counts": Counter()})
        row["total"] += 1
        row["counts"][item.status] += 1
    result = []
    for row in sorted(rows.values(), key=lambda r: r["pillar"].number):
        row["done"] = row["counts"][Status.DONE]
        row["percent"] = round(100 * row["done"] / row["total"]) if row["total"] else 0
        row["bars"] = [
            (key, label, row["counts"][key], 100 * row["counts"][key] / row["total"])
            for key, label in Status.choices
            if row["counts"][key]
        ]
        result.append(row)
    return result


def owner_roles_of(profile: StaffProfile) -> QuerySet[Owner]:
    return Owner.objects.for_institution(profile.institution).held_by(profile)


def items_of_owner(profile: StaffProfile) -> QuerySet[ActionItem]:
    return (
        ActionItem.objects.for_institution(profile.institution)
        .filter(owners__holders=profile)
        .distinct()
        .select_related("pillar", "plan")
        .prefetch_related("owners")
    )


def programme_managers_of(institution: Any) -> QuerySet[StaffProfile]:
    return (
        StaffProfile.objects.for_institution(institution)
        .current()
        .filter(
            Q(user__groups__name=roles.PROGRAMME_MANAGER) | Q(user__groups__name=roles.INSTITUTION_ADMIN),
            user__is_active=True,
        )
        .distinct()
        .select_related("user")
    )


def owner_holders(plan: ActionPlan) -> QuerySet[StaffProfile]:
    """The distinct current people holding an owner role named on one of the plan's items."""
    return (
        StaffProfile.objects.for_institution(plan.institution)
        .current()
        .filter(plan_owner_roles__items__plan=plan, user__is_active=True)
        .distinct()
        .select_related("user")
    )


# --- Due work (the beat jobs) ------------------------------------------------------------------
# Beat tasks fan out one task per plan (`core.jobs.fan_out` reads these across institutions);
# each per-plan task runs in the plan's institution scope and asks these for its work.


def plans_started_by(today: date) -> QuerySet[ActionPlan]:
    """record_all_snapshots (monthly): plans that have started. A handful of rows per
    institution, so no index."""
    return ActionPlan.objects.filter(start__lte=today)


def plans_running_on(today: date) -> QuerySet[ActionPlan]:
    """send_update_reminders, send_monthly_digests, send_quarterly_reports: plans running today."""
    return ActionPlan.objects.filter(start__lte=today, end__gte=today)


def items_needing_update(*, today: date | None = None, plan: ActionPlan | None = None) -> list[ActionItem]:
    """Open items with no update within their plan's interval: the daily reminder scan.

    send_plan_update_reminders asks for one plan's (partial index actionitem_open_by_plan_idx);
    without `plan`, every plan of the current scope.
    """
    today = today or timezone.localdate()
    candidates = ActionItem.objects.exclude(status=Status.DONE).filter(plan__start__lte=today, plan__end__gte=today)
    if plan is not None:
        candidates = candidates.filter(plan=plan)
    candidates = candidates.select_related("plan__institution").prefetch_related(
        Prefetch("owners", queryset=Owner.objects.prefetch_related("holders__user")),
    )
    return [item for item in candidates if item.update_overdue(today)]


def items_needing_attention(*, plan: ActionPlan, today: date) -> list[ActionItem]:
    """send_plan_digest (monthly): the plan's items at risk, off track, or with an overdue update."""
    items = ActionItem.objects.filter(plan=plan).select_related("plan")
    return [item for item in items if item.status in (Status.AT_RISK, Status.OFF_TRACK) or item.update_overdue(today)]
