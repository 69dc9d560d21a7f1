"""HR sees on their home page whom the institution's sign-in service has reported as having left."""

import datetime

import pytest
from django.utils import timezone

from core.tenancy import across_institutions
from people import roles
from sso.models import SignInIdentity
from tests.conftest import client_for
from tests.factories import staff

from .conftest import saml_method

pytestmark = pytest.mark.django_db


def _leavers(institution, method, count, *, days_ago=3):
    now = timezone.now()
    for n in range(count):
        person = staff(institution, user__first_name="Leaver", user__last_name=f"Number {n}")
        SignInIdentity.objects.create(
            profile=person,
            method=method,
            first_sign_in_at=now - datetime.timedelta(days=400),
            last_sign_in_at=now - datetime.timedelta(days=days_ago),
            left_reported_at=now - datetime.timedelta(days=days_ago),
        )


@pytest.mark.parametrize("count", [2, 14])
def test_hr_sees_the_leavers_reported_at_sign_in_with_the_same_queries_at_two_sizes(
    icr, crick, count, django_assert_max_num_queries
):
    with across_institutions():
        hr = staff(icr, groups=[roles.HR])
        _leavers(icr, saml_method(icr), count)
        _leavers(crick, saml_method(crick), 3)  # another institution's: never shown
        _leavers(icr, SignInIdentity.objects.first().method, 1, days_ago=200)  # long ago: not shown
    client = client_for(hr)
    client.get("/")
    with django_assert_max_num_queries(36):  # 36 at both sizes (every app's panels), this panel's two included
        page = client.get("/").content.decode()
    assert "Leavers reported at sign-in" in page
    assert f'<strong data-testid="leavers-count">{count}</strong>' in page
    assert page.count("Leaver Number") == min(count, 10)
    with across_institutions():
        crick_people = SignInIdentity.objects.filter(profile__institution=crick).values_list("profile__pk", flat=True)
    for pk in crick_people:
        assert f"/staff/{pk}/record/" not in page


def test_nobody_else_sees_the_panel(icr):
    with across_institutions():
        technician = staff(icr)
        _leavers(icr, saml_method(icr), 1)
    assert "Leavers reported at sign-in" not in client_for(technician).get("/").content.decode()
