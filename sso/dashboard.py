"""HR's home panel: the people whose institution's sign-in service has reported them as having left."""

from core.portal import Panel, dashboard_panel
from people import roles

from . import selectors


@dashboard_panel(order=72)
def leavers_reported(request):
    if not roles.is_hr(request.user) or not roles.has_profile(request.user):
        return None
    latest, count = selectors.leavers_reported(request.user.profile.institution_id)
    if not latest:
        return None
    return Panel(
        title="Leavers reported at sign-in",
        template="sso/panels/leavers.html",
        context={"latest": latest, "count": count},
    )
