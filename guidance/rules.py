"""Who may write guidance: HR and programme managers of the page's institution."""

from typing import Any

import rules

from core.access import require
from people.rules import is_hr, is_programme_manager


@rules.predicate
def of_own_institution(user, page):
    return page is None or getattr(getattr(user, "profile", None), "institution_id", None) == page.institution_id


edits_guidance = (is_hr | is_programme_manager) & of_own_institution
rules.add_perm("guidance.edit_page", edits_guidance)


def require_edit(user: Any, page: Any = None) -> None:
    require(user, "guidance.edit_page", page, message="Only HR and programme managers write guidance.")
