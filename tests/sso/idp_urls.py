"""The portal's URLs plus the test identity provider's, for browser tests (ROOT_URLCONF in the test only).

The provider's pages are plain HTML without script, as a real IdP's no-JavaScript fallback is:
a sign-in form, then a form that posts the signed SAMLResponse to the portal's ACS.
"""

from urllib.parse import urlencode
from xml.sax.saxutils import quoteattr

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from techcareers.urls import urlpatterns as portal_urlpatterns

from . import idp

PAGE = '<!doctype html><html lang="en"><head><title>{title}</title></head><body><main><h1>{title}</h1>{body}</main></body></html>'  # noqa: E501


def _hidden(name, value):
    return f"<input type=hidden name={quoteattr(name)} value={quoteattr(value)}>"


@csrf_exempt
def sso(request):
    if request.method == "GET":
        body = (
            '<form method="post"><label for="username">Institute username (e-mail)</label> '
            '<input id="username" name="username" type="email"> '
            f"{_hidden('SAMLRequest', request.GET['SAMLRequest'])}"
            f"{_hidden('RelayState', request.GET.get('RelayState', ''))}"
            '<button type="submit">Sign in at the Institute</button></form>'
        )
        return HttpResponse(PAGE.format(title="The Institute's identity provider", body=body))
    query = urlencode({"SAMLRequest": request.POST["SAMLRequest"], "RelayState": request.POST.get("RelayState", "")})
    authn_request = idp.read_authn_request(f"?{query}")
    person = idp.Person(request.POST["username"], division="Structural Biology")
    saml_response = idp.response(authn_request, person, authn_context=idp.REFEDS_MFA)
    body = (
        f'<form method="post" action={quoteattr(authn_request.acs_url)}>'
        f"{_hidden('SAMLResponse', saml_response)}{_hidden('RelayState', request.POST.get('RelayState', ''))}"
        '<p>You are signed in at the Institute.</p><button type="submit">Continue to TechCareers</button></form>'
    )
    return HttpResponse(PAGE.format(title="Signed in", body=body))


def metadata(request):
    base = request.build_absolute_uri("/test-idp/")
    return HttpResponse(idp.metadata(f"{base}sso/", f"{base}slo/"), content_type="application/samlmetadata+xml")


@csrf_exempt
def slo(request):
    return HttpResponse(PAGE.format(title="Signed out at the Institute", body="<p>You are signed out.</p>"))


urlpatterns = [
    path("test-idp/sso/", sso),
    path("test-idp/slo/", slo),
    path("test-idp/metadata/", metadata),
    *portal_urlpatterns,
]
