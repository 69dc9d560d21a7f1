"""Each role against each surveys page: the page, a 403 (may not run surveys) or a 404 (may not see it)."""

import pytest
from django.urls import reverse

from tests.conftest import client_for

pytestmark = pytest.mark.django_db

ROLES = ["technician", "manager", "mentor", "programme_manager", "hr", "institution_admin", "outsider"]
EVERYONE = dict.fromkeys(ROLES, 200)
RUNNERS = {**dict.fromkeys(ROLES, 403), "programme_manager": 200, "hr": 200, "institution_admin": 200}
# The survey's own institution's runners; everyone else does not see that it exists.
SURVEY_RUNNERS = {**dict.fromkeys(ROLES, 404), "programme_manager": 200, "hr": 200, "institution_admin": 200}
# Everyone at the institution is invited to the annual survey; the outsider is not.
INVITED = {**EVERYONE, "outsider": 404}

PAGES = [
    ("surveys:mine", False, EVERYONE),
    ("surveys:list", False, RUNNERS),
    ("surveys:create", False, RUNNERS),
    ("surveys:answer", True, INVITED),
    ("surveys:detail", True, SURVEY_RUNNERS),
    ("surveys:results", True, SURVEY_RUNNERS),
    ("surveys:export_csv", True, SURVEY_RUNNERS),
    ("surveys:export_xlsx", True, SURVEY_RUNNERS),
]


@pytest.mark.parametrize(("name", "with_survey", "expected"), PAGES, ids=[name for name, *_ in PAGES])
def test_each_role_gets_the_surveys_page_it_should(
    name,
    with_survey,
    expected,
    technician,
    manager,
    mentor,
    programme_manager,
    hr,
    institution_admin,
    outsider,
    request,
):
    survey = request.getfixturevalue("annual")
    people = dict(
        zip(ROLES, [technician, manager, mentor, programme_manager, hr, institution_admin, outsider], strict=True)
    )
    url = reverse(name, args=[survey.pk]) if with_survey else reverse(name)
    got = {role: client_for(profile).get(url).status_code for role, profile in people.items()}
    assert got == expected
