"""Who may do what in professional registration (django-rules, autodiscovered).

The same permissions drive the journey's workflow moves (`Journey.workflow`), the views'
`require_<verb>` checks (403) and a page's buttons. A journey reaches these rules through a
scoped query (`selectors.get_journey_for_user`: another institution's is a 404); the rules
speak of people: the person on the journey, their supporter, their mentor, their line manager,
programme managers and HR of the same institution. None queries beyond the viewer's cached roles.
"""

from typing import Any

import rules

from core.access import require
from people import roles
from people.rules import is_hr, is_programme_manager

from .models import Journey

State = Journey.State


def _profile_id(user: Any) -> int | None:
    return user.profile.pk if roles.has_profile(user) else None


@rules.predicate
def is_own_journey(user, journey):
    return journey is not None and _profile_id(user) is not None and journey.person_id == _profile_id(user)


@rules.predicate
def is_supporter(user, journey):
    return journey is not None and _profile_id(user) is not None and journey.supporter_id == _profile_id(user)


@rules.predicate
def is_journey_mentor(user, journey):
    return journey is not None and _profile_id(user) is not None and journey.mentor_id == _profile_id(user)


@rules.predicate
def is_line_manager_on_journey(user, journey):
    return journey is not None and _profile_id(user) is not None and journey.person.line_manager_id == _profile_id(user)


@rules.predicate
def of_own_institution(user, journey):
    return journey is not None and roles.has_profile(user) and journey.institution_id == user.profile.institution_id


@rules.predicate
def waits_for_supporter(_user, journey):
    return journey is not None and journey.state == State.SUPPORTER_NAMED and journey.supporter_agreed_on is None


@rules.predicate
def is_open(_user, journey):
    return journey is not None and journey.state in Journey.OPEN_STATES


runs_registration = is_programme_manager & of_own_institution

# The workflow's moves (Journey.workflow).
rules.add_perm("registration.start_journey", is_own_journey)
rules.add_perm("registration.change_own_journey", is_own_journey)
rules.add_perm("registration.record_progress", is_own_journey | runs_registration)
# What pages offer.
rules.add_perm(
    "registration.see_journey",
    is_own_journey
    | is_supporter
    | is_journey_mentor
    | is_line_manager_on_journey
    | runs_registration
    | (is_hr & of_own_institution),
)
rules.add_perm("registration.agree_support", is_supporter & waits_for_supporter)
rules.add_perm("registration.edit_statements", is_own_journey & is_open)
rules.add_perm("registration.run_programme", is_programme_manager)
rules.add_perm("registration.see_figures", is_programme_manager | is_hr)


def require_agree_support(user: Any, journey: Journey) -> None:
    require(
        user,
        "registration.agree_support",
        journey,
        message="Only the supporter named on this application can agree, while it waits for them.",
    )


def require_own(user: Any, journey: Journey) -> None:
    require(user, "registration.change_own_journey", journey, message="Only the person on the journey can do this.")


def require_record_progress(user: Any, journey: Journey) -> None:
    require(
        user,
        "registration.record_progress",
        journey,
        message="Only the person on the journey or a programme manager can record this.",
    )


def require_edit_statements(user: Any, journey: Journey) -> None:
    require(
        user,
        "registration.edit_statements",
        journey,
        message="Only the person on the journey writes its statements, while the journey is open.",
    )


def require_run_programme(user: Any) -> None:
    require(user, "registration.run_programme", message="Only programme managers can do this.")


def require_see_figures(user: Any) -> None:
    require(user, "registration.see_figures", message="Only programme managers and HR can see these figures.")
