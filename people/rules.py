"""Object-level permissions for staff data (django-rules), and the predicates other apps reuse.

Each rule assumes the object was already fetched through an institution-scoped query; the
institution comparison here is the second line of defence. Feature apps build their own
rules from these (`same_institution & is_programme_manager`), so a role is tested in one
place; `roles.py` stays the lookup of who holds which role.
"""

import rules

from core.access import require

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


@rules.predicate
def is_programme_manager(user):
    """Programme managers, and institution administrators, who may do what they do."""
    return roles.is_programme_manager(user)


@rules.predicate
def is_institution_admin(user):
    return roles.is_institution_admin(user)


@rules.predicate
def is_mentor(user):
    return roles.has_role(user, roles.Role.MENTOR)


@rules.predicate
def has_profile(user):
    """Staff at an institution (a platform superuser has no staff record)."""
    return roles.has_profile(user)


rules.add_perm("people.see_profile", same_institution)
rules.add_perm("people.edit_own_profile", is_self)
rules.add_perm("people.edit_staff_record", same_institution & is_hr)


def require_edit_staff_record(user, profile):
    """Raise PermissionDenied unless the user is HR at the profile's institution."""
    require(user, "people.edit_staff_record", profile, message="Only HR can change a staff record.")


@rules.predicate
def is_confirmation_person(user, confirmation):
    return confirmation is not None and is_self(user, confirmation.person)


@rules.predicate
def is_named_manager(user, confirmation):
    return confirmation is not None and roles.has_profile(user) and confirmation.manager_id == user.profile.pk


@rules.predicate
def is_hr_of_confirmation(user, confirmation):
    return confirmation is not None and same_institution(user, confirmation.person) and roles.is_hr(user)


rules.add_perm("people.name_line_manager", is_confirmation_person)
rules.add_perm("people.answer_manager_confirmation", is_named_manager | is_hr_of_confirmation)
rules.add_perm("people.see_audit_log", is_institution_admin)
rules.add_perm("people.see_career_history", same_institution & (is_self | is_line_manager_of | is_hr))


# HR keeps the staff list (import) and answers subject access requests and erasure.
rules.add_perm("people.import_staff", has_profile & is_hr)
rules.add_perm("people.export_staff_list", has_profile & is_hr)
rules.add_perm("people.subject_access", same_institution & is_hr)

HR_ONLY = "Only HR can import or download the staff list, export a person's data or erase a leaver."


def require_import_staff(user):
    require(user, "people.import_staff", message=HR_ONLY)


def require_export_staff_list(user):
    require(user, "people.export_staff_list", message=HR_ONLY)


def require_subject_access(user, profile):
    require(user, "people.subject_access", profile, message=HR_ONLY)
