"""Programme panels on the home dashboard, links in the navigation, and a section of the staff profile."""

from django.utils import timezone

from core.portal import Panel, dashboard_panel, nav_link
from people import roles
from people.sections import ProfileSection, profile_section

from . import selectors
from .models import Application

nav_link("All programmes", "programmes:catalogue", roles.has_profile, order=20, menu="Programmes")
nav_link(
    "Team applications",
    "programmes:team",
    lambda user: roles.has_role(user, roles.Role.LINE_MANAGER),
    order=21,
    menu="Programmes",
)
nav_link("Run programmes", "programmes:run", roles.is_programme_manager, order=22, menu="Programmes")


@dashboard_panel(order=15)
def my_programmes(request):
    profile = request.user.profile
    applications = list(
        selectors.my_applications(profile).filter(state__in=[*Application.ACTIVE, Application.State.COMPLETED])[:5]
    )
    sessions = list(selectors.sessions_of_user(request.user, upcoming_only=True)[:5])
    return Panel(
        title="My programmes",
        template="programmes/panels/my_programmes.html",
        context={"applications": applications, "sessions": sessions},
        empty_text="Your programme applications and upcoming sessions appear here. Browse the programmes to apply.",
    )


@dashboard_panel(order=25)
def endorsements_waiting(request):
    if not roles.has_role(request.user, roles.Role.LINE_MANAGER):
        return None
    waiting = list(selectors.team_applications(request.user.profile, waiting_only=True)[:10])
    return Panel(
        title="Applications to endorse",
        template="programmes/panels/endorsements.html",
        context={"applications": waiting},
        empty_text="Programme applications from your team that need your endorsement appear here.",
    )


@dashboard_panel(order=40)
def cohorts_to_run(request):
    if not roles.is_programme_manager(request.user):
        return None
    today = timezone.localdate()
    cohorts = list(
        selectors.cohorts_run_by(request.user)
        .filter(closes_on__gte=today - timezone.timedelta(days=60))
        .with_accepted_count()
        .with_decision_count()
        .select_related("programme")
        .order_by("closes_on")[:8]
    )
    return Panel(
        title="Cohorts I run",
        template="programmes/panels/cohorts.html",
        context={"cohorts": cohorts, "today": today},
        empty_text="Cohorts open for applications, and applicants waiting for your decision, appear here.",
    )


@profile_section("programmes.completed", order=10)
def completed_programmes(profile):
    """The programmes the person completed, wherever they were run, on their profile page."""
    return ProfileSection(
        title="Completed programmes",
        items=[f"{a.cohort.programme}, {a.cohort.name}" for a in selectors.completed_programmes(profile)],
    )


nav_link("Opportunities bulletin", "programmes:bulletin", roles.has_profile, order=19, menu="Programmes")
nav_link("Events", "programmes:events", roles.has_profile, order=20, menu="Programmes")
