"""The portal's own error pages: the words say what happened and offer a way on."""

import pytest
from django.test import RequestFactory
from django.views import defaults

from tests.conftest import client_for


def test_the_not_found_page_has_the_navigation_and_a_way_home(technician):
    response = client_for(technician).get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in page and 'aria-label="Main"' in page
    assert '<a href="/">Go to your home page</a>' in page


@pytest.mark.django_db
def test_the_server_error_page_renders_without_a_request_context():
    response = defaults.server_error(RequestFactory().get("/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, something went wrong" in page and "Nothing you sent has been half-saved" in page
    assert '<a href="/">Go to your home page</a>' in page and "Accessibility statement" in page


@pytest.mark.django_db
def test_the_favicon_is_served_at_the_address_browsers_ask_for(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file


@pytest.mark.django_db
def test_the_accessibility_statement_is_public_and_in_the_regulations_form(client):
    page = client.get("/accessibility/").content.decode()
    for heading in (
        "Accessibility statement for TechCareers",
        "How accessible this website is",
        "Feedback and contact information",
        "Enforcement procedure",
        "Compliance status",
        "Non-accessible content",
        "Preparation of this accessibility statement",
    ):
        assert heading in page
