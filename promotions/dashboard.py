"""Promotions' dashboard panel and navigation links."""

from django.utils import timezone

from core.access import allowed
from core.portal import Panel, dashboard_panel, nav_link
from people import roles

from . import selectors

nav_link("Promotions", "promotions:home", roles.has_profile, order=55, menu="Promotions")
nav_link("Promotion criteria", "promotions:criteria", roles.has_profile, order=56, menu="Promotions")
nav_link("Promotion rounds", "promotions:rounds", roles.has_profile, order=57, menu="Promotions")
nav_link(
    "Vacancies: degree check",
    "promotions:vacancies",
    lambda user: roles.has_profile(user) and allowed(user, "promotions.record_vacancies"),
    order=58,
    menu="Promotions",
)


@dashboard_panel(order=35)
def promotions(request):
    """The next round, the viewer's own application and their reports' open ones (three queries)."""
    person = request.user.profile
    rounds = selectors.current_rounds(person.institution, timezone.localdate())
    mine = [a for a in selectors.my_applications(person) if a.is_open]
    team = list(selectors.team_applications(person))
    return Panel(
        title="Promotions",
        template="promotions/panels/promotions.html",
        context={"next_round": rounds[0] if rounds else None, "mine": mine, "team": team},
        empty_text="No promotion round is planned yet. The criteria for each grade are on the promotions page.",
    )
