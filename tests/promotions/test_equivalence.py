"""'PhD or equivalent' decided for hand-made people: a pure function, no database."""

from datetime import date
from decimal import Decimal

import pytest

from promotions.equivalence import CompletedProgramme, Facts, HeldRegistration, Requirement, decide
from promotions.models import Qualification, QualificationAsked

PHD_OR_EQUIVALENT = Requirement(
    asked=QualificationAsked.PHD, years=6, registrations=("RSci", "CSci"), programmes=("Ignite",)
)
RSCI = HeldRegistration(code="RSci", name="Registered Scientist", level=2, registered_on=date(2023, 5, 1))


def test_a_phd_meets_phd_or_equivalent():
    decision = decide(PHD_OR_EQUIVALENT, Facts(qualification=Qualification.PHD, years_experience=Decimal("1.5")))
    assert decision.met and decision.route == "qualification"
    assert decision.reason == "You hold a PhD or other doctorate, which meets “a PhD or equivalent”."


def test_six_years_of_relevant_experience_is_accepted_as_equivalent():
    decision = decide(PHD_OR_EQUIVALENT, Facts(qualification=Qualification.DEGREE, years_experience=Decimal("6.0")))
    assert decision.met and decision.route == "experience"
    assert decision.reason == ("You have 6 years of relevant experience; the criteria accept 6 as equivalent to a PhD.")


def test_rsci_is_accepted_as_equivalent_when_the_criteria_list_it():
    decision = decide(PHD_OR_EQUIVALENT, Facts(qualification=Qualification.DEGREE, registrations=(RSCI,)))
    assert decision.met and decision.route == "registration"
    assert decision.reason == "You hold RSci, which the criteria accept as equivalent to a PhD."


def test_someone_with_none_of_these_is_told_what_would_count():
    decision = decide(PHD_OR_EQUIVALENT, Facts(qualification=Qualification.DEGREE, years_experience=Decimal("5.9")))
    assert not decision.met and decision.route == ""
    assert "a PhD, or 6 years of relevant experience, or registration as RSci or CSci, or completing Ignite" in (
        decision.reason
    )
    assert "5.9 years" in decision.reason


def test_a_registration_the_criteria_do_not_list_does_not_count():
    techician_level = HeldRegistration(
        code="RSciTech", name="Registered Science Technician", level=1, registered_on=date(2020, 1, 1)
    )
    assert not decide(PHD_OR_EQUIVALENT, Facts(registrations=(techician_level,))).met


def test_a_completed_programme_the_criteria_list_counts():
    decision = decide(PHD_OR_EQUIVALENT, Facts(programmes=(CompletedProgramme("Ignite", date(2025, 6, 1)),)))
    assert decision.met and decision.route == "programme"


def test_a_masters_meets_a_degree_or_equivalent_but_not_a_phd():
    masters = Facts(qualification=Qualification.MASTERS)
    assert decide(Requirement(asked=QualificationAsked.DEGREE), masters).met
    assert not decide(Requirement(asked=QualificationAsked.PHD), masters).met


def test_no_qualification_asked_is_met_by_anyone():
    assert decide(Requirement(), Facts()).route == "not_asked"


def test_experience_alone_does_not_count_when_the_criteria_give_no_years():
    rule = Requirement(asked=QualificationAsked.PHD, registrations=("RSci",))
    assert not decide(rule, Facts(years_experience=Decimal(30))).met


@pytest.mark.django_db
def test_a_registration_recorded_in_the_registration_app_counts_as_equivalent(technician, manager):
    # The wiring, end to end: a journey to RSci recorded through registration's services is a
    # registration promotions' facts hold, and the decision names it.
    from promotions import facts
    from registration.models import Journey
    from tests.registration.conftest import journey_to

    journey_to(
        technician,
        Journey.State.REGISTERED,
        code="RSci",
        supporter=manager,
        today=date(2025, 6, 2),
        submitted_on=date(2025, 6, 2),
        registered_on=date(2025, 9, 1),
    )
    gathered = facts.gather([technician])[technician.pk]
    assert [(r.code, r.registered_on) for r in gathered.registrations] == [("RSci", date(2025, 9, 1))]
    decision = decide(Requirement(asked=QualificationAsked.PHD, registrations=("RSci",)), gathered)
    assert decision.met and decision.reason == "You hold RSci, which the criteria accept as equivalent to a PhD."
