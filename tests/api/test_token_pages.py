"""The institution administrator's token pages: list, make (confirmed, shown once, stored hashed), revoke."""

import hashlib

import pytest
from django.urls import reverse

from api import services
from api.models import ServiceToken
from core.models import AuditEvent
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_an_administrator_makes_a_token_whose_secret_is_shown_once_and_stored_hashed(institution_admin):
    client = client_for(institution_admin)
    response = client.post(
        reverse("api:token_create"), {"name": "Moodle", "scopes": ["write_training", "read_figures"]}
    )
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    secret = response.context["secret"]
    assert secret in response.content.decode()
    token = ServiceToken.objects.get()
    assert token.name == "Moodle" and token.scopes == ["read_figures", "write_training"]
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest() and secret not in str(token.__dict__)
    assert AuditEvent.objects.filter(kind="api", action__contains="Created the API token “Moodle”").exists()
    listing = client.get(reverse("api:tokens")).content.decode()
    assert "Moodle" in listing and secret not in listing and f"tc_{token.prefix}_…" in listing


def test_making_a_token_asks_the_administrator_to_confirm_it_is_them(institution_admin):
    client = client_for(institution_admin, reauthenticated=False)
    response = client.post(reverse("api:token_create"), {"name": "Moodle", "scopes": ["read_figures"]})
    assert response.status_code == 302 and "reauthenticate" in response["Location"]
    assert not ServiceToken.objects.exists()


def test_a_token_needs_a_name_and_a_scope_said_beside_the_fields(institution_admin):
    response = client_for(institution_admin).post(reverse("api:token_create"), {"name": "", "scopes": []})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"name", "scopes"}
    assert not ServiceToken.objects.exists()


def test_an_administrator_sees_last_use_and_revokes_a_token(institution_admin):
    token, _secret = services.token_create(
        institution=institution_admin.institution, name="Intranet", scopes=["read_figures"], by=institution_admin.user
    )
    client = client_for(institution_admin)
    response = client.post(reverse("api:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == institution_admin.user
    listing = client.get(reverse("api:tokens")).content.decode()
    assert "Revoked" in listing
    assert AuditEvent.objects.filter(kind="api", action__contains="Revoked").count() == 1
    detail = client.get(reverse("api:token", args=[token.pk])).content.decode()
    assert "Intranet" in detail and "No call yet" in detail


@pytest.mark.parametrize("role", ["technician", "hr", "programme_manager"])
def test_other_roles_cannot_see_or_make_tokens(role, request, institution_admin):
    person = request.getfixturevalue(role)
    token, _ = services.token_create(
        institution=institution_admin.institution, name="Intranet", scopes=["read_figures"], by=institution_admin.user
    )
    client = client_for(person)
    assert client.get(reverse("api:tokens")).status_code == 403
    assert client.post(reverse("api:token_create"), {"name": "x", "scopes": ["read_figures"]}).status_code == 403
    assert client.post(reverse("api:token_revoke", args=[token.pk])).status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None


def test_another_institutions_administrator_gets_404(institution_admin, other_institution):
    from people import roles
    from tests.factories import staff

    token, _ = services.token_create(
        institution=institution_admin.institution, name="Intranet", scopes=["read_figures"], by=institution_admin.user
    )
    stranger = client_for(staff(other_institution, groups=[roles.INSTITUTION_ADMIN]))
    assert stranger.get(reverse("api:token", args=[token.pk])).status_code == 404
    assert stranger.post(reverse("api:token_revoke", args=[token.pk])).status_code == 404
    assert "Intranet" not in stranger.get(reverse("api:tokens")).content.decode()


@pytest.mark.parametrize("count", [2, 20])
def test_the_token_list_keeps_its_query_count(institution_admin, count, django_assert_max_num_queries):
    for n in range(count):
        services.token_create(
            institution=institution_admin.institution, name=f"S{n}", scopes=["read_figures"], by=institution_admin.user
        )
    client = client_for(institution_admin)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("api:tokens")).status_code == 200


def test_the_daily_job_forgets_calls_older_than_the_log_keeps(institution_admin, settings):
    from datetime import timedelta

    from django.utils import timezone

    from api.models import TokenCall
    from api.tasks import prune_token_calls

    settings.API_CALL_LOG_DAYS = 30
    token, _ = services.token_create(
        institution=institution_admin.institution, name="Intranet", scopes=["read_figures"], by=institution_admin.user
    )
    old = TokenCall.objects.create(token=token, method="GET", path="/api/v1/token/", status=200)
    TokenCall.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=31))
    recent = TokenCall.objects.create(token=token, method="GET", path="/api/v1/token/", status=200)
    prune_token_calls()
    assert list(TokenCall.objects.values_list("pk", flat=True)) == [recent.pk]


def test_a_signed_in_session_is_no_token_for_the_api(institution_admin, client):
    for person_client in (client, client_for(institution_admin)):
        response = person_client.get(reverse("api:opportunities"))
        assert response.status_code == 401 and response["Content-Type"] == "application/problem+json"
    assert client.get(reverse("api:tokens")).status_code == 302  # the pages want a signed-in administrator
