from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from development import services
from development.models import DevelopmentRequest, ManagerDelegate, RequestTransition, TrainingRecord
from notifications.models import Notification
from tests.conftest import client_for
from tests.factories import staff

from .conftest import PDF, make_request, next_weekday

State = DevelopmentRequest.State
pytestmark = pytest.mark.django_db


def request_form(start, end=None, days="2", **overrides):
    return {
        "activity_type": "course",
        "title": "Advanced light microscopy (EMBL)",
        "delivery": "external",
        "provider": "EMBL Heidelberg",
        "start_date": start.isoformat(),
        "end_date": (end or start + timedelta(days=1)).isoformat(),
        "days": days,
        "cost": "450.00",
        "paid_by": "institution",
        "benefit": "Brings super-resolution skills to the imaging facility.",
        **overrides,
    }


def test_technician_requests_two_days_manager_approves_and_done_shows_as_used_on_both_dashboards(
    technician, manager, policy
):
    start = timezone.localdate() - timedelta(days=1)
    response = client_for(technician).post(reverse("development:request_create"), request_form(start))
    request = DevelopmentRequest.objects.get(person=technician)
    assert response.status_code == 302 and request.state == State.SUBMITTED and request.days == Decimal("2")
    assert Notification.objects.filter(recipient=manager.user, kind="development.request_submitted").exists()

    response = client_for(manager).post(request.get_absolute_url(), {"decision": "approved", "reason": ""})
    request.refresh_from_db()
    assert request.state == State.APPROVED and request.decided_by == manager.user
    assert Notification.objects.filter(recipient=technician.user, kind="development.request_decided").exists()

    evidence = SimpleUploadedFile("certificate.pdf", PDF, content_type="application/pdf")
    response = client_for(technician).post(
        reverse("development:request_complete", args=[request.pk]),
        {
            "hours": "14",
            "cpd_category": "formal",
            "reflection": "Learnt STED imaging; will run it for the team.",
            "value_rating": "5",
            "evidence": evidence,
        },
    )
    assert response.status_code == 302
    request.refresh_from_db()
    record = TrainingRecord.objects.get(request=request)
    assert request.state == State.COMPLETED
    assert record.days == Decimal("2") and record.evidence_type == "application/pdf"
    assert "Learnt STED imaging" in record.reflection
    assert [(t.from_state, t.to_state) for t in request.transitions.all()] == [
        ("", "submitted"),
        ("submitted", "approved"),
        ("approved", "completed"),
    ]

    mine = client_for(technician).get(reverse("development:mine")).content.decode()
    assert 'data-testid="days-used">2</strong>' in mine and 'data-testid="days-left">3</strong>' in mine
    team = client_for(manager).get(reverse("development:team"))
    row = next(r for r in team.context["reports"] if r.pk == technician.pk)
    assert row.allowance.used == Decimal("2") and row.allowance.left == Decimal("3")
    home = client_for(technician).get("/").content.decode()
    assert 'data-testid="days-used">2</strong>' in home


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"end_date": "2020-01-01"}, "end_date", "The last day must be on or after the first day."),
        ({"days": "0"}, "days", "Ask for at least half a day."),
        ({"days": "-1"}, "days", "Ask for at least half a day."),
        ({"days": "0.3"}, "days", "Days go in halves"),
        ({"days": "5"}, "days", "do not fit between"),
        ({"cost": "-10"}, "cost", "cannot be negative"),
    ],
)
def test_bad_request_is_refused_with_a_clear_message_and_nothing_saved(technician, overrides, field, message):
    start = next_weekday()
    response = client_for(technician).post(reverse("development:request_create"), request_form(start, **overrides))
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert not DevelopmentRequest.objects.exists() and not RequestTransition.objects.exists()


def test_request_overlapping_a_live_request_is_refused_but_a_cancelled_one_does_not_block(technician):
    start = next_weekday()
    existing = make_request(technician, start=start, end=start + timedelta(days=2), days="3")
    response = client_for(technician).post(
        reverse("development:request_create"), request_form(start + timedelta(days=1), days="1")
    )
    assert "overlap your request" in response.context["form"].errors["start_date"][0]
    assert DevelopmentRequest.objects.count() == 1

    existing.state = State.CANCELLED
    existing.save()
    response = client_for(technician).post(
        reverse("development:request_create"), request_form(start + timedelta(days=1), days="1")
    )
    assert response.status_code == 302 and DevelopmentRequest.objects.count() == 2


def test_service_refuses_overlap_even_when_called_without_the_form(technician):
    start = next_weekday()
    make_request(technician, start=start)
    with pytest.raises(services.ValidationError):
        services.request_create(person=technician, by=technician.user, **{
            "activity_type": "course", "title": "Again", "delivery": "internal", "provider": "",
            "start_date": start, "end_date": start, "days": Decimal("1"), "cost": Decimal("0"),
            "paid_by": "none", "benefit": "x",
        })  # fmt: skip
    assert DevelopmentRequest.objects.count() == 1


def test_colleague_who_is_not_the_line_manager_cannot_approve(technician, institution):
    colleague = staff(institution)
    staff(institution, line_manager=colleague)  # a line manager, but not the technician's
    request = make_request(technician, start=next_weekday())
    response = client_for(colleague).post(request.get_absolute_url(), {"decision": "approved"})
    assert response.status_code == 404
    request.refresh_from_db()
    assert request.state == State.SUBMITTED and request.transitions.count() == 0


def test_hr_can_see_a_request_but_cannot_approve_it(technician, hr):
    request = make_request(technician, start=next_weekday())
    assert client_for(hr).get(request.get_absolute_url()).status_code == 200
    response = client_for(hr).post(request.get_absolute_url(), {"decision": "approved"})
    assert response.status_code == 403
    request.refresh_from_db()
    assert request.state == State.SUBMITTED


def test_nobody_approves_their_own_request(technician):
    request = make_request(technician, start=next_weekday())
    technician.line_manager = technician  # bad data must not let someone approve themself
    with pytest.raises(services.PermissionDenied):
        services.request_decide(request=request, by=technician.user, decision=State.APPROVED)


def test_delegate_approves_while_the_manager_is_away_but_not_after(technician, manager, institution):
    delegate = staff(institution)
    today = timezone.localdate()
    delegation = ManagerDelegate.objects.create(
        manager=manager, delegate=delegate, starts_on=today - timedelta(days=1), ends_on=today + timedelta(days=3)
    )
    first = make_request(technician, start=next_weekday())
    response = client_for(delegate).post(first.get_absolute_url(), {"decision": "approved"})
    first.refresh_from_db()
    assert response.status_code == 302 and first.state == State.APPROVED and first.decided_by == delegate.user

    delegation.ends_on = today - timedelta(days=1)
    delegation.starts_on = today - timedelta(days=5)
    delegation.save()
    second = make_request(technician, start=next_weekday(days_ahead=30))
    response = client_for(delegate).post(second.get_absolute_url(), {"decision": "approved"})
    second.refresh_from_db()
    assert response.status_code == 404 and second.state == State.SUBMITTED


def test_declining_needs_a_reason_and_records_it(technician, manager):
    request = make_request(technician, start=next_weekday())
    response = client_for(manager).post(request.get_absolute_url(), {"decision": "declined", "reason": ""})
    assert "Say why" in response.context["form"].errors["reason"][0]
    request.refresh_from_db()
    assert request.state == State.SUBMITTED

    client_for(manager).post(request.get_absolute_url(), {"decision": "declined", "reason": "Clashes with the audit."})
    request.refresh_from_db()
    transition = request.transitions.get()
    assert request.state == State.DECLINED and request.decision_reason == "Clashes with the audit."
    assert (transition.from_state, transition.to_state, transition.by, transition.reason) == (
        "submitted",
        "declined",
        manager.user,
        "Clashes with the audit.",
    )
    page = client_for(technician).get(request.get_absolute_url()).content.decode()
    assert f"{manager} declined it: “Clashes with the audit.”" in page


def test_technician_edits_and_resubmits_after_changes_are_requested(technician, manager):
    start = next_weekday()
    request = services.request_create(person=technician, by=technician.user, **{
        "activity_type": "conference", "title": "EMBO imaging", "delivery": "external", "provider": "EMBO",
        "start_date": start, "end_date": start + timedelta(days=2), "days": Decimal("3"), "cost": Decimal("900"),
        "paid_by": "team", "benefit": "Network with imaging scientists.",
    })  # fmt: skip
    services.request_decide(request=request, by=manager.user, decision=State.CHANGES_REQUESTED, reason="Two days?")
    response = client_for(technician).post(
        reverse("development:request_edit", args=[request.pk]),
        request_form(start, end=start + timedelta(days=1), days="2", title="EMBO imaging (2 days)"),
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.state == State.SUBMITTED and request.days == Decimal("2")
    assert list(request.transitions.values_list("to_state", flat=True)) == [
        "submitted",
        "changes_requested",
        "submitted",
    ]


def test_approved_request_cannot_be_edited_and_can_be_cancelled_freeing_its_days(technician, manager, policy):
    request = make_request(technician, start=next_weekday(), days="2", state=State.APPROVED)
    response = client_for(technician).post(
        reverse("development:request_edit", args=[request.pk]), request_form(next_weekday())
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.title == "Confocal microscopy course"
    client_for(technician).post(reverse("development:request_cancel", args=[request.pk]))
    request.refresh_from_db()
    assert request.state == State.CANCELLED
    assert request.transitions.get().to_state == "cancelled"
    from development.selectors import allowance_for

    assert allowance_for(technician).approved == 0


def test_manager_cannot_cancel_or_complete_their_reports_request(technician, manager):
    request = make_request(technician, start=timezone.localdate(), state=State.APPROVED)
    assert client_for(manager).post(reverse("development:request_cancel", args=[request.pk])).status_code == 403
    assert client_for(manager).get(reverse("development:request_complete", args=[request.pk])).status_code == 403
    request.refresh_from_db()
    assert request.state == State.APPROVED


def test_request_page_allows_owner_and_manager_and_hides_from_the_outsider(technician, manager, outsider):
    request = make_request(technician, start=next_weekday(), title="Cryo-EM sample prep")
    assert "Cryo-EM sample prep" in client_for(technician).get(request.get_absolute_url()).content.decode()
    assert "Cryo-EM sample prep" in client_for(manager).get(request.get_absolute_url()).content.decode()
    assert client_for(outsider).get(request.get_absolute_url()).status_code == 404
    assert client_for(outsider).post(request.get_absolute_url(), {"decision": "approved"}).status_code == 404


def test_manager_approves_several_requests_at_once(technician, manager, institution, so_family):
    other = staff(institution, line_manager=manager, job_family=so_family)
    first = make_request(technician, start=next_weekday())
    second = make_request(other, start=next_weekday())
    response = client_for(manager).post(reverse("development:team_approve"), {"request": [first.pk, second.pk]})
    assert response.status_code == 302
    assert set(DevelopmentRequest.objects.values_list("state", flat=True)) == {"approved"}
    assert RequestTransition.objects.filter(to_state="approved", by=manager.user).count() == 2


def test_bulk_approval_including_a_request_of_someone_elses_report_approves_nothing(technician, manager, institution):
    stranger = staff(institution, line_manager=staff(institution))
    mine = make_request(technician, start=next_weekday())
    theirs = make_request(stranger, start=next_weekday())
    response = client_for(manager).post(
        reverse("development:team_approve"), {"request": [mine.pk, theirs.pk]}, follow=True
    )
    assert "Nothing was approved." in response.content.decode()
    assert set(DevelopmentRequest.objects.values_list("state", flat=True)) == {"submitted"}
    assert not RequestTransition.objects.exists()


def test_bulk_approval_of_another_institutions_request_is_not_found(technician, manager, outsider):
    theirs = make_request(outsider, start=next_weekday())
    response = client_for(manager).post(reverse("development:team_approve"), {"request": [theirs.pk]})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == State.SUBMITTED


def test_team_page_is_only_for_line_managers(technician, manager, outsider):
    assert client_for(technician).get(reverse("development:team")).status_code == 403
    assert client_for(outsider).get(reverse("development:team")).status_code == 403


@pytest.mark.parametrize("size", [3, 15])
def test_team_page_queries_do_not_grow_with_the_team(
    size, manager, institution, so_family, policy, django_assert_max_num_queries
):
    today = timezone.localdate()
    for n in range(size):
        report = staff(institution, line_manager=manager, job_family=so_family)
        make_request(report, start=today + timedelta(days=10 + n), state=State.APPROVED)
        make_request(report, start=today + timedelta(days=200 + n))
    client = client_for(manager)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("development:team"))
    assert len(response.context["reports"]) == size and len(response.context["waiting"]) == size
    assert all(r.allowance.approved == 1 for r in response.context["reports"])


def test_manager_sets_a_delegate_with_dates_in_order(manager, technician, institution):
    delegate = staff(institution)
    today = timezone.localdate()
    url = reverse("development:delegates")
    response = client_for(manager).post(
        url,
        {
            "delegate": delegate.user.email,
            "starts_on": today.isoformat(),
            "ends_on": (today - timedelta(days=1)).isoformat(),
        },
    )
    assert "on or after the first day" in response.context["form"].errors["ends_on"][0]
    assert not ManagerDelegate.objects.exists()
    # The address as typed, in any case, with spaces around it.
    client_for(manager).post(
        url,
        {
            "delegate": f"  {delegate.user.email.upper()} ",
            "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=7)).isoformat(),
        },
    )
    assert ManagerDelegate.objects.get().delegate == delegate


def test_delegate_form_says_beside_the_field_when_no_colleague_has_the_address_or_it_is_theirs(manager, technician):
    today = timezone.localdate()
    client = client_for(manager)
    url = reverse("development:delegates")
    dates = {"starts_on": today.isoformat(), "ends_on": today.isoformat()}
    page = client.post(url, {"delegate": "nobody@example.org", **dates}).content.decode()
    assert "No one at your institution has this e-mail address in TechCareers" in page
    page = client.post(url, {"delegate": manager.user.email, **dates}).content.decode()
    assert "Choose someone other than yourself." in page
    assert not ManagerDelegate.objects.exists()
    # The page offers an address box, not a list of every member of staff.
    form = client.get(url).content.decode()
    assert 'type="email" name="delegate"' in form and "<select" not in form.split('name="delegate"')[0][-300:]


def test_delegate_form_refuses_someone_from_another_institution(manager, technician, outsider):
    today = timezone.localdate()
    response = client_for(manager).post(
        reverse("development:delegates"),
        {"delegate": outsider.user.email, "starts_on": today.isoformat(), "ends_on": today.isoformat()},
    )
    assert "No one at your institution" in response.context["form"].errors["delegate"][0]
    assert not ManagerDelegate.objects.exists()


def test_active_delegate_is_told_of_a_new_request_as_well_as_the_manager(technician, manager, institution):
    delegate = staff(institution)
    today = timezone.localdate()
    ManagerDelegate.objects.create(manager=manager, delegate=delegate, starts_on=today, ends_on=today)
    client_for(technician).post(reverse("development:request_create"), request_form(next_weekday()))
    recipients = set(
        Notification.objects.filter(kind="development.request_submitted").values_list("recipient", flat=True)
    )
    assert recipients == {manager.user.pk, delegate.user.pk}


def test_only_the_manager_who_set_a_delegation_can_remove_it(manager, technician, institution, outsider):
    today = timezone.localdate()
    delegation = ManagerDelegate.objects.create(
        manager=manager, delegate=staff(institution), starts_on=today, ends_on=today
    )
    url = reverse("development:delegate_remove", args=[delegation.pk])
    assert client_for(outsider).post(url).status_code == 404
    assert client_for(technician).post(url).status_code == 403
    assert ManagerDelegate.objects.filter(pk=delegation.pk).exists()
    client_for(manager).post(url)
    assert not ManagerDelegate.objects.exists()


def test_marking_done_with_a_bad_certificate_saves_nothing(technician):
    request = make_request(technician, start=timezone.localdate(), state=State.APPROVED)
    fake = SimpleUploadedFile("certificate.pdf", b"<html>not a pdf</html>", content_type="application/pdf")
    response = client_for(technician).post(
        reverse("development:request_complete", args=[request.pk]),
        {"hours": "7", "cpd_category": "formal", "evidence": fake},
    )
    assert "must be a PDF, PNG or JPEG" in response.context["form"].errors["evidence"][0]
    request.refresh_from_db()
    assert request.state == State.APPROVED and not TrainingRecord.objects.exists()
    assert request.transitions.count() == 0


def test_a_request_cannot_be_marked_done_before_it_starts(technician):
    request = make_request(technician, start=next_weekday(), state=State.APPROVED)
    response = client_for(technician).post(
        reverse("development:request_complete", args=[request.pk]), {"hours": "7", "cpd_category": "formal"}
    )
    assert "once it has started" in response.content.decode()
    request.refresh_from_db()
    assert request.state == State.APPROVED and not TrainingRecord.objects.exists()


def test_manager_deciding_sees_the_requesters_days_this_year(technician, manager, policy):
    make_request(technician, start=timezone.localdate(), days="1", state=State.APPROVED, title="Earlier course")
    request = make_request(technician, start=next_weekday(), days="2")
    page = client_for(manager).get(request.get_absolute_url()).content.decode()
    expected_year = timezone.localdate().year
    assert f"has used 0, has 1 approved and 4 left of 5 days in {expected_year}" in page
    assert "requester-allowance" not in client_for(technician).get(request.get_absolute_url()).content.decode()


def test_manager_sees_a_reports_development_and_others_do_not(technician, manager, institution, outsider, policy):
    make_request(technician, start=next_weekday(), title="Cryo-EM sample prep", state=State.APPROVED)
    url = reverse("development:person", args=[technician.pk])
    page = client_for(manager).get(url).content.decode()
    assert "Cryo-EM sample prep" in page and 'data-testid="days-approved">1<' in page
    assert client_for(staff(institution)).get(url).status_code == 404
    assert client_for(outsider).get(url).status_code == 404
    assert client_for(technician).get(url).url == reverse("development:mine")


@pytest.mark.parametrize("size", [3, 20])
def test_a_reports_page_queries_do_not_grow_with_their_records(
    size, technician, manager, policy, django_assert_max_num_queries
):
    from .conftest import make_record

    today = timezone.localdate()
    for n in range(size):
        make_request(technician, start=today + timedelta(days=3 * n + 1), state=State.APPROVED)
        make_record(technician, on=today - timedelta(days=n))
    client = client_for(manager)
    with django_assert_max_num_queries(17):
        response = client.get(reverse("development:person", args=[technician.pk]))
    assert len(response.context["requests"]) == size


def test_approving_past_someones_allowance_asks_the_manager_first_and_approves_nothing_until_confirmed(
    technician, manager, policy, django_assert_max_num_queries
):
    policy.minimum_days = Decimal("2")
    policy.save()
    big = make_request(technician, start=next_weekday(), days=Decimal("1.5"), title="Course A")
    bigger = make_request(technician, start=next_weekday(), days=Decimal("1.5"), title="Course B")
    client = client_for(manager)
    with django_assert_max_num_queries(20):
        response = client.post(reverse("development:team_approve"), {"request": [big.pk, bigger.pk]})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Approve past the allowance?" in page
    assert f"{technician}: 3 days" in page and "against a minimum of 2 days" in page
    assert set(DevelopmentRequest.objects.values_list("state", flat=True)) == {"submitted"}

    confirmed = client.post(
        reverse("development:team_approve"), {"request": [big.pk, bigger.pk], "past_allowance_confirmed": "1"}
    )
    assert confirmed.status_code == 302
    assert set(DevelopmentRequest.objects.values_list("state", flat=True)) == {"approved"}


def test_approving_within_the_allowance_asks_nothing(technician, manager, policy):
    make_request(technician, start=next_weekday(), days=Decimal("1"))
    response = client_for(manager).post(
        reverse("development:team_approve"), {"request": list(DevelopmentRequest.objects.values_list("pk", flat=True))}
    )
    assert response.status_code == 302
    assert set(DevelopmentRequest.objects.values_list("state", flat=True)) == {"approved"}


def test_approving_one_request_past_the_allowance_needs_the_managers_tick(technician, manager, policy):
    policy.minimum_days = Decimal("1")
    policy.save()
    request = make_request(technician, start=next_weekday(), days=Decimal("2"))
    client = client_for(manager)
    refused = client.post(request.get_absolute_url(), {"decision": "approved"})
    assert refused.status_code == 200
    assert f"Approving this takes {technician} to 2 days" in refused.content.decode()
    request.refresh_from_db()
    assert request.state == State.SUBMITTED
    approved = client.post(request.get_absolute_url(), {"decision": "approved", "past_allowance_confirmed": "on"})
    assert approved.status_code == 302
    request.refresh_from_db()
    assert request.state == State.APPROVED
