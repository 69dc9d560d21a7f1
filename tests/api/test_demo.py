"""The API's demo: one read-only token for ICR's intranet, made by its administrator, made once."""

import random

import pytest
from django.urls import reverse

from api import demo
from api.models import ServiceToken
from people.demo import DemoContext
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_the_demo_has_the_intranet_s_read_only_token_once(institution, institution_admin):
    context = DemoContext(
        institution=institution,
        partners=[],
        accounts={demo.MADE_BY: institution_admin},
        staff=[institution_admin],
        random=random.Random(1),
    )
    demo.seed(context)
    demo.seed(context)
    token = ServiceToken.objects.get()
    assert (token.name, token.scopes, token.created_by) == (demo.NAME, ["read_figures"], institution_admin.user)
    page = client_for(institution_admin).get(reverse("api:tokens")).text
    assert demo.NAME in page
