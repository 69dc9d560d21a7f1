"""Who may do what with equality data (django-rules, autodiscovered).

- a person declares, changes and withdraws their own answers (any staff member);
- the institution administrator chooses the optional questions and the HR staff who may read
  individual answers;
- HR and programme managers read the pipeline report (counts only, through `core.disclosure`);
  a line manager as such may not;
- an individual's answers are read by the person and by the HR staff named in the institution's
  settings, nobody else: not the administrator, not a line manager, not a programme manager.
"""

from typing import Any

import rules

from core.access import require
from people import roles
from people.rules import has_profile, is_hr, is_institution_admin, is_programme_manager


@rules.predicate
def is_named_record_viewer(user: Any, settings: Any) -> bool:
    """HR staff named in the institution's settings (one query, the settings already in hand)."""
    if settings is None or settings.pk is None or not roles.has_profile(user):
        return False  # unsaved settings name nobody
    if settings.institution_id != user.profile.institution_id:
        return False
    return settings.record_viewers.filter(pk=user.profile.pk).exists()


rules.add_perm("equality.declare", has_profile)
rules.add_perm("equality.configure", is_institution_admin)
rules.add_perm("equality.see_pipeline", is_hr | is_programme_manager)
rules.add_perm("equality.see_records", is_hr & is_named_record_viewer)

CONFIGURE_ONLY = "Only the institution's administrators can change the equality settings."
PIPELINE_ONLY = "Only HR and programme managers can see the equality report."
RECORDS_ONLY = (
    "Only the HR staff your institution's administrator has named can look up a person's equality answers; "
    "everyone else sees them only as rounded counts in the equality report."
)


def require_declare(user: Any) -> None:
    require(user, "equality.declare", message="Only staff of an institution can declare equality information.")


def require_configure(user: Any) -> None:
    require(user, "equality.configure", message=CONFIGURE_ONLY)


def require_see_pipeline(user: Any) -> None:
    require(user, "equality.see_pipeline", message=PIPELINE_ONLY)


def require_see_records(user: Any, settings: Any) -> None:
    require(user, "equality.see_records", settings, message=RECORDS_ONLY)
