import pytest
from rest_framework.test import APIClient

from api import services
from api.models import Scope


def api_client(secret=None):
    client = APIClient()
    if secret:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


@pytest.fixture
def make_token(institution, institution_admin):
    def make(*scopes, name=None, institution_=None, by=None):
        token, secret = services.token_create(
            institution=institution_ or institution,
            name=name or f"System {'-'.join(scopes)}",
            scopes=list(scopes),
            by=(by or institution_admin).user,
        )
        return token, secret

    return make


@pytest.fixture
def write_training(make_token):
    return make_token(Scope.WRITE_TRAINING, name="Moodle")


@pytest.fixture
def read_figures(make_token):
    return make_token(Scope.READ_FIGURES, name="Intranet")


from tests.actionplan.conftest import plan, seed_text  # noqa: E402, F401
from tests.development.test_report import data_set  # noqa: E402, F401
