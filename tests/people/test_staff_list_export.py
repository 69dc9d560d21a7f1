"""HR's staff list download: everyone in post, in the staff import's own columns (so it can be edited
and imported back), streamed in one query whatever the size, behind reauthentication, audited,
and nobody else's."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from core.models import AuditEvent
from people import roles
from people.models import StaffProfile
from people.services_staff_import import TEMPLATE_HEADINGS
from tests.conftest import client_for
from tests.factories import staff

pytestmark = pytest.mark.django_db

URL = reverse("people:staff_list_csv")


def _rows(response):
    assert response.streaming, "the staff list must stream, not be built in memory"
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


def test_hr_downloads_everyone_in_post_in_the_import_s_columns(
    hr, technician, manager, outsider, division, so_family, institution
):
    StaffProfile.objects.filter(pk=technician.pk).update(
        staff_number="T0042", division=division, job_family=so_family, start_date=date(2019, 4, 1)
    )
    StaffProfile.objects.filter(pk=manager.pk).update(staff_number="M0007")
    left = staff(institution)
    StaffProfile.objects.filter(pk=left.pk).update(leaving_date=date(2020, 1, 31))
    rows = _rows(client_for(hr).get(URL))
    assert rows[0] == TEMPLATE_HEADINGS
    by_email = {row[2]: dict(zip(TEMPLATE_HEADINGS, row, strict=True)) for row in rows[1:]}
    assert by_email[technician.user.email] == {
        "staff_number": "T0042",
        "name": technician.user.get_full_name(),
        "email": technician.user.email,
        "division": division.name,
        "job_family": so_family.name,
        "grade": technician.grade.short_name,
        "line_manager_staff_number": "M0007",
        "start_date": "2019-04-01",
        "leaving_date": "",
        "contract_type": technician.contract_type,
    }
    assert outsider.user.email not in by_email  # another institution's
    assert left.user.email not in by_email  # a leaver is not in post
    download = AuditEvent.objects.get(kind="export", actor=hr.user)
    assert download.action.startswith(f"Exported staff-{institution.slug}-") and download.action.endswith(".csv")


def test_only_hr_downloads_it_and_only_after_confirming_it_is_them(hr, technician, manager, institution):
    programme_manager = staff(institution, groups=[roles.PROGRAMME_MANAGER])
    for person in (technician, manager, programme_manager):
        assert client_for(person).get(URL).status_code == 403
    assert "Download everyone in post" not in client_for(manager).get(reverse("people:directory")).text
    assert "Download everyone in post" in client_for(hr).get(reverse("people:directory")).text
    response = client_for(hr, reauthenticated=False).get(URL)
    assert response.status_code == 302 and "/reauthenticate/" in response["Location"]
    assert not AuditEvent.objects.filter(kind="export").exists()


@pytest.mark.parametrize("extra", [3, 40])
def test_the_download_runs_the_same_queries_however_many_staff(hr, institution, extra, django_assert_num_queries):
    for _ in range(extra):
        staff(institution)
    client = client_for(hr)
    client.get(reverse("people:directory"))  # the session and the viewer, read once
    with django_assert_num_queries(6):
        rows = _rows(client.get(URL))
    assert len(rows) == 1 + StaffProfile.objects.filter(institution=institution).count()
