"""Who may do what in promotions (django-rules, autodiscovered).

The same permissions drive `Application.workflow`'s moves, the views' `require_<verb>` checks
(403) and the buttons a page shows. Each rule assumes the object came through a scoped query
(`selectors.get_<thing>_for_user`: a 404 for what the viewer may not see).

HR and programme managers run promotions (criteria, rounds, the panel's outcomes, the workshop);
HR publishes the summary; HR and recruiting managers (anyone with reports) record vacancies, and a
manager corrects only the ones they recorded.
"""

from typing import Any

import rules

from core.access import require
from people import roles
from people.rules import is_hr, is_programme_manager

from .models import Application


def _institution_id(obj: Any) -> int | None:
    if isinstance(obj, Application):
        return obj.round.institution_id
    return getattr(obj, "institution_id", None) or getattr(getattr(obj, "round", None), "institution_id", None)


@rules.predicate
def of_own_institution(user, obj):
    return roles.has_profile(user) and obj is not None and _institution_id(obj) == user.profile.institution_id


@rules.predicate
def is_applicant(user, application):
    return roles.has_profile(user) and application is not None and application.applicant_id == user.profile.pk


@rules.predicate
def is_applicants_line_manager(user, application):
    return (
        roles.has_profile(user) and application is not None and application.applicant.line_manager_id == user.profile.pk
    )


@rules.predicate
def is_open(_user, application):
    return application is not None and application.is_open


@rules.predicate
def is_submitted(_user, application):
    return application is not None and application.state == Application.State.SUBMITTED


@rules.predicate
def recruits(user):
    return roles.has_role(user, roles.Role.LINE_MANAGER)


@rules.predicate
def recorded_it(user, vacancy):
    return roles.has_profile(user) and vacancy is not None and vacancy.recorded_by_id == user.profile.pk


runs_promotions = is_hr | is_programme_manager

# The workflow's moves (Application.workflow).
rules.add_perm("promotions.state_intention", is_applicant)
rules.add_perm("promotions.submit", is_applicant)
rules.add_perm("promotions.withdraw", is_applicant)
rules.add_perm("promotions.decide", runs_promotions & of_own_institution)
# What a page offers.
rules.add_perm("promotions.run", runs_promotions)
rules.add_perm("promotions.run_round", runs_promotions & of_own_institution)
rules.add_perm("promotions.support", is_applicants_line_manager & is_open)
rules.add_perm("promotions.submit_now", is_applicant & is_open)
rules.add_perm("promotions.record_outcome", runs_promotions & of_own_institution & is_submitted)
rules.add_perm("promotions.publish_summary", is_hr & of_own_institution)
rules.add_perm("promotions.record_vacancies", is_hr | recruits)
# A recruiting manager corrects the vacancies they recorded; HR any (the degree check is HR's report).
rules.add_perm("promotions.edit_vacancy", (is_hr | (recruits & recorded_it)) & of_own_institution)


def require_run(user: Any) -> None:
    require(user, "promotions.run", message="Only HR and programme managers run promotions.")


def require_run_round(user: Any, round: Any) -> None:
    require(user, "promotions.run_round", round, message="Only HR and programme managers run promotion rounds.")


def require_support(user: Any, application: Application) -> None:
    require(
        user,
        "promotions.support",
        application,
        message="Only the applicant's line manager adds a supporting statement, while the application is open.",
    )


def require_submit(user: Any, application: Application) -> None:
    require(user, "promotions.submit", application, message="Only the applicant submits their application.")


def require_record_outcome(user: Any, application: Application) -> None:
    require(user, "promotions.decide", application, message="Only HR and programme managers record outcomes.")


def require_publish_summary(user: Any, round: Any) -> None:
    require(user, "promotions.publish_summary", round, message="Only HR publishes the promotions summary.")


def require_record_vacancies(user: Any) -> None:
    require(user, "promotions.record_vacancies", message="Only HR and recruiting managers record technical vacancies.")


def require_edit_vacancy(user: Any, vacancy: Any) -> None:
    require(
        user,
        "promotions.edit_vacancy",
        vacancy,
        message="Only HR and the recruiting manager who recorded a vacancy can change it.",
    )
