"""Who may do what with development data (django-rules), and the `require_<verb>` checks built on it.

The objects reach these rules through institution-scoped queries, so the rules speak only of
people: the owner, their line manager (or the manager's active delegate), HR and programme
managers. The same permissions drive the request workflow's moves
(`DevelopmentRequest.workflow`), the views' 403s and the templates' buttons.
"""

from __future__ import annotations

from typing import Any

import rules
from django.utils import timezone

from core.access import require
from people import roles
from people.rules import is_hr, is_line_manager_of, is_self

from .models import OWNER_REFUSAL, DevelopmentRequest, ManagerDelegate

# --- Predicates ------------------------------------------------------------------------------


@rules.predicate
def owns(user: Any, obj: Any) -> bool:
    """The request or record is the user's own."""
    return obj is not None and user.is_authenticated and obj.person.user_id == user.pk


@rules.predicate
def decides_for(user: Any, request: DevelopmentRequest) -> bool:
    """The requester's line manager, or the manager's delegate while the delegation is active; never
    the requester themself. One query (the delegations) only for someone who is not the manager."""
    profile = getattr(user, "profile", None) if user.is_authenticated else None
    manager_id = request.person.line_manager_id
    if profile is None or request.person_id == profile.pk or manager_id is None:
        return False
    if manager_id == profile.pk:
        return True
    return (
        ManagerDelegate.objects.filter(manager_id=manager_id, delegate=profile).active_on(timezone.localdate()).exists()
    )


@rules.predicate
def waits_for_decision(user: Any, request: DevelopmentRequest) -> bool:
    return request.state == DevelopmentRequest.State.SUBMITTED


@rules.predicate
def sees_person(user: Any, person: Any) -> bool:
    """The person themself, their line manager, or HR (the person is already in the user's institution)."""
    return is_self(user, person) or is_line_manager_of(user, person) or is_hr(user)


@rules.predicate
def sees_record(user: Any, record: Any) -> bool:
    return sees_person(user, record.person)


@rules.predicate
def logged_by_owner(user: Any, record: Any) -> bool:
    return record.source == record.Source.LOGGED


@rules.predicate
def is_programme_manager(user: Any) -> bool:
    return roles.is_programme_manager(user)


@rules.predicate
def is_institution_admin(user: Any) -> bool:
    return roles.is_institution_admin(user)


@rules.predicate
def is_line_manager(user: Any) -> bool:
    return roles.has_role(user, roles.Role.LINE_MANAGER)


@rules.predicate
def has_requests_to_decide(user: Any, waiting: Any) -> bool:
    """`waiting` is the list of requests the user may decide now (a delegate who manages nobody)."""
    return bool(waiting)


@rules.predicate
def set_the_delegation(user: Any, delegation: ManagerDelegate) -> bool:
    return user.is_authenticated and delegation.manager.user_id == user.pk


# --- Permissions -----------------------------------------------------------------------------

# The request workflow (DevelopmentRequest.workflow names these).
rules.add_perm("development.submit_request", owns)
rules.add_perm("development.change_request", owns)
rules.add_perm("development.decide_request", waits_for_decision & decides_for)

rules.add_perm("development.see_person", sees_person)
rules.add_perm("development.see_record", sees_record)
rules.add_perm("development.change_record", owns)
rules.add_perm("development.delete_record", owns & logged_by_owner)

rules.add_perm("development.see_team", is_line_manager | has_requests_to_decide)
rules.add_perm("development.set_delegate", is_line_manager)
rules.add_perm("development.end_delegation", set_the_delegation)

rules.add_perm("development.edit_policy", is_hr | is_institution_admin)
rules.add_perm("development.edit_guidance", is_hr | is_programme_manager)
# The training report, its spreadsheet exports and the import of internal courses.
rules.add_perm("development.see_reports", is_hr | is_programme_manager)


# --- require_<verb>: raise PermissionDenied (403) with what the person is told ----------------


def require_change_request(user: Any, request: DevelopmentRequest) -> None:
    require(user, "development.change_request", request, message=OWNER_REFUSAL)


def require_complete_request(user: Any, request: DevelopmentRequest) -> None:
    require(user, "development.change_request", request, message="Only the person who made a request can mark it done.")


def require_cancel_request(user: Any, request: DevelopmentRequest) -> None:
    require(user, "development.change_request", request, message="Only the person who made a request can cancel it.")


def require_decide_request(user: Any, request: DevelopmentRequest) -> None:
    require(
        user,
        "development.decide_request",
        request,
        message=f"Only {request.person}'s line manager, or their delegate while they are away, can decide "
        f"“{request.title}”.",
    )


def require_change_record(user: Any, record: Any) -> None:
    require(user, "development.change_record", record, message="Only the person whose record this is can change it.")


def require_delete_record(user: Any, record: Any) -> None:
    require(user, "development.delete_record", record, message="You can delete only training you logged yourself.")


def require_log_record(user: Any, person: Any) -> None:
    require(user, "people.edit_own_profile", person, message="You can only log your own training.")


def require_see_team(user: Any, *, waiting: Any) -> None:
    require(user, "development.see_team", waiting, message="This page is for line managers and their delegates.")


def require_set_delegate(user: Any) -> None:
    require(user, "development.set_delegate", message="Only line managers set a delegate.")


def require_end_delegation(user: Any, delegation: ManagerDelegate) -> None:
    require(
        user,
        "development.end_delegation",
        delegation,
        message="Only the manager who set this delegation can remove it.",
    )


def require_edit_policy(user: Any) -> None:
    require(user, "development.edit_policy", message="Only HR and institution administrators set the allowance policy.")


def require_edit_guidance(user: Any) -> None:
    require(user, "development.edit_guidance", message="Only HR and programme managers write the guidance.")


def require_see_reports(user: Any) -> None:
    require(user, "development.see_reports", message="Only HR and programme managers can see this.")
