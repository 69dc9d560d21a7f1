"""Who may do what in the exchange pilot (django-rules, autodiscovered).

The same permissions drive the workflow's moves (`ExchangePlacement.workflow`), the views'
`require_<verb>` checks (403) and the buttons a page shows. Each rule assumes the object was
fetched through an institution-scoped query (`selectors.get_<thing>_for_user`, a 404 for what
the viewer may not see); none of them queries beyond the rows and the viewer's cached roles.
"""

from typing import Any

import rules

from core.access import require
from people import roles
from people.rules import is_programme_manager

from .models import ExchangePlacement

State = ExchangePlacement.State


def sides_to_approve(*, placement: ExchangePlacement, user: Any) -> list[str]:
    """Return which approvals ("visitor", "host") this user may still give on the placement.

    A line manager approves for their own report. A programme manager approves for a side
    whose person has no line manager, so nobody is stuck for want of one.
    """
    sides: list[str] = []
    profile = getattr(user, "profile", None)
    if placement.state != State.REQUESTED or profile is None:
        return sides
    is_programme_manager = roles.is_programme_manager(user)
    for side, person, done in (
        ("visitor", placement.visitor, placement.visitor_manager_approved_at),
        ("host", placement.offer.host, placement.host_manager_approved_at),
    ):
        if done:
            continue
        if person.line_manager_id == profile.pk or (person.line_manager_id is None and is_programme_manager):
            sides.append(side)
    return sides


# --- Predicates -------------------------------------------------------------------------------


@rules.predicate
def is_line_manager(user):
    return roles.has_role(user, roles.Role.LINE_MANAGER)


@rules.predicate
def is_offer_host(user, offer):
    return roles.has_profile(user) and offer is not None and offer.host_id == user.profile.pk


@rules.predicate
def is_visitor(user, placement):
    return roles.has_profile(user) and placement is not None and placement.visitor_id == user.profile.pk


@rules.predicate
def is_host(user, placement):
    return roles.has_profile(user) and placement is not None and placement.offer.host_id == user.profile.pk


@rules.predicate
def is_an_approver(user, placement):
    """A manager of either side, or a programme manager where a side has no line manager
    (whether or not their approval is already given)."""
    if not roles.has_profile(user) or placement is None:
        return False
    profile_id = user.profile.pk
    managers = (placement.visitor.line_manager_id, placement.offer.host.line_manager_id)
    return profile_id in managers or (None in managers and roles.is_programme_manager(user))


@rules.predicate
def has_a_side_to_approve(user, placement):
    return placement is not None and bool(sides_to_approve(placement=placement, user=user))


@rules.predicate
def may_be_scheduled(_user, placement):
    """Its days can be set or moved: approved, or scheduled with the return visit not yet done."""
    if placement is None:
        return False
    workflow = ExchangePlacement.workflow
    return workflow.allows(placement.state, State.SCHEDULED) and not placement.visitor_day_done_at


@rules.predicate
def may_be_cancelled(_user, placement):
    return placement is not None and ExchangePlacement.workflow.allows(placement.state, State.CANCELLED)


is_participant = is_visitor | is_host
is_organiser = is_participant | is_programme_manager


# --- Permissions ------------------------------------------------------------------------------

rules.add_perm("exchange.manage_rounds", is_programme_manager)
rules.add_perm("exchange.edit_offer", is_offer_host | is_programme_manager)
rules.add_perm("exchange.see_approvals_panel", is_line_manager | is_programme_manager)
# The workflow's moves (ExchangePlacement.workflow).
rules.add_perm("exchange.request_placement", is_visitor)
rules.add_perm("exchange.approve_placement", is_an_approver)
rules.add_perm("exchange.decline_placement", has_a_side_to_approve)
rules.add_perm("exchange.organise_placement", is_organiser)
rules.add_perm("exchange.give_feedback", is_participant)
# What a page offers: the move's permission and a state that allows it.
rules.add_perm("exchange.schedule_placement", is_organiser & may_be_scheduled)
rules.add_perm("exchange.cancel_placement", is_organiser & may_be_cancelled)


# --- require_<verb>: 403 with a message the person can act on ----------------------------------


def require_manage_rounds(user: Any) -> None:
    require(user, "exchange.manage_rounds", message="Only programme managers can do this.")


def require_edit_offer(user: Any, offer: Any) -> None:
    require(user, "exchange.edit_offer", offer, message="Only the host or a programme manager can change this offer.")


def require_decline(user: Any, placement: ExchangePlacement) -> None:
    require(
        user,
        "exchange.decline_placement",
        placement,
        message="Only a manager asked to approve this exchange can decline it.",
    )


def require_schedule(user: Any, placement: ExchangePlacement) -> None:
    require(
        user,
        "exchange.schedule_placement",
        placement,
        message="Only the pair or a programme manager can schedule an approved exchange.",
    )


def require_record_day(user: Any, placement: ExchangePlacement) -> None:
    require(
        user,
        "exchange.organise_placement",
        placement,
        message="Only the pair or a programme manager can record the exchange days.",
    )


def require_give_feedback(user: Any, placement: ExchangePlacement) -> None:
    require(
        user, "exchange.give_feedback", placement, message="Only the host and the visitor give feedback on an exchange."
    )


def require_cancel(user: Any, placement: ExchangePlacement) -> None:
    require(
        user,
        "exchange.cancel_placement",
        placement,
        message="Only the pair or a programme manager can cancel this exchange.",
    )
