"""Each role against each page of the report catalogue: HR, programme managers and institution
administrators get it; everyone else is refused with the reason (403)."""

import pytest

from tests.conftest import client_for

ROLES = ["technician", "manager", "mentor", "programme_manager", "hr", "institution_admin", "outsider"]
CATALOGUE = {**dict.fromkeys(ROLES, 403), "programme_manager": 200, "hr": 200, "institution_admin": 200}
KEYS = ["training", "promotions", "registration", "apprenticeships", "authorships", "leavers"]
PAGES = [
    "/reports/",
    *(f"/reports/{key}/" for key in KEYS),
    *(f"/reports/{key}/report.csv" for key in KEYS),
    "/reports/leavers/report.xlsx",
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
@pytest.mark.parametrize("url", PAGES)
def test_each_role_gets_the_report_page_it_should(people, url):
    got = {role: client_for(profile).get(url).status_code for role, profile in people.items()}
    assert got == CATALOGUE
