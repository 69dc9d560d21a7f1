"""Who manages an institution's API tokens: its institution administrators."""

from typing import Any

import rules

from core.access import require
from people.rules import has_profile, is_institution_admin


@rules.predicate
def token_of_own_institution(user, token):
    return token.institution_id == user.institution.pk


manages_tokens = has_profile & is_institution_admin
rules.add_perm("api.manage_tokens", manages_tokens)
rules.add_perm("api.revoke_token", manages_tokens & token_of_own_institution)

ADMIN_ONLY = "Only institution administrators manage the API tokens."


def require_manage_tokens(user: Any) -> None:
    require(user, "api.manage_tokens", message=ADMIN_ONLY)


def require_revoke(user: Any, token: Any) -> None:
    require(user, "api.revoke_token", token, message=ADMIN_ONLY)
