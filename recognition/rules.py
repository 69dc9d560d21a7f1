"""Who may do what in recognition (django-rules, autodiscovered).

The coordinator (the Researcher Development Coordinator) holds the Programme manager role. Each
rule assumes the object was fetched through a scoped query (`selectors.get_<thing>_for_user`),
so the institution comparison is the second line of defence.

Acknowledgement cases are the reporter's and the coordinator's only: never the line manager's
or HR's, so a technician can say how a team leader credited them without the team hearing of it.
"""

import rules

from core.access import require
from people import roles
from people.rules import has_profile, is_hr, is_line_manager_of, is_programme_manager, is_self, same_institution

is_coordinator = is_programme_manager


@rules.predicate
def owns_output(user, output):
    return output is not None and is_self(user, output.person)


@rules.predicate
def manages_output_owner(user, output):
    return output is not None and is_line_manager_of(user, output.person)


@rules.predicate
def output_in_institution(user, output):
    return output is not None and same_institution(user, output.person)


@rules.predicate
def reported_case(user, case):
    return case is not None and is_self(user, case.person)


@rules.predicate
def case_in_institution(user, case):
    return case is not None and same_institution(user, case.person)


@rules.predicate
def nomination_in_institution(user, nomination):
    return (
        nomination is not None
        and roles.has_profile(user)
        and nomination.prize.institution_id == user.profile.institution_id
    )


@rules.predicate
def is_nominee(user, nomination):
    return nomination is not None and is_self(user, nomination.nominee)


@rules.predicate
def manages_nominee(user, nomination):
    return nomination is not None and is_line_manager_of(user, nomination.nominee)


@rules.predicate
def is_line_manager(user):
    return roles.has_role(user, roles.Role.LINE_MANAGER)


rules.add_perm("recognition.edit_output", owns_output)
rules.add_perm(
    "recognition.see_output", output_in_institution & (owns_output | manages_output_owner | is_hr | is_coordinator)
)
rules.add_perm("recognition.see_all_outputs", has_profile & (is_hr | is_coordinator))
rules.add_perm("recognition.see_case", case_in_institution & (reported_case | is_coordinator))
rules.add_perm("recognition.triage_case", case_in_institution & is_coordinator)
rules.add_perm("recognition.manage_prizes", has_profile & is_coordinator)
# Drafting: a manager for one of their reports, or the coordinator for anyone.
rules.add_perm("recognition.start_nomination", has_profile & (is_coordinator | is_line_manager))
rules.add_perm("recognition.draft_nomination", nomination_in_institution & (is_coordinator | manages_nominee))
rules.add_perm("recognition.submit_nomination", nomination_in_institution & (is_coordinator | manages_nominee))
rules.add_perm("recognition.record_outcome", nomination_in_institution & (is_coordinator | manages_nominee))
rules.add_perm("recognition.agree_nomination", nomination_in_institution & is_nominee)
rules.add_perm(
    "recognition.see_nomination", nomination_in_institution & (is_nominee | manages_nominee | is_coordinator | is_hr)
)
rules.add_perm("recognition.see_report", has_profile & (is_hr | is_coordinator))

EDIT_OWN_ONLY = "Only the person whose output it is can change it."
NOMINATORS_ONLY = "Only the nominee's line manager or the coordinator can do this."


def require_edit_output(user, output) -> None:
    require(user, "recognition.edit_output", output, message=EDIT_OWN_ONLY)


def require_triage_case(user, case) -> None:
    require(user, "recognition.triage_case", case, message="Only the coordinator can file an acknowledgement case.")


def require_manage_prizes(user) -> None:
    require(user, "recognition.manage_prizes", message="Only the coordinator can change the list of prizes.")


def require_start_nomination(user) -> None:
    require(user, "recognition.start_nomination", message="Only line managers and the coordinator draft nominations.")


def require_see_report(user) -> None:
    require(user, "recognition.see_report", message="Only HR and the coordinator see the authorship report.")
