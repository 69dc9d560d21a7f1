"""Promotions' dashboard panel and navigation links."""

from django.utils import timezone

from core.access import allowed
from core.portal import Panel, dashboard_panel, nav_link
from people import roles

from . import selectors

nav_link("Promotions", "promotions:home", roles.has_profile, order=55, menu="Career")
nav_link("Promotion criteria", "promotions:criteria", roles.has_profile, order=56, menu="Career")
nav_link("Promotion rounds", "promotions:rounds", roles.has_profile, order=57, menu="Career")
nav_link(
    "Vacancies: degree check",
    "promotions:vacancies",
    lambda user: roles.has_profile(user) and allowed(user, "promotions.record_vacancies"),
    order=58,
    menu="Career",
)


@dashboard_panel(order=35)
def promotions(request):
    """The next round, the viewer's own open application and their reports' (two queries)."""
    person = request.user.profile
    next_round = selectors.next_round(person.institution, timezone.localdate())
    open_ones = selectors.open_applications_around(person)
    mine = [a for a in open_ones if a.applicant_id == person.pk]
    team = [a for a in open_ones if a.applicant_id != person.pk]
    return Panel(
        title="Promotions",
        template="promotions/panels/promotions.html",
        context={"next_round": next_round, "mine": mine, "team": team},
        empty_text="No promotion round is planned yet. The criteria for each grade are on the promotions page.",
    )
