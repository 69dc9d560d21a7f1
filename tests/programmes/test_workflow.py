"""The application workflow: applying, endorsement, selection, withdrawal, the waiting list, completion."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from notifications.models import Notification
from programmes import services
from programmes.models import Application, ApplicationTransition, Cohort
from tests.factories import JobFamilyFactory, staff
from tests.programmes.conftest import SessionFactory, make_application

State = Application.State
pytestmark = pytest.mark.django_db(transaction=False)


def test_technician_applies_and_the_line_manager_is_asked_to_endorse(submitted, technician, manager):
    submitted.refresh_from_db()
    assert submitted.state == State.AWAITING_ENDORSEMENT
    assert submitted.line_manager == manager
    first = submitted.transitions.get()
    assert (first.from_state, first.to_state, first.by) == ("", State.AWAITING_ENDORSEMENT, technician.user)
    request = Notification.objects.get(kind="programmes.endorsement_requested")
    assert request.recipient == manager.user
    assert request.link == submitted.get_absolute_url()


def test_applying_before_the_window_opens_is_refused_and_nothing_is_saved(cohort, technician):
    cohort.opens_on = timezone.localdate() + timedelta(days=2)
    cohort.save()
    with pytest.raises(ValidationError, match="open on"):
        services.application_submit(cohort=cohort, applicant=technician, statement="Please")
    assert not Application.objects.exists()
    assert not ApplicationTransition.objects.exists()


def test_applying_after_the_window_closed_is_refused(cohort, technician):
    with pytest.raises(ValidationError, match="closed on"):
        services.application_submit(
            cohort=cohort, applicant=technician, statement="Please", today=cohort.closes_on + timedelta(days=1)
        )
    assert not Application.objects.exists()


def test_an_ineligible_grade_is_refused_with_the_reason(cohort, manager):
    with pytest.raises(ValidationError, match=r"grade \(SSO\) is above the level"):
        services.application_submit(cohort=cohort, applicant=manager, statement="Please")
    assert not Application.objects.exists()


def test_an_equivalent_grade_in_another_job_family_is_eligible(cohort, institution):
    analysts = JobFamilyFactory(institution=institution, name="Analytical Scientists")
    as1 = analysts.grades.create(name="Analytical Scientist", short_name="AS1", level=3)
    analyst = staff(institution, job_family=analysts, grade=as1)
    assert cohort.eligibility_problems(analyst) == []
    assert list(Cohort.objects.eligible_for(analyst)) == [cohort]


def test_a_job_family_rule_refuses_other_families_and_the_query_agrees(cohort, institution, so_family, technician):
    cohort.job_families.add(so_family)
    analysts = JobFamilyFactory(institution=institution, name="Analytical Scientists")
    analyst = staff(institution, job_family=analysts, grade=analysts.grades.create(name="A", short_name="A", level=3))
    assert "job families: Scientific Officer" in cohort.eligibility_problems(analyst)[0]
    assert list(Cohort.objects.eligible_for(analyst)) == []
    assert list(Cohort.objects.eligible_for(technician)) == [cohort]


def test_another_institutions_staff_cannot_apply_unless_opened_to_partners(cohort, outsider, institution):
    outsider.grade = None
    with pytest.raises(ValidationError, match="open only to staff of ICR"):
        services.application_submit(cohort=cohort, applicant=outsider, statement="Please")
    assert list(Cohort.objects.eligible_for(outsider)) == []
    institution.partners.add(outsider.institution)
    cohort.programme.open_to_partners = True
    cohort.programme.needs_endorsement = False
    cohort.programme.save()
    cohort.min_level = cohort.max_level = None
    cohort.save()
    assert list(Cohort.objects.eligible_for(outsider)) == [cohort]  # the SQL twin agrees
    application = services.application_submit(cohort=cohort, applicant=outsider, statement="Please")
    assert application.state == State.ENDORSED  # no endorsement needed: straight to the programme manager
    assert application.transitions.get().reason.startswith("This programme needs no line manager's endorsement")


def test_applying_twice_to_the_same_cohort_is_refused(submitted, cohort, technician):
    with pytest.raises(ValidationError, match="already applied"):
        services.application_submit(cohort=cohort, applicant=technician, statement="Again")
    assert Application.objects.count() == 1


def test_every_question_of_the_cohort_must_be_answered(cohort, technician):
    cohort.questions = "What project will you bring?\nWho supports you?"
    cohort.save()
    with pytest.raises(ValidationError, match="Who supports you"):
        services.application_submit(
            cohort=cohort, applicant=technician, statement="Hi", answers={"What project will you bring?": "Imaging"}
        )
    application = services.application_submit(
        cohort=cohort,
        applicant=technician,
        statement="Hi",
        answers={"What project will you bring?": "Imaging", "Who supports you?": "My PI"},
    )
    assert application.answered_questions == [
        ("What project will you bring?", "Imaging"),
        ("Who supports you?", "My PI"),
    ]


def test_applying_to_a_full_first_come_cohort_without_waiting_list_is_refused(
    cohort, technician, institution, so_family
):
    cohort.selection, cohort.capacity, cohort.waiting_list = Cohort.Selection.FIRST_COME, 1, False
    cohort.save()
    make_application(cohort, staff(institution, job_family=so_family, grade=technician.grade), State.ACCEPTED)
    with pytest.raises(services.CohortFull, match="full"):
        services.application_submit(cohort=cohort, applicant=technician, statement="Please")
    assert not Application.objects.filter(applicant=technician).exists()


def test_a_first_come_cohort_gives_a_place_as_soon_as_the_manager_endorses(cohort, submitted, manager):
    Cohort.objects.filter(pk=cohort.pk).update(selection=Cohort.Selection.FIRST_COME)
    services.application_endorse(application=submitted, by=manager.user)
    submitted.refresh_from_db()
    assert submitted.state == State.ACCEPTED
    assert [t.to_state for t in submitted.transitions.all()] == [
        State.AWAITING_ENDORSEMENT,
        State.ENDORSED,
        State.ACCEPTED,
    ]


def test_manager_endorses_then_programme_manager_accepts(endorsed, programme_manager, technician, on_commit):
    with on_commit():
        services.application_accept(application=endorsed, by=programme_manager.user, reason="Strong statement")
    endorsed.refresh_from_db()
    assert endorsed.state == State.ACCEPTED
    last = endorsed.transitions.last()
    assert (last.to_state, last.by, last.reason) == (State.ACCEPTED, programme_manager.user, "Strong statement")
    told = Notification.objects.filter(kind="programmes.application_status", recipient=technician.user)
    assert told.count() == 2  # endorsed, then accepted


def test_manager_cannot_endorse_someone_who_is_not_their_report(submitted, institution):
    other_manager = staff(institution)
    with pytest.raises(PermissionDenied):
        services.application_endorse(application=submitted, by=other_manager.user)
    submitted.refresh_from_db()
    assert submitted.state == State.AWAITING_ENDORSEMENT
    assert submitted.transitions.count() == 1


def test_declining_an_endorsement_needs_a_reason_the_applicant_sees(submitted, manager):
    with pytest.raises(ValidationError, match="reason"):
        services.application_decline_endorsement(application=submitted, by=manager.user, reason=" ")
    services.application_decline_endorsement(application=submitted, by=manager.user, reason="Not this year")
    submitted.refresh_from_db()
    assert submitted.state == State.ENDORSEMENT_DECLINED
    assert submitted.transitions.last().reason == "Not this year"


def test_accepting_a_withdrawn_application_is_refused(endorsed, technician, programme_manager):
    services.application_withdraw(application=endorsed, by=technician.user)
    with pytest.raises(ValidationError, match="“Withdrawn” cannot become “Accepted”"):
        services.application_accept(application=endorsed, by=programme_manager.user)
    endorsed.refresh_from_db()
    assert endorsed.state == State.WITHDRAWN
    assert endorsed.transitions.filter(to_state=State.ACCEPTED).count() == 0


def test_programme_manager_cannot_accept_before_the_manager_endorses(submitted, programme_manager):
    with pytest.raises(ValidationError, match="cannot become"):
        services.application_accept(application=submitted, by=programme_manager.user)


def test_only_programme_managers_of_the_owning_institution_decide(endorsed, manager, other_institution):
    with pytest.raises(PermissionDenied):
        services.application_accept(application=endorsed, by=manager.user)
    from people import roles

    foreign_pm = staff(other_institution, groups=[roles.PROGRAMME_MANAGER])
    with pytest.raises(PermissionDenied):
        services.application_decline(application=endorsed, by=foreign_pm.user)
    endorsed.refresh_from_db()
    assert endorsed.state == State.ENDORSED


def test_only_the_applicant_can_withdraw(endorsed, manager):
    with pytest.raises(PermissionDenied):
        services.application_withdraw(application=endorsed, by=manager.user)


def test_accepting_into_a_full_cohort_is_refused(cohort, programme_manager, institution, so_family, technician):
    cohort.capacity = 1
    cohort.save()
    make_application(cohort, staff(institution, job_family=so_family, grade=technician.grade), State.ACCEPTED)
    waiting = make_application(cohort, technician, State.ENDORSED)
    with pytest.raises(services.CohortFull, match="all 1 places are taken"):
        services.application_accept(application=waiting, by=programme_manager.user)
    waiting.refresh_from_db()
    assert waiting.state == State.ENDORSED


def test_a_withdrawal_offers_the_place_to_whoever_waited_longest(cohort, institution, so_family, technician, on_commit):
    cohort.capacity = 1
    cohort.save()
    grade = technician.grade
    make_application(cohort, technician, State.ACCEPTED)
    first = make_application(cohort, staff(institution, job_family=so_family, grade=grade), State.WAITLISTED)
    second = make_application(cohort, staff(institution, job_family=so_family, grade=grade), State.WAITLISTED)
    Application.objects.filter(pk=second.pk).update(waitlisted_at=first.waitlisted_at - timedelta(hours=1))
    held = Application.objects.get(applicant=technician)
    with on_commit():
        services.application_withdraw(application=held, by=technician.user, reason="Moving lab")
    second.refresh_from_db()
    first.refresh_from_db()
    assert (second.state, first.state) == (State.ACCEPTED, State.WAITLISTED)
    offer = Notification.objects.get(kind="programmes.place_offered")
    assert offer.recipient == second.applicant.user


def test_bulk_decision_accepts_until_full_and_reports_the_rest(cohort, institution, so_family, programme_manager):
    cohort.capacity = 2
    cohort.save()
    grade = so_family.grades.get(short_name="HSO")
    applications = [make_application(cohort, staff(institution, job_family=so_family, grade=grade)) for _ in range(3)]
    done, refused = services.applications_decide(
        applications=applications, decision="accept", by=programme_manager.user
    )
    assert len(done) == 2
    assert len(refused) == 1 and "full" in refused[0][1]
    assert cohort.applications.filter(state=State.ACCEPTED).count() == 2


def test_attendance_meeting_the_rule_completes_the_participant(cohort, programme_manager, technician, institution):
    participant = make_application(cohort, technician, State.ACCEPTED)
    other = make_application(cohort, staff(institution, grade=technician.grade), State.ACCEPTED)
    sessions = [SessionFactory(cohort=cohort) for _ in range(5)]  # 80% rule: 4 of 5 needed
    for session in sessions[:3]:
        services.attendance_record(session=session, present_application_ids=[participant.pk], by=programme_manager.user)
    participant.refresh_from_db()
    assert participant.state == State.ACCEPTED
    services.attendance_record(session=sessions[3], present_application_ids=[participant.pk], by=programme_manager.user)
    participant.refresh_from_db()
    other.refresh_from_db()
    assert participant.state == State.COMPLETED
    assert participant.transitions.last().reason == "Attended 4 of 5 sessions (needed 4)."
    assert other.state == State.ACCEPTED


def test_only_participants_can_be_marked_present(cohort, programme_manager, submitted):
    session = SessionFactory(cohort=cohort)
    with pytest.raises(ValidationError, match="participants"):
        services.attendance_record(session=session, present_application_ids=[submitted.pk], by=programme_manager.user)
    assert not session.attendance.exists()
