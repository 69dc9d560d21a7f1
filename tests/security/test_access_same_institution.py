"""Issue 16, point 8 (the same-institution half): for every URL that shows or changes an object,
which people of the object's own institution may have it, and which may change it.

The other half (every role of another institution is refused everything) is
tests/security/test_access_matrix.py; its URL discovery and registry are reused here, so a new
URL with an object in its path and no entry in ACCESS below fails the suite.

How it runs: the demo story is seeded once for the module; the people who hold one role and
nothing else are made beside it; for each URL the object is a demo row whose owner and owner's
line manager hold no other role (`OWNER_OF` says who a model's rows are about). Each person then
GETs every page and POSTs (an empty form) to every URL that changes something, each request in
a savepoint rolled back after it, and one test per person lists every mismatch with ACCESS.

Adding a URL is one line in ACCESS: `shows(...)` for a page, `form(...)` for a page that takes
a POST, `action(...)` for a POST-only URL, naming who may; `why=` where it is not obvious from
the domain; `pick=` for the state the action needs (a request still waiting). A new model whose
rows are about one technician gets a line in OWNER_OF (and MENTOR_OF if it names their mentor).
"""

from collections.abc import Callable
from dataclasses import dataclass
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from people import roles
from people.models import Institution, StaffProfile
from tests.conftest import client_for
from tests.factories import staff
from tests.security.test_access_matrix import OBJECT_URLS, _object_urls, _objects_the_demo_lacks, _url

# --- The people ------------------------------------------------------------------------------
# Everyone is at the object's institution (ICR) unless said otherwise.
OWNER = "owner"  # the technician the object is about (applicant, mentee, person whose record it is)
MANAGER = "manager"  # the owner's line manager
THEIR_MENTOR = "their_mentor"  # the mentor named on the object (a relationship's, a journey's, an apprentice's)
PEER = "peer"  # a technician who is not the owner
OTHER_MANAGER = "other_manager"  # a line manager of other people
MENTOR = "mentor"  # a member of the mentors' group with no tie to the owner
PROGRAMME_MANAGER = "programme_manager"
HR = "hr"
ADMIN = "admin"  # institution administrator (also HR and programme manager by people.roles)
PARTNER = "partner"  # a technician of a partner institution (ICR opened some events to partners)

# The people of every object; OWNER, MANAGER and THEIR_MENTOR only where the object has them.
EVERYONE_AT_ICR = (OWNER, MANAGER, THEIR_MENTOR, PEER, OTHER_MANAGER, MENTOR, PROGRAMME_MANAGER, HR, ADMIN)
ROLES = (*EVERYONE_AT_ICR, PARTNER)
NOBODY = ()
PM = (PROGRAMME_MANAGER, ADMIN)  # people.roles.is_programme_manager
HR_TEAM = (HR, ADMIN)  # people.roles.is_hr

# Who an object is about: the path from the object to the technician. Objects of the
# institution (a programme, a round, a survey) are about nobody: their OWNER/MANAGER are absent.
OWNER_OF = {
    "people.StaffProfile": "",
    "people.ManagerConfirmation": "person",
    "people.Celebration": "person",
    "notifications.Notification": "recipient__profile",
    "programmes.Application": "applicant",
    "exchange.ExchangeOffer": "host",
    "exchange.ExchangePlacement": "visitor",
    "development.DevelopmentRequest": "person",
    "development.TrainingRecord": "person",
    "development.ManagerDelegate": "manager",
    "promotions.Application": "applicant",
    "apprenticeships.ApprenticeshipRequest": "person",
    "apprenticeships.Apprenticeship": "apprentice",
    "apprenticeships.ProgressReview": "apprenticeship__apprentice",
    "mentoring.MentorProfile": "person",
    "mentoring.Relationship": "mentee",
    "registration.Journey": "person",
    "recognition.ImportRun": "person",
    "recognition.Output": "person",
    "recognition.AcknowledgementCase": "person",
    "recognition.Nomination": "nominee",
    "pathways.SelfAssessment": "person",
    "pathways.Plan": "person",
    "pathways.Goal": "plan__person",
    "promotions.Vacancy": "recorded_by",  # the recruiting manager who recorded it
}
# Where the object names the manager itself rather than the owner's line manager.
MANAGER_OF = {
    "people.ManagerConfirmation": "manager",  # the manager the person named
}
MENTOR_OF = {
    "mentoring.Relationship": "mentor",
    "registration.Journey": "mentor",
    "apprenticeships.Apprenticeship": "workplace_mentor",
    "apprenticeships.ProgressReview": "apprenticeship__workplace_mentor",
}


@dataclass(frozen=True)
class Access:
    """Who may have the page (GET) and whose POST is taken (not refused) at one URL.

    `see` None: the URL answers no GET (an action: 405 to everyone). `change` None: the page changes
    nothing and no POST is asked (the cross-institution half POSTs to every URL). Everyone
    not named is refused: 403 or 404 (405 for a method the URL does not take), and their POST
    leaves the object and the rows that point at it as they were. `pick` narrows the demo's rows
    to one in the state where the action can happen (a request still waiting, a draft).
    """

    see: tuple | None
    change: tuple | None
    why: str = ""
    pick: Callable | dict | None = None


def shows(*roles, why="", pick=None):
    return Access(see=roles, change=None, why=why, pick=pick)


def form(*roles, change=None, why="", pick=None):
    return Access(see=roles, change=roles if change is None else change, why=why, pick=pick)


def action(*roles, why="", pick=None):
    return Access(see=None, change=roles, why=why, pick=pick)


def state(*states):
    return {"state__in": states}


def _registration_programme(rows):
    from registration.models import ProgrammeSettings

    return rows.filter(programme__in=ProgrammeSettings.objects.values("programme"))


STAFF = EVERYONE_AT_ICR
RUNNERS = (PROGRAMME_MANAGER, HR, ADMIN)  # HR or programme manager
# fmt: off
ACCESS = {
    # --- people: the staff directory and staff records
    "people:profile": shows(*STAFF, why="the staff directory is open to colleagues"),
    "people:edit_record": form(*HR_TEAM),
    "people:history": shows(OWNER, MANAGER, *HR_TEAM, why="career history: the person, their manager, HR"),
    "people:confirmation_answer": action(MANAGER, *HR_TEAM, why="the named manager confirms; HR settles it",
                                         pick={"state": "pending"}),
    "people:celebration_consent": action(OWNER, why="only the person consents to being celebrated"),
    "people:import": form(*HR_TEAM),
    "people:import_confirm": action(*HR_TEAM),
    "people:personal_data_person": form(*HR_TEAM, why="subject access is HR's; the person has their own page"),
    "people:personal_data_export": shows(*HR_TEAM),
    "people:personal_data_erase": action(*HR_TEAM),
    # --- guidance
    "guidance:page": shows(*STAFF),
    "guidance:version_create": form(*RUNNERS),
    "guidance:review_create": form(*RUNNERS),
    "guidance:version": shows(*STAFF),
    # --- notifications
    "notifications:detail": shows(OWNER, why="a message is its recipient's alone"),
    "notifications:stuck_resolve": action(ADMIN, why="only an administrator decides about a message stuck mid-send",
                                          pick={"status": "sending"}),
    # --- programmes and events (the programme is opened to partner institutions)
    "programmes:programme": shows(*STAFF, PARTNER, why="opened to partners (1D)", pick={"open_to_partners": True}),
    "programmes:apply": form(*STAFF, PARTNER, why="partner staff apply to a programme opened to them",
                             pick={"programme__open_to_partners": True}),
    "programmes:application": shows(OWNER, MANAGER, *PM, why="HR is not part of selection"),
    "programmes:withdraw": action(OWNER, pick=state("awaiting_endorsement", "endorsed")),
    "programmes:endorse": action(MANAGER, pick=state("awaiting_endorsement")),
    "programmes:decide": action(*PM, pick=state("endorsed")),
    "programmes:programme_edit": form(*PM),
    "programmes:cohort_create": form(*PM),
    "programmes:cohort_run": form(*PM),
    "programmes:cohort_edit": form(*PM),
    "programmes:cohort_applicants_csv": shows(*PM),
    "programmes:session_create": form(*PM),
    "programmes:register": form(*PM),
    "programmes:event": shows(*STAFF),
    "programmes:event_register": action(*STAFF),
    "programmes:event_cancel": action(why="only a registrant cancels their place; none of these people is one"),
    "programmes:registration_endorse": action(why="only a registrant's line manager endorses; none here is one"),
    "programmes:event_ics": shows(*STAFF),
    "programmes:event_run": form(*PM),
    "programmes:event_edit": form(*PM),
    "programmes:event_call_off": action(*PM),
    # --- the technician exchange (4A); the owner of an offer is its host, of a placement its visitor
    "exchange:round": shows(*STAFF),
    "exchange:round_edit": form(*PM),
    "exchange:offer_create": form(*STAFF, why="anyone may offer to host a visit"),
    "exchange:feasibility": shows(*PM),
    "exchange:feasibility_csv": shows(*PM),
    "exchange:offer": shows(*STAFF),
    "exchange:offer_edit": form(OWNER, *PM),
    "exchange:offer_apply": form(*STAFF),
    "exchange:placement": shows(OWNER, MANAGER, *PM),
    "exchange:placement_approve": action(MANAGER, pick=state("requested")),
    "exchange:placement_decline": form(MANAGER, pick=state("requested")),
    "exchange:placement_schedule": form(OWNER, *PM, why="the visitor, the host and programme managers organise it",
                                        pick={"state__in": ("approved",), "visitor_day_done_at": None}),
    "exchange:placement_record_day": action(OWNER, *PM, pick=state("scheduled")),
    "exchange:placement_feedback": form(OWNER, pick=state("days_recorded", "completed")),
    "exchange:placement_cancel": form(OWNER, *PM, why="the visitor, the host and programme managers organise it",
                                      pick=state("approved", "scheduled")),
    # --- development days and training records (1A, 1G)
    "development:request": form(OWNER, MANAGER, *HR_TEAM, change=(MANAGER,), why="the manager decides on the page",
                                pick=state("submitted")),
    "development:request_edit": form(OWNER, pick=state("changes_requested", "submitted")),
    "development:request_cancel": action(OWNER, pick=state("submitted")),
    "development:request_complete": form(OWNER, pick=state("approved")),
    "development:record": shows(OWNER, MANAGER, *HR_TEAM),
    "development:record_edit": form(OWNER),
    "development:record_delete": action(OWNER, why="what the person logged", pick={"source": "logged"}),
    "development:record_evidence": shows(OWNER, MANAGER, *HR_TEAM, pick={"evidence__gt": ""}),
    "development:person": shows(OWNER, MANAGER, *HR_TEAM, why="the owner is sent to their own page"),
    "development:delegate_remove": action(OWNER, why="the manager who delegated ends the delegation"),
    "development:guidance_version": shows(*STAFF),
    "development:import": form(*RUNNERS),
    "development:import_commit": action(*RUNNERS),
    # --- promotions (1H, 2F, 4B)
    "promotions:criteria_version": shows(*STAFF),
    "promotions:round": shows(*STAFF),
    "promotions:round_edit": form(*RUNNERS),
    "promotions:intend": action(*STAFF, why="anyone may say they intend to apply"),
    "promotions:workshop": form(*RUNNERS),
    "promotions:summary": shows(*STAFF),
    "promotions:summary_publish": action(*HR_TEAM),
    "promotions:application": shows(OWNER, MANAGER, *RUNNERS),
    "promotions:submit": action(OWNER, pick=state("intended")),
    "promotions:support": action(MANAGER, pick=state("intended", "submitted")),
    "promotions:outcome": action(*RUNNERS, pick=state("submitted")),
    "promotions:withdraw": action(OWNER, pick=state("intended", "submitted")),
    "promotions:vacancy_edit": form(OWNER, *HR_TEAM, why="HR, or the recruiting manager who recorded it"),
    # --- apprenticeships (1C, 4C)
    "apprenticeships:standard_edit": form(*PM),
    "apprenticeships:provider": shows(*STAFF),
    "apprenticeships:provider_edit": form(*PM),
    "apprenticeships:intake": shows(*RUNNERS),
    "apprenticeships:intake_edit": form(*PM),
    "apprenticeships:request": form(OWNER, MANAGER, *RUNNERS, change=(MANAGER,), why="the manager decides on the page",
                                    pick=state("submitted")),
    "apprenticeships:request_withdraw": action(OWNER, pick=state("submitted")),
    "apprenticeships:request_enrol": form(*PM, pick=state("approved")),
    "apprenticeships:detail": shows(OWNER, MANAGER, *RUNNERS),
    "apprenticeships:edit": form(*PM),
    "apprenticeships:mentor": form(*PM),
    "apprenticeships:hours": form(OWNER, *PM, pick=state("active")),
    "apprenticeships:review_new": form(MANAGER, *PM),
    "apprenticeships:review_sign": action(MANAGER, why="as the manager (URL_KWARGS)", pick={"manager_signed_at": None}),
    "apprenticeships:break_start": form(*PM, pick=state("active")),
    "apprenticeships:break_end": form(*PM, pick=state("on_break")),
    "apprenticeships:withdraw": form(*PM, pick=state("active")),
    "apprenticeships:gateway": form(*PM, pick=state("active")),
    "apprenticeships:assessment": form(*PM, pick=state("gateway")),
    "apprenticeships:destination": form(*PM, pick=state("completed")),
    # --- mentoring: notes are the pair's alone; programme managers and HR oversee the relationship
    "mentoring:mentor": shows(*STAFF),
    "mentoring:relationship": shows(OWNER, THEIR_MENTOR, *RUNNERS),
    "mentoring:accept": action(THEIR_MENTOR, pick=state("requested")),
    "mentoring:decline": form(THEIR_MENTOR, pick=state("requested")),
    "mentoring:withdraw": action(OWNER, pick=state("requested")),
    "mentoring:meeting_log": form(OWNER, THEIR_MENTOR, pick=state("active")),
    "mentoring:close": form(OWNER, THEIR_MENTOR, pick=state("active")),
    "mentoring:feedback": form(OWNER, THEIR_MENTOR, pick=state("completed", "ended_early")),
    # --- professional registration (3A-3C)
    "registration:journey": shows(OWNER, MANAGER, THEIR_MENTOR, *RUNNERS),
    "registration:record_mentor": action(OWNER, *PM, pick=state("interested")),
    "registration:prepare": action(OWNER, *PM, pick=state("mentor_found")),
    "registration:statement": form(OWNER, pick=state("preparing")),
    "registration:supporter": form(OWNER, pick=state("preparing")),
    "registration:agree": action(why="only the named supporter agrees; none of these people is"),
    "registration:submit": form(OWNER, pick=state("supporter_named")),
    "registration:outcome": form(OWNER, *PM, pick=state("submitted")),
    "registration:renewal": form(OWNER, *PM, pick=state("registered")),
    "registration:withdraw": action(OWNER, pick=state("interested", "mentor_found", "preparing")),
    "registration:cohort": shows(*PM, pick=_registration_programme),
    "registration:leadership_cohort": shows(*PM, pick={"programme__kind": "leadership"}),
    # --- surveys (4D, 4E)
    "surveys:answer": form(why="only invited people answer; none of these people is invited"),
    "surveys:answer_about": form(why="only the invited manager answers about their report; none of these is invited"),
    "surveys:detail": shows(*RUNNERS),
    "surveys:question_add": form(*RUNNERS, pick=state("draft")),
    "surveys:question_remove": action(*RUNNERS, pick=state("draft")),
    "surveys:publish": action(*RUNNERS, pick=state("draft")),
    "surveys:results": shows(*RUNNERS),
    "surveys:export_csv": shows(*RUNNERS),
    "surveys:export_xlsx": shows(*RUNNERS),
    # --- the action plan
    "actionplan:owner_edit": form(*RUNNERS),
    "actionplan:plan_settings": action(*RUNNERS),
    "actionplan:dashboard": shows(*RUNNERS),
    "actionplan:summary": shows(*STAFF, why="the plan's public summary"),
    "actionplan:submission": shows(*RUNNERS),
    "actionplan:snapshots_record": action(*RUNNERS),
    "actionplan:report_start": action(*RUNNERS),
    "actionplan:item": shows(*RUNNERS),
    "actionplan:item_update": action(*RUNNERS),
    "actionplan:my_action_update": action(*RUNNERS),
    "actionplan:measure_record": form(*RUNNERS),
    "actionplan:measure_evidence": shows(*RUNNERS, pick={"evidence_file__gt": ""}),
    "actionplan:update_evidence": shows(*RUNNERS, pick={"evidence_file__gt": ""}),
    "actionplan:report": shows(*RUNNERS),
    "actionplan:report_download": shows(*RUNNERS, pick={"file__gt": ""}),
    # --- recognition (2A-2E, 3D)
    "recognition:import_run": shows(OWNER),
    "recognition:output": shows(OWNER, MANAGER, *RUNNERS),
    "recognition:output_edit": form(OWNER),
    "recognition:output_delete": action(OWNER),
    "recognition:output_celebrate": form(OWNER, MANAGER, *RUNNERS, why="those who see it propose; the person consents"),
    "recognition:case": form(OWNER, *PM, change=PM, why="the coordinator triages; the reporter follows it"),
    "recognition:prize_edit": form(*PM),
    "recognition:nomination": shows(OWNER, MANAGER, *RUNNERS),
    "recognition:nomination_agree": action(OWNER, pick={"state": "draft", "nominee_agreed_on": None}),
    "recognition:nomination_submit": action(MANAGER, *PM, pick={"state": "draft", "nominee_agreed_on__isnull": False}),
    "recognition:nomination_withdraw": action(MANAGER, *PM, pick=state("draft", "submitted")),
    "recognition:nomination_decide": action(MANAGER, *PM, pick=state("submitted")),
    # --- career pathways: plans are between the person and their line manager
    "pathways:pathway_edit": form(*PM),
    "pathways:history": shows(*STAFF),
    "pathways:route_add": form(*PM),
    "pathways:route_remove": action(*PM),
    "pathways:step_edit": form(*PM),
    "pathways:framework": shows(*STAFF),
    "pathways:review_assessment": form(OWNER, MANAGER, change=(MANAGER,), pick=state("submitted")),
    "pathways:plan_submit": action(OWNER, pick=state("draft")),
    "pathways:plan_reopen": action(OWNER, pick=state("submitted", "agreed")),
    "pathways:review_plan": form(OWNER, MANAGER, change=(MANAGER,), pick=state("submitted")),
    "pathways:plan_pdf": shows(OWNER, MANAGER),
    "pathways:goal_mark": action(OWNER),
    "pathways:goal_remove": action(OWNER),
    # --- the report catalogue
    "reports:schedule_stop": action(*RUNNERS, why="schedules are shared by everyone who uses the catalogue"),
    "api:token": shows(ADMIN, why="service tokens are the institution administrator's"),
    "api:token_revoke": action(ADMIN),
    "apprenticeships:provider_contact_invite": action(*PM, why="the programme team invites the provider's staff"),
    "apprenticeships:provider_contact_resend": action(*PM),
    "apprenticeships:provider_contact_deactivate": action(*PM),
    "apprenticeships:provider_apprentice": shows(why="only someone acting for the apprentice's provider"),
    "apprenticeships:provider_review_sign": action(why="only someone acting for the apprentice's provider signs"),
}
# fmt: on

# One worker seeds the demo once for the whole module (`make test` runs `-n 2 --dist loadgroup`).
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("access_same_institution")]

REFUSED = {403, 404, 405}

# URLs with a second part besides the object's pk (test_access_matrix.URL_KWARGS has the others).
URL_KWARGS = {
    "registration:statement": lambda journey: {"pk": journey.pk, "area_index": 0},
    "surveys:question_remove": lambda survey: {"pk": survey.pk, "question_pk": survey.questions.first().pk},
    "apprenticeships:review_sign": lambda review: {"pk": review.pk, "party": "manager"},
    "exchange:placement_record_day": lambda placement: {"pk": placement.pk, "day": "host_day"},
}


def test_every_url_with_an_object_says_who_may_use_it():
    with_objects = {name for name, entry in OBJECT_URLS.items() if entry is not None}
    assert with_objects - set(ACCESS) == set(), "a URL with an object: say in ACCESS who may see and change it"
    assert set(ACCESS) - with_objects == set(), "an ACCESS entry for a URL that no longer has an object"
    assert set(dict(_object_urls())) >= with_objects


def _plain(prefix):
    """Lookups that pick an owner with no group role and no reports, whose line manager has no group role."""
    p = f"{prefix}__" if prefix else ""
    return {
        f"{p}user__groups__isnull": True,
        f"{p}reports__isnull": True,
        f"{p}line_manager__isnull": False,
        f"{p}line_manager__user__groups__isnull": True,
    }


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo story, seeded once for the module (each request below runs in a savepoint that is
    rolled back, so no test sees another's changes)."""
    from core.tenancy import across_institutions
    from techcareers.celery import app

    saved_eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    media = tmp_path_factory.mktemp("media")
    with (
        django_db_blocker.unblock(),
        override_settings(
            MEDIA_ROOT=media,
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            RECOGNITION_REMOTE_LOOKUPS=False,
        ),
        across_institutions(),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("seed_demo", stdout=StringIO())
            icr = Institution.objects.get(slug="icr")
            _objects_the_demo_lacks(icr)
            _rows_in_the_states_the_demo_lacks(icr)
            yield {**_world(icr), "media": media}
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            app.conf.task_always_eager = saved_eager


def _rows_in_the_states_the_demo_lacks(icr):
    """A message stuck mid-send and files behind the download URLs."""
    from datetime import timedelta

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from actionplan.models import ProgressUpdate, ReportRun, SuccessMeasure
    from development.models import TrainingRecord
    from notifications.models import Notification

    stuck = Notification.objects.filter(institution=icr).order_by("pk").first()
    Notification.objects.filter(pk=stuck.pk).update(
        status=Notification.Status.SENDING, claimed_at=timezone.now() - timedelta(days=1)
    )
    for row in (
        SuccessMeasure.objects.filter(item__plan__institution=icr).order_by("pk").first(),
        ProgressUpdate.objects.filter(item__plan__institution=icr).order_by("pk").first(),
    ):
        if not row.evidence_file:
            row.evidence_file.save("evidence.pdf", ContentFile(b"%PDF-1.4 evidence"), save=True)
    record = TrainingRecord.objects.filter(person__institution=icr, **_plain("person")).order_by("pk").first()
    record.evidence.save("certificate.pdf", ContentFile(b"%PDF-1.4 certificate"), save=True)
    run = ReportRun.objects.filter(plan__institution=icr).order_by("pk").first()
    if not run.file:
        run.file.save("report.csv", ContentFile(b"item,status\n"), save=False)
        ReportRun.objects.filter(pk=run.pk).update(file=run.file.name, status="done")


def _world(icr):
    template = StaffProfile.objects.filter(institution=icr, grade__isnull=False, **_plain("")).first()
    like = {"division": template.division, "job_family": template.job_family, "grade": template.grade}
    other_manager = staff(icr, **like, job_title="Team leader")
    people = {
        OTHER_MANAGER: other_manager,
        PEER: staff(icr, **like, line_manager=other_manager),
        MENTOR: staff(icr, **like, groups=[roles.MENTOR]),
        PROGRAMME_MANAGER: staff(icr, groups=[roles.PROGRAMME_MANAGER]),
        HR: staff(icr, groups=[roles.HR]),
        ADMIN: staff(icr, groups=[roles.INSTITUTION_ADMIN]),
        PARTNER: staff(icr.partners.order_by("pk").first()),
    }
    paths = dict(_object_urls())
    targets, missing = {}, []
    for name, access in ACCESS.items():
        label, to_institution = OBJECT_URLS[name]
        model = apps.get_model(label)
        every = model._base_manager.filter(**{to_institution: icr}).order_by("pk")
        owner_path = OWNER_OF.get(label)
        obj, moved = _choose(_picked(every, access.pick), owner_path), {}
        if obj is None and isinstance(access.pick, dict):
            # The demo's story has no row in this state: each request moves one there in its savepoint.
            obj, moved = _choose(every, owner_path), _state_of(model, access.pick)
        if obj is None:
            missing.append(name)
            continue
        related = {}
        if owner_path is not None:
            related[OWNER] = _follow(obj, owner_path)
            related[MANAGER] = _follow(obj, MANAGER_OF[label]) if label in MANAGER_OF else related[OWNER].line_manager
        if label in MENTOR_OF:
            related[THEIR_MENTOR] = _follow(obj, MENTOR_OF[label])
        related = {role: person for role, person in related.items() if person is not None}
        url = reverse(name, kwargs=URL_KWARGS[name](obj)) if name in URL_KWARGS else _url(name, paths[name], obj)
        targets[name] = (url, obj, related, moved)
    return {"people": people, "targets": targets, "missing": missing}


def _picked(rows, pick):
    if callable(pick):
        return pick(rows)
    return rows.filter(**pick) if pick else rows


def _choose(rows, owner_path):
    """The first row, preferring one whose owner and owner's manager hold no other role."""
    if owner_path is None:
        return rows.first()
    prefix = f"{owner_path}__" if owner_path else ""
    return (
        rows.filter(**_plain(owner_path)).first()
        or rows.exclude(**{f"{prefix}line_manager": None}).first()
        or rows.first()
    )


def _state_of(model, pick):
    """The field values a row needs to match `pick` (equalities, the first of an `__in`)."""
    from django.utils import timezone

    concrete = {field.name for field in model._meta.concrete_fields}
    values = {}
    for key, value in pick.items():
        field, _, lookup = key.partition("__")
        if field not in concrete:
            continue
        if lookup == "in":
            values[field] = value[0]
        elif lookup == "isnull":
            values[field] = None if value else timezone.localdate()
        elif not lookup:
            values[field] = value
    return values


def _follow(obj, path):
    for part in filter(None, path.split("__")):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def _snapshot(obj):
    """The object's row and how many rows point at it: what a refused POST must leave alone."""
    model = type(obj)
    row = model._base_manager.filter(pk=obj.pk).values().first()
    counts = {}
    for relation in model._meta.related_objects:
        # the app's own rows (transitions, meetings, answers): a staff profile has dozens of others
        same_app = relation.related_model._meta.app_label == model._meta.app_label
        if (relation.one_to_many or relation.one_to_one) and same_app:
            counts[relation.name] = relation.related_model._base_manager.filter(**{relation.field.name: obj}).count()
    return row, counts


def _ask(client, method, url, obj, moved, *, refused):
    """The status of one request, and whether a refused POST changed the object (rolled back after)."""
    with transaction.atomic():
        if moved:
            type(obj)._base_manager.filter(pk=obj.pk).update(**moved)
        before = _snapshot(obj) if method == "post" and refused else None
        status = getattr(client, method)(url).status_code
        changed = before is not None and _snapshot(obj) != before
        transaction.set_rollback(True)
    return status, changed


def _mismatches(demo, role):
    clients = {}
    found = []
    for name, access in ACCESS.items():
        if name not in demo["targets"]:
            continue
        url, obj, related, moved = demo["targets"][name]
        profile = related.get(role) if role in (OWNER, MANAGER, THEIR_MENTOR) else demo["people"][role]
        if profile is None:
            continue  # the object has no such person (no owner, no mentor)
        if profile.pk not in clients:
            clients[profile.pk] = client_for(profile)
        client = clients[profile.pk]
        may_see = access.see is not None and role in access.see
        if access.see is not None or role == PEER:  # an action's GET is a 405 to all: asked once
            status, _ = _ask(client, "get", url, obj, moved, refused=not may_see)
            if may_see and status in REFUSED or not may_see and status not in REFUSED or status >= 500:
                found.append(f"{role}: {name} GET {url}: {status}, expected {'the page' if may_see else 'a refusal'}")
        if access.change is None:
            continue  # a page that changes nothing: POST is asked only where the URL changes something
        may_change = access.change is not None and role in access.change
        status, changed = _ask(client, "post", url, obj, moved, refused=not may_change)
        if may_change and status in REFUSED or not may_change and status not in REFUSED or status >= 500:
            expected = "to be taken" if may_change else "a refusal"
            found.append(f"{role}: {name} POST {url}: {status}, expected {expected}")
        if changed:
            found.append(f"{role}: {name} POST {url}: refused but the object changed")
    return found


def test_the_demo_has_an_object_for_every_url(demo):
    assert demo["missing"] == [], "no demo object (in the state ACCESS picks) for these URLs"


@pytest.mark.parametrize("role", ROLES)
def test_each_person_of_the_institution_gets_and_changes_what_access_says(demo, role, settings):
    settings.MEDIA_ROOT = demo["media"]
    assert _mismatches(demo, role) == []
