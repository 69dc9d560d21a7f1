"""The development app's dashboard panels and navigation links."""

from core.portal import Panel, dashboard_panel, nav_link
from people import roles

from . import selectors
from .models import DevelopmentRequest


def _is_line_manager(user):
    return roles.has_role(user, roles.Role.LINE_MANAGER)


def _sees_reports(user):
    return roles.is_hr(user) or roles.is_programme_manager(user)


nav_link("My development", "development:mine", roles.has_profile, order=30, menu="Development")
nav_link("My team", "development:team", _is_line_manager, order=31, menu="Development")
nav_link("Guidance", "development:guidance", roles.has_profile, order=32, menu="Development")
nav_link("Import training", "development:import_upload", _sees_reports, order=34, menu="Development")
nav_link(
    "Allowance policy",
    "development:policy",
    lambda user: roles.is_hr(user) or roles.is_institution_admin(user),
    order=35,
    menu="Development",
)


@dashboard_panel(order=15)
def my_development(request):
    profile = request.user.profile
    requests = list(
        profile.development_requests.filter(
            state__in=[
                DevelopmentRequest.State.SUBMITTED,
                DevelopmentRequest.State.CHANGES_REQUESTED,
                DevelopmentRequest.State.APPROVED,
            ]
        ).order_by("start_date")[:20]
    )
    return Panel(
        title="My development days",
        template="development/panels/mine.html",
        context={
            "allowance": selectors.allowance_for(profile),
            "upcoming": [r for r in requests if r.state == DevelopmentRequest.State.APPROVED][:3],
            "waiting": [r for r in requests if r.state != DevelopmentRequest.State.APPROVED][:3],
        },
        empty_text="Request development days and log your training from here.",
    )


@dashboard_panel(order=25)
def team_requests(request):
    profile = request.user.profile
    waiting = list(selectors.waiting_for_decision(profile)[:5])
    if not (_is_line_manager(request.user) or waiting):
        return None
    return Panel(
        title="Development requests to decide",
        template="development/panels/team.html",
        context={"waiting": waiting, "count": selectors.waiting_for_decision(profile).count()},
        empty_text="Nothing is waiting for your decision.",
    )


@dashboard_panel(order=65)
def training_report(request):
    if not _sees_reports(request.user):
        return None
    return Panel(title="Training data", template="development/panels/report.html")
