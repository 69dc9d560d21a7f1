"""Who may use the report catalogue: HR and programme managers (institution administrators hold
both roles). Each report adds its own app's rule (`Report.permission`), so a viewer sees only the
reports that rule allows; schedules are shared by everyone who may use the catalogue."""

from typing import Any

import rules

from core.access import allowed, require
from people.rules import has_profile, is_hr, is_programme_manager

from .catalogue import Report

uses_catalogue = has_profile & (is_hr | is_programme_manager)


@rules.predicate
def schedule_of_own_institution(user, schedule):
    return schedule.institution_id == user.institution.pk


rules.add_perm("reports.see_catalogue", uses_catalogue)
rules.add_perm("reports.change_schedule", uses_catalogue & schedule_of_own_institution)

CATALOGUE_ONLY = "Only HR and programme managers can see the report catalogue."


def require_catalogue(user: Any) -> None:
    require(user, "reports.see_catalogue", message=CATALOGUE_ONLY)


def may_see(user: Any, report: Report) -> bool:
    return allowed(user, "reports.see_catalogue") and allowed(user, report.permission)


def require_report(user: Any, report: Report) -> None:
    require_catalogue(user)
    require(user, report.permission, message=f"Your role does not give you the report “{report.title}”.")


def require_change_schedule(user: Any, schedule: Any) -> None:
    require(user, "reports.change_schedule", schedule, message=CATALOGUE_ONLY)
