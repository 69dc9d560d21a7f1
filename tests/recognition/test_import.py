"""Import from ORCID (public API and export file) and from a DOI at Crossref, on recorded answers.

Done when: a technician imports from a recorded ORCID response with 50 works, 3 duplicates and 2
broken entries: 45 works in, the 2 errors reported, nothing added on a second import; the DOI
link and the ORCID link work.
"""

import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count
from django.urls import reverse

from recognition import clients, services
from recognition.models import ImportRun, Kind, Output, Source
from tests.conftest import client_for

from .conftest import NUMPY_DOI, ORCID, RECORDINGS, recording

pytestmark = pytest.mark.django_db


def test_the_client_refuses_the_network_in_tests():
    with pytest.raises(clients.NetworkRefused):
        clients.fetch_json(f"{clients.ORCID_API}/{ORCID}/works")


def test_the_recording_has_50_works_3_listed_twice_and_2_broken():
    groups = recording(f"orcid_works_{ORCID}.json")["group"]
    assert len(groups) == 50
    dois = [
        e["external-id-value"].lower().removeprefix("https://doi.org/").removeprefix("doi:")
        for g in groups
        for e in g["work-summary"][0]["external-ids"]["external-id"]
        if e["external-id-type"] == "doi"
    ]
    assert len(dois) - len(set(dois)) == 3


def test_an_orcid_import_adds_45_works_reports_2_and_a_second_import_adds_nothing(orcid_technician, recorded_network):
    client = client_for(orcid_technician)
    response = client.post(reverse("recognition:import_orcid"))
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response.url == reverse("recognition:import_run", args=[run.pk])
    assert (run.added, run.merged, len(run.problems)) == (45, 3, 2)
    assert Output.objects.filter(person=orcid_technician).count() == 45
    page = client.get(response.url).content.decode()
    assert "Work 21: it has no title." in page
    assert (
        "Work 41 (“Automated colony counting for clonogenic assays”): "
        "its DOI “ISBN 978-1-4028-9462-6” is not a valid DOI." in page
    )

    again = services.outputs_import_orcid(person=orcid_technician)
    assert (again.added, again.merged, len(again.problems)) == (0, 48, 2)
    assert Output.objects.filter(person=orcid_technician).count() == 45
    assert recorded_network == [f"{clients.ORCID_API}/{ORCID}/works"] * 2


def test_imported_works_keep_their_kind_date_journal_and_identifiers(orcid_technician, recorded_network):
    services.outputs_import_orcid(person=orcid_technician)
    kinds = dict(Output.objects.filter(person=orcid_technician).values_list("kind").annotate(n=Count("pk")))
    assert kinds == {Kind.PAPER: 40, Kind.PREPRINT: 2, Kind.PATENT: 1, Kind.DATASET: 1, Kind.SOFTWARE: 1}
    patent = Output.objects.get(kind=Kind.PATENT)
    assert (patent.doi, patent.other_identifier) == ("", "PAT: GB2601009A")
    first = recording(f"orcid_works_{ORCID}.json")["group"][0]["work-summary"][0]
    output = Output.objects.get(orcid_put_code=first["put-code"])
    assert output.title == first["title"]["title"]["value"]
    assert output.doi == first["external-ids"]["external-id"][0]["external-id-value"].lower()
    assert output.venue == first["journal-title"]["value"]
    assert output.source == Source.ORCID


def test_the_doi_link_and_the_orcid_link_work(orcid_technician, recorded_network, manager):
    services.outputs_import_orcid(person=orcid_technician)
    output = Output.objects.exclude(doi="").order_by("pk").first()
    page = client_for(orcid_technician).get(reverse("recognition:mine")).content.decode()
    assert f'href="https://doi.org/{output.doi}"' in page
    assert f'href="https://orcid.org/{ORCID}"' in page
    profile = client_for(manager).get(orcid_technician.get_absolute_url()).content.decode()
    assert f'<a href="https://orcid.org/{ORCID}" rel="noopener">https://orcid.org/{ORCID}</a>' in profile
    assert f'href="https://doi.org/{output.doi}"' in profile
    assert output.title in profile


def test_an_orcid_export_file_imports_the_same_works(orcid_technician):
    upload = SimpleUploadedFile(
        "works.json", (RECORDINGS / f"orcid_works_{ORCID}.json").read_bytes(), content_type="application/json"
    )
    response = client_for(orcid_technician).post(reverse("recognition:import_file"), {"file": upload})
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert (run.source, run.reference, run.added, run.merged, len(run.problems)) == (
        Source.ORCID_FILE,
        "works.json",
        45,
        3,
        2,
    )


def test_a_whole_record_export_is_read_too(orcid_technician):
    record = {
        "orcid-identifier": {"path": ORCID},
        "activities-summary": {"works": recording(f"orcid_works_{ORCID}.json")},
    }
    upload = SimpleUploadedFile("record.json", json.dumps(record).encode())
    run = services.outputs_import_orcid_file(person=orcid_technician, upload=upload)
    assert run.added == 45


def test_a_file_that_is_not_orcid_json_is_refused_beside_the_field(technician):
    upload = SimpleUploadedFile("works.json", b"\x89PNG not json")
    response = client_for(technician).post(reverse("recognition:import_file"), {"file": upload})
    assert response.status_code == 200
    assert "The file is not an ORCID JSON file." in response.content.decode()
    assert not ImportRun.objects.exists() and not Output.objects.exists()


def test_an_oversized_file_is_refused_before_it_is_read(technician):
    class Huge(io.BytesIO):
        size = services.ORCID_FILE_MAX_BYTES + 1
        name = "huge.json"

    with pytest.raises(ValidationError) as refused:
        services.outputs_import_orcid_file(person=technician, upload=Huge(b"{}"))
    assert refused.value.message_dict == {"file": ["The file is larger than 5 MB."]}


def test_without_an_orcid_id_the_import_says_what_to_do(technician, recorded_network):
    response = client_for(technician).post(reverse("recognition:import_orcid"), follow=True)
    assert "Add your ORCID iD to your profile first." in response.content.decode()
    assert recorded_network == []


def test_a_doi_is_looked_up_at_crossref(technician, recorded_network):
    response = client_for(technician).post(
        reverse("recognition:import_doi"), {"doi": f"https://doi.org/{NUMPY_DOI}", "part": "acknowledged"}
    )
    output = Output.objects.get()
    assert response.status_code == 302 and response.url == reverse("recognition:output_edit", args=[output.pk])
    assert (output.title, output.venue, output.doi, str(output.published_on), output.part, output.source) == (
        "Array programming with NumPy",
        "Nature",
        NUMPY_DOI,
        "2020-09-16",
        "acknowledged",
        Source.CROSSREF,
    )
    again = client_for(technician).post(
        reverse("recognition:import_doi"), {"doi": NUMPY_DOI.upper(), "part": "named_author"}
    )
    assert "You already recorded this DOI: “Array programming with NumPy”." in again.content.decode()
    assert Output.objects.count() == 1


def test_the_client_asks_only_orcid_and_crossref_with_the_id_quoted_into_the_path(monkeypatch):
    asked = []
    monkeypatch.setattr(clients, "fetch_json", asked.append)
    clients.crossref_work("10.1/x?@evil.example/../#")
    clients.orcid_works("0000-0002-1825-0097/../../evil")
    assert asked == [
        "https://api.crossref.org/works/10.1%2Fx%3F%40evil.example%2F..%2F%23",
        "https://pub.orcid.org/v3.0/0000-0002-1825-0097%2F..%2F..%2Fevil/works",
    ]
