"""Development on the core layer: scoped data, one workflow, outbox rows in the transaction, jobs."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core.jobs import Job
from core.tenancy import ScopeError, in_institution, scoped_models
from development import rules, selectors, services, tasks
from development.models import (
    AllowanceOverride,
    AllowancePolicy,
    DevelopmentRequest,
    GuidanceVersion,
    ManagerDelegate,
    RequestTransition,
    TrainingImport,
    TrainingRecord,
)
from notifications.models import Notification
from tests.conftest import client_for
from tests.factories import staff

from .conftest import make_record, make_request, next_weekday

State = DevelopmentRequest.State
pytestmark = pytest.mark.django_db

DEVELOPMENT_MODELS = [
    AllowancePolicy,
    AllowanceOverride,
    GuidanceVersion,
    ManagerDelegate,
    DevelopmentRequest,
    RequestTransition,
    TrainingRecord,
    TrainingImport,
]


def request_fields(start, title="Cryo-EM sample preparation"):
    return {
        "activity_type": "course",
        "title": title,
        "delivery": "external",
        "provider": "EMBL",
        "start_date": start,
        "end_date": start + timedelta(days=1),
        "days": Decimal("2"),
        "cost": Decimal("0"),
        "paid_by": "none",
        "benefit": "Skills.",
    }


# --- Tenancy ---------------------------------------------------------------------------------


def test_every_development_model_holding_institution_data_is_scoped():
    scoped = {model for model in scoped_models() if model._meta.app_label == "development"}
    assert scoped == set(DEVELOPMENT_MODELS)


@pytest.mark.parametrize("model", DEVELOPMENT_MODELS, ids=lambda model: model.__name__)
def test_an_unscoped_query_of_development_data_raises(model):
    from django_scopes import scope

    with scope(), pytest.raises(ScopeError):  # no institution in scope: not even an empty answer
        list(model.objects.all())


@pytest.fixture
def both_institutions_data(technician, manager, outsider, institution, other_institution, so_family):
    """One row of every development model at each institution."""
    rows = {}
    outsider.line_manager = staff(other_institution)  # a request needs a confirmed line manager
    outsider.save(update_fields=["line_manager"])
    for profile, place in ((technician, institution), (outsider, other_institution)):
        policy = AllowancePolicy.objects.create(institution=place, minimum_days=5)
        AllowanceOverride.objects.create(policy=policy, job_family=so_family, minimum_days=6)
        GuidanceVersion.objects.create(
            institution=place, audience="staff", title="Guidance", effective_from=date(2026, 1, 1), body="."
        )
        ManagerDelegate.objects.create(
            manager=profile, delegate=staff(place), starts_on=date(2026, 1, 1), ends_on=date(2026, 1, 2)
        )
        request = services.request_create(person=profile, by=profile.user, **request_fields(next_weekday()))
        make_record(profile, on=date(2026, 2, 1))
        TrainingImport.objects.create(institution=place, original_name="a.csv", file="a.csv")
        rows[place.pk] = request
    return rows


def test_another_institutions_development_rows_are_invisible_inside_a_scope(both_institutions_data, institution):
    with in_institution(institution):
        for model in DEVELOPMENT_MODELS:
            assert model.objects.count() == 1, model.__name__
        assert list(DevelopmentRequest.objects.all()) == [both_institutions_data[institution.pk]]


def test_the_reminder_beat_job_tells_each_institutions_managers_of_their_own_reports_only(
    technician, manager, outsider
):
    theirs_manager = staff(outsider.institution)
    outsider.line_manager = theirs_manager
    outsider.save()
    for person in (technician, outsider):
        request = make_request(person, start=next_weekday())
        DevelopmentRequest.objects.filter(pk=request.pk).update(submitted_at=timezone.now() - timedelta(days=14))
    from django_scopes import scope

    with scope():  # no institution in scope: the beat task reads across institutions, and says so
        assert tasks.send_development_reminders() == {"approvals": 2, "nothing_recorded": 0}
    reminded = {
        (n.recipient_id, n.institution_id, n.context["requester"])
        for n in Notification.objects.filter(kind="development.approval_waiting")
    }
    assert reminded == {
        (manager.user.pk, manager.institution_id, str(technician)),
        (theirs_manager.user.pk, outsider.institution_id, str(outsider)),
    }


# --- One workflow ------------------------------------------------------------------------------


def test_the_request_moves_are_written_once_with_who_may_make_them():
    workflow = DevelopmentRequest.workflow
    assert workflow.targets(State.SUBMITTED) == {
        State.APPROVED,
        State.DECLINED,
        State.CHANGES_REQUESTED,
        State.CANCELLED,
    }
    assert workflow.targets(State.APPROVED) == {State.CANCELLED, State.COMPLETED}
    assert workflow.targets(State.DECLINED) == set()
    assert workflow.move(State.SUBMITTED, State.APPROVED).perm == "development.decide_request"
    assert not hasattr(DevelopmentRequest, "TRANSITIONS") and not hasattr(DevelopmentRequest, "can_move_to")


def test_a_transition_record_keeps_its_verb_and_its_table():
    assert RequestTransition._meta.db_table == "development_requesttransition"
    assert RequestTransition(from_state="changes_requested", to_state="submitted").verb == "resubmitted it"
    assert RequestTransition(from_state="", to_state="submitted").verb == "submitted it"
    assert RequestTransition(from_state="submitted", to_state="changes_requested").verb == "asked for changes"


def test_resubmitting_after_changes_goes_through_the_workflow_and_tells_the_manager_again(technician, manager):
    request = services.request_create(person=technician, by=technician.user, **request_fields(next_weekday()))
    services.request_decide(request=request, by=manager.user, decision=State.CHANGES_REQUESTED, reason="One day?")
    request.refresh_from_db()
    changed = {**request_fields(request.start_date), "end_date": request.start_date, "days": Decimal("1")}
    services.request_update(request=request, by=technician.user, **changed)
    request.refresh_from_db()
    assert request.state == State.SUBMITTED and request.days == 1
    assert [(t.from_state, t.to_state, t.by) for t in request.transitions.all()] == [
        ("", "submitted", technician.user),
        ("submitted", "changes_requested", manager.user),
        ("changes_requested", "submitted", technician.user),
    ]
    assert request.transitions.last().reason == "Resubmitted with changes."
    assert Notification.objects.filter(kind="development.request_submitted", recipient=manager.user).count() == 2


def test_someone_else_cannot_submit_a_request_for_a_technician(technician, manager):
    with pytest.raises(PermissionDenied):
        services.request_create(person=technician, by=manager.user, **request_fields(next_weekday()))
    assert not DevelopmentRequest.objects.exists()


def test_a_decided_request_cannot_be_decided_again(technician, manager):
    request = make_request(technician, start=next_weekday())
    services.request_decide(request=request, by=manager.user, decision=State.APPROVED)
    with pytest.raises(ValidationError, match="cannot become"):
        services.request_decide(request=request, by=manager.user, decision=State.DECLINED, reason="No.")
    request.refresh_from_db()
    assert request.state == State.APPROVED and request.transitions.count() == 1


def test_an_active_delegate_may_decide_and_an_expired_one_may_not(technician, manager, institution):
    delegate = staff(institution)
    today = timezone.localdate()
    delegation = ManagerDelegate.objects.create(manager=manager, delegate=delegate, starts_on=today, ends_on=today)
    request = make_request(technician, start=next_weekday())
    assert rules.decides_for(delegate.user, request) and not rules.decides_for(technician.user, request)
    ManagerDelegate.objects.filter(pk=delegation.pk).update(
        starts_on=today - timedelta(days=3), ends_on=today - timedelta(days=1)
    )
    assert not rules.decides_for(delegate.user, request)
    assert rules.decides_for(manager.user, request)


# --- Outbox rows in the transaction -----------------------------------------------------------


def test_a_submission_leaves_its_outbox_row_even_if_the_commit_callbacks_never_run(
    technician, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        request = services.request_create(person=technician, by=technician.user, **request_fields(next_weekday()))
    assert Notification.objects.filter(kind="development.request_submitted", recipient=manager.user).exists()
    assert request.transitions.count() == 1


def test_a_resubmission_leaves_its_outbox_row_even_if_the_commit_callbacks_never_run(
    technician, manager, django_capture_on_commit_callbacks
):
    request = make_request(technician, start=next_weekday(), state=State.CHANGES_REQUESTED)
    with django_capture_on_commit_callbacks(execute=False):
        services.request_update(request=request, by=technician.user, **request_fields(request.start_date))
    assert Notification.objects.filter(kind="development.request_submitted", recipient=manager.user).exists()


def test_a_decision_leaves_its_outbox_row_even_if_the_commit_callbacks_never_run(
    technician, manager, django_capture_on_commit_callbacks
):
    request = make_request(technician, start=next_weekday())
    with django_capture_on_commit_callbacks(execute=False):
        services.request_decide(request=request, by=manager.user, decision=State.APPROVED)
    assert Notification.objects.filter(kind="development.request_decided", recipient=technician.user).exists()


def test_reminders_leave_their_outbox_rows_even_if_the_commit_callbacks_never_run(
    technician, manager, institution, django_capture_on_commit_callbacks
):
    request = make_request(technician, start=next_weekday())
    DevelopmentRequest.objects.filter(pk=request.pk).update(submitted_at=timezone.now() - timedelta(days=14))
    policy = AllowancePolicy.objects.create(institution=institution, minimum_days=5)
    with django_capture_on_commit_callbacks(execute=False):
        assert services.approval_reminders_send(requests=selectors.approval_reminders_due()) == 1
        services.nothing_recorded_send(due=[selectors.NothingRecorded(policy=policy, year=2026, people=[manager])])
    assert Notification.objects.filter(kind="development.approval_waiting", recipient=manager.user).exists()
    assert Notification.objects.filter(kind="development.nothing_recorded", recipient=manager.user).exists()


# --- Jobs ------------------------------------------------------------------------------------


def test_imports_are_core_jobs_with_their_tasks():
    assert issubclass(TrainingImport, Job)
    assert TrainingImport.task_name == tasks.check_training_import.name


def test_a_check_is_claimed_once_and_a_second_delivery_does_nothing(technician, hr, institution):
    content = f"course,date,email,hours\nSafety,2026-03-04,{technician.user.email},3\n".encode()
    batch = TrainingImport(institution=institution, original_name="a.csv", uploaded_by=hr.user)
    batch.file.save("a.csv", ContentFile(content))
    tasks.check_training_import(batch.pk)
    batch.refresh_from_db()
    assert (batch.status, batch.stage, batch.attempts, batch.progress) == ("done", "checked", 1, 100)
    tasks.check_training_import(batch.pk)  # a duplicate message: the row is no longer queued
    batch.refresh_from_db()
    assert batch.attempts == 1


def test_an_unreadable_file_fails_the_job_with_a_message_for_the_uploader(hr, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(hr).post(reverse("development:import_upload"), {"file": SimpleUploadedFile("a.xlsx", b"not excel")})
    batch = TrainingImport.objects.get()
    assert batch.status == "failed" and batch.error.startswith("The file could not be read")
    page = client_for(hr).get(batch.get_absolute_url()).content.decode()
    assert "Could not be read" in page and "hx-trigger" not in page


def test_a_checked_import_cannot_be_imported_twice(technician, hr, institution):
    batch = TrainingImport.objects.create(
        institution=institution, original_name="a.csv", file="a.csv", status="done", stage="checked", rows=[]
    )
    services.training_import_commit(batch=batch, by=hr.user, mode="good")
    with pytest.raises(ValidationError, match="This import is imported"):
        services.training_import_commit(batch=batch, by=hr.user, mode="good")
