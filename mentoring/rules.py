"""Who may do what in mentoring (django-rules, autodiscovered).

The same permissions drive the workflow's moves (`Relationship.workflow`), the views'
`require_<verb>` checks (403) and the buttons a page shows. Each rule assumes the object was
fetched through a scoped query (`selectors.get_<thing>_for_user`: a 404 for what the viewer may
not see); none queries beyond the row and the viewer's cached roles.

Meeting notes are the two parties' alone: `mentoring.read_notes` holds for the mentor and the
mentee, never for a line manager, a programme manager or HR.
"""

from typing import Any

import rules

from core.access import require
from people import roles
from people.rules import is_hr, is_institution_admin, is_programme_manager

from .models import Relationship

State = Relationship.State


@rules.predicate
def is_mentee(user, relationship):
    return roles.has_profile(user) and relationship is not None and relationship.mentee_id == user.profile.pk


@rules.predicate
def is_mentor_of(user, relationship):
    return roles.has_profile(user) and relationship is not None and relationship.mentor_id == user.profile.pk


@rules.predicate
def of_mentees_institution(user, relationship):
    return (
        roles.has_profile(user)
        and relationship is not None
        and relationship.institution_id == user.profile.institution_id
    )


@rules.predicate
def is_active(_user, relationship):
    return relationship is not None and relationship.state == State.ACTIVE


@rules.predicate
def is_requested(_user, relationship):
    return relationship is not None and relationship.state == State.REQUESTED


@rules.predicate
def is_closed(_user, relationship):
    return relationship is not None and relationship.state in Relationship.CLOSED_STATES


is_party = is_mentee | is_mentor_of
runs_mentoring = is_programme_manager & of_mentees_institution

# The workflow's moves (Relationship.workflow).
rules.add_perm("mentoring.request", is_mentee)
rules.add_perm("mentoring.pair", runs_mentoring)
rules.add_perm("mentoring.decide", is_mentor_of)
rules.add_perm("mentoring.withdraw", is_mentee)
rules.add_perm("mentoring.close", is_party)
# What a page offers.
rules.add_perm("mentoring.accept", is_mentor_of & is_requested)
rules.add_perm("mentoring.withdraw_request", is_mentee & is_requested)
rules.add_perm("mentoring.log_meeting", is_party & is_active)
rules.add_perm("mentoring.end", is_party & is_active)
rules.add_perm("mentoring.give_feedback", is_party & is_closed)
rules.add_perm("mentoring.read_notes", is_party)
rules.add_perm("mentoring.oversee", is_programme_manager | is_hr)
rules.add_perm("mentoring.manage", is_programme_manager)
rules.add_perm("mentoring.edit_settings", is_institution_admin)


def require_decide(user: Any, relationship: Relationship) -> None:
    require(user, "mentoring.accept", relationship, message="Only the mentor asked can answer a waiting request.")


def require_withdraw(user: Any, relationship: Relationship) -> None:
    require(user, "mentoring.withdraw_request", relationship, message="Only the mentee can withdraw a waiting request.")


def require_log_meeting(user: Any, relationship: Relationship) -> None:
    require(
        user,
        "mentoring.log_meeting",
        relationship,
        message="Only the mentor and the mentee log meetings, while the mentoring is active.",
    )


def require_end(user: Any, relationship: Relationship) -> None:
    require(user, "mentoring.end", relationship, message="Only the mentor and the mentee can end an active mentoring.")


def require_give_feedback(user: Any, relationship: Relationship) -> None:
    require(
        user,
        "mentoring.give_feedback",
        relationship,
        message="Only the mentor and the mentee give feedback, once the mentoring has ended.",
    )


def require_manage(user: Any) -> None:
    require(user, "mentoring.manage", message="Only programme managers can do this.")


def require_edit_settings(user: Any) -> None:
    require(user, "mentoring.edit_settings", message="Only your institution's administrator can change this.")
