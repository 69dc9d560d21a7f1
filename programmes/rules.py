"""Who may do what with programmes (django-rules), and the `require_<verb>` checks built on them.

The same permissions drive the views (`require_*`, 403), the templates' buttons and the
application workflow's moves (`Application.workflow`, `Move.perm`). Every object reached here
was fetched through an institution-scoped query or an explicit partner-sharing selector; the
institution comparisons are the second line of defence.
"""

from typing import Any

import rules

from core.access import require
from people import roles
from people.rules import is_line_manager_of, is_programme_manager

from .models import (
    ENDORSE_ONLY,
    ENDORSE_REGISTRATION_ONLY,
    RUN_ONLY,
    WITHDRAW_ONLY,
    Application,
    BulletinPost,
    Cohort,
    Event,
    Programme,
    Registration,
    Session,
)


def _institution_id_of(obj: Any) -> int | None:
    """The institution that runs the programme `obj` belongs to (an Institution is its own)."""
    if isinstance(obj, Programme | Event | BulletinPost):
        return obj.institution_id
    if isinstance(obj, Registration):
        return obj.event.institution_id
    if isinstance(obj, Cohort):
        return obj.programme.institution_id
    if isinstance(obj, Session):
        return obj.cohort.programme.institution_id
    if isinstance(obj, Application):
        return obj.cohort.programme.institution_id
    return getattr(obj, "pk", None)


@rules.predicate
def is_line_manager(user):
    return roles.has_profile(user) and roles.has_role(user, roles.Role.LINE_MANAGER)


@rules.predicate
def of_own_institution(user, obj):
    """The programme (cohort, application, session) is run by the user's own institution."""
    return roles.has_profile(user) and obj is not None and _institution_id_of(obj) == user.profile.institution_id


@rules.predicate
def is_applicant(user, application):
    return roles.has_profile(user) and application is not None and application.applicant_id == user.profile.pk


@rules.predicate
def is_applicants_line_manager(user, application):
    return application is not None and is_line_manager_of(user, application.applicant)


@rules.predicate
def is_registrant(user, registration):
    return roles.has_profile(user) and registration is not None and registration.person_id == user.profile.pk


@rules.predicate
def is_registrants_line_manager(user, registration):
    return registration is not None and is_line_manager_of(user, registration.person)


runs_programme = is_programme_manager & of_own_institution

rules.add_perm("programmes.run_programmes", is_programme_manager)
rules.add_perm("programmes.set_up_programmes", runs_programme)  # obj: the institution
rules.add_perm("programmes.run_programme", runs_programme)
rules.add_perm("programmes.apply", is_applicant)
rules.add_perm("programmes.endorse_application", is_applicants_line_manager)
rules.add_perm("programmes.withdraw_application", is_applicant)
rules.add_perm("programmes.decide_application", runs_programme)
rules.add_perm("programmes.see_team_applications", is_line_manager)
rules.add_perm("programmes.run_event", runs_programme)  # obj: the event
rules.add_perm("programmes.register_for_event", is_registrant)
rules.add_perm("programmes.cancel_registration", is_registrant)
rules.add_perm("programmes.endorse_registration", is_registrants_line_manager)
rules.add_perm("programmes.post_on_bulletin", runs_programme)  # obj: the institution or a post


def require_run_programmes(user: Any) -> None:
    """The pages of programme managers: 403 for anyone else."""
    roles.require_profile(user)
    require(user, "programmes.run_programmes", message="Only programme managers run programmes.")


def require_set_up_programmes(user: Any, institution: Any) -> None:
    require(
        user,
        "programmes.set_up_programmes",
        institution,
        message="Only the institution's programme managers set up programmes.",
    )


def require_run(user: Any, obj: Any) -> None:
    """Only the programme managers of the institution that runs the programme (cohort, session)."""
    require(user, "programmes.run_programme", obj, message=RUN_ONLY)


def require_decide(user: Any, application: Application) -> None:
    require(user, "programmes.decide_application", application, message=RUN_ONLY)


def require_endorse(user: Any, application: Application) -> None:
    require(user, "programmes.endorse_application", application, message=ENDORSE_ONLY)


def require_decline_endorsement(user: Any, application: Application) -> None:
    require(
        user,
        "programmes.endorse_application",
        application,
        message="Only the applicant's line manager can decline to endorse this application.",
    )


def require_withdraw(user: Any, application: Application) -> None:
    require(user, "programmes.withdraw_application", application, message=WITHDRAW_ONLY)


def require_see_team_applications(user: Any) -> None:
    roles.require_profile(user)
    require(user, "programmes.see_team_applications", message="This page is for line managers.")


def require_run_event(user: Any, event: Any) -> None:
    """Only the programme managers of the institution that runs the event (403 otherwise)."""
    require(
        user,
        "programmes.run_event",
        event,
        message="Only the programme managers of the event's institution may do this.",
    )


def require_endorse_registration(user: Any, registration: Registration) -> None:
    require(user, "programmes.endorse_registration", registration, message=ENDORSE_REGISTRATION_ONLY)


def require_post_on_bulletin(user: Any, obj: Any) -> None:
    require(
        user,
        "programmes.post_on_bulletin",
        obj,
        message="Only the institution's programme managers post on the bulletin.",
    )
