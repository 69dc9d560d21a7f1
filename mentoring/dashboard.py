"""Mentoring's dashboard panels and navigation links."""

from core.access import allowed
from core.portal import Panel, dashboard_panel, nav_link
from core.tenancy import in_institutions
from people import roles

from . import selectors

nav_link("My mentoring", "mentoring:mine", roles.has_profile, order=50, menu="Mentoring")
nav_link("Find a mentor", "mentoring:find", roles.has_profile, order=51, menu="Mentoring")
nav_link("Mentor profile", "mentoring:profile_edit", roles.has_profile, order=52, menu="Mentoring")
nav_link(
    "Mentoring overview",
    "mentoring:overview",
    lambda user: roles.has_profile(user) and allowed(user, "mentoring.manage"),
    order=53,
    menu="Mentoring",
)
nav_link(
    "Mentoring settings",
    "mentoring:settings",
    lambda user: roles.has_profile(user) and allowed(user, "mentoring.edit_settings"),
    order=92,
    menu="Admin",
)


def scope_ids(request):
    """The institutions the viewer's mentoring spans, asked once per request."""
    if not hasattr(request, "_mentoring_scope_ids"):
        request._mentoring_scope_ids = selectors.mentoring_institution_ids(request.user.profile.institution)
    return request._mentoring_scope_ids


def relationships(request):
    """The viewer's current relationships on both sides, asked once for both panels."""
    if not hasattr(request, "_mentoring_relationships"):
        with in_institutions(scope_ids(request)):
            request._mentoring_relationships = selectors.current_relationships_of(request.user.profile)
    return request._mentoring_relationships


@dashboard_panel(order=30)
def my_mentees(request):
    """The mentor's real mentees and the requests waiting for them."""
    with in_institutions(scope_ids(request)):
        panel = selectors.mentees_of(request.user.profile, rows=relationships(request))
    if not (panel.active or panel.waiting or roles.has_role(request.user, roles.Role.MENTOR)):
        return None
    return Panel(
        title="My mentees",
        template="mentoring/panels/mentees.html",
        context={"active": panel.active, "waiting": panel.waiting},
        empty_text="Nobody is mentored by you yet. Set up your mentor profile so people can find you.",
    )


@dashboard_panel(order=31)
def my_mentors(request):
    """The mentee's mentors and waiting requests, or a way to find one."""
    with in_institutions(scope_ids(request)):
        rows = selectors.mentors_of(request.user.profile, rows=relationships(request))
    return Panel(
        title="My mentors",
        template="mentoring/panels/mentors.html",
        context={"relationships": rows},
        empty_text="A mentor can help with promotion, professional registration, an apprenticeship or leadership.",
    )
