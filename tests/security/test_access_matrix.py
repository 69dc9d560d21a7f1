"""Issue 16, point 8 (the cross-institution half): every URL that shows or changes an object,
found in the URL conf, refuses every role of another institution, for GET and for POST.

The demo data is one institution's (ICR) consistent story; the other institution's people
hold every role (HR, administrator, programme manager, mentor, technician) with their second
factor. For each URL below, the test takes an ICR object of the listed model, and each of
those people must get 403, 404 or 405 (never the page, never a change). A new URL with an
object in its path and no entry here fails the suite. (The same-institution half, per person
of the object's own institution, is tests/security/test_access_same_institution.py: a URL
added here needs its line in its ACCESS table too.)
"""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from people import roles
from people.models import Institution
from tests.conftest import client_for
from tests.factories import staff

pytestmark = pytest.mark.django_db

# url name -> (model label, how the object reaches its institution), or None with a reason
OBJECT_URLS = {
    "people:profile": ("people.StaffProfile", "institution"),
    "people:edit_record": ("people.StaffProfile", "institution"),
    "people:history": ("people.StaffProfile", "institution"),
    "people:confirmation_answer": ("people.ManagerConfirmation", "person__institution"),
    "people:celebration_consent": ("people.Celebration", "person__institution"),
    "people:import": ("people.StaffImport", "institution"),
    "people:import_confirm": ("people.StaffImport", "institution"),
    "people:personal_data_person": ("people.StaffProfile", "institution"),
    "people:personal_data_export": ("people.StaffProfile", "institution"),
    "people:personal_data_erase": ("people.StaffProfile", "institution"),
    "guidance:page": ("guidance.GuidancePage", "institution"),
    "guidance:version_create": ("guidance.GuidancePage", "institution"),
    "guidance:review_create": ("guidance.GuidancePage", "institution"),
    "guidance:version": ("guidance.GuidanceVersion", "page__institution"),
    "notifications:detail": ("notifications.Notification", "institution"),
    "notifications:stuck_resolve": ("notifications.Notification", "institution"),
    "notifications:message_template_edit": None,  # a message kind, not an object: edits the viewer's own texts
    "programmes:programme": ("programmes.Programme", "institution"),
    "programmes:apply": ("programmes.Cohort", "programme__institution"),
    "programmes:application": ("programmes.Application", "applicant__institution"),
    "programmes:withdraw": ("programmes.Application", "applicant__institution"),
    "programmes:endorse": ("programmes.Application", "applicant__institution"),
    "programmes:decide": ("programmes.Application", "applicant__institution"),
    "programmes:programme_edit": ("programmes.Programme", "institution"),
    "programmes:cohort_create": ("programmes.Programme", "institution"),
    "programmes:cohort_run": ("programmes.Cohort", "programme__institution"),
    "programmes:cohort_edit": ("programmes.Cohort", "programme__institution"),
    "programmes:cohort_applicants_csv": ("programmes.Cohort", "programme__institution"),
    "programmes:session_create": ("programmes.Cohort", "programme__institution"),
    "programmes:register": ("programmes.Session", "cohort__programme__institution"),
    "programmes:calendar_feed": None,  # a secret token per person, not an id (tests/programmes)
    "programmes:event": ("programmes.Event", "institution"),
    "programmes:event_register": ("programmes.Event", "institution"),
    "programmes:event_cancel": ("programmes.Event", "institution"),
    "programmes:registration_endorse": ("programmes.Event", "institution"),
    "programmes:event_ics": ("programmes.Event", "institution"),
    "programmes:event_run": ("programmes.Event", "institution"),
    "programmes:event_edit": ("programmes.Event", "institution"),
    "programmes:event_call_off": ("programmes.Event", "institution"),
    # A registry key, looked up among what the viewer may see today (tests/programmes/test_bulletin.py).
    "programmes:bulletin_go": None,
    "programmes:bulletin_feed": None,  # the calendar's secret token per person, not an id (tests/programmes)
    "exchange:round": ("exchange.ExchangeRound", "institution"),
    "exchange:round_edit": ("exchange.ExchangeRound", "institution"),
    "exchange:offer_create": ("exchange.ExchangeRound", "institution"),
    "exchange:feasibility": ("exchange.ExchangeRound", "institution"),
    "exchange:feasibility_csv": ("exchange.ExchangeRound", "institution"),
    "exchange:offer": ("exchange.ExchangeOffer", "round__institution"),
    "exchange:offer_edit": ("exchange.ExchangeOffer", "round__institution"),
    "exchange:offer_apply": ("exchange.ExchangeOffer", "round__institution"),
    "exchange:placement": ("exchange.ExchangePlacement", "offer__round__institution"),
    "exchange:placement_approve": ("exchange.ExchangePlacement", "offer__round__institution"),
    "exchange:placement_decline": ("exchange.ExchangePlacement", "offer__round__institution"),
    "exchange:placement_schedule": ("exchange.ExchangePlacement", "offer__round__institution"),
    "exchange:placement_record_day": ("exchange.ExchangePlacement", "offer__round__institution"),
    "exchange:placement_feedback": ("exchange.ExchangePlacement", "offer__round__institution"),
    "exchange:placement_cancel": ("exchange.ExchangePlacement", "offer__round__institution"),
    "development:request": ("development.DevelopmentRequest", "person__institution"),
    "development:request_edit": ("development.DevelopmentRequest", "person__institution"),
    "development:request_cancel": ("development.DevelopmentRequest", "person__institution"),
    "development:request_complete": ("development.DevelopmentRequest", "person__institution"),
    "development:record": ("development.TrainingRecord", "person__institution"),
    "development:record_edit": ("development.TrainingRecord", "person__institution"),
    "development:record_delete": ("development.TrainingRecord", "person__institution"),
    "development:record_evidence": ("development.TrainingRecord", "person__institution"),
    "development:person": ("people.StaffProfile", "institution"),
    "development:delegate_remove": ("development.ManagerDelegate", "manager__institution"),
    "development:guidance_version": ("development.GuidanceVersion", "institution"),
    "development:import": ("development.TrainingImport", "institution"),
    "development:import_commit": ("development.TrainingImport", "institution"),
    "promotions:criteria_version": ("promotions.CriteriaVersion", "institution"),
    "promotions:round": ("promotions.Round", "institution"),
    "promotions:round_edit": ("promotions.Round", "institution"),
    "promotions:intend": ("promotions.Round", "institution"),
    "promotions:workshop": ("promotions.Round", "institution"),
    "promotions:summary": ("promotions.Round", "institution"),
    "promotions:summary_publish": ("promotions.Round", "institution"),
    "promotions:application": ("promotions.Application", "round__institution"),
    "promotions:submit": ("promotions.Application", "round__institution"),
    "promotions:support": ("promotions.Application", "round__institution"),
    "promotions:outcome": ("promotions.Application", "round__institution"),
    "promotions:withdraw": ("promotions.Application", "round__institution"),
    "promotions:vacancy_edit": ("promotions.Vacancy", "institution"),
    "apprenticeships:standard_edit": ("apprenticeships.Standard", "institution"),
    "apprenticeships:provider": ("apprenticeships.Provider", "institution"),
    "apprenticeships:provider_edit": ("apprenticeships.Provider", "institution"),
    "apprenticeships:intake": ("apprenticeships.Intake", "institution"),
    "apprenticeships:intake_edit": ("apprenticeships.Intake", "institution"),
    "apprenticeships:request": ("apprenticeships.ApprenticeshipRequest", "person__institution"),
    "apprenticeships:request_withdraw": ("apprenticeships.ApprenticeshipRequest", "person__institution"),
    "apprenticeships:request_enrol": ("apprenticeships.ApprenticeshipRequest", "person__institution"),
    "apprenticeships:detail": ("apprenticeships.Apprenticeship", "institution"),
    "apprenticeships:edit": ("apprenticeships.Apprenticeship", "institution"),
    "apprenticeships:mentor": ("apprenticeships.Apprenticeship", "institution"),
    "apprenticeships:hours": ("apprenticeships.Apprenticeship", "institution"),
    "apprenticeships:review_new": ("apprenticeships.Apprenticeship", "institution"),
    "apprenticeships:review_sign": ("apprenticeships.ProgressReview", "apprenticeship__institution"),
    "apprenticeships:break_start": ("apprenticeships.Apprenticeship", "institution"),
    "apprenticeships:break_end": ("apprenticeships.Apprenticeship", "institution"),
    "apprenticeships:withdraw": ("apprenticeships.Apprenticeship", "institution"),
    "apprenticeships:gateway": ("apprenticeships.Apprenticeship", "institution"),
    "apprenticeships:assessment": ("apprenticeships.Apprenticeship", "institution"),
    "apprenticeships:destination": ("apprenticeships.Apprenticeship", "institution"),
    "mentoring:mentor": ("mentoring.MentorProfile", "person__institution"),
    "mentoring:relationship": ("mentoring.Relationship", "mentee__institution"),
    "mentoring:accept": ("mentoring.Relationship", "mentee__institution"),
    "mentoring:decline": ("mentoring.Relationship", "mentee__institution"),
    "mentoring:withdraw": ("mentoring.Relationship", "mentee__institution"),
    "mentoring:meeting_log": ("mentoring.Relationship", "mentee__institution"),
    "mentoring:close": ("mentoring.Relationship", "mentee__institution"),
    "mentoring:feedback": ("mentoring.Relationship", "mentee__institution"),
    "registration:journey": ("registration.Journey", "institution"),
    "registration:record_mentor": ("registration.Journey", "institution"),
    "registration:prepare": ("registration.Journey", "institution"),
    "registration:statement": ("registration.Journey", "institution"),
    "registration:supporter": ("registration.Journey", "institution"),
    "registration:agree": ("registration.Journey", "institution"),
    "registration:submit": ("registration.Journey", "institution"),
    "registration:outcome": ("registration.Journey", "institution"),
    "registration:renewal": ("registration.Journey", "institution"),
    "registration:withdraw": ("registration.Journey", "institution"),
    "registration:cohort": ("programmes.Cohort", "programme__institution"),
    "registration:leadership_cohort": ("programmes.Cohort", "programme__institution"),
    "surveys:answer": ("surveys.Survey", "institution"),
    "surveys:detail": ("surveys.Survey", "institution"),
    "surveys:question_add": ("surveys.Survey", "institution"),
    "surveys:question_remove": ("surveys.Survey", "institution"),  # the survey is refused before the question
    "surveys:publish": ("surveys.Survey", "institution"),
    "surveys:results": ("surveys.Survey", "institution"),
    "surveys:export_csv": ("surveys.Survey", "institution"),
    "surveys:export_xlsx": ("surveys.Survey", "institution"),
    "actionplan:owner_edit": ("actionplan.Owner", "institution"),
    "actionplan:plan_settings": ("actionplan.ActionPlan", "institution"),
    "actionplan:dashboard": ("actionplan.ActionPlan", "institution"),
    "actionplan:summary": ("actionplan.ActionPlan", "institution"),
    "actionplan:submission": ("actionplan.ActionPlan", "institution"),
    "actionplan:snapshots_record": ("actionplan.ActionPlan", "institution"),
    "actionplan:report_start": ("actionplan.ActionPlan", "institution"),
    "actionplan:item": ("actionplan.ActionItem", "plan__institution"),
    "actionplan:item_update": ("actionplan.ActionItem", "plan__institution"),
    "actionplan:my_action_update": ("actionplan.ActionItem", "plan__institution"),
    "actionplan:measure_record": ("actionplan.SuccessMeasure", "item__plan__institution"),
    "actionplan:measure_evidence": ("actionplan.SuccessMeasure", "item__plan__institution"),
    "actionplan:update_evidence": ("actionplan.ProgressUpdate", "item__plan__institution"),
    "actionplan:report": ("actionplan.ReportRun", "plan__institution"),
    "actionplan:report_download": ("actionplan.ReportRun", "plan__institution"),
    "recognition:import_run": ("recognition.ImportRun", "person__institution"),
    "recognition:output": ("recognition.Output", "person__institution"),
    "recognition:output_edit": ("recognition.Output", "person__institution"),
    "recognition:output_delete": ("recognition.Output", "person__institution"),
    "recognition:output_celebrate": ("recognition.Output", "person__institution"),
    "recognition:case": ("recognition.AcknowledgementCase", "person__institution"),
    "recognition:prize_edit": ("recognition.Prize", "institution"),
    "recognition:nomination": ("recognition.Nomination", "prize__institution"),
    "recognition:nomination_agree": ("recognition.Nomination", "prize__institution"),
    "recognition:nomination_submit": ("recognition.Nomination", "prize__institution"),
    "recognition:nomination_withdraw": ("recognition.Nomination", "prize__institution"),
    "recognition:nomination_decide": ("recognition.Nomination", "prize__institution"),
    "pathways:public": None,  # public by design: an institution's published pathway, no personal data
    "pathways:pathway_edit": ("pathways.Pathway", "institution"),
    "pathways:history": ("pathways.Pathway", "institution"),
    "pathways:route_add": ("pathways.Pathway", "institution"),
    "pathways:route_remove": ("pathways.SideRoute", "pathway__institution"),
    "pathways:step_edit": ("pathways.PathwayStep", "pathway__institution"),
    "pathways:framework": ("pathways.FrameworkVersion", "framework__institution"),
    "pathways:review_assessment": ("pathways.SelfAssessment", "person__institution"),
    "pathways:plan_submit": ("pathways.Plan", "person__institution"),
    "pathways:plan_reopen": ("pathways.Plan", "person__institution"),
    "pathways:review_plan": ("pathways.Plan", "person__institution"),
    "pathways:plan_pdf": ("pathways.Plan", "person__institution"),
    "pathways:goal_mark": ("pathways.Goal", "plan__person__institution"),
    "pathways:goal_remove": ("pathways.Goal", "plan__person__institution"),
    "reports:schedule_stop": ("reports.Schedule", "institution"),
    # A report of the catalogue by its key, not an object: its figures are always the viewer's own
    # institution's (tests/reports/test_training.py: another institution's HR sees none of them).
    "reports:report": None,
    "reports:report_csv": None,
    "reports:report_xlsx": None,
    "reports:schedule_create": None,
    # A line manager's programme evaluation about one report (1B): only the invited manager answers it.
    "surveys:answer_about": ("surveys.Invitation", "survey__institution"),
    "api:token": ("api.ServiceToken", "institution"),
    "api:token_revoke": ("api.ServiceToken", "institution"),
    # API endpoints with an id are reached with a service token, never a session (tests/api).
    "api:measures": None,
    "api:staff_person": None,
    "api:report": None,
    "apprenticeships:provider_contact_invite": ("apprenticeships.Provider", "institution"),
    "apprenticeships:provider_contact_resend": ("apprenticeships.ProviderContact", "provider__institution"),
    "apprenticeships:provider_contact_deactivate": ("apprenticeships.ProviderContact", "provider__institution"),
    # A secret token of one invitation, not an id (tests/apprenticeships/test_provider_contacts.py).
    "apprenticeships:provider_invitation": None,
    "apprenticeships:provider_apprentice": ("apprenticeships.Apprenticeship", "institution"),
    "apprenticeships:provider_review_sign": ("apprenticeships.ProgressReview", "apprenticeship__institution"),
}
REFUSED = {403, 404, 405}


def _object_urls():
    def walk(patterns, prefix="", namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), namespace + (pattern.name or "")

    for path, name in walk(get_resolver().url_patterns):
        if "<" in path and not path.startswith(("accounts/", "admin/")):
            yield name, path


def test_every_url_with_an_object_has_an_entry():
    found = dict(_object_urls())
    assert set(found) - set(OBJECT_URLS) == set(), "a new URL with an object: add it to OBJECT_URLS"
    assert set(OBJECT_URLS) - set(found) == set(), "an entry for a URL that no longer exists"


# URLs that name their object by something other than its pk (a slug is per institution).
URL_KWARGS = {
    "guidance:version": lambda version: {"slug": version.page.slug, "number": version.number},
    "people:personal_data_export": lambda person: {"pk": person.pk, "fmt": "json"},
    "surveys:answer_about": lambda invitation: {
        "pk": invitation.survey_id,
        "subject": invitation.subject_id or invitation.person_id,
    },
}


def _url(name, path, obj):
    if name in URL_KWARGS:
        return reverse(name, kwargs=URL_KWARGS[name](obj))
    kwargs = {}
    for part in path.split("<")[1:]:
        converter, _, rest = part.partition(":")
        key = rest.partition(">")[0]
        if converter == "slug" and hasattr(obj, key):
            kwargs[key] = getattr(obj, key)
        else:
            kwargs[key] = obj.pk if converter == "int" else "host"
    return reverse(name, kwargs=kwargs)


def _objects_the_demo_lacks(icr):
    """Rows the demo story has no reason to make (a delegation, an import, exports, a confirmation)."""
    from datetime import timedelta

    from django.utils import timezone

    from actionplan.models import ActionPlan, ReportRun
    from development.models import ManagerDelegate, TrainingImport
    from people.models import ManagerConfirmation, StaffProfile

    today = timezone.localdate()
    first, second = StaffProfile.objects.filter(institution=icr)[:2]
    ManagerDelegate.objects.create(manager=first, delegate=second, starts_on=today, ends_on=today + timedelta(days=7))
    if not ManagerConfirmation.objects.filter(person__institution=icr).exists():
        ManagerConfirmation.objects.create(person=first, manager=second)
    TrainingImport.objects.create(institution=icr, original_name="a.csv", file="x.csv")
    plan = ActionPlan.objects.filter(institution=icr).first()
    ReportRun.objects.create(plan=plan, requested_by=first.user, start=plan.start, end=today, format="csv")
    from recognition.models import ImportRun

    ImportRun.objects.create(person=first, source="orcid", reference="0000-0002-1825-0097", added=3)
    from people.models import StaffImport

    StaffImport.objects.create(institution=icr, original_name="staff.csv", file="staff.csv", uploaded_by=first.user)
    from api.services import token_create

    token_create(institution=icr, name="Intranet", scopes=["read_figures"], by=first.user)


def test_no_role_of_another_institution_gets_or_changes_any_object(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", stdout=StringIO())
    icr = Institution.objects.get(slug="icr")
    crick = Institution.objects.exclude(pk=icr.pk).first()
    people = {
        "technician": staff(crick),
        **{
            group: staff(crick, groups=[group])
            for group in (roles.HR, roles.INSTITUTION_ADMIN, roles.PROGRAMME_MANAGER, roles.MENTOR)
        },
    }
    _objects_the_demo_lacks(icr)
    clients = {role: client_for(profile) for role, profile in people.items()}
    # Someone who acts for a training provider at the other institution (no staff record).
    from tests.apprenticeships.conftest import provider_contact_at

    clients["provider_contact"] = client_for(provider_contact_at(crick).user)
    paths = dict(_object_urls())
    leaks, missing = [], []
    for name, entry in OBJECT_URLS.items():
        if entry is None:
            continue
        label, to_institution = entry
        obj = apps.get_model(label)._base_manager.filter(**{to_institution: icr}).first()
        if obj is None:
            missing.append(name)
            continue
        url = _url(name, paths[name], obj)
        for role, client in clients.items():
            for method in ("get", "post"):
                status = getattr(client, method)(url).status_code
                if status not in REFUSED:
                    leaks.append(f"{role} {method.upper()} {url} -> {status}")
    assert leaks == []
    assert missing == [], "the demo data has no object for these URLs"
