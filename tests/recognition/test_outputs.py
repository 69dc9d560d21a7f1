"""Outputs typed in: validation (nothing half-saved), who sees and changes them, projects, exports."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from recognition.models import Output, Project
from tests.conftest import client_for
from tests.factories import staff

from .conftest import paper

pytestmark = pytest.mark.django_db

GOOD = {
    "kind": "patent",
    "title": "Method for culturing organoids",
    "venue": "European Patent Office",
    "part": "named_author",
    "credit_roles": ["methodology", "investigation"],
    "doi": "",
    "other_identifier": "EP 4 123 456",
    "published_on": "2024-03-01",
    "project_names": "Organoid platform, Breast Cancer Now Toby Robins Centre",
}


def test_a_technician_records_a_patent_linked_to_two_projects(technician):
    response = client_for(technician).post(reverse("recognition:output_new"), GOOD)
    output = Output.objects.get()
    assert response.status_code == 302 and response.url == output.get_absolute_url()
    assert (output.kind, output.other_identifier, output.credit_roles) == (
        "patent",
        "EP 4 123 456",
        ["methodology", "investigation"],
    )
    assert sorted(p.name for p in output.projects.all()) == [
        "Breast Cancer Now Toby Robins Centre",
        "Organoid platform",
    ]
    page = client_for(technician).get(output.get_absolute_url()).content.decode()
    assert "Methodology, Investigation" in page and "Organoid platform" in page


def test_an_invalid_doi_is_refused_beside_the_field_and_nothing_is_saved(technician):
    response = client_for(technician).post(reverse("recognition:output_new"), {**GOOD, "doi": "10.12/abc"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "A DOI starts with 10., then a registrant number" in page
    assert not Output.objects.exists() and not Project.objects.exists()


def test_an_output_dated_in_the_future_is_refused_and_nothing_is_saved(technician):
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client_for(technician).post(
        reverse("recognition:output_new"), {**GOOD, "published_on": tomorrow.isoformat()}
    )
    assert "The date cannot be in the future" in response.content.decode()
    assert not Output.objects.exists() and not Project.objects.exists()


def test_a_doi_link_is_stored_as_the_doi_and_a_second_copy_is_refused(technician):
    client = client_for(technician)
    client.post(reverse("recognition:output_new"), {**GOOD, "kind": "paper", "doi": "https://doi.org/10.1038/ABC.123"})
    assert Output.objects.get().doi == "10.1038/abc.123"
    response = client.post(reverse("recognition:output_new"), {**GOOD, "doi": "doi:10.1038/abc.123"})
    assert "You already recorded this DOI: “Method for culturing organoids”." in response.content.decode()
    assert Output.objects.count() == 1


def test_only_the_owner_changes_an_output_their_manager_and_hr_see_it(technician, manager, hr, mentor):
    output = paper(technician)
    assert client_for(manager).get(output.get_absolute_url()).status_code == 200
    assert client_for(hr).get(output.get_absolute_url()).status_code == 200
    assert client_for(manager).get(reverse("recognition:output_edit", args=[output.pk])).status_code == 403
    assert client_for(mentor).get(output.get_absolute_url()).status_code == 404
    assert client_for(technician).post(reverse("recognition:output_delete", args=[output.pk])).status_code == 302
    assert not Output.objects.exists()


def test_the_outputs_list_shows_a_manager_their_reports_and_hr_everyone(
    institution, technician, manager, hr, so_family
):
    stranger = staff(institution, job_family=so_family)
    paper(technician, title="Mine to show")
    paper(stranger, title="Someone else's")
    managers_page = client_for(manager).get(reverse("recognition:outputs")).content.decode()
    hr_page = client_for(hr).get(reverse("recognition:outputs")).content.decode()
    assert "Mine to show" in managers_page and "Someone else&#x27;s" not in managers_page
    assert "Mine to show" in hr_page and "Someone else&#x27;s" in hr_page


def test_the_outputs_export_is_formula_safe(technician, hr):
    paper(technician, title="=HYPERLINK(1)")
    response = client_for(hr).get(reverse("recognition:outputs"), {"format": "csv"})
    body = b"".join(response.streaming_content).decode()
    assert "'=HYPERLINK(1)" in body
    xlsx = client_for(hr).get(reverse("recognition:outputs"), {"format": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_profile_shows_credited_outputs_and_not_uncredited_work(technician, manager):
    paper(technician, title="Named here", part="named_author", on=date(2023, 1, 1))
    paper(technician, title="Quietly helped", part="uncredited", on=date(2023, 2, 1))
    page = client_for(manager).get(technician.get_absolute_url()).content.decode()
    assert "Named here" in page and "Quietly helped" not in page


def test_the_pages_link_the_versioned_guidelines_with_their_last_review(institution, technician, programme_manager):
    from guidance import services as guidance_services

    page = guidance_services.ensure_page(
        institution=institution,
        slug="authorship-and-acknowledgement",
        title="Authorship and acknowledgement guidelines",
        body="Credit technical staff.",
        owner=programme_manager,
    )
    guidance_services.record_review(
        page=page, reviewed_on=date(2025, 9, 1), outcome="no_change", notes="Compared with the Crick's."
    )
    for url in (reverse("recognition:mine"), reverse("recognition:output_new"), reverse("recognition:cases")):
        html = client_for(technician).get(url).content.decode()
        assert '<a href="/guidance/authorship-and-acknowledgement/">' in html, url
        assert "last reviewed against peers on 1 September 2025" in html, url


def test_exporting_outputs_asks_to_confirm_it_is_you_and_is_audited(technician, hr):
    from core.models import AuditEvent

    paper(technician, title="A paper")
    stale = client_for(hr, reauthenticated=False).get(reverse("recognition:outputs"), {"format": "csv"})
    assert stale.status_code != 200 and not AuditEvent.objects.filter(kind="export").exists()
    fresh = client_for(hr).get(reverse("recognition:outputs"), {"format": "csv"})
    assert fresh.status_code == 200
    assert AuditEvent.objects.get(kind="export").action == "Exported outputs.csv"
