"""Who may do what with the action plan (django-rules), and the `require_*` checks views call.

- Programme managers and HR (institution administrators count as both) run the plan: they see
  all of it, record measures, name owners, publish it and generate reports.
- Holders of an owner role named on the plan see all of it and update the actions of the roles
  they hold.
- Everyone else at the institution sees the public summary once the plan is published (that is
  a question of which plans `selectors` lets them find, not a permission here).

Each rule assumes the object was fetched through an institution-scoped query; another
institution's plan is a 404 from `selectors`, never a 403 from here.
"""

from __future__ import annotations

from typing import Any

import rules

from core.access import require
from people import roles
from people.rules import is_hr, is_programme_manager

from .models import Owner


@rules.predicate
def holds_owner_role(user: Any) -> bool:
    """Whether the user holds an owner role of their institution's plan; cached on the user."""
    if not roles.has_profile(user):
        return False
    cached = getattr(user, "_holds_owner_role", None)
    if cached is None:
        cached = Owner.objects.for_institution(user.institution).held_by(user.profile).exists()
        user._holds_owner_role = cached
    return cached


@rules.predicate
def owns_item(user: Any, item: Any) -> bool:
    """Whether the user holds one of the owner roles named on the action."""
    return item is not None and roles.has_profile(user) and item.owners.filter(holders=user.profile).exists()


runs_plan = is_programme_manager | is_hr

rules.add_perm("actionplan.see_full_plan", runs_plan | holds_owner_role)
rules.add_perm("actionplan.manage_plan", runs_plan)
rules.add_perm("actionplan.record_measure", runs_plan)
rules.add_perm("actionplan.manage_owners", runs_plan)
rules.add_perm("actionplan.update_item", runs_plan | owns_item)


def require_manage_plan(user: Any, plan: Any) -> None:
    """Reports, the TC submission, settings and recording today's values: managers and HR."""
    require(user, "actionplan.manage_plan", plan, message="Only programme managers and HR can do this.")


def require_record_measure(user: Any, measure: Any) -> None:
    require(
        user, "actionplan.record_measure", measure, message="Only programme managers and HR record success measures."
    )


def require_manage_owners(user: Any, owner: Any = None) -> None:
    require(
        user, "actionplan.manage_owners", owner, message="Only programme managers and HR say who holds an owner role."
    )


def require_update_item(user: Any, item: Any) -> None:
    require(
        user,
        "actionplan.update_item",
        item,
        message="Only the action's owners and programme managers can update it.",
    )
