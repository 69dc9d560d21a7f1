"""Capability frameworks from a file: refused whole with the line named, loaded once, versioned."""

from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from pathways import services
from pathways.frameworks import FrameworkRefused
from pathways.models import Capability, FrameworkVersion, Indicator
from tests.conftest import client_for
from tests.pathways.conftest import DEMO_FILE, rows_of

pytestmark = pytest.mark.django_db


def _counts():
    return FrameworkVersion.objects.count(), Capability.objects.count(), Indicator.objects.count()


def test_the_demo_framework_loads_with_its_bands_capabilities_and_indicators(institution, so_family, framework_text):
    version, created = services.framework_load(institution=institution, rows=rows_of(framework_text), file_name="f.csv")
    assert created and version.number == 1
    assert [b.level for b in version.bands.all()] == [1, 2, 3, 4, 5]
    assert version.capabilities.count() == 6
    assert Indicator.objects.filter(capability__version=version).count() == 30
    assert version.capabilities.get(code="TEACH").indicators.get(level=3).text.startswith("Plans and runs training")


def test_loading_the_same_file_again_changes_nothing(institution, so_family, framework_text):
    first, _ = services.framework_load(institution=institution, rows=rows_of(framework_text), file_name="f.csv")
    before = _counts()
    again, created = services.framework_load(
        institution=institution, rows=rows_of(framework_text.replace("\n", "\r\n")), file_name="copy.csv"
    )
    assert not created and again == first
    assert _counts() == before


def test_a_changed_file_is_a_new_version(institution, so_family, framework_text):
    services.framework_load(institution=institution, rows=rows_of(framework_text), file_name="f.csv")
    changed = framework_text.replace("Carries out routine procedures", "Carries out set procedures")
    version, created = services.framework_load(institution=institution, rows=rows_of(changed), file_name="f2.csv")
    assert created and version.number == 2
    assert FrameworkVersion.objects.filter(framework=version.framework).count() == 2


def test_a_bad_level_refuses_the_whole_file_naming_the_line(institution, so_family, framework_text):
    lines = framework_text.splitlines()
    lines[20] = "indicator,TECH,,9,A level no band has,"  # line 21 of the file
    with pytest.raises(FrameworkRefused) as refusal:
        services.framework_load(institution=institution, rows=rows_of("\n".join(lines)), file_name="bad.csv")
    assert any(
        problem.startswith("Line 21: level “9” is not one of the framework's bands")
        for problem in refusal.value.problems
    )
    assert _counts() == (0, 0, 0)


def test_a_band_off_the_institutions_grade_levels_is_refused(institution, so_family, framework_text):
    bad = framework_text.replace("band,,Strategic,5,,", "band,,Strategic,7,,")
    with pytest.raises(FrameworkRefused) as refusal:
        services.framework_load(institution=institution, rows=rows_of(bad), file_name="bad.csv")
    assert "Line 7: level 7 is not a grade level of this institution (its grades have levels 1, 2, 3, 4, 5)." in (
        refusal.value.problems
    )
    assert _counts() == (0, 0, 0)


def test_an_unknown_capability_refuses_the_whole_file_naming_the_line(institution, so_family, framework_text):
    bad = framework_text + "indicator,ZEST,,2,Something undeclared,\n"
    with pytest.raises(FrameworkRefused) as refusal:
        services.framework_load(institution=institution, rows=rows_of(bad), file_name="bad.csv")
    assert refusal.value.problems == ["Line 44: the capability “ZEST” is not declared in this file."]
    assert _counts() == (0, 0, 0)


def test_the_command_loads_a_file_and_reports_an_unchanged_one(institution, so_family, tmp_path):
    out = StringIO()
    call_command("load_capability_framework", "icr", str(DEMO_FILE), stdout=out)
    call_command("load_capability_framework", "icr", str(DEMO_FILE), stdout=out)
    assert "Loaded TechCareers demo capability framework, version 1." in out.getvalue()
    assert "Unchanged: the file is the same as TechCareers demo capability framework, version 1." in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_text(DEMO_FILE.read_text().replace("indicator,LEAD,,5", "indicator,LEDA,,5"))
    with pytest.raises(CommandError, match="Line 43: the capability “LEDA” is not declared"):
        call_command("load_capability_framework", "icr", str(bad), stdout=out)
    assert FrameworkVersion.objects.count() == 1


def test_a_programme_manager_uploads_a_framework_and_sees_each_bad_line(institution, so_family, programme_manager):
    client = client_for(programme_manager)
    bad = DEMO_FILE.read_bytes().replace(b"indicator,DATA,,3", b"indicator,DATA,,three")
    response = client.post(reverse("pathways:framework_upload"), {"file": SimpleUploadedFile("bad.csv", bad)})
    page = response.content.decode()
    assert "The file was refused whole" in page and "There is a problem" in page
    assert "Line 26: level “three” is not one of the framework&#x27;s bands" in page
    assert FrameworkVersion.objects.count() == 0
    response = client.post(
        reverse("pathways:framework_upload"), {"file": SimpleUploadedFile("good.csv", DEMO_FILE.read_bytes())}
    )
    version = FrameworkVersion.objects.get()
    assert response.url == reverse("pathways:framework", args=[version.pk])
    assert "Leadership and planning" in client.get(response.url).content.decode()


def test_a_technician_may_not_upload_a_framework(technician):
    response = client_for(technician).get(reverse("pathways:framework_upload"))
    assert response.status_code == 403
    assert "Only programme managers edit career pathways" in response.content.decode()
