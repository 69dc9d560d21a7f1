"""The data migration that moves `programmes.Evaluation` answers onto the survey engine keeps every
answer (respondent, participant, day, comment) and the 1B and 1D measures' values.

It runs the real migrations with Django's migration executor: back to before them, old rows made
with the historical model, then forwards to the end."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from core import metrics
from programmes.models import Application, Programme
from surveys.models import Invitation, Participation, Response, Survey
from tests.factories import staff
from tests.programmes.conftest import CohortFactory, ProgrammeFactory, make_application

BEFORE = [("programmes", "0006_event_and_bulletin_schedules")]
AFTER = [("programmes", "0008_delete_evaluation")]
UTC = ZoneInfo("UTC")


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _old_yes_share(Evaluation, institution, question, start, end):  # noqa: N803  (a historical model)
    """What the old metric computed: 'yes' among the answers to one question, by the day answered (London)."""
    rows = Evaluation.objects.filter(
        application__cohort__programme__institution=institution,
        question=question,
        submitted_at__date__gte=start,
        submitted_at__date__lte=end,
    )
    return rows.filter(answer=True).count(), rows.count()


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_every_answer_and_keeps_the_measures(institution, so_family):
    old_apps = _migrate(BEFORE)
    Evaluation = old_apps.get_model("programmes", "Evaluation")  # noqa: N806

    ignite = CohortFactory(programme=ProgrammeFactory(institution=institution, title="Ignite"), name="2025 intake")
    symposium = CohortFactory(
        programme=ProgrammeFactory(institution=institution, kind=Programme.Kind.EVENT, open_to_partners=True),
        name="2026 symposium",
    )
    manager = staff(institution)
    participants = [staff(institution, job_family=so_family, line_manager=manager) for _ in range(5)]
    applications = [make_application(ignite, p, Application.State.COMPLETED) for p in participants]

    def old(application, question, answer, respondent, at, comment=""):
        Evaluation.objects.create(
            application_id=application.pk,
            question=question,
            answer=answer,
            respondent_id=respondent.pk if respondent else None,
            submitted_at=at,
            comment=comment,
        )

    june = datetime(2026, 6, 10, 10, tzinfo=UTC)
    # Participants: 3 of 5 yes. The last answered at 23:30 UTC on 30 June: 1 July in London.
    for application, answer in zip(applications[:4], [True, True, False, True], strict=True):
        old(application, "career", answer, application.applicant, june, comment="Gave me a plan.")
    old(applications[4], "career", False, applications[4].applicant, datetime(2026, 6, 30, 23, 30, tzinfo=UTC))
    # Their manager about three of them: 2 of 3 yes; one manager, one answer per participant.
    for application, answer in zip(applications[:3], [True, False, True], strict=True):
        old(application, "performance", answer, manager, datetime(2026, 6, 20, 9, tzinfo=UTC))
    # The symposium's older "valuable" answers: 1 of 2 yes; one respondent's account was since deleted.
    attendee = staff(institution)
    old(make_application(symposium, attendee, Application.State.ACCEPTED), "valuable", True, attendee, june)
    gone = make_application(symposium, staff(institution), Application.State.ACCEPTED)
    old(gone, "valuable", False, None, june)
    # The same person answering two questions on different days keeps both days.
    both = make_application(symposium, staff(institution), Application.State.COMPLETED)
    old(both, "career", True, both.applicant, datetime(2026, 5, 1, 12, tzinfo=UTC))
    old(both, "valuable", True, both.applicant, datetime(2026, 5, 3, 12, tzinfo=UTC), comment="Loved it")

    june_only = (date(2026, 6, 1), date(2026, 6, 30))
    year = (date(2026, 1, 1), date(2026, 12, 31))
    before = {
        (question, period): _old_yes_share(Evaluation, institution.pk, question, *period)
        for question in ("career", "performance", "valuable")
        for period in (june_only, year)
    }
    # Worked out by hand from the rows above.
    assert before == {
        ("career", june_only): (3, 4),  # the 30 June 23:30 UTC answer is on 1 July in London
        ("career", year): (4, 6),
        ("performance", june_only): (2, 3),
        ("performance", year): (2, 3),
        ("valuable", june_only): (1, 2),
        ("valuable", year): (2, 3),
    }

    _migrate(AFTER)

    def measure(key, period):
        result = metrics.get(key)(institution=institution, start=period[0], end=period[1])
        return (result.numerator, result.denominator) if result else None

    for period in (june_only, year):
        assert measure("programmes.participants_benefit", period) == before[("career", period)]
        assert measure("programmes.managers_benefit", period) == before[("performance", period)]
        assert measure("programmes.partner_events_valuable", period) == before[("valuable", period)]
    result = metrics.get("programmes.participants_benefit")(institution=institution, start=year[0], end=year[1])
    assert result.value == Decimal("66.7")  # 4 of 6

    surveys = {(s.audience, s.audience_ref): s for s in Survey.objects.all()}
    assert set(surveys) == {
        ("cohort_participants", ignite.pk),
        ("cohort_managers", ignite.pk),
        ("cohort_participants", symposium.pk),
    }
    ignite_survey = surveys[("cohort_participants", ignite.pk)]
    assert (ignite_survey.state, ignite_survey.anonymous, ignite_survey.kind) == (
        "published",
        False,
        "programme_evaluation",
    )
    assert ignite_survey.title == "Ignite, 2025 intake: your evaluation"
    assert [q.theme for q in ignite_survey.questions.all()] == ["career", ""]
    assert [q.theme for q in surveys[("cohort_participants", symposium.pk)].questions.all()] == [
        "career",
        "valuable",
        "",
    ]

    first = Response.objects.get(survey=ignite_survey, respondent=participants[0])
    assert (first.submitted_on, first.subject, first.job_family_name) == (date(2026, 6, 10), None, so_family.name)
    assert sorted((a.question.theme, a.option, a.text) for a in first.answers.all()) == [
        ("", "", "Gave me a plan."),
        ("career", "Yes", ""),
    ]
    late = Response.objects.get(survey=ignite_survey, respondent=participants[4])
    assert late.submitted_on == date(2026, 7, 1)
    about = Response.objects.filter(survey=surveys[("cohort_managers", ignite.pk)]).order_by("submitted_on")
    assert {(r.respondent, r.subject, r.answers.get().option) for r in about} == {
        (manager, participants[0], "Yes"),
        (manager, participants[1], "No"),
        (manager, participants[2], "Yes"),
    }
    # "Has answered" and the invitation it answered, once per person (and participant, for managers).
    assert Participation.objects.filter(person=manager).count() == 3
    assert set(Invitation.objects.filter(person=manager).values_list("subject", flat=True)) == {
        p.pk for p in participants[:3]
    }
    two_days = Response.objects.filter(respondent=both.applicant).order_by("submitted_on")
    assert [r.submitted_on for r in two_days] == [date(2026, 5, 1), date(2026, 5, 3)]
    assert Participation.objects.filter(person=both.applicant).count() == 1
    # The answer of a deleted account is kept (the measures count it), with nobody named.
    assert Response.objects.filter(respondent__isnull=True).count() == 1
    assert not Invitation.objects.filter(survey__audience="cohort_participants", person=gone.applicant).exists()

    # Backwards, the answers return as Evaluation rows (but the one whose respondent is gone: no
    # application can be found for it); forwards again leaves the schema as the other tests expect.
    old_apps = _migrate(BEFORE)
    Evaluation = old_apps.get_model("programmes", "Evaluation")  # noqa: N806
    restored = {
        (row.application_id, row.question): (row.respondent_id, row.answer, row.comment)
        for row in Evaluation.objects.all()
    }
    assert len(restored) == 11
    assert restored[(applications[0].pk, "career")] == (participants[0].pk, True, "Gave me a plan.")
    assert restored[(applications[1].pk, "performance")] == (manager.pk, False, "")
    assert restored[(both.pk, "valuable")] == (both.applicant_id, True, "Loved it")
    assert not Survey.objects.exists()
    _migrate(AFTER)
