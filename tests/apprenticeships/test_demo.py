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


def test_in_the_demo_southbanks_assessor_signs_its_reviews_and_one_waits_for_him():
    """Dev Patel acts for Southbank at ICR (signs in with the demo password, no staff record): he signed
    Southbank's reviews since he joined, the programme manager recorded the earlier paper ones with
    the reason, one review waits for him, and Northgate's are recorded by the programme manager."""
    from apprenticeships import tasks
    from apprenticeships.models import ProgressReview, ProviderContact
    from notifications.models import Notification
    from people.demo import DEMO_PASSWORD

    call_command("seed_demo", stdout=StringIO())
    contact = ProviderContact.objects.get(email="dev.patel@southbank-science.example")
    assert contact.is_active and contact.provider.name == "Southbank Science Skills"
    assert contact.user.check_password(DEMO_PASSWORD) and not hasattr(contact.user, "profile")
    southbank = ProgressReview.objects.filter(apprenticeship__provider=contact.provider)
    by_him = southbank.filter(provider_contact=contact)
    assert by_him.count() >= 3 and all(r.provider_signed_at >= contact.accepted_at for r in by_him)
    assert all(r.provider_notes for r in by_him)
    on_paper = southbank.filter(provider_contact__isnull=True, provider_signed_at__isnull=False)
    assert on_paper.exists() and all(r.provider_signed_at < contact.accepted_at for r in on_paper)
    assert set(on_paper.values_list("provider_on_behalf_reason", flat=True)) == {"Signed on paper at the review."}
    waiting = southbank.filter(provider_signed_at__isnull=True)
    assert waiting.count() == 1 and waiting.get().apprenticeship.state == "gateway"
    northgate = ProgressReview.objects.exclude(apprenticeship__provider=contact.provider)
    assert northgate.exists() and not northgate.filter(provider_signed_at__isnull=True).exists()
    assert set(northgate.values_list("provider_on_behalf_reason", flat=True)) == {""}
    # The beat job asks him about the waiting review, once.
    tasks.send_reminders()
    tasks.send_reminders()
    asked = Notification.objects.filter(kind="apprenticeships.review_awaits_provider")
    assert list(asked.values_list("recipient_id", flat=True)) == [contact.user_id]
