"""Recognition's navigation links, dashboard panel and profile section."""

from django.utils import timezone

from core.access import allowed
from core.portal import Panel, dashboard_panel, nav_link
from people import roles
from people.sections import ProfileSection, profile_section

from . import selectors
from .models import Part

nav_link("My outputs", "recognition:mine", roles.has_profile, order=60, menu="Recognition")
nav_link("Outputs", "recognition:outputs", roles.has_profile, order=61, menu="Recognition")
nav_link("Prizes and nominations", "recognition:prizes", roles.has_profile, order=62, menu="Recognition")
nav_link("How I was credited", "recognition:cases", roles.has_profile, order=63, menu="Recognition")
nav_link(
    "Authorship report",
    "recognition:report",
    lambda user: roles.has_profile(user) and allowed(user, "recognition.see_report"),
    order=64,
    menu="Recognition",
)

PANEL_DEADLINES = 3


@dashboard_panel(order=40)
def prize_deadlines(request):
    """The next prize deadlines, for those who draft nominations: line managers and the coordinator
    (one query). Staff find the deadlines with the other opportunities and on the prizes page."""
    if not allowed(request.user, "recognition.start_nomination"):
        return None
    today = timezone.localdate()
    upcoming = selectors.upcoming_deadlines(today=today, limit=PANEL_DEADLINES)
    return Panel(
        title="Prize deadlines",
        template="recognition/panels/recognition.html",
        context={"deadlines": [(prize, deadline, (deadline - today).days) for prize, deadline in upcoming]},
        empty_text="No prizes are listed yet.",
    )


@profile_section("recognition.outputs", order=20)
def outputs_section(profile):
    """The ORCID iD as a link and the outputs the person is credited on (one query).

    Work contributed without credit is left off the profile: it is the person's record, shown to
    their manager and HR in reports, not a public claim.
    """
    outputs = list(
        selectors.outputs_of(profile).filter(part__in=[Part.NAMED_AUTHOR, Part.ACKNOWLEDGED]).prefetch_related(None)
    )
    if not outputs and not profile.orcid:
        return None
    return ProfileSection(
        title="Outputs",
        template="recognition/sections/outputs.html",
        context={"outputs": outputs, "orcid": profile.orcid},
    )
