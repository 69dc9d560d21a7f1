"""The action plan's dashboard panels and navigation link."""

from django.utils import timezone

from core.access import allowed
from core.portal import Panel, dashboard_panel, nav_link
from people import roles

from . import rules, selectors
from .models import ActionPlan, Status


def _sees_plan_link(user):
    if not roles.has_profile(user):
        return False
    if selectors.sees_full_plan(user):
        return True
    return ActionPlan.objects.for_institution(user.institution).filter(published=True).exists()


nav_link("Action plan", "actionplan:index", _sees_plan_link, order=60)


@dashboard_panel(order=40)
def plan_overview(request):
    """Programme managers and HR: the current plan's counts by status and overdue updates."""
    if not allowed(request.user, "actionplan.manage_plan"):
        return None
    plan = selectors.plans_for(request.user).first()
    today = timezone.localdate()
    context = {"plan": plan}
    if plan:
        items = list(selectors.items_for_dashboard(plan).prefetch_related(None))
        counts = {key: 0 for key, _ in Status.choices}
        for item in items:
            counts[item.status] += 1
        context["counts"] = [(key, label, counts[key]) for key, label in Status.choices]
        context["overdue"] = [item for item in items if item.update_overdue(today)]
    return Panel(
        title="Action plan",
        template="actionplan/panels/overview.html",
        context=context,
        empty_text="Your institution's action plan appears here once it is imported.",
    )


@dashboard_panel(order=41)
def my_actions(request):
    """Holders of an owner role: their actions and which need an update."""
    if not rules.holds_owner_role(request.user):
        return None
    today = timezone.localdate()
    items = list(selectors.items_of_owner(request.user.profile))
    for item in items:
        item.overdue = item.update_overdue(today)
    return Panel(
        title="My actions",
        template="actionplan/panels/mine.html",
        context={"items": items},
        empty_text="The actions of the owner roles you hold appear here.",
    )
