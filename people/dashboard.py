"""The staff directory's dashboard panels and navigation links."""

from django.db.models import Count
from django.utils import timezone

from core.portal import Panel, dashboard_panel, nav_link

from . import roles, selectors
from .forms import ManagerAnswerForm

nav_link("Staff directory", "people:directory", roles.has_profile, order=80, menu="People")


@dashboard_panel(order=5)
def complete_your_record(request):
    """Shown while something onboarding asks for is missing, or the named manager has not confirmed."""
    profile = request.user.profile
    if profile.line_manager_id is not None and not profile.needs_onboarding:
        return None
    pending = selectors.pending_confirmation_of(profile) if profile.line_manager_id is None else None
    if not profile.needs_onboarding:
        if pending is None:
            return None  # they said their manager is not in TechCareers; refusals say what to do
        return Panel(
            title="Your line manager",
            template="people/panels/record_pending.html",
            context={"pending": pending},
        )
    missing = profile.missing_fields()
    return Panel(
        title="Complete your record",
        template="people/panels/record_missing.html",
        context={"missing": missing, "pending": pending},
    )


@dashboard_panel(order=6)
def confirm_reports(request):
    """ "Is Alex Morgan your report?": requests naming the viewer as line manager."""
    waiting = list(selectors.confirmations_waiting_for(request.user.profile))
    if not waiting:
        return None
    return Panel(
        title="Confirm your reports",
        template="people/panels/confirm_reports.html",
        context={"confirmations": waiting, "form": ManagerAnswerForm()},
    )


@dashboard_panel(order=20)
def my_team(request):
    if not roles.has_role(request.user, roles.Role.LINE_MANAGER):
        return None
    return Panel(
        title="My team",
        template="people/panels/team.html",
        context={"reports": list(selectors.reports_of(request.user.profile))},
        empty_text="The people who report to you appear here.",
    )


@dashboard_panel(order=60)
def staff_summary(request):
    if not roles.is_hr(request.user):
        return None
    current = selectors.staff_visible_to(request.user).current()
    by_family = list(current.values("job_family__name").annotate(count=Count("pk")).order_by("job_family__name"))
    starters = current.filter(start_date__gte=timezone.localdate() - timezone.timedelta(days=60)).count()
    return Panel(
        title="Technical staff",
        template="people/panels/staff_summary.html",
        context={"by_family": by_family, "total": sum(r["count"] for r in by_family), "starters": starters},
        empty_text="Staff counts by job family appear here once staff records exist.",
    )


@dashboard_panel(order=61)
def confirmations_for_hr(request):
    if not roles.is_hr(request.user):
        return None
    waiting = selectors.confirmations_for_hr(request.user).count()
    return Panel(
        title="Line managers to confirm",
        template="people/panels/hr_confirmations.html",
        context={"waiting": waiting},
        empty_text="Nobody is waiting for their line manager to confirm them.",
    )


@dashboard_panel(order=95)
def administration(request):
    if not roles.is_institution_admin(request.user):
        return None
    return Panel(title="Administration", template="people/panels/admin.html")


nav_link("Celebrations", "people:celebrations", roles.has_profile, order=81, menu="People")
nav_link("Import staff", "people:import_upload", roles.is_hr, order=86, menu="People")
nav_link("Personal data requests", "people:personal_data", roles.is_hr, order=87, menu="People")
nav_link("Audit log", "people:audit_log", roles.is_institution_admin, order=89, menu="People")

RECENT_CELEBRATIONS = 4


@dashboard_panel(order=90)
def celebrating(request):
    """Recent celebrations everyone agreed to share, and the viewer's own waiting for an answer."""
    profile = request.user.profile
    asking = list(selectors.celebrations_of(profile).filter(consent="asked")[:3])
    recent = list(selectors.celebrations(kind=None)[:RECENT_CELEBRATIONS])
    if not asking and not recent:
        return None
    return Panel(
        title="Celebrating", template="people/panels/celebrations.html", context={"asking": asking, "recent": recent}
    )
