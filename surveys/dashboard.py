"""The surveys app's dashboard panel and navigation links."""

from core.portal import Panel, dashboard_panel, nav_link
from people import roles

from . import selectors


def _runs_surveys(user):
    return roles.is_hr(user) or roles.is_programme_manager(user)


nav_link("My surveys", "surveys:mine", roles.has_profile, order=84, menu="People")
nav_link("Run surveys", "surveys:list", _runs_surveys, order=85, menu="People")


@dashboard_panel(order=18)
def surveys_waiting(request):
    """Surveys waiting for the person's answers (one query)."""
    if not roles.has_profile(request.user):
        return None
    return Panel(
        title="Surveys waiting for you",
        template="surveys/panels/waiting.html",
        context={"waiting": selectors.waiting_for(request.user.profile)[:5]},
        empty_text="No survey is waiting for you. Surveys you are invited to appear here.",
    )
