"""Pathways' dashboard panel (the home page's "My career pathway") and navigation links."""

from core.access import allowed
from core.portal import Panel, dashboard_panel, nav_link
from people import roles
from people.models import Grade

nav_link("My career pathway", "pathways:map", roles.has_profile, order=50, menu="Career")
nav_link("My next step", "pathways:next_step", roles.has_profile, order=51, menu="Career")
nav_link("Capability self-assessment", "pathways:assessment", roles.has_profile, order=52, menu="Career")
nav_link("Development plan", "pathways:plan", roles.has_profile, order=53, menu="Career")
nav_link(
    "Readiness for next steps",
    "pathways:readiness",
    lambda user: roles.has_profile(user) and allowed(user, "pathways.see_readiness"),
    order=59,
    menu="Career",
)
nav_link(
    "Edit pathways",
    "pathways:manage",
    lambda user: roles.has_profile(user) and allowed(user, "pathways.edit", user.profile.institution),
    order=60,
    menu="Career",
)


@dashboard_panel(order=10)
def career_pathway(request):
    """The grade ladder with "you are here" and the next step (one query, as before the pathways app)."""
    profile = request.user.profile
    ladder, current, following = [], profile.grade, None
    if profile.job_family_id:
        ladder = list(Grade.objects.filter(job_family_id=profile.job_family_id).order_by("level"))
        if current:
            following = next((grade for grade in ladder if grade.level > current.level), None)
    return Panel(
        title="My career pathway",
        template="pathways/panels/pathway.html",
        context={"ladder": ladder, "current": current, "next": following, "job_family": profile.job_family},
        empty_text="Your grade ladder appears here once HR has recorded your job family and grade.",
    )
