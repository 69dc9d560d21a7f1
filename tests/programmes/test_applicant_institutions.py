"""The applicants page's institution filter lists exactly the institutions applicants come from."""

import pytest

from programmes.selectors import applicant_institutions
from tests.factories import InstitutionFactory, staff
from tests.programmes.conftest import CohortFactory, ProgrammeFactory, make_application

pytestmark = pytest.mark.django_db


def test_the_running_institution_and_partners_with_applicants_are_listed(institution, other_institution):
    quiet_partner = InstitutionFactory()
    stranger = InstitutionFactory()
    for partner in (other_institution, quiet_partner):
        institution.partners.add(partner)
    cohort = CohortFactory(programme=ProgrammeFactory(institution=institution, open_to_partners=True))
    make_application(cohort, staff(institution))
    make_application(cohort, staff(other_institution))
    staff(quiet_partner)  # a partner whose staff did not apply is not offered as a filter
    staff(stranger)
    assert list(applicant_institutions(cohort)) == sorted([institution, other_institution], key=lambda i: i.short_name)


def test_a_cohort_closed_to_partners_lists_only_its_own_institution(institution, other_institution):
    institution.partners.add(other_institution)
    cohort = CohortFactory(programme=ProgrammeFactory(institution=institution))
    make_application(cohort, staff(institution))
    assert list(applicant_institutions(cohort)) == [institution]
