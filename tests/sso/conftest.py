import pytest
from django.core.cache import cache

from sso.models import SignInMethod
from sso.services import sign_in_method_save
from tests.factories import InstitutionFactory

from . import idp

IDP_SSO = "https://idp.icr.test/idp/profile/SAML2/Redirect/SSO"
IDP_SLO = "https://idp.icr.test/idp/profile/SAML2/Redirect/SLO"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # allauth's rate limits and the metadata cache
    yield
    cache.clear()


@pytest.fixture
def icr(db):
    return InstitutionFactory(name="The Institute of Cancer Research", short_name="ICR", slug="icr")


@pytest.fixture
def crick(db):
    return InstitutionFactory(name="The Francis Crick Institute", short_name="Crick", slug="crick")


def saml_method(institution, *, slug=None, sso_url=IDP_SSO, slo_url=IDP_SLO, **fields):
    method = SignInMethod(
        institution=institution,
        name=f"{institution.short_name} single sign-on",
        slug=slug or institution.slug,
        protocol=SignInMethod.Protocol.SAML,
        idp_entity_id=idp.ENTITY_ID,
        idp_metadata_xml=idp.metadata(sso_url, slo_url),
        **fields,
    )
    return sign_in_method_save(method=method, domains=list(institution.email_domains.all()))


@pytest.fixture
def icr_saml(icr):
    return saml_method(icr)


@pytest.fixture
def client():
    """A test client that names its host, as every browser does (python3-saml builds URLs from it)."""
    from django.test import Client

    return Client(HTTP_HOST="testserver")
