"""The staff directory's dashboard panels and navigation links."""

from django.db.models import Count
from django.utils import timezone

from core.portal import Panel, dashboard_panel, nav_link

from . import roles, selectors
from .models import Grade

nav_link("Staff directory", "people:directory", roles.has_profile, order=80)


@dashboard_panel(order=10)
def career_pathway(request):
    profile = request.user.profile
    ladder, current, following = [], profile.grade, None
    if profile.job_family_id:
        ladder = list(Grade.objects.filter(job_family_id=profile.job_family_id).order_by("level"))
        if current:
            following = next((grade for grade in ladder if grade.level > current.level), None)
    return Panel(
        title="My career pathway",
        template="people/panels/pathway.html",
        context={"ladder": ladder, "current": current, "next": following, "job_family": profile.job_family},
        empty_text="Your grade ladder appears here once HR has recorded your job family and grade.",
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


@dashboard_panel(order=95)
def administration(request):
    if not roles.is_institution_admin(request.user):
        return None
    return Panel(title="Administration", template="people/panels/admin.html")
