"""Registration's dashboard panel, profile section and navigation links."""

from core.access import allowed
from core.portal import Panel, dashboard_panel, nav_link
from people import roles
from people.sections import ProfileSection, profile_section

from . import selectors


def _runs(user):
    return roles.has_profile(user) and allowed(user, "registration.run_programme")


def _sees_figures(user):
    return roles.has_profile(user) and allowed(user, "registration.see_figures")


nav_link("My registration", "registration:mine", roles.has_profile, order=60, menu="Career")
nav_link("My CPD record", "registration:cpd", roles.has_profile, order=61, menu="Career")
nav_link("All journeys", "registration:journeys", _sees_figures, order=62, menu="Career")
nav_link("Registration programme", "registration:programme", _runs, order=63, menu="Career")
nav_link("Leadership cohorts", "registration:leadership", _runs, order=64, menu="Career")
nav_link("Employer Champion figures", "registration:champion", _sees_figures, order=65, menu="Career")


@dashboard_panel(order=35)
def my_registration(request):
    """The person's journeys and the applications waiting for their support (one query)."""
    panel = selectors.registration_panel(request.user.profile)
    return Panel(
        title="Professional registration",
        template="registration/panels/mine.html",
        context={"journeys": panel.journeys, "to_support": panel.to_support},
        empty_text="Registration as RSciTech, RSci, EngTech and more recognises your skills; the programme "
        "helps with fees, workshops and a mentor.",
    )


@profile_section("registration.held", order=20)
def registrations(profile):
    """The registrations the person holds, on their profile (one query)."""
    held = selectors.registrations_held([profile.pk]).get(profile.pk, [])
    return ProfileSection(
        title="Professional registration",
        items=[f"{h.code} ({h.name}), registered {h.registered_on:%B %Y}" for h in held if h.registered_on],
    )
