"""Who may do what with apprenticeships (django-rules, autodiscovered).

Programme managers (and institution administrators) run apprenticeships at their own
institution: reference data, intakes, enrolment, breaks, gateway, assessment and destination.
An apprentice sees their own record and logs their own off-the-job hours; a line manager sees
their apprentices' records and decides their reports' requests; HR sees every apprenticeship of
the institution. Each rule assumes the object came from a scoped query (a 404 for what the viewer
may not see); none queries beyond the row and the viewer's cached roles.
"""

from typing import Any

import rules

from core.access import require
from people import roles
from people.rules import is_hr, is_programme_manager

from .models import RUN_REFUSAL, Apprenticeship, ApprenticeshipRequest


def _profile_id(user: Any) -> int | None:
    return user.profile.pk if roles.has_profile(user) else None


@rules.predicate
def of_own_institution(user: Any, obj: Any) -> bool:
    if not roles.has_profile(user):
        return False
    if obj is None:
        return True
    institution_id = getattr(obj, "institution_id", None)
    if institution_id is None and hasattr(obj, "person"):
        institution_id = obj.person.institution_id
    return institution_id == user.profile.institution_id


@rules.predicate
def is_apprentice(user: Any, apprenticeship: Apprenticeship) -> bool:
    return apprenticeship is not None and apprenticeship.apprentice_id == _profile_id(user)


@rules.predicate
def manages_apprentice(user: Any, apprenticeship: Apprenticeship) -> bool:
    profile_id = _profile_id(user)
    return (
        apprenticeship is not None
        and profile_id is not None
        and profile_id in (apprenticeship.line_manager_id, apprenticeship.apprentice.line_manager_id)
    )


@rules.predicate
def is_open(_user: Any, apprenticeship: Apprenticeship) -> bool:
    return apprenticeship is not None and apprenticeship.state in Apprenticeship.OPEN_STATES


@rules.predicate
def is_requester(user: Any, request: ApprenticeshipRequest) -> bool:
    return request is not None and request.person_id == _profile_id(user)


@rules.predicate
def is_requesters_manager(user: Any, request: ApprenticeshipRequest) -> bool:
    profile_id = _profile_id(user)
    return (
        request is not None
        and profile_id is not None
        and request.person.line_manager_id == profile_id
        and request.person_id != profile_id
    )


runs = is_programme_manager & of_own_institution

rules.add_perm("apprenticeships.run", runs)
rules.add_perm("apprenticeships.see", of_own_institution & (is_apprentice | manages_apprentice | runs | is_hr))
rules.add_perm("apprenticeships.log_hours", of_own_institution & is_open & (is_apprentice | runs))
rules.add_perm("apprenticeships.record_review", of_own_institution & (manages_apprentice | runs))
rules.add_perm("apprenticeships.see_all", is_programme_manager | is_hr)
# The request workflow's moves (ApprenticeshipRequest.workflow).
rules.add_perm("apprenticeships.submit_request", is_requester)
rules.add_perm("apprenticeships.decide_request", is_requesters_manager)
rules.add_perm("apprenticeships.withdraw_request", is_requester)


def require_run(user: Any, obj: Any = None) -> None:
    require(user, "apprenticeships.run", obj, message=RUN_REFUSAL)


def require_log_hours(user: Any, apprenticeship: Apprenticeship) -> None:
    require(
        user,
        "apprenticeships.log_hours",
        apprenticeship,
        message="Only the apprentice (or a programme manager) logs off-the-job hours, while the apprenticeship "
        "is open.",
    )


def require_record_review(user: Any, apprenticeship: Apprenticeship) -> None:
    require(
        user,
        "apprenticeships.record_review",
        apprenticeship,
        message="Only the apprentice's line manager or a programme manager records a progress review.",
    )


def require_decide_request(user: Any, request: ApprenticeshipRequest) -> None:
    require(
        user,
        "apprenticeships.decide_request",
        request,
        message=f"Only {request.person}'s line manager decides this request.",
    )


def require_withdraw_request(user: Any, request: ApprenticeshipRequest) -> None:
    require(user, "apprenticeships.withdraw_request", request, message="Only the person who asked can withdraw.")
