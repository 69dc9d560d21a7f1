"""Recognition's navigation links and profile section.

No home panel: prize deadlines reach line managers and the coordinator by e-mail 30 days ahead and
are listed on the prizes page, so the home page (pinned in query count) costs nothing more.
"""

from django.urls import reverse

from core.opportunities import Opportunity, opportunity_source
from core.portal import nav_link
from people import roles
from people.sections import ProfileSection, profile_section

from . import selectors
from .models import Part

nav_link("My outputs", "recognition:mine", roles.has_profile, order=60, menu="Recognition")
nav_link("Outputs", "recognition:outputs", roles.has_profile, order=61, menu="Recognition")
nav_link("Prizes and nominations", "recognition:prizes", roles.has_profile, order=62, menu="Recognition")
nav_link("How I was credited", "recognition:cases", roles.has_profile, order=63, menu="Recognition")


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


@opportunity_source("recognition.prize")
def prize_deadlines(*, user, today):
    """Listed prizes by their next deadline, for the opportunities bulletin (3D: "circulate details
    of prizes"); one query."""
    return [
        Opportunity(
            key=f"recognition.prize:{prize.pk}",
            kind="prize",
            title=prize.name,
            summary=", ".join(prize.category_list) or prize.get_scope_display() + " prize",
            url=reverse("recognition:prizes") + f"?year={deadline.year}",
            deadline=deadline,
            audience="own",
            offered_by=prize.organiser or prize.institution.short_name,
        )
        for prize, deadline in selectors.upcoming_deadlines(today=today)
    ]
