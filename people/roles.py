"""Roles. Technician and line manager follow from the staff data; the others are Django groups.

A group grants a role only within the member's own institution: every view scopes its
queries to `user.institution`, so an HR member of one institution sees nothing of another.
"""

import functools

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import models

PROGRAMME_MANAGER = "Programme manager"
HR = "HR"
INSTITUTION_ADMIN = "Institution administrator"
MENTOR = "Mentor"

GROUP_ROLES = (PROGRAMME_MANAGER, HR, INSTITUTION_ADMIN, MENTOR)
# Staff who see staff data across the institution (or choose among applicants) must use a
# second factor at sign-in: people.middleware checks this session used it.
ROLES_REQUIRING_MFA = (HR, INSTITUTION_ADMIN, PROGRAMME_MANAGER)


class Role(models.TextChoices):
    TECHNICIAN = "technician", "Technician"
    LINE_MANAGER = "line_manager", "Line manager"
    MENTOR = "mentor", "Mentor"
    PROGRAMME_MANAGER = "programme_manager", "Programme manager"
    HR = "hr", "HR"
    INSTITUTION_ADMIN = "institution_admin", "Institution administrator"


_GROUP_FOR_ROLE = {
    Role.MENTOR: MENTOR,
    Role.PROGRAMME_MANAGER: PROGRAMME_MANAGER,
    Role.HR: HR,
    Role.INSTITUTION_ADMIN: INSTITUTION_ADMIN,
}


def group_names(user):
    """Return the names of the user's groups, cached on the user for the request."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_group_names_cache", None)
    if cached is None:
        prefetched = getattr(user, "_prefetched_objects_cache", {}).get("groups")
        if prefetched is not None:  # a list of people loaded with prefetch_related("user__groups")
            cached = frozenset(group.name for group in prefetched)
        else:
            cached = frozenset(user.groups.values_list("name", flat=True))
        user._group_names_cache = cached
    return cached


def has_profile(user):
    return user.is_authenticated and getattr(user, "profile", None) is not None


def staff_view(view):
    """A view for someone signed in with a staff record (a platform superuser without one gets a 403)."""

    @login_required
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        require_profile(request.user)
        return view(request, *args, **kwargs)

    return wrapped


def require_profile(user):
    """Return the user's staff profile; accounts without one (a platform superuser) get a 403."""
    if not has_profile(user):
        raise PermissionDenied("This account has no staff record at an institution.")
    return user.profile


def roles_of(user):
    """Return the set of Role values the user holds; cached on the user for the request."""
    cached = getattr(user, "_roles_cache", None)
    if cached is not None:
        return cached
    roles = set()
    if has_profile(user):
        roles.add(Role.TECHNICIAN)
        if user.profile.reports.exists():
            roles.add(Role.LINE_MANAGER)
        names = group_names(user)
        roles.update(role for role, group in _GROUP_FOR_ROLE.items() if group in names)
    user._roles_cache = frozenset(roles)
    return user._roles_cache


def has_role(user, *roles):
    return bool(roles_of(user) & set(roles))


def is_hr(user):
    return has_role(user, Role.HR, Role.INSTITUTION_ADMIN)


def is_programme_manager(user):
    return has_role(user, Role.PROGRAMME_MANAGER, Role.INSTITUTION_ADMIN)


def is_institution_admin(user):
    return has_role(user, Role.INSTITUTION_ADMIN)


def requires_mfa(user):
    return bool(group_names(user) & set(ROLES_REQUIRING_MFA))
