"""The exchange pilot's dashboard panels and navigation link."""

from core.access import allowed
from core.portal import Panel, dashboard_panel, nav_link
from people import roles

from . import selectors

nav_link("Technician exchange", "exchange:index", roles.has_profile, order=24, menu="Programmes")

MY_PLACEMENTS_ON_PANEL = 5


@dashboard_panel(order=45)
def technician_exchange(request):
    profile = request.user.profile
    placements = selectors.placements_on_panel(profile, MY_PLACEMENTS_ON_PANEL)
    for placement in placements:
        placement.my_role = placement.role_of(profile)
    open_round = selectors.open_round(profile.institution)
    offer_count = open_round.offers.count() if open_round else 0
    return Panel(
        title="Technician exchange",
        template="exchange/panels/exchange.html",
        context={"placements": placements, "open_round": open_round, "offer_count": offer_count},
        empty_text="Your exchange placements appear here, and the exchange round when one is open.",
    )


@dashboard_panel(order=46)
def exchange_approvals(request):
    if not allowed(request.user, "exchange.see_approvals_panel"):
        return None
    count, first = selectors.approvals_on_panel(request.user, 3)
    return Panel(
        title="Exchange requests to approve",
        template="exchange/panels/approvals.html",
        context={"count": count, "first": first},
        empty_text="Exchange requests from or for your reports appear here for your approval.",
    )
