"""Subject access and erasure: every personal row exported, and erasure leaves every report's totals alone."""

import dataclasses
import json
from datetime import date, timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.test.utils import isolate_apps
from django.urls import reverse
from django.utils import timezone

from core import metrics, privacy
from core.models import AuditEvent
from core.workflow import TransitionRecord
from people import services_privacy
from people.models import StaffProfile
from tests.conftest import client_for
from tests.factories import staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=StringIO())


def _profile(email):
    return StaffProfile.objects.select_related("user").get(user__email=email)


def _exported(profile):
    return json.loads(privacy.export_json(services_privacy.subject_of(profile)))["models"]


def _expected_rows(profile):
    """Independently of the export: by model, the rows whose foreign keys name the person, the
    workflow history of the rows they own, and the audit events about them."""
    expected: dict[str, set] = {}
    targets = {StaffProfile: profile, type(profile.user): profile.user}
    owned = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model in targets:
                pks = set(
                    model._base_manager.filter(**{field.name: targets[field.related_model].pk}).values_list(
                        "pk", flat=True
                    )
                )
                if pks:
                    expected.setdefault(model._meta.label, set()).update(pks)
                    if field.remote_field.on_delete is models.CASCADE:
                        owned.append((model, pks))
    for model in apps.get_models():
        if issubclass(model, TransitionRecord):
            parent = next(f for f in model._meta.concrete_fields if f.is_relation and f.name != "by")
            for owner, pks in owned:
                if parent.related_model is owner:
                    rows = set(model._base_manager.filter(**{f"{parent.name}__in": pks}).values_list("pk", flat=True))
                    if rows:
                        expected.setdefault(model._meta.label, set()).update(rows)
    events = set(
        AuditEvent.objects.filter(object_type="people.StaffProfile", object_id=str(profile.pk)).values_list(
            "pk", flat=True
        )
    )
    if events:
        expected.setdefault("core.AuditEvent", set()).update(events)
    return expected


@pytest.mark.parametrize("email", ["technician@icr.ac.uk", "manager@icr.ac.uk", "hr@icr.ac.uk"])
def test_the_export_holds_every_personal_row_model_by_model(demo, email):
    profile = _profile(email)
    exported = _exported(profile)
    expected = _expected_rows(profile)
    assert len(expected) >= 8, sorted(expected)  # the demo person is in many parts of the portal
    for label, pks in expected.items():
        got = {row["id"] for row in exported.get(label, {"rows": []})["rows"]}
        assert pks <= got, f"{label}: rows {sorted(pks - got)} are missing from the export"
    # The history, the outbox and the audit are there; the password and second-factor secret are not.
    own = next(row for row in exported["people.StaffProfile"]["rows"] if row["id"] == profile.pk)
    assert "the person" in own["via"] and own["fields"]["staff_number"] == profile.staff_number
    text = json.dumps(exported)
    assert profile.user.password not in text and '"password"' not in text
    assert all("data" not in row["fields"] for row in exported.get("mfa.Authenticator", {"rows": []})["rows"])


def test_priya_s_export_has_her_career_history_outbox_and_training(demo):
    exported = _exported(_profile("technician@icr.ac.uk"))
    for label in ("people.HistoricalStaffProfile", "people.CareerEvent", "notifications.Notification"):
        assert exported[label]["rows"], label
    assert exported["development.TrainingRecord"]["rows"], "her training records"


def test_a_model_that_keeps_a_person_as_a_plain_id_is_not_covered_until_it_registers():
    assert privacy.uncovered_models() == []
    with isolate_apps("people"):

        class Sighting(models.Model):
            person_id = models.IntegerField()
            email = models.EmailField()

            class Meta:
                app_label = "people"

            def __str__(self):
                return self.email

        class Badge(models.Model):
            holder = models.ForeignKey(StaffProfile, on_delete=models.CASCADE)

            class Meta:
                app_label = "people"

            def __str__(self):
                return str(self.holder_id)

        assert privacy.uncovered_models([Sighting, Badge]) == ["people.Sighting.person_id", "people.Sighting.email"]
        # A foreign key to the person, whatever its name, is found by the walk without registering.
        assert [(m, f.name) for m, f in privacy.person_relations([Sighting, Badge])] == [(Badge, "holder")]


def _figures(institution, today):
    """Every report's figures, as plain data: the training report for each year, every success
    measure, the authorship report for each year and every promotion round's summary."""
    from development import selectors as development
    from promotions import selectors as promotions
    from recognition import selectors as recognition

    figures = {}
    _policy, years = development.report_years(institution, today=today)
    for year in years:
        figures[f"training {year}"] = repr(development.training_report(institution, year))
        figures[f"authorship {year}"] = repr(recognition.authorship_report(institution=institution, year=year))
    for metric in metrics.all_metrics():
        result = metric(institution=institution, start=today - timedelta(days=3 * 365), end=today)
        figures[f"metric {metric.key}"] = dataclasses.asdict(result) if result else None
    for round_ in promotions.rounds_of(institution):
        figures[f"promotions {round_.pk}"] = repr(promotions.round_summary(round_))
    return figures


def test_erasing_a_leaver_keeps_every_report_total_and_removes_who_they_were(
    demo, settings, django_capture_on_commit_callbacks
):
    settings.PERSONAL_DATA_RETENTION_DAYS = 0
    today = timezone.localdate()
    leavers = StaffProfile.objects.filter(institution__slug="icr", leaving_date__lte=today).select_related("user")
    records = apps.get_model("development", "TrainingRecord")._base_manager
    leaver = max(leavers, key=lambda p: (records.filter(person=p).count(), p.pk))
    assert records.filter(person=leaver).exists()  # their hours are in the training report
    before_email, before_name = leaver.user.email, leaver.user.get_full_name()
    institution = leaver.institution
    before = _figures(institution, today)
    assert any("metric" in key and value for key, value in before.items())

    hr = _profile("hr@icr.ac.uk")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(hr).post(reverse("people:personal_data_erase", args=[leaver.pk]))
    assert response.status_code == 302

    assert _figures(institution, today) == before
    leaver.refresh_from_db()
    leaver.user.refresh_from_db()
    assert leaver.user.email.endswith("@erased.invalid") and not leaver.user.is_active
    assert leaver.user.get_full_name() != before_name and leaver.staff_number == "" and leaver.orcid == ""
    assert not leaver.user.has_usable_password()
    exported = json.loads(privacy.export_json(services_privacy.subject_of(leaver)))["models"]
    # Nothing the portal holds names them any more, but the audit log: it is append-only (also at
    # the database), the record of who did what, kept as it was.
    audit = exported.pop("core.AuditEvent")
    text = json.dumps(exported)
    assert before_email not in text and before_name not in text
    assert before_name in json.dumps(audit)
    assert AuditEvent.objects.filter(action="Erased the personal data of a leaver", object_id=str(leaver.pk)).exists()


def test_a_leaver_inside_the_retention_period_cannot_be_erased(hr, technician, settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 365
    technician.leaving_date = timezone.localdate() - timedelta(days=10)
    technician.save()
    email = technician.user.email
    response = client_for(hr).post(reverse("people:personal_data_erase", args=[technician.pk]), follow=True)
    assert "The retention period ends on" in response.content.decode()
    technician.user.refresh_from_db()
    assert technician.user.email == email


def test_hr_exports_after_confirming_it_is_them_and_the_export_is_audited(hr, technician):
    url = reverse("people:personal_data_export", args=[technician.pk, "csv"])
    not_confirmed = client_for(hr, reauthenticated=False).get(url)
    assert not_confirmed.status_code == 302 and "reauthenticate" in not_confirmed.url
    response = client_for(hr).get(url)
    body = b"".join(response.streaming_content).decode()
    assert response.status_code == 200 and body.startswith("model,row,via,field,value")
    assert f"people.User,{technician.user.pk},the person,email,{technician.user.email}" in body
    data = client_for(hr).get(reverse("people:personal_data_export", args=[technician.pk, "json"])).json()
    assert data["person"]["profile_id"] == technician.pk and "people.StaffProfile" in data["models"]
    assert AuditEvent.objects.filter(kind="export", action__contains=f"personal-data-{technician.pk}.csv").exists()


def test_only_hr_of_the_same_institution_reaches_a_person_s_data(hr, technician, manager, other_institution):
    url = reverse("people:personal_data_person", args=[technician.pk])
    assert client_for(hr).get(url).status_code == 200
    assert client_for(manager).get(url).status_code == 403
    assert (
        client_for(technician).get(reverse("people:personal_data_export", args=[technician.pk, "json"])).status_code
        == 403
    )
    other_hr = staff(other_institution, groups=["HR"])
    assert client_for(other_hr).get(url).status_code == 404


def test_the_command_exports_json_and_erases_a_leaver(technician, settings, tmp_path):
    settings.PERSONAL_DATA_RETENTION_DAYS = 30
    out = StringIO()
    call_command("subject_access", technician.user.email, stdout=out)
    assert json.loads(out.getvalue())["models"]["people.StaffProfile"]["rows"][0]["id"] == technician.pk
    technician.leaving_date = date.today() - timedelta(days=31)
    technician.save()
    call_command("subject_access", technician.user.email, "--erase", stdout=StringIO())
    technician.user.refresh_from_db()
    assert technician.user.email == f"erased-{technician.user.pk}@erased.invalid"


def test_erasing_a_leaver_unpublishes_their_celebrations_and_no_longer_names_them(technician, settings):
    from people.models import Celebration
    from people.services import propose_celebration

    settings.PERSONAL_DATA_RETENTION_DAYS = 30
    name = technician.user.get_full_name()
    celebration = propose_celebration(
        person=technician,
        kind=Celebration.Kind.PROMOTION,
        title=f"{name} is promoted to Senior Scientific Officer (SSO)",
        body=f"Congratulations, {name}!",
        occurred_on=date.today() - timedelta(days=400),
        source="promotions.Application:1",
        consent=True,
    )
    technician.leaving_date = date.today() - timedelta(days=31)
    technician.save()
    call_command("subject_access", technician.user.email, "--erase", stdout=StringIO())
    celebration.refresh_from_db()
    assert name not in celebration.title and celebration.body == ""
    assert celebration.consent == Celebration.Consent.DECLINED  # off the feed
    assert Celebration.objects.filter(person=technician).count() == 1  # the row stays, as every other


def test_the_requests_page_lists_leavers_due_with_the_same_queries_at_two_sizes(
    hr, institution, settings, django_assert_max_num_queries
):
    settings.PERSONAL_DATA_RETENTION_DAYS = 10
    client = client_for(hr)
    long_ago = timezone.localdate() - timedelta(days=400)
    for size in (2, 20):
        while StaffProfile.objects.filter(leaving_date=long_ago).count() < size:
            staff(institution, leaving_date=long_ago)
        with django_assert_max_num_queries(14):
            page = client.get(reverse("people:personal_data"), {"q": "staff"}).content.decode()
        assert page.count('/personal-data/"') >= size
