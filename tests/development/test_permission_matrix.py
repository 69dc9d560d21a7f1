"""Each role against each development page: who gets it, who is refused (403), who gets a 404."""

import pytest

from tests.conftest import client_for

ROLES = ["technician", "manager", "mentor", "programme_manager", "hr", "institution_admin", "outsider"]
EVERYONE = dict.fromkeys(ROLES, 200)
MANAGER_ONLY = {**dict.fromkeys(ROLES, 403), "manager": 200}
REPORTS = {**dict.fromkeys(ROLES, 403), "programme_manager": 200, "hr": 200, "institution_admin": 200}
# The training report moved to the report catalogue: its old addresses redirect those who may see it.
MOVED = {**REPORTS, "programme_manager": 302, "hr": 302, "institution_admin": 302}
POLICY = {**dict.fromkeys(ROLES, 403), "hr": 200, "institution_admin": 200}
A_REPORT = {**dict.fromkeys(ROLES, 404), "technician": 302, "manager": 200, "hr": 200, "institution_admin": 200}

PAGES = [
    ("/development/", EVERYONE),
    ("/development/requests/new/", EVERYONE),
    ("/development/records/new/", EVERYONE),
    ("/development/guidance/", EVERYONE),
    ("/development/guidance/new/", REPORTS),
    ("/development/team/", MANAGER_ONLY),
    ("/development/delegates/", MANAGER_ONLY),
    ("/development/people/{technician}/", A_REPORT),
    ("/development/imports/", REPORTS),
    ("/development/report/", MOVED),
    ("/development/report/training.csv", MOVED),
    ("/development/policy/", POLICY),
]


@pytest.fixture
def people(technician, manager, mentor, programme_manager, hr, institution_admin, outsider):
    return {
        "technician": technician,
        "manager": manager,
        "mentor": mentor,
        "programme_manager": programme_manager,
        "hr": hr,
        "institution_admin": institution_admin,
        "outsider": outsider,
    }


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "expected"), PAGES, ids=[url for url, _ in PAGES])
def test_each_role_gets_the_development_page_it_should(people, url, expected):
    url = url.format(technician=people["technician"].pk)
    got = {role: client_for(profile).get(url).status_code for role, profile in people.items()}
    assert got == expected
