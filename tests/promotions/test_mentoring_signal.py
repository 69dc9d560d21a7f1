import pytest
from django.utils import timezone

from mentoring import services as mentoring_services
from mentoring.selectors import mentoring_scope, suggested_mentors
from promotions import services
from tests.factories import staff
from tests.promotions.conftest import grade

pytestmark = pytest.mark.django_db


def test_a_mentor_promoted_to_the_grade_the_mentee_aims_for_is_suggested_first_with_the_reason(
    institution, so_family, open_round, hr, technician
):
    promoted = staff(institution, job_family=so_family, grade=grade(so_family, "HSO"))
    application = services.application_intend(round=open_round, person=promoted, by=promoted.user)
    services.application_submit(application=application, by=promoted.user, statement="My case.")
    services.application_decide(
        application=application,
        by=hr.user,
        promoted=True,
        new_grade=grade(so_family, "SSO"),
        effective_date=timezone.localdate(),
    )
    services.application_apply_grade(application_id=application.pk)
    other = staff(institution, job_family=so_family, grade=grade(so_family, "SSO"))
    for person in (promoted, other):
        mentoring_services.mentor_profile_save(
            person=person, available=True, capacity=2, bio="Happy to help.", purposes=["promotion"]
        )
    with mentoring_scope(technician):
        suggestions = suggested_mentors(mentee=technician, purpose="promotion")
    assert suggestions[0].mentor.person == promoted
    assert "Promoted to SSO in the last 3 years: the grade you aim for" in suggestions[0].reasons
    assert not any("Promoted" in reason for reason in suggestions[1].reasons)
