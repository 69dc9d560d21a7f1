"""A real SAML 2.0 identity provider for the tests, in the test process, with its own test key.

It reads the portal's AuthnRequest (HTTP-Redirect binding, deflated and base64-encoded, exactly
as allauth's SAML provider sends it) and answers with a Response whose Assertion is signed with
XML-DSig by python3-saml's own signing (xmlsec), the library a production IdP's answer is checked
with. Tests can spoil one thing at a time: sign nothing, let the assertion expire, name another
audience, or send the same response twice. `urls` serves its metadata and SSO endpoint so that a
browser can sign in through it against the live server.
"""

from __future__ import annotations

import base64
import datetime
import uuid
import zlib
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlparse
from xml.sax.saxutils import escape

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from lxml import etree
from onelogin.saml2.constants import OneLogin_Saml2_Constants as C
from onelogin.saml2.utils import OneLogin_Saml2_Utils

ENTITY_ID = "https://idp.icr.test/idp/shibboleth"
REFEDS_MFA = "https://refeds.org/profile/mfa"
PASSWORD_CONTEXT = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"

MAIL = "urn:oid:0.9.2342.19200300.100.1.3"
GIVEN = "urn:oid:2.5.4.42"
SN = "urn:oid:2.5.4.4"
EMPLOYEE_NUMBER = "urn:oid:2.16.840.1.113730.3.1.3"
TITLE = "urn:oid:2.5.4.12"
OU = "urn:oid:2.5.4.11"
AFFILIATION = "urn:oid:1.3.6.1.4.1.5923.1.1.1.1"
URI_FORMAT = "urn:oasis:names:tc:SAML:2.0:attrname-format:uri"


def _key_and_cert() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "idp.icr.test")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return key_pem, cert.public_bytes(serialization.Encoding.PEM).decode()


KEY, CERT = _key_and_cert()
OTHER_KEY, OTHER_CERT = _key_and_cert()  # a key the portal does not trust


def cert_body(pem: str) -> str:
    return "".join(line for line in pem.splitlines() if "CERTIFICATE" not in line)


def metadata(sso_url: str, slo_url: str, entity_id: str = ENTITY_ID) -> str:
    return f"""<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"
xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="{entity_id}">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{cert_body(CERT)}
</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="{slo_url}"/>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="{sso_url}"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>"""


@dataclass
class AuthnRequest:
    id: str
    acs_url: str
    issuer: str
    relay_state: str


def read_authn_request(url: str) -> AuthnRequest:
    """Decode the AuthnRequest the portal sent in a redirect to the IdP."""
    query = parse_qs(urlparse(url).query)
    xml = zlib.decompress(base64.b64decode(query["SAMLRequest"][0]), -15)
    root = etree.fromstring(xml)
    issuer = root.find("{urn:oasis:names:tc:SAML:2.0:assertion}Issuer")
    return AuthnRequest(
        id=root.get("ID"),
        acs_url=root.get("AssertionConsumerServiceURL"),
        issuer=issuer.text if issuer is not None else "",
        relay_state=query.get("RelayState", [""])[0],
    )


@dataclass
class Person:
    email: str
    given: str = "Jordan"
    surname: str = "Reyes"
    employee_number: str = "ICR-20417"
    title: str = "Research Technician"
    division: str = ""
    affiliation: list[str] = field(default_factory=lambda: ["staff", "member"])
    name_id: str = ""


def _attributes(person: Person) -> str:
    values = {
        MAIL: [person.email] if person.email else [],
        GIVEN: [person.given],
        SN: [person.surname],
        EMPLOYEE_NUMBER: [person.employee_number],
        TITLE: [person.title],
        OU: [person.division] if person.division else [],
        AFFILIATION: person.affiliation,
    }
    out = []
    for name, items in values.items():
        if not items:
            continue
        inner = "".join(f'<saml:AttributeValue xsi:type="xs:string">{escape(v)}</saml:AttributeValue>' for v in items)
        out.append(f'<saml:Attribute Name="{name}" NameFormat="{URI_FORMAT}">{inner}</saml:Attribute>')
    return "".join(out)


def _stamp(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def response(
    request: AuthnRequest,
    person: Person,
    *,
    audience: str | None = None,
    sign: bool = True,
    key: str = KEY,
    cert: str = CERT,
    issued_at: datetime.datetime | None = None,
    lifetime: datetime.timedelta = datetime.timedelta(minutes=5),
    authn_context: str = PASSWORD_CONTEXT,
    session_lifetime: datetime.timedelta = datetime.timedelta(hours=8),
) -> str:
    """A base64-encoded SAML Response for the portal's ACS, its Assertion signed unless told otherwise."""
    now = issued_at or datetime.datetime.now(datetime.UTC)
    until = now + lifetime
    assertion_id = f"_a{uuid.uuid4().hex}"
    name_id = person.name_id or f"{uuid.uuid5(uuid.NAMESPACE_DNS, person.email).hex}"
    assertion = f"""
<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ID="{assertion_id}" Version="2.0" IssueInstant="{_stamp(now)}">
<saml:Issuer>{ENTITY_ID}</saml:Issuer><saml:Subject>
<saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">{name_id}</saml:NameID>
<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">
<saml:SubjectConfirmationData NotOnOrAfter="{_stamp(until)}" Recipient="{request.acs_url}" InResponseTo="{request.id}"/>
</saml:SubjectConfirmation></saml:Subject>
<saml:Conditions NotBefore="{_stamp(now - datetime.timedelta(seconds=30))}" NotOnOrAfter="{_stamp(until)}">
<saml:AudienceRestriction><saml:Audience>{audience or request.issuer}</saml:Audience>
</saml:AudienceRestriction></saml:Conditions>
<saml:AuthnStatement AuthnInstant="{_stamp(now)}" SessionIndex="_s{uuid.uuid4().hex}"
 SessionNotOnOrAfter="{_stamp(now + session_lifetime)}">
<saml:AuthnContext><saml:AuthnContextClassRef>{authn_context}</saml:AuthnContextClassRef></saml:AuthnContext>
</saml:AuthnStatement><saml:AttributeStatement>{_attributes(person)}</saml:AttributeStatement>
</saml:Assertion>"""
    if sign:
        assertion = OneLogin_Saml2_Utils.add_sign(
            assertion, key, cert, sign_algorithm=C.RSA_SHA256, digest_algorithm=C.SHA256
        ).decode()
        assertion = assertion.split("?>", 1)[1] if assertion.startswith("<?xml") else assertion
    xml = f"""
<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"
 ID="_r{uuid.uuid4().hex}" Version="2.0" IssueInstant="{_stamp(now)}" Destination="{request.acs_url}"
 InResponseTo="{request.id}">
<saml:Issuer>{ENTITY_ID}</saml:Issuer><samlp:Status>
<samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>{assertion}
</samlp:Response>"""
    return base64.b64encode(xml.encode()).decode()


def read_redirect_message(url: str, parameter: str = "SAMLRequest"):
    """The XML of a SAML message sent with the HTTP-Redirect binding."""
    query = parse_qs(urlparse(url).query)
    return etree.fromstring(zlib.decompress(base64.b64decode(query[parameter][0]), -15))


def logout_request(sls_url: str, name_id: str, session_index: str | None = None) -> str:
    """An IdP-initiated LogoutRequest, deflated and base64-encoded for the HTTP-Redirect binding."""
    index = f"<samlp:SessionIndex>{session_index}</samlp:SessionIndex>" if session_index else ""
    xml = (
        '<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"'
        ' xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"'
        f' ID="_l{uuid.uuid4().hex}" Version="2.0" IssueInstant="{_stamp(datetime.datetime.now(datetime.UTC))}"'
        f' Destination="{sls_url}"><saml:Issuer>{ENTITY_ID}</saml:Issuer>'
        f'<saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">{name_id}</saml:NameID>'
        f"{index}</samlp:LogoutRequest>"
    )
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return base64.b64encode(compressor.compress(xml.encode()) + compressor.flush()).decode()
