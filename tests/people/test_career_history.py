"""Career history: every change of grade, family, division, manager or contract, with when and why."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.metrics import get as get_metric
from people import selectors, services
from people.models import CareerEvent, ContractType
from tests.conftest import client_for
from tests.factories import staff

pytestmark = pytest.mark.django_db
Cause = CareerEvent.Cause


def _record_data(profile, **changes):
    data = {
        "staff_number": profile.staff_number,
        "job_title": profile.job_title,
        "division": profile.division_id or "",
        "job_family": profile.job_family_id or "",
        "grade": profile.grade_id or "",
        "line_manager": profile.line_manager.user.email if profile.line_manager_id else "",
        "contract_type": profile.contract_type,
        "start_date": "",
        "leaving_date": "",
        "orcid": "",
    }
    data.update(changes)
    return data


def test_a_grade_change_through_hrs_record_page_is_in_the_history_with_who_and_when(hr, technician, so_family):
    sso = so_family.grades.get(short_name="SSO")
    response = client_for(hr).post(
        reverse("people:edit_record", args=[technician.pk]),
        _record_data(technician, grade=sso.pk, cause=Cause.PROMOTION, effective_date="2026-04-01"),
    )
    assert response.status_code == 302
    baseline, event = CareerEvent.objects.filter(person=technician)  # how it stood, then the change
    assert (baseline.grade.short_name, baseline.cause) == ("HSO", Cause.IMPORT)
    assert (event.grade, event.cause, event.effective_date) == (sso, Cause.PROMOTION, date(2026, 4, 1))
    assert event.recorded_by == hr.user
    assert timezone.now() - event.recorded_at < timedelta(minutes=1)
    page = client_for(hr).get(reverse("people:history", args=[technician.pk])).content.decode()
    assert "Grade: Higher Scientific Officer (HSO) → Senior Scientific Officer (SSO)" in page
    assert "Promotion" in page and str(hr) in page
    audit = technician.history.first()  # simple-history's row of the edit
    assert (audit.history_user, audit.history_change_reason, audit.grade_id) == (hr.user, "Promotion", sso.pk)


def test_a_tracked_change_without_a_cause_is_refused_beside_the_field(hr, technician, so_family):
    sso = so_family.grades.get(short_name="SSO")
    response = client_for(hr).post(
        reverse("people:edit_record", args=[technician.pk]), _record_data(technician, grade=sso.pk)
    )
    assert "Say why the record changes" in response.content.decode()
    technician.refresh_from_db()
    assert technician.grade.short_name == "HSO" and not CareerEvent.objects.exists()


def test_an_untracked_edit_is_audited_but_is_no_career_event(hr, technician):
    client_for(hr).post(
        reverse("people:edit_record", args=[technician.pk]), _record_data(technician, job_title="Lab lead")
    )
    assert not CareerEvent.objects.exists()
    assert technician.history.first().history_user == hr.user


def test_grade_on_date_is_right_across_a_change(technician, so_family, manager, hr):
    so, hso = so_family.grades.get(short_name="SO"), so_family.grades.get(short_name="HSO")
    services.staff_record_change(
        profile=technician, by=None, cause=Cause.IMPORT, effective_date=date(2020, 1, 6), grade=so
    )
    services.staff_record_change(
        profile=technician, by=hr.user, cause=Cause.PROMOTION, effective_date=date(2023, 10, 1), grade=hso
    )
    other = staff(technician.institution)
    services.staff_record_change(
        profile=other, by=None, cause=Cause.JOINED, effective_date=date(2023, 10, 2), job_family=so_family, grade=so
    )
    people = [technician, other, manager]
    assert selectors.grades_on(people, date(2019, 12, 31)) == {}
    assert selectors.grades_on(people, date(2023, 9, 30)) == {technician.pk: so}
    assert selectors.grades_on(people, date(2023, 10, 1)) == {technician.pk: hso}
    assert selectors.grades_on(people, date(2023, 10, 2)) == {technician.pk: hso, other.pk: so}


def test_a_correction_on_the_same_day_wins_and_leaving_ends_the_grade(technician, so_family, hr):
    so, sso = so_family.grades.get(short_name="SO"), so_family.grades.get(short_name="SSO")
    services.staff_record_change(
        profile=technician, by=hr.user, cause=Cause.JOINED, effective_date=date(2024, 1, 1), grade=so
    )
    services.staff_record_change(
        profile=technician, by=hr.user, cause=Cause.CORRECTION, effective_date=date(2024, 1, 1), grade=sso
    )
    assert selectors.grades_on([technician], date(2024, 1, 1)) == {technician.pk: sso}
    services.staff_record_change(profile=technician, by=hr.user, cause=Cause.LEFT, leaving_date=date(2025, 3, 31))
    assert selectors.grades_on([technician], date(2025, 3, 30)) == {technician.pk: sso}
    assert selectors.grades_on([technician], date(2025, 3, 31)) == {technician.pk: None}


@pytest.mark.parametrize("size", [3, 30])
def test_grade_on_date_is_one_query_for_many_people(technician, so_family, size, django_assert_num_queries):
    so, hso = so_family.grades.get(short_name="SO"), so_family.grades.get(short_name="HSO")
    people = [staff(technician.institution) for _ in range(size)]
    for person in people:
        services.staff_record_change(
            profile=person, by=None, cause=Cause.IMPORT, effective_date=date(2022, 1, 1), job_family=so_family, grade=so
        )
        services.staff_record_change(
            profile=person, by=None, cause=Cause.PROMOTION, effective_date=date(2024, 1, 1), grade=hso
        )
    with django_assert_num_queries(1):
        grades = selectors.grades_on(people, date(2023, 6, 1))
        assert [grades[person.pk].short_name for person in people] == ["SO"] * size


def test_the_service_refuses_what_the_model_refuses_and_saves_nothing(technician, outsider):
    with pytest.raises(ValidationError):
        services.staff_record_change(profile=technician, by=None, cause=Cause.MOVE, line_manager=outsider)
    technician.refresh_from_db()
    assert technician.line_manager != outsider and not CareerEvent.objects.exists()


def test_contract_changes_are_career_events(technician, hr):
    event = services.staff_record_change(
        profile=technician, by=hr.user, cause=Cause.CONTRACT, contract_type=ContractType.FIXED_TERM
    )
    assert event.contract_type == ContractType.FIXED_TERM and event.effective_date == timezone.localdate()
    assert (
        services.staff_record_change(
            profile=technician, by=hr.user, cause=Cause.CONTRACT, contract_type=ContractType.FIXED_TERM
        )
        is None
    )  # nothing changed, nothing written


def _history(person, hr, so_family, changes):
    grades = list(so_family.grades.order_by("level"))
    for index in range(changes):
        services.staff_record_change(
            profile=person,
            by=hr.user,
            cause=Cause.PROMOTION,
            effective_date=date(2010, 1, 1) + timedelta(days=400 * index),
            grade=grades[index % len(grades)],
        )


@pytest.mark.parametrize("changes", [2, 12])
def test_the_history_page_makes_the_same_queries_at_two_sizes(
    hr, technician, so_family, changes, django_assert_max_num_queries
):
    _history(technician, hr, so_family, changes)
    client = client_for(hr)
    client.get(reverse("people:history", args=[technician.pk]))  # warm the session
    with django_assert_max_num_queries(10):  # 10 at both sizes
        response = client.get(reverse("people:history", args=[technician.pk]))
    assert len(response.context["rows"]) == CareerEvent.objects.filter(person=technician).count()


@pytest.mark.parametrize("changes", [2, 12])
def test_the_profile_with_its_history_makes_the_same_queries_at_two_sizes(
    hr, technician, so_family, changes, django_assert_max_num_queries
):
    _history(technician, hr, so_family, changes)
    client = client_for(technician)
    client.get(reverse("people:profile", args=[technician.pk]))
    with django_assert_max_num_queries(15):  # 15 at both sizes (registrations held; recognition outputs section)
        response = client.get(reverse("people:profile", args=[technician.pk]))
    assert len(response.context["rows"]) == CareerEvent.objects.filter(person=technician).count() == changes + 1


def test_the_history_is_shown_to_the_person_their_manager_and_hr(technician, manager, hr, programme_manager):
    for viewer in (technician, manager, hr):
        assert client_for(viewer).get(reverse("people:history", args=[technician.pk])).status_code == 200
    assert client_for(programme_manager).get(reverse("people:history", args=[technician.pk])).status_code == 403
    profile_page = client_for(programme_manager).get(reverse("people:profile", args=[technician.pk]))
    assert profile_page.context["rows"] is None


def test_the_history_hides_from_the_outsider(technician, outsider):
    assert client_for(outsider).get(reverse("people:history", args=[technician.pk])).status_code == 404


def test_only_hr_sees_the_audit_of_edits(technician, hr):
    assert client_for(technician).get(reverse("people:history", args=[technician.pk])).context["audit"] is None
    assert client_for(hr).get(reverse("people:history", args=[technician.pk])).context["audit"] is not None


# --- The ORCID iD measure (2D) -------------------------------------------------------------------


def test_orcid_share_counts_current_staff_by_hand(institution, other_institution):
    today = timezone.localdate()
    staff(institution, orcid="0000-0002-1825-0097")
    staff(institution, orcid="0000-0001-5109-3700")
    staff(institution)
    staff(institution, orcid="0000-0002-1694-233X", leaving_date=today - timedelta(days=10))  # left: not counted
    staff(other_institution, orcid="0000-0002-1825-0097")  # elsewhere: not counted
    result = get_metric("people.orcid_share")(institution=institution, start=today - timedelta(days=365), end=today)
    assert (result.numerator, result.denominator, result.value) == (2, 3, 66.7)
    assert result.detail == "2 of 3 technical staff have an ORCID iD"


def test_orcid_share_is_none_without_staff(institution):
    today = timezone.localdate()
    assert get_metric("people.orcid_share")(institution=institution, start=today, end=today) is None
