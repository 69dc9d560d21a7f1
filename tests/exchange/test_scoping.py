"""Every exchange model is institution-scoped: no scope, no query; inside a scope, only that institution."""

import contextvars

import pytest

from core.tenancy import ScopeError, in_institution, scoped_models
from exchange import tasks
from exchange.models import ExchangeFeedback, ExchangeOffer, ExchangePlacement, ExchangeRound, PlacementTransition
from notifications.models import Notification
from tests.factories import DivisionFactory, staff

from .conftest import make_offer, placement_in_state

State = ExchangePlacement.State
pytestmark = pytest.mark.django_db
EXCHANGE_MODELS = [ExchangeRound, ExchangeOffer, ExchangePlacement, PlacementTransition, ExchangeFeedback]


def without_any_scope(work, *args):
    """Run `work` as a new thread or a worker would: with no scope at all."""
    return contextvars.Context().run(work, *args)


def test_every_exchange_model_holding_institution_data_is_scoped():
    assert {model for model in scoped_models() if model._meta.app_label == "exchange"} == set(EXCHANGE_MODELS)


@pytest.mark.parametrize("model", EXCHANGE_MODELS, ids=lambda model: model.__name__)
def test_an_unscoped_query_of_an_exchange_model_raises(model):
    with pytest.raises(ScopeError):
        without_any_scope(lambda: list(model.objects.all()))
    with pytest.raises(ScopeError):
        without_any_scope(lambda: model.objects.filter(pk=1).count())


@pytest.fixture
def rows_at_two_institutions(offer, technician, host, other_institution):
    """A completed exchange with its history and feedback at each institution."""

    def completed(visitor, host, offer):
        placement = placement_in_state(offer, visitor, State.COMPLETED)
        PlacementTransition.objects.create(placement=placement, event="completed", to_state=State.COMPLETED)
        for author, role in ((visitor, "visitor"), (host, "host")):
            ExchangeFeedback.objects.create(
                placement=placement, author=author, role=role, rating=4, went_well="w", reflection="r"
            )
        return placement

    ours = completed(technician, host, offer)
    their_round = ExchangeRound.objects.create(
        institution=other_institution,
        title="Crick exchange",
        year=offer.round.year,
        opens_on=offer.round.opens_on,
        closes_on=offer.round.closes_on,
    )
    their_host = staff(other_institution, division=DivisionFactory(institution=other_institution, name="Imaging"))
    their_visitor = staff(other_institution, division=DivisionFactory(institution=other_institution, name="Labs"))
    theirs = completed(their_visitor, their_host, make_offer(their_round, their_host))
    return ours, theirs


def _institution_rows(placement):
    return {
        ExchangeRound: [placement.offer.round_id],
        ExchangeOffer: [placement.offer_id],
        ExchangePlacement: [placement.pk],
        PlacementTransition: list(placement.transitions.values_list("pk", flat=True)),
        ExchangeFeedback: list(placement.feedback.values_list("pk", flat=True)),
    }


@pytest.mark.parametrize("model", EXCHANGE_MODELS, ids=lambda model: model.__name__)
def test_another_institutions_rows_are_invisible_inside_a_scope(model, rows_at_two_institutions, institution):
    ours, theirs = rows_at_two_institutions
    our_pks, their_pks = _institution_rows(ours)[model], _institution_rows(theirs)[model]
    assert our_pks and their_pks

    with in_institution(institution):
        seen = set(model.objects.values_list("pk", flat=True))
        assert not model.objects.filter(pk__in=their_pks).exists()

    assert seen == set(our_pks)


def test_the_feedback_reminder_task_enters_the_placements_institution_by_itself(offer, technician, host):
    placement = placement_in_state(offer, technician, State.DAYS_RECORDED)

    assert without_any_scope(tasks.remind_feedback, placement.pk) == 2

    assert set(Notification.objects.filter(kind="exchange.feedback_reminder").values_list("recipient", flat=True)) == {
        technician.user.pk,
        host.user.pk,
    }


def test_the_beat_job_scans_every_institution_and_fans_out(rows_at_two_institutions):
    ours, theirs = rows_at_two_institutions
    for placement in (ours, theirs):
        ExchangeFeedback.objects.filter(placement=placement).delete()
        ExchangePlacement.objects.filter(pk=placement.pk).update(state=State.DAYS_RECORDED)

    assert without_any_scope(tasks.send_feedback_reminders) == 2

    reminded = Notification.objects.filter(kind="exchange.feedback_reminder")
    assert set(reminded.values_list("institution", flat=True)) == {
        ours.offer.round.institution_id,
        theirs.offer.round.institution_id,
    }
    assert reminded.count() == 4


def test_a_reminder_for_a_placement_that_is_gone_does_nothing():
    assert without_any_scope(tasks.remind_feedback, 999_999) == 0
