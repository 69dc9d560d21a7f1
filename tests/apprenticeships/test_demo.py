"""seed_demo tells the seed's story: intakes of laboratory technician apprentices at every stage
(completed ones with destinations), existing staff on levy-funded apprenticeships, and both
measures showing real figures that agree with the action plan's progress updates."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from actionplan.models import ActionPlan
from actionplan.selectors import measure_values
from apprenticeships.models import Apprenticeship, ApprenticeshipRequest, Intake
from core.dates import add_months
from development.models import TrainingRecord
from people.models import Celebration, Institution

pytestmark = pytest.mark.django_db


def test_the_demo_has_every_stage_and_both_measures_show_real_figures():
    call_command("seed_demo", stdout=StringIO())
    icr = Institution.objects.get(slug="icr")
    today = timezone.localdate()
    rows = Apprenticeship.objects.filter(institution=icr)
    assert {a.state for a in rows} == {s.value for s in Apprenticeship.State}
    pilot = Intake.objects.get(institution=icr, name__startswith="LTAP pilot intake")
    assert pilot.apprenticeships.count() == 4  # "LTAP pilot intake of four apprentices recruited"
    completed = rows.filter(state=Apprenticeship.State.COMPLETED)
    assert completed.count() == 3 and all(a.destination_recorded_at for a in completed)
    assert rows.filter(state=Apprenticeship.State.NOT_COMPLETED, grade="fail").count() == 1
    assert TrainingRecord.objects.filter(off_the_job=True, person__institution=icr).count() > 100
    assert Celebration.objects.filter(kind=Celebration.Kind.APPRENTICESHIP, consent=Celebration.Consent.GIVEN).exists()
    assert set(ApprenticeshipRequest.objects.values_list("state", flat=True)) >= {"submitted", "approved", "enrolled"}

    plan = ActionPlan.objects.get(institution=icr)
    values = {m.metric_key: m.current.value for m in measure_values(plan=plan, on=today) if m.metric_key}
    # 1C: three existing staff studying today (one more on a break); "only two" two months ago.
    assert values["apprenticeships.levy_in_progress"] == 3
    two_months_ago = add_months(today, -2)
    then = {m.metric_key: m.current.value for m in measure_values(plan=plan, on=two_months_ago) if m.metric_key}
    assert then["apprenticeships.levy_in_progress"] == 2
    # 4C: two of the three completions took an SO role within 3 months (the third waited five).
    assert values["apprenticeships.so_roles_within_3_months"] == Decimal("66.70")
