"""Who may do what with surveys (django-rules), and the `require_<verb>` checks built on it.

Programme managers and HR create, open and read the results of their institution's surveys;
staff answer the surveys they are invited to. Objects reach these rules through
institution-scoped queries; the institution comparison here is the second line of defence.
"""

from __future__ import annotations

from typing import Any

import rules

from core.access import require
from people import roles
from people.rules import is_hr, is_programme_manager


@rules.predicate
def of_own_institution(user: Any, survey: Any) -> bool:
    return roles.has_profile(user) and survey is not None and survey.institution_id == user.profile.institution_id


@rules.predicate
def is_draft(user: Any, survey: Any) -> bool:
    return survey is not None and survey.state == survey.State.DRAFT


runs_surveys = is_hr | is_programme_manager

rules.add_perm("surveys.run_surveys", runs_surveys)
rules.add_perm("surveys.manage_survey", runs_surveys & of_own_institution)
rules.add_perm("surveys.edit_questions", runs_surveys & of_own_institution & is_draft)

RUN_ONLY = "Only programme managers and HR can run surveys."


def require_run_surveys(user: Any) -> None:
    require(user, "surveys.run_surveys", message=RUN_ONLY)


def require_manage(user: Any, survey: Any) -> None:
    require(user, "surveys.manage_survey", survey, message=RUN_ONLY)


def require_edit_questions(user: Any, survey: Any) -> None:
    require(
        user,
        "surveys.edit_questions",
        survey,
        message="Questions can be changed only while the survey is a draft, by programme managers and HR.",
    )
