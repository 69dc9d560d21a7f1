"""Navigation: the pipeline report under People for HR and programme managers; the settings and the
named HR viewers' look-up under People for those who may use them. The person's own page is in the
account menu (templates/base.html) and on their profile."""

import rules

from core.portal import nav_link
from people import roles


def _sees_report(user):
    return rules.has_perm("equality.see_pipeline", user)


nav_link("Equality in the pipeline", "equality:report", _sees_report, order=85, menu="People")
nav_link("Equality settings", "equality:settings", roles.is_institution_admin, order=88, menu="People")
