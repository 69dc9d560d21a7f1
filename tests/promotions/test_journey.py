"""A technician's way through a round, and the bad input refused with nothing saved."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from people import roles
from people.models import CareerEvent, Celebration
from people.selectors import career_history
from promotions import services, tasks
from promotions.models import Application, ManagerNotice
from tests.conftest import client_for
from tests.factories import GradeFactory, InstitutionFactory, JobFamilyFactory, staff
from tests.promotions.conftest import grade, make_round, publish

pytestmark = pytest.mark.django_db
State = Application.State


def _intend_and_submit(round, person):
    application = services.application_intend(round=round, person=person, by=person.user)
    return services.application_submit(application=application, by=person.user, statement="I lead the imaging core.")


def test_stating_an_intention_tells_the_line_manager_at_once(open_round, technician, manager):
    application = services.application_intend(round=open_round, person=technician, by=technician.user)
    assert application.state == State.INTENDED
    assert application.target_grade.short_name == "SSO"
    note = Notification.objects.get(kind="promotions.intention_manager")
    assert note.recipient == manager.user
    assert note.idempotency_key == f"promotions.intention_manager:{application.pk}"
    assert application.transitions.get().to_state == State.INTENDED


def test_a_second_intention_in_one_round_is_refused(open_round, technician):
    services.application_intend(round=open_round, person=technician, by=technician.user)
    with pytest.raises(ValidationError, match="already said you intend"):
        services.application_intend(round=open_round, person=technician, by=technician.user)
    assert Application.objects.count() == 1


def test_someone_with_no_criteria_above_their_grade_cannot_apply(open_round, institution, so_family):
    pso = staff(institution, job_family=so_family, grade=grade(so_family, "PSO"))
    with pytest.raises(ValidationError, match="no criteria for the grade above yours"):
        services.application_intend(round=open_round, person=pso, by=pso.user)


def test_a_submission_outside_the_window_is_refused_and_nothing_saved(institution, criteria, technician):
    round = make_round(institution, opens=-10, submissions_open_on=5, submissions_close_on=20)
    application = services.application_intend(round=round, person=technician, by=technician.user)
    with pytest.raises(ValidationError) as raised:
        services.application_submit(application=application, by=technician.user, statement="Ready early.")
    assert "it is not possible to submit today" in raised.value.message_dict["statement"][0]
    application.refresh_from_db()
    assert application.state == State.INTENDED and application.statement == "" and application.submitted_at is None


def test_an_outcome_before_submission_is_refused(open_round, technician, hr, so_family):
    application = services.application_intend(round=open_round, person=technician, by=technician.user)
    with pytest.raises(ValidationError, match="An outcome is recorded only for a submitted application"):
        services.application_decide(
            application=application,
            by=hr.user,
            promoted=True,
            new_grade=grade(so_family, "SSO"),
            effective_date=timezone.localdate(),
        )
    application.refresh_from_db()
    assert application.state == State.INTENDED and application.new_grade is None


def test_an_outcome_before_submission_shows_why_on_the_page(open_round, technician, hr, so_family):
    application = services.application_intend(round=open_round, person=technician, by=technician.user)
    response = client_for(hr).post(
        reverse("promotions:outcome", args=[application.pk]),
        {"outcome": "promoted", "new_grade": grade(so_family, "SSO").pk, "effective_date": "2026-12-01"},
    )
    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert "An outcome is recorded only for a submitted application; this one is “Intends to apply”." in response.text
    application.refresh_from_db()
    assert application.state == State.INTENDED


def test_a_new_grade_not_above_the_current_one_is_refused(open_round, technician, hr, so_family):
    application = _intend_and_submit(open_round, technician)
    with pytest.raises(ValidationError) as raised:
        services.application_decide(
            application=application,
            by=hr.user,
            promoted=True,
            new_grade=grade(so_family, "HSO"),
            effective_date=timezone.localdate(),
        )
    assert raised.value.message_dict["new_grade"] == ["The new grade must be above the current one (HSO)."]
    application.refresh_from_db()
    assert application.state == State.SUBMITTED and application.new_grade is None
    assert not Celebration.objects.exists()


def test_the_page_shows_the_grade_refusal_beside_the_field(open_round, technician, hr, so_family):
    application = _intend_and_submit(open_round, technician)
    response = client_for(hr).post(
        reverse("promotions:outcome", args=[application.pk]),
        {"outcome": "promoted", "new_grade": grade(so_family, "SO").pk, "effective_date": "2026-12-01"},
    )
    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert "The new grade must be above the current one (HSO)." in response.text


def test_a_supporting_statement_from_someone_not_the_line_manager_is_refused(open_round, technician, institution):
    application = services.application_intend(round=open_round, person=technician, by=technician.user)
    colleague = staff(institution)
    with pytest.raises(PermissionDenied, match="Only the applicant's line manager"):
        services.application_support(application=application, by=colleague.user, statement="I support this.")
    application.refresh_from_db()
    assert application.manager_statement == ""


def test_not_promoted_needs_feedback(open_round, technician, hr):
    application = _intend_and_submit(open_round, technician)
    with pytest.raises(ValidationError, match="feedback"):
        services.application_decide(application=application, by=hr.user, promoted=False, feedback=" ")
    services.application_decide(application=application, by=hr.user, promoted=False, feedback="More leadership.")
    application.refresh_from_db()
    assert application.state == State.NOT_PROMOTED
    assert not Celebration.objects.exists()


def test_through_a_round_to_promoted_with_the_grade_changed_on_the_effective_date(
    open_round, technician, manager, hr, so_family
):
    tasks.send_daily.delay()  # the round opened yesterday: managers are told
    assert ManagerNotice.objects.get(round=open_round).manager == manager
    application = services.application_intend(round=open_round, person=technician, by=technician.user)
    services.application_support(application=application, by=manager.user, statement="Leads our imaging.")
    application = services.application_submit(application=application, by=technician.user, statement="My case.")
    assert "Qualification rule:" in application.evidence
    effective = timezone.localdate() + timedelta(days=3)
    services.application_decide(
        application=application, by=hr.user, promoted=True, new_grade=grade(so_family, "SSO"), effective_date=effective
    )
    celebration = Celebration.objects.get(source=f"promotions.Application:{application.pk}")
    assert celebration.kind == Celebration.Kind.PROMOTION and celebration.consent == Celebration.Consent.ASKED

    tasks.apply_due_promotions.delay()  # before the effective date: nothing changes
    technician.refresh_from_db()
    assert technician.grade.short_name == "HSO"

    later = effective + timedelta(days=1)
    assert services.application_apply_grade(application_id=application.pk, today=later) is not None
    assert services.application_apply_grade(application_id=application.pk, today=later) is None  # exactly once
    technician.refresh_from_db()
    assert technician.grade.short_name == "SSO"
    event = CareerEvent.objects.get(person=technician, cause=CareerEvent.Cause.PROMOTION)
    assert event.effective_date == effective and event.grade.short_name == "SSO"
    newest = career_history(technician)[0]  # history kept: the change from HSO to SSO, dated
    assert newest.event.cause == CareerEvent.Cause.PROMOTION
    assert ("Grade", "Higher Scientific Officer (HSO)", "Senior Scientific Officer (SSO)") in newest.changes
    kinds = set(Notification.objects.filter(recipient=manager.user).values_list("kind", flat=True))
    assert kinds == {"promotions.round_opened_manager", "promotions.intention_manager"}
    assert Notification.objects.get(recipient=technician.user, kind="promotions.outcome").context["promoted"] is True


def test_the_daily_job_applies_a_due_promotion_once_when_run_twice(open_round, technician, hr, so_family):
    application = _intend_and_submit(open_round, technician)
    services.application_decide(
        application=application,
        by=hr.user,
        promoted=True,
        new_grade=grade(so_family, "SSO"),
        effective_date=timezone.localdate(),
    )
    tasks.apply_due_promotions.delay()
    tasks.apply_due_promotions.delay()
    assert CareerEvent.objects.filter(person=technician, cause=CareerEvent.Cause.PROMOTION).count() == 1
    application.refresh_from_db()
    assert application.grade_changed_at is not None


def test_managers_are_told_of_an_open_round_once_even_when_the_job_runs_twice(open_round, manager, technician):
    tasks.send_daily.delay()
    tasks.send_daily.delay()
    assert ManagerNotice.objects.filter(round=open_round).count() == 1
    assert Notification.objects.filter(kind="promotions.round_opened_manager", recipient=manager.user).count() == 1
    note = Notification.objects.get(kind="promotions.round_opened_manager")
    assert note.context["eligible"] == 1 and str(technician) in note.context["names"]


def test_reminders_are_sent_once_each(institution, criteria, technician, manager):
    from promotions.services import declaration_save

    declaration_save(person=technician, highest_qualification="degree", alert_me_of_rounds=True)
    soon = make_round(institution, opens=10, name="Autumn", submissions_close_on=30)
    tasks.send_daily.delay()
    tasks.send_daily.delay()
    opening = Notification.objects.filter(kind="promotions.round_opening_soon")
    assert {n.recipient for n in opening} == {technician.user, manager.user}

    closing = make_round(institution, opens=-20, name="Spring", submissions_close_on=5)
    application = services.application_intend(
        round=closing, person=technician, by=technician.user, now=timezone.now() - timedelta(days=10)
    )
    tasks.send_daily.delay()
    tasks.send_daily.delay()
    assert Notification.objects.filter(kind="promotions.deadline_soon", recipient=technician.user).count() == 1
    waiting = Notification.objects.filter(kind="promotions.support_waiting")
    assert [(n.recipient, n.idempotency_key) for n in waiting] == [
        (manager.user, f"promotions.support_waiting:{application.pk}")
    ]
    assert soon.pk  # the autumn round is still ahead


def _institution_with_rounds():
    """An institution with the SO ladder, criteria for HSO and SSO, a round open since 20 days
    that closes in 5, and one opening in 10 days."""
    institution = InstitutionFactory()
    family = JobFamilyFactory(institution=institution, name="Scientific Officer")
    for level, short in enumerate(["SO", "HSO", "SSO", "PSO"], start=1):
        GradeFactory(job_family=family, level=level, short_name=short, name=short)
    hr = staff(institution, groups=[roles.HR])
    publish(institution, family, "SSO", hr.user)
    publish(institution, family, "HSO", hr.user)
    return {
        "family": family,
        "open": make_round(institution, opens=-20, name="Spring", submissions_close_on=5),
        "soon": make_round(institution, opens=10, name="Autumn", submissions_close_on=30),
    }


@pytest.mark.parametrize("institutions", [1, 6])
def test_the_daily_job_runs_the_same_queries_however_many_rounds_and_people(institutions, django_assert_num_queries):
    # Two people with their own manager at each institution, each with an intention waiting in the
    # round closing soon and asking to hear of the next: a sweep that read rounds, staff or
    # managers one by one would grow.
    for _ in range(institutions):
        rounds = _institution_with_rounds()
        family = rounds["family"]
        for _ in range(2):
            manager = staff(family.institution, job_family=family, grade=grade(family, "SSO"))
            person = staff(family.institution, job_family=family, grade=grade(family, "HSO"), line_manager=manager)
            services.declaration_save(person=person, highest_qualification="degree", alert_me_of_rounds=True)
            services.application_intend(
                round=rounds["open"], person=person, by=person.user, now=timezone.now() - timedelta(days=10)
            )
    people = 2 * institutions
    # Managers told: the open rounds, their criteria's grades, the grades below, the eligible staff
    # with their managers, the notices already recorded, the notices inserted (in a savepoint), and
    # the messages (the keys already sent, one INSERT in a savepoint, the new rows read back).
    # Opening soon: the rounds, the three eligibility queries, the messages. Deadlines and
    # support: the applications due with their people, the messages. The three optional kinds
    # read who switched them off.
    with django_assert_num_queries(37):
        assert tasks.send_daily() == {
            "opened": people,
            "opening_soon": 2 * people,
            "deadlines": people,
            "support": people,
        }
    assert ManagerNotice.objects.count() == people
    with django_assert_num_queries(17):  # everything already sent: nothing inserted
        assert tasks.send_daily() == {"opened": 0, "opening_soon": 0, "deadlines": 0, "support": 0}
    assert ManagerNotice.objects.count() == people


def test_the_outbox_row_is_written_in_the_intention_transaction(
    open_round, technician, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        application = services.application_intend(round=open_round, person=technician, by=technician.user)
    assert Notification.objects.filter(idempotency_key=f"promotions.intention_manager:{application.pk}").exists()


def test_a_manager_who_takes_over_a_report_mid_round_is_told_at_the_next_daily_run(
    open_round, technician, manager, institution, so_family
):
    from people.services import staff_record_change

    tasks.send_daily.delay()
    new_manager = staff(institution, job_family=so_family, grade=grade(so_family, "PSO"))
    staff_record_change(profile=technician, by=None, cause=CareerEvent.Cause.MOVE, line_manager=new_manager)
    tasks.send_daily.delay()
    assert set(ManagerNotice.objects.filter(round=open_round).values_list("manager", flat=True)) == {
        manager.pk,
        new_manager.pk,
    }
