"""Object-level permissions for staff data (django-rules).

Each rule assumes the object was already fetched through an institution-scoped query; the
institution comparison here is the second line of defence.
"""

import rules

from . import roles


@rules.predicate
def same_institution(user, profile):
    return roles.has_profile(user) and profile is not None and profile.institution_id == user.profile.institution_id


@rules.predicate
def is_self(user, profile):
    return roles.has_profile(user) and profile is not None and profile.pk == user.profile.pk


@rules.predicate
def is_line_manager_of(user, profile):
    return roles.has_profile(user) and profile is not None and profile.line_manager_id == user.profile.pk


@rules.predicate
def is_hr(user):
    return roles.is_hr(user)


rules.add_perm("people.see_profile", same_institution)
rules.add_perm("people.edit_own_profile", is_self)
rules.add_perm("people.edit_staff_record", same_institution & is_hr)
