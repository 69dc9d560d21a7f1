"""Reads of the action plan, scoped to the viewer's institution, and the access helpers."""

from collections import Counter

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from people import roles
from people.models import StaffProfile

from .models import ActionItem, ActionPlan, MeasureSnapshot, Owner, ProgressUpdate, ReportRun, Status, SuccessMeasure

# --- Who may do what -------------------------------------------------------------------------


def may_manage(user):
    """Programme managers and HR run the plan: see everything, edit, report."""
    return roles.is_programme_manager(user) or roles.is_hr(user)


def holds_owner_role(user):
    """Return whether the user holds an owner role named on their institution's plan."""
    if not roles.has_profile(user):
        return False
    cached = getattr(user, "_holds_owner_role", None)
    if cached is None:
        cached = Owner.objects.for_institution(user.institution).held_by(user.profile).exists()
        user._holds_owner_role = cached
    return cached


def may_see_full_plan(user):
    return may_manage(user) or holds_owner_role(user)


def may_update_item(user, item):
    """Managers update any item; owners update the items of the roles they hold."""
    if may_manage(user):
        return True
    return roles.has_profile(user) and item.owners.filter(holders=user.profile).exists()


def plans_for(user):
    return ActionPlan.objects.for_institution(user.institution)


def get_plan_for_user(user, pk):
    """Return the plan for its programme managers, HR and owner-role holders; 404 otherwise."""
    plan = get_object_or_404(plans_for(user).select_related("institution"), pk=pk)
    if not may_see_full_plan(user):
        raise Http404("No action plan here.")
    return plan


def get_published_plan_for_user(user, pk):
    """Return the plan's public summary: anyone at the institution once it is published."""
    plan = get_object_or_404(plans_for(user).select_related("institution"), pk=pk)
    if not plan.published and not may_see_full_plan(user):
        raise Http404("This plan is not published.")
    return plan


def get_item_for_user(user, pk):
    item = get_object_or_404(ActionItem.objects.for_institution(user.institution).select_related("plan"), pk=pk)
    if not may_see_full_plan(user):
        raise Http404("No action here.")
    return item


def get_update_for_user(user, pk):
    update = get_object_or_404(
        ProgressUpdate.objects.filter(item__plan__institution=user.institution).select_related("item"), pk=pk
    )
    if not may_see_full_plan(user):
        raise Http404("No update here.")
    return update


def get_measure_for_user(user, pk):
    measure = get_object_or_404(SuccessMeasure.objects.filter(item__plan__institution=user.institution), pk=pk)
    if not may_see_full_plan(user):
        raise Http404("No measure here.")
    return measure


def get_measure_for_manager(user, pk):
    measure = get_object_or_404(
        SuccessMeasure.objects.filter(item__plan__institution=user.institution).select_related("item__plan"), pk=pk
    )
    if not may_manage(user):
        raise PermissionDenied("Only programme managers and HR record success measures.")
    return measure


def get_owner_for_manager(user, pk):
    owner = get_object_or_404(Owner.objects.for_institution(user.institution), pk=pk)
    if not may_manage(user):
        raise PermissionDenied("Only programme managers and HR say who holds an owner role.")
    return owner


def owners_with_holders(institution):
    return Owner.objects.for_institution(institution).prefetch_related("holders__user")


def get_report_for_user(user, pk):
    """Reports are for those who see the whole plan: programme managers, HR and owner-role holders."""
    run = get_object_or_404(ReportRun.objects.filter(plan__institution=user.institution).select_related("plan"), pk=pk)
    if not may_see_full_plan(user):
        raise Http404("No report here.")
    return run


# --- Lists -----------------------------------------------------------------------------------


def items_for_dashboard(plan):
    """Items with everything a list row shows, in a fixed number of queries."""
    return (
        ActionItem.objects.filter(plan=plan)
        .select_related("pillar", "plan")
        .prefetch_related("owners", "aims", "mit_recommendations")
    )


def measures_with_latest(plan, *, items=None, start=None, end=None):
    """The plan's measures with their snapshots (oldest first) and `.latest`; two queries.

    `start`/`end` limit the snapshots to a date range (a report for a period).
    """
    snapshots = MeasureSnapshot.objects.order_by("date")
    if start:
        snapshots = snapshots.filter(date__gte=start)
    if end:
        snapshots = snapshots.filter(date__lte=end)
    queryset = SuccessMeasure.objects.filter(item__plan=plan).select_related("item__pillar")
    if items is not None:
        queryset = queryset.filter(item__in=items)
    measures = list(
        queryset.order_by("item__position", "item__code", "position").prefetch_related(
            Prefetch("snapshots", queryset=snapshots, to_attr="trend")
        )
    )
    for measure in measures:
        measure.latest = measure.trend[-1] if measure.trend else None
    return measures


def status_counts(plan, items=None):
    queryset = ActionItem.objects.filter(plan=plan) if items is None else items
    return dict(queryset.order_by().values_list("status").annotate(n=Count("pk")))


def pillar_progress(items):
    """Per pillar: items, done, and counts by status, from already-loaded items."""
    rows = {}
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


def items_needing_update(*, today=None):
    """Items of every plan with no update within their plan's interval (the daily reminder scan)."""
    today = today or timezone.localdate()
    candidates = (
        ActionItem.objects.exclude(status=Status.DONE)
        .filter(plan__start__lte=today, plan__end__gte=today)
        .select_related("plan__institution")
        .prefetch_related(
            Prefetch("owners", queryset=Owner.objects.prefetch_related("holders__user")),
        )
    )
    return [item for item in candidates if item.update_overdue(today)]


def owner_roles_of(profile):
    return Owner.objects.for_institution(profile.institution).held_by(profile)


def items_of_owner(profile):
    return (
        ActionItem.objects.for_institution(profile.institution)
        .filter(owners__holders=profile)
        .distinct()
        .select_related("pillar", "plan")
        .prefetch_related("owners")
    )


def programme_managers_of(institution):
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


def owner_holders(plan):
    """The distinct current people holding an owner role named on one of the plan's items."""
    return (
        StaffProfile.objects.for_institution(plan.institution)
        .current()
        .filter(plan_owner_roles__items__plan=plan, user__is_active=True)
        .distinct()
        .select_related("user")
    )
