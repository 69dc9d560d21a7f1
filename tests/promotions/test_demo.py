from datetime import timedelta

import pytest
from django.utils import timezone

from people.demo import seed_staff
from people.models import CareerEvent
from promotions import demo
from promotions.models import Application, CriteriaVersion, ManagerNotice, Round, Vacancy

pytestmark = pytest.mark.django_db
State = Application.State


def test_the_demo_has_two_past_rounds_with_outcomes_an_open_round_and_vacancies_and_seeds_once():
    from mentoring import demo as mentoring_demo
    from programmes import demo as programmes_demo

    context = seed_staff()
    programmes_demo.seed(context)
    mentoring_demo.seed(context)
    demo.seed(context)
    counts = (Round.objects.count(), Application.objects.count(), Vacancy.objects.count())
    demo.seed(context)  # a second run creates nothing new
    assert (Round.objects.count(), Application.objects.count(), Vacancy.objects.count()) == counts

    this_round = f"{timezone.localdate() - timedelta(days=10):%B %Y}"  # named by the month it opened
    past = Round.objects.exclude(name=this_round)
    assert past.count() == 2 and all(r.summary_published_at for r in past)
    for round in past:
        states = set(round.applications.values_list("state", flat=True))
        assert states == {State.PROMOTED, State.NOT_PROMOTED}
    promoted = Application.objects.filter(state=State.PROMOTED)
    assert promoted.count() == 4 and all(a.grade_changed_at for a in promoted)
    assert CareerEvent.objects.filter(cause=CareerEvent.Cause.PROMOTION, note__endswith="round.").count() == 4
    assert all(a.applicant.grade.short_name == "SSO" for a in promoted)

    open_round = Round.objects.get(name=this_round)
    assert open_round.workshop is not None
    assert ManagerNotice.objects.filter(round=open_round).exists()
    mine = open_round.applications.get(applicant__user__email="technician@icr.ac.uk")
    assert mine.state == State.INTENDED and mine.manager_statement == ""
    assert set(open_round.applications.values_list("state", flat=True)) == {State.INTENDED, State.SUBMITTED}

    sso = CriteriaVersion.objects.filter(target_grade__short_name="SSO").order_by("version")
    assert [v.version for v in sso] == [1, 2] and "RSci" in sso[1].equivalent_registrations
    from mentoring.models import Relationship

    open_people = open_round.applications.values_list("applicant_id", flat=True)
    mentored = Relationship.objects.filter(purpose="promotion", state="active", mentee_id__in=open_people)
    assert mentored.count() >= 3  # the technician's (mentoring's demo) and two asked in this round
    from guidance.selectors import current_version

    assert "PhD 'or equivalent'" in current_version("promotion-guidelines").body
    assert current_version("degree-requirement-checklist") is not None
    vacancies = Vacancy.objects.all()
    assert sum(v.unjustified for v in vacancies) == 1
    assert sum(v.degree_asked and bool(v.degree_reason) for v in vacancies) == 1
