"""The audit log (issue 16, point 6): every decision, role change, export of personal data,
import and staff-record change, with who, when, what and from where; append-only; seen by
institution administrators with filters."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from development.models import AllowancePolicy, DevelopmentRequest
from people import roles, services
from people.models import CareerEvent
from tests.conftest import client_for
from tests.development.conftest import make_request
from tests.factories import staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator(institution):
    return staff(institution, groups=[roles.INSTITUTION_ADMIN])


def test_a_managers_approval_is_logged_with_who_what_and_from_where(technician, manager):
    AllowancePolicy.objects.create(institution=technician.institution, minimum_days=Decimal("5"))
    request = make_request(technician, start=timezone.localdate() + timedelta(days=10))
    client_for(manager).post(
        request.get_absolute_url(), {"decision": "approved", "reason": "Good fit"}, REMOTE_ADDR="10.1.2.3"
    )
    request.refresh_from_db()
    assert request.state == DevelopmentRequest.State.APPROVED
    event = AuditEvent.objects.get(kind="decision")
    assert (event.actor, event.actor_name, event.ip, event.institution_id) == (
        manager.user,
        manager.user.get_full_name(),
        "10.1.2.3",
        technician.institution_id,
    )
    assert event.object_type == "development.DevelopmentRequest" and event.object_id == str(request.pk)
    assert "→ Approved" in event.action and event.detail == "Good fit"


def test_role_changes_are_logged_both_ways(technician):
    hr_group, _ = Group.objects.get_or_create(name=roles.HR)
    technician.user.groups.add(hr_group)
    technician.user.groups.remove(hr_group)
    actions = list(AuditEvent.objects.filter(kind="roles").order_by("pk").values_list("action", flat=True))
    name = technician.user.get_full_name()
    assert actions == [f"Added to HR: {name}", f"Removed from HR: {name}"]
    assert AuditEvent.objects.filter(kind="roles", institution_id=technician.institution_id).count() == 2


def test_a_staff_record_change_is_logged(technician, manager, hr, so_family):
    services.staff_record_change(
        profile=technician, by=hr.user, cause=CareerEvent.Cause.PROMOTION, grade=so_family.grades.get(short_name="SSO")
    )
    event = AuditEvent.objects.get(kind="record")
    assert event.actor == hr.user and event.object_repr == str(technician) and "promotion" in event.action


def test_the_log_cannot_be_changed_or_deleted(technician):
    event = AuditEvent.objects.create(kind="decision", action="Approved", institution_id=technician.institution_id)
    event.action = "Declined"
    with pytest.raises(PermissionDenied):
        event.save()
    with pytest.raises(PermissionDenied):
        event.delete()
    with pytest.raises(PermissionDenied):
        AuditEvent.objects.filter(pk=event.pk).update(action="Declined")
    with pytest.raises(PermissionDenied):
        AuditEvent.objects.filter(pk=event.pk).delete()
    if connection.vendor == "postgresql":  # the table itself refuses, whatever the code does
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE core_auditevent SET action = 'Declined' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "Approved"


def test_administrators_see_their_institutions_log_with_filters_and_nobody_else_does(
    administrator, technician, hr, other_institution
):
    AuditEvent.objects.create(
        kind="decision",
        action="Application: submitted → endorsed",
        actor_name="Sam Lee",
        institution_id=technician.institution_id,
    )
    AuditEvent.objects.create(
        kind="export", action="Exported applicants.csv", actor_name="Ann Bell", institution_id=technician.institution_id
    )
    AuditEvent.objects.create(kind="export", action="Exported crick.csv", institution_id=other_institution.pk)
    client = client_for(administrator)
    page = client.get(reverse("people:audit_log")).text
    assert "Application: submitted → endorsed" in page and "Exported applicants.csv" in page
    assert "crick.csv" not in page
    filtered = client.get(reverse("people:audit_log"), {"kind": "export", "who": "ann"}).text
    assert "Exported applicants.csv" in filtered and "submitted → endorsed" not in filtered
    for person in (technician, hr):
        assert client_for(person).get(reverse("people:audit_log")).status_code == 403


@pytest.mark.parametrize("size", [5, 60])
def test_the_log_page_takes_the_same_queries_at_two_sizes(size, administrator, django_assert_num_queries):
    for n in range(size):
        AuditEvent.objects.create(kind="decision", action=f"Decision {n}", institution_id=administrator.institution_id)
    client = client_for(administrator)
    client.get(reverse("people:audit_log"))
    with django_assert_num_queries(6):
        response = client.get(reverse("people:audit_log"))
    assert response.text.count("Decision ") == min(size, 50)
