"""Each role against each page: who gets the page, who is refused (403) and who gets a 404.

The foundation's pages are listed explicitly. Every other URL in the project is checked by the
sweep at the bottom: an anonymous visitor never gets a page, only the sign-in redirect.
"""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import client_for

ROLES = ["technician", "manager", "mentor", "programme_manager", "hr", "institution_admin", "outsider"]
# Someone who acts for a training provider (apprenticeships): an account with no staff record, whose
# home is the provider's apprentices; every staff page refuses them.
PROVIDER_CONTACT = "provider_contact"
ROLES.append(PROVIDER_CONTACT)
EVERYONE = {**dict.fromkeys(ROLES, 200), PROVIDER_CONTACT: 403}
# Their own messages (none of an institution's: the outbox pages are the account's own).
OWN_ACCOUNT = {**EVERYONE, PROVIDER_CONTACT: 200}
ADMIN_ONLY = {**dict.fromkeys(ROLES, 403), "institution_admin": 200}
HR_ONLY = {**dict.fromkeys(ROLES, 403), "hr": 200, "institution_admin": 200, "outsider": 404}
SAME_INSTITUTION = {**EVERYONE, "outsider": 404}
# The person, their line manager and HR; the outsider does not see that the person exists.
CAREER_HISTORY = {**dict.fromkeys(ROLES, 403), "technician": 200, "manager": 200, "hr": 200, "institution_admin": 200}
CAREER_HISTORY["outsider"] = 404

# (url template, expected status per role); {technician} is the technician's profile id
PAGES = [
    ("/", {**EVERYONE, PROVIDER_CONTACT: 302}),  # to the provider's apprentices
    ("/staff/", EVERYONE),
    ("/staff/{technician}/", SAME_INSTITUTION),
    ("/staff/me/edit/", EVERYONE),
    ("/staff/{technician}/record/", HR_ONLY),
    ("/staff/welcome/", EVERYONE),
    ("/staff/confirmations/", {**HR_ONLY, "outsider": 403}),
    ("/staff/{technician}/history/", CAREER_HISTORY),
    ("/notifications/", OWN_ACCOUNT),
    ("/notifications/preferences/", OWN_ACCOUNT),
    ("/notifications/messages/", ADMIN_ONLY),
    ("/notifications/messages/people.welcome/", ADMIN_ONLY),
    ("/notifications/stuck/", ADMIN_ONLY),
]


@pytest.fixture
def people(technician, manager, mentor, programme_manager, hr, institution_admin, outsider, institution):
    from tests.apprenticeships.conftest import provider_contact_at

    return {
        "technician": technician,
        "manager": manager,
        "mentor": mentor,
        "programme_manager": programme_manager,
        "hr": hr,
        "institution_admin": institution_admin,
        "outsider": outsider,
        PROVIDER_CONTACT: provider_contact_at(institution).user,
    }


@pytest.mark.parametrize(("url", "expected"), PAGES, ids=[url for url, _ in PAGES])
def test_each_role_gets_the_page_it_should(people, url, expected):
    url = url.format(technician=people["technician"].pk)
    got = {role: client_for(profile).get(url).status_code for role, profile in people.items()}
    assert got == expected


@pytest.mark.parametrize(("url", "expected"), PAGES, ids=[url for url, _ in PAGES])
def test_anonymous_visitors_are_sent_to_sign_in(people, url, expected):
    response = Client().get(url.format(technician=people["technician"].pk))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# Pages that are public by design, with the reason.
PUBLIC = {
    # calendar apps cannot sign in: the feed is protected by a long random token in the URL
    re.compile(r"calendar/[^/]+\.ics$"),
    re.compile(r"^/programmes/feed/"),
    # the accessibility statement must be readable before signing in; the icon browsers ask for
    re.compile(r"^/accessibility/$"),
    re.compile(r"^/favicon\.ico$"),
    # "Where do you work?", the first step of signing in (sso)
    re.compile(r"^/sign-in/$"),
    # an institution's published career pathway: for recruitment and its Technician Commitment submission
    re.compile(r"^/pathways/published/"),
    # the API's documentation: how to call it, no data
    re.compile(r"^/api/docs/$"),
}
# The API (/api/v1/) answers its own way: 401 problem+json to any caller without a service token,
# session or not (tests/api); its schema and reference are public.
SKIP_PREFIXES = ("/accounts/", "/admin/", "/static/", "/media/", "/api/v1/")


def _all_urls(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _all_urls(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield "/" + prefix + str(entry.pattern)


def _example(url_pattern):
    """Fill a route's converters with example values."""
    url = re.sub(r"<int:\w+>", "1", url_pattern)
    url = re.sub(r"<uuid:\w+>", "00000000-0000-0000-0000-000000000000", url)
    url = re.sub(r"<(?:str|slug|path):\w+>|<\w+>", "x", url)
    return url


def test_no_page_anywhere_is_served_to_an_anonymous_visitor(db):
    client = Client()
    checked = 0
    for pattern in _all_urls():
        url = _example(pattern)
        if "^" in url or "(?P" in url or url.startswith(SKIP_PREFIXES):
            continue
        if any(rule.search(url) for rule in PUBLIC):
            continue
        response = client.get(url)
        assert response.status_code in (302, 404, 405), f"{url} answered {response.status_code} to an anonymous visitor"
        if response.status_code == 302:
            assert response["Location"].startswith("/accounts/login/"), url
        checked += 1
    assert checked >= len(PAGES)


def test_every_page_without_parameters_answers_every_role_without_an_error(people):
    """The sweep's counterpart for signed-in people: each role gets a page, a refusal or a
    redirect from every URL, never a server error."""
    urls = [
        url
        for url in map(_example, _all_urls())
        if "<" not in url
        and "^" not in url
        and not url.startswith(SKIP_PREFIXES)
        and url == _example(url)
        and not any(part == "x" or part == "1" for part in url.strip("/").split("/"))
    ]
    assert "/staff/" in urls
    for role, profile in people.items():
        client = client_for(profile)
        for url in urls:
            status = client.get(url).status_code
            assert status in (200, 302, 403, 404, 405), f"{role} got {status} from {url}"


# What someone acting for a training provider may open: their provider's pages, their own account's
# messages and settings, and what is public anyway.
PROVIDER_CONTACT_PAGES = {"/apprenticeships/provider/", "/notifications/", "/notifications/preferences/"}


def test_someone_acting_for_a_provider_gets_no_other_page(people):
    """Every URL without parameters: a refusal, a redirect or an empty 404, except their own pages."""
    client = client_for(people[PROVIDER_CONTACT])
    served = set()
    for url in map(_example, _all_urls()):
        if "<" in url or "^" in url or url.startswith(SKIP_PREFIXES) or url != _example(url):
            continue
        if any(part in ("x", "1") for part in url.strip("/").split("/")) or any(r.search(url) for r in PUBLIC):
            continue
        if client.get(url).status_code == 200:
            served.add(url)
    assert served == PROVIDER_CONTACT_PAGES
