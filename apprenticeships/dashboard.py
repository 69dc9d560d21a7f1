"""Apprenticeships' dashboard panel and navigation links."""

from django.urls import reverse

from core.access import allowed
from core.portal import Panel, dashboard_panel, home_page, nav_link
from people import roles

from . import selectors

# Under "Development" rather than a menu of their own: apprenticeships are development, and the
# bar has no room for another menu at 1280 px.
nav_link("Apprenticeships", "apprenticeships:home", roles.has_profile, order=36, menu="Development")
nav_link(
    "Apprenticeship programme",
    "apprenticeships:programme",
    lambda user: roles.has_profile(user) and allowed(user, "apprenticeships.see_all"),
    order=37,
    menu="Development",
)
nav_link("Apprenticeship providers", "apprenticeships:reference", roles.has_profile, order=38, menu="Development")


@dashboard_panel(order=35)
def apprenticeships_panel(request):
    """The viewer's own apprenticeship, their apprentices and requests waiting for them; nothing for
    someone with none of these (one query; two more with apprenticeships, one more for a manager)."""
    rows = selectors.rows_for(selectors.apprenticeships_of_people(request.user))
    # Only a line manager can have requests waiting (their roles are already cached).
    is_manager = roles.has_role(request.user, roles.Role.LINE_MANAGER)
    waiting = list(selectors.requests_waiting_for(request.user.profile)) if is_manager else []
    if not rows and not waiting:
        return None
    return Panel(
        title="Apprenticeships",
        template="apprenticeships/panels/apprenticeships.html",
        context={"rows": rows, "waiting": waiting, "me": request.user.profile.pk},
        empty_text="",
    )


def _acts_for_a_provider(user):
    return selectors.provider_contact_of(user) is not None


# Someone who acts for a training provider has no staff record: this is the one page for them.
nav_link("My apprentices", "apprenticeships:provider_home", _acts_for_a_provider, order=35)


@home_page
def provider_home(user):
    """The home page of someone who acts for a training provider is its apprentices."""
    return reverse("apprenticeships:provider_home") if _acts_for_a_provider(user) else None
