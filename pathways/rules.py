"""Who may do what with pathways, self-assessments and plans (django-rules, autodiscovered).

Each object arrives through a scoped selector (`selectors.get_<thing>_for_user`: 404 for what the
viewer may not see); the institution comparison here is the second line of defence.
"""

from typing import Any

import rules

from core.access import require
from people import roles
from people.models import Institution
from people.rules import is_programme_manager

EDIT_ONLY = "Only programme managers edit career pathways and load capability frameworks."
READINESS_ONLY = "The readiness page is for line managers and programme managers."


def _person(obj: Any) -> Any:
    """The person a self-assessment, rating, plan or goal belongs to."""
    for hop in ("assessment", "plan"):
        if hasattr(obj, f"{hop}_id"):
            obj = getattr(obj, hop)
    return getattr(obj, "person", None)


@rules.predicate
def is_owner(user, obj):
    person = _person(obj)
    return roles.has_profile(user) and person is not None and person.pk == user.profile.pk


@rules.predicate
def is_owners_manager(user, obj):
    person = _person(obj)
    return (
        roles.has_profile(user)
        and person is not None
        and person.line_manager_id == user.profile.pk
        and person.institution_id == user.profile.institution_id
    )


@rules.predicate
def of_own_institution(user, obj):
    """The object (a pathway, job family or the Institution itself) is of the viewer's institution."""
    if not roles.has_profile(user) or obj is None:
        return False
    institution_id = obj.pk if isinstance(obj, Institution) else getattr(obj, "institution_id", None)
    return institution_id == user.profile.institution_id


@rules.predicate
def is_line_manager(user):
    return roles.has_profile(user) and roles.has_role(user, roles.Role.LINE_MANAGER)


edits = is_programme_manager & of_own_institution
rules.add_perm("pathways.edit", edits)
rules.add_perm("pathways.assess_self", is_owner)
rules.add_perm("pathways.plan_own", is_owner)
rules.add_perm("pathways.review", is_owners_manager)
rules.add_perm("pathways.see_readiness", is_line_manager | is_programme_manager)


def require_edit(user: Any, obj: Any = None) -> None:
    require(user, "pathways.edit", obj, message=EDIT_ONLY)


def require_readiness(user: Any) -> None:
    require(user, "pathways.see_readiness", message=READINESS_ONLY)
