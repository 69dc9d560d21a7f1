"""HR's staff import: every row checked, nothing written before HR confirms, then the good rows at once."""

import io
from datetime import date, timedelta

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from notifications.models import Notification
from people.models import CareerEvent, Division, StaffImport, StaffProfile, User
from surveys import services as survey_services
from surveys import tasks as survey_tasks
from surveys.models import Survey
from tests.conftest import client_for
from tests.factories import DivisionFactory, staff
from tests.surveys.conftest import make_survey

pytestmark = pytest.mark.django_db

HEADER = (
    "staff_number,name,email,division,job_family,grade,line_manager_staff_number,start_date,leaving_date,contract_type"
)

# Twenty rows, two of each problem, with the reason the page must give.
BAD = [
    ("B01", "Bad Division", "b01@icr.ac.uk", "Nowhere", "HSO", "", "Unknown division"),
    ("B02", "Bad Division", "b02@icr.ac.uk", "Atlantis", "HSO", "", "Unknown division"),
    ("B03", "Bad Grade", "b03@icr.ac.uk", "Cancer Biology", "XYZ", "", "Unknown grade"),
    ("B04", "Bad Grade", "b04@icr.ac.uk", "Cancer Biology", "Professor", "", "Unknown grade"),
    ("B05", "No Manager", "b05@icr.ac.uk", "Cancer Biology", "HSO", "ZZ999", "Manager not found"),
    ("B06", "No Manager", "b06@icr.ac.uk", "Cancer Biology", "HSO", "ZZ998", "Manager not found"),
    ("B07", "Loop One", "b07@icr.ac.uk", "Cancer Biology", "HSO", "B08", "Management loop"),
    ("B08", "Loop Two", "b08@icr.ac.uk", "Cancer Biology", "HSO", "B07", "Management loop"),
    ("T0001", "Same Number", "b09@icr.ac.uk", "Cancer Biology", "HSO", "", "Duplicate staff number"),
    ("T0002", "Same Number", "b10@icr.ac.uk", "Cancer Biology", "HSO", "", "Duplicate staff number"),
    ("B11", "Same Mail", "t0003@icr.ac.uk", "Cancer Biology", "HSO", "", "Duplicate e-mail"),
    ("B12", "Same Mail", "t0004@icr.ac.uk", "Cancer Biology", "HSO", "", "Duplicate e-mail"),
    ("B13", "Gmail Person", "b13@gmail.com", "Cancer Biology", "HSO", "", "outside the institution's domains"),
    ("B14", "Crick Person", "b14@crick.ac.uk", "Cancer Biology", "HSO", "", "outside the institution's domains"),
    ("B15", "Backwards", "b15@icr.ac.uk", "Cancer Biology", "HSO", "", "Dates in the wrong order"),
    ("B16", "Backwards", "b16@icr.ac.uk", "Cancer Biology", "HSO", "", "Dates in the wrong order"),
    ("B17", '=HYPERLINK("http://evil.example","Click")', "b17@icr.ac.uk", "Cancer Biology", "HSO", "", "Formula cell"),
    ("B18", "Formula Person", "b18@icr.ac.uk", "@SUM(A1:A2)", "HSO", "", "Formula cell"),
    ("B19", "Bad Date", "b19@icr.ac.uk", "Cancer Biology", "HSO", "", "Bad start date"),
    ("B20", "Bad Contract", "b20@icr.ac.uk", "Cancer Biology", "HSO", "", "Unknown contract type"),
]


def _good_rows(count):
    """`count` good people: ten managers (SSO), the rest HSOs reporting to them; T0999 leaves."""
    rows = []
    for n in range(1, count + 1):
        number = f"T{n:04d}"
        manager = "" if n <= 10 else f"T{(n % 10) + 1:04d}"
        grade = "SSO" if n <= 10 else "HSO"
        leaving = (timezone.localdate() + timedelta(days=20)).isoformat() if n == 999 else ""
        contract = "Fixed-term" if n % 7 == 0 else "Open-ended"
        rows.append(
            f"{number},Person{n} Tester,t{n:04d}@icr.ac.uk,Cancer Biology,Scientific Officer,{grade},{manager},"
            f"2020-01-{(n % 28) + 1:02d},{leaving},{contract}"
        )
    return rows


def _bad_rows():
    rows = []
    for number, name, email, division, grade, manager, _reason in BAD:
        start, leaving, contract = "2021-05-01", "", "Open-ended"
        if "Backwards" in name:
            start, leaving = "2024-06-01", "2023-01-01"
        if name == "Bad Date":
            start = "31st of May"
        if name == "Bad Contract":
            contract = "Zero hours"
        name = f'"{name.replace(chr(34), chr(34) * 2)}"'
        rows.append(
            f"{number},{name},{email},{division},Scientific Officer,{grade},{manager},{start},{leaving},{contract}"
        )
    return rows


def thousand_row_file():
    """980 good rows with the 20 bad ones spread through them (one every 49 rows)."""
    good, bad = _good_rows(980), _bad_rows()
    rows = []
    for i, row in enumerate(good):
        rows.append(row)
        if i % 49 == 48 and bad:
            rows.append(bad.pop(0))
    rows.extend(bad)
    return ("\n".join([HEADER, *rows]) + "\n").encode()


@pytest.fixture
def hr_client(hr, division, so_family):
    return client_for(hr)


def upload(client, content, capture, name="staff.csv"):
    with capture(execute=True):
        return client.post(reverse("people:import_upload"), {"file": SimpleUploadedFile(name, content)})


def confirm(client, batch, capture, invite=False):
    with capture(execute=True):
        return client.post(reverse("people:import_confirm", args=[batch.pk]), {"invite": "on"} if invite else {})


def test_a_thousand_rows_with_twenty_bad_report_exactly_those_and_write_nothing_until_confirmed(
    hr_client, hr, django_capture_on_commit_callbacks
):
    people_before = StaffProfile.objects.count()
    upload(hr_client, thousand_row_file(), django_capture_on_commit_callbacks)
    batch = StaffImport.objects.get()
    assert batch.stage == "checked" and batch.total_rows == 1000
    assert (batch.bad_count, batch.good_count, batch.new_count) == (20, 980, 980)

    assert batch.rows.bad().count() == 20
    for number, _name, email, *_rest, reason in BAD:
        row = batch.rows.bad().get(data__email=email)
        assert any(reason in error for error in row.errors), (number, row.errors)
    # Nothing about staff is written by the check.
    assert StaffProfile.objects.count() == people_before
    assert not User.objects.filter(email__startswith="t0").exists()

    page = hr_client.get(batch.get_absolute_url()).content.decode()
    assert "980 good rows" in page and "20 bad rows" in page
    assert "Unknown division: “Nowhere”" in page and "Management loop" in page
    assert page.count("<tr>") >= 21  # the header and the twenty bad rows, each with its reason

    confirm(hr_client, batch, django_capture_on_commit_callbacks)
    batch.refresh_from_db()
    assert batch.stage == "imported" and batch.written_rows == 980
    assert StaffProfile.objects.count() == people_before + 980
    assert not StaffProfile.objects.filter(staff_number__startswith="B").exists()
    person = StaffProfile.objects.select_related("grade", "line_manager", "division").get(staff_number="T0011")
    assert person.grade.short_name == "HSO" and person.line_manager.staff_number == "T0002"
    assert person.division.name == "Cancer Biology" and person.start_date == date(2020, 1, 12)
    assert person.user.get_full_name() == "Person11 Tester"
    joined = CareerEvent.objects.get(person=person)
    assert joined.cause == "joined" and joined.effective_date == date(2020, 1, 12)
    assert joined.line_manager_id == person.line_manager_id and joined.recorded_by == hr.user
    assert person.history.get().history_user == hr.user  # created once, with the line manager
    # Nobody was e-mailed: HR did not tick "invite".
    assert not Notification.objects.filter(kind="people.staff_invited").exists()
    assert AuditEvent.objects.filter(kind="import", action__startswith="Imported the staff list").count() == 1


def test_importing_the_same_file_again_changes_nothing(hr_client, django_capture_on_commit_callbacks):
    content = thousand_row_file()
    upload(hr_client, content, django_capture_on_commit_callbacks)
    confirm(hr_client, StaffImport.objects.get(), django_capture_on_commit_callbacks)
    counts = (StaffProfile.objects.count(), CareerEvent.objects.count(), StaffProfile.history.count())

    upload(hr_client, content, django_capture_on_commit_callbacks)
    again = StaffImport.objects.latest("pk")
    assert (again.new_count, again.changed_count, again.unchanged_count, again.bad_count) == (0, 0, 980, 20)
    confirm(hr_client, again, django_capture_on_commit_callbacks)
    again.refresh_from_db()
    assert again.stage == "imported" and again.written_rows == 0
    assert (StaffProfile.objects.count(), CareerEvent.objects.count(), StaffProfile.history.count()) == counts


def test_a_changed_grade_and_a_new_leaving_date_land_in_career_history_and_bring_the_leaver_questionnaire(
    hr_client, institution, hr, django_capture_on_commit_callbacks
):
    lines = _good_rows(12)
    upload(hr_client, ("\n".join([HEADER, *lines]) + "\n").encode(), django_capture_on_commit_callbacks)
    confirm(hr_client, StaffImport.objects.get(), django_capture_on_commit_callbacks)
    leaving = timezone.localdate() + timedelta(days=30)
    lines[10] = lines[10].replace(",HSO,", ",SSO,")  # T0011 promoted
    lines[11] = lines[11].replace(",Open-ended", "").rstrip(",") + f",{leaving.isoformat()},Open-ended"
    upload(hr_client, ("\n".join([HEADER, *lines]) + "\n").encode(), django_capture_on_commit_callbacks)
    batch = StaffImport.objects.latest("pk")
    assert (batch.changed_count, batch.unchanged_count, batch.bad_count) == (2, 10, 0)
    confirm(hr_client, batch, django_capture_on_commit_callbacks)

    promoted = StaffProfile.objects.get(staff_number="T0011")
    assert promoted.grade.short_name == "SSO"
    change = CareerEvent.objects.filter(person=promoted).latest("pk")
    assert change.cause == "import" and change.effective_date == timezone.localdate()
    assert change.grade == promoted.grade and change.recorded_by == hr.user
    leaver = StaffProfile.objects.get(staff_number="T0012")
    left = CareerEvent.objects.filter(person=leaver).latest("pk")
    assert leaver.leaving_date == leaving and (left.cause, left.effective_date) == ("left", leaving)
    # The leaver questionnaire's daily job (surveys, above people) finds the new leaving date.
    questionnaire = make_survey(
        institution, kind=Survey.Kind.LEAVER, audience=Survey.Audience.LEAVERS, standing=True, title="Leaving"
    )
    survey_services.survey_publish(survey=questionnaire, invite=False)
    with django_capture_on_commit_callbacks(execute=True):
        survey_tasks.send_survey_invitations.delay()
    assert list(questionnaire.invitations.values_list("person", flat=True)) == [leaver.pk]


def test_hr_may_invite_the_new_staff_once(hr_client, django_capture_on_commit_callbacks):
    upload(hr_client, ("\n".join([HEADER, *_good_rows(3)]) + "\n").encode(), django_capture_on_commit_callbacks)
    confirm(hr_client, StaffImport.objects.get(), django_capture_on_commit_callbacks, invite=True)
    invited = Notification.objects.filter(kind="people.staff_invited")
    assert sorted(invited.values_list("recipient__email", flat=True)) == [
        "t0001@icr.ac.uk",
        "t0002@icr.ac.uk",
        "t0003@icr.ac.uk",
    ]


def test_an_xlsx_formula_cell_is_neutralised_not_evaluated(hr_client, django_capture_on_commit_callbacks):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    sheet.append(["X1", "Good Person", "x1@icr.ac.uk", "Cancer Biology", "Scientific Officer", "HSO", "", "2020-01-01"])
    sheet.append(
        [
            "X2",
            '=HYPERLINK("http://evil.example","Click")',
            "x2@icr.ac.uk",
            "Cancer Biology",
            "Scientific Officer",
            "HSO",
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload(hr_client, buffer.getvalue(), django_capture_on_commit_callbacks, name="staff.xlsx")
    batch = StaffImport.objects.get()
    assert (batch.good_count, batch.bad_count) == (1, 1)
    row = batch.rows.bad().get()
    assert row.data["name"].startswith("'=HYPERLINK") and "Formula cell in name" in row.errors[0]
    page = hr_client.get(batch.get_absolute_url()).content.decode()
    assert "&#x27;=HYPERLINK" in page


def test_only_hr_may_import_and_another_institutions_import_is_not_found(
    hr_client, technician, outsider, other_institution, django_capture_on_commit_callbacks
):
    assert client_for(technician).get(reverse("people:import_upload")).status_code == 403
    upload(hr_client, ("\n".join([HEADER, *_good_rows(2)]) + "\n").encode(), django_capture_on_commit_callbacks)
    batch = StaffImport.objects.get()
    response = client_for(technician).post(reverse("people:import_confirm", args=[batch.pk]))
    assert response.status_code == 403 and not StaffProfile.objects.filter(staff_number="T0001").exists()
    other_hr = staff(other_institution, groups=["HR"])
    assert client_for(other_hr).get(batch.get_absolute_url()).status_code == 404


def test_the_result_page_pins_its_queries_at_two_sizes(
    hr_client, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    for size in (5, 200):
        bad = [f"Q{n},Bad Division,q{n}@icr.ac.uk,Nowhere,Scientific Officer,HSO,,," for n in range(size)]
        upload(hr_client, ("\n".join([HEADER, *bad]) + "\n").encode(), django_capture_on_commit_callbacks)
        batch = StaffImport.objects.latest("pk")
        with django_assert_max_num_queries(12):
            assert "Unknown division" in hr_client.get(batch.get_absolute_url()).content.decode()


def test_an_unknown_division_stays_unknown_until_it_exists(hr_client, institution, django_capture_on_commit_callbacks):
    DivisionFactory(institution=institution, name="Structural Biology")
    row = "D1,Dee Vision,d1@icr.ac.uk,structural biology,Scientific Officer,hso,,,,"
    upload(hr_client, f"{HEADER}\n{row}\n".encode(), django_capture_on_commit_callbacks)
    batch = StaffImport.objects.get()
    assert batch.good_count == 1  # names match without regard to case
    confirm(hr_client, batch, django_capture_on_commit_callbacks)
    assert StaffProfile.objects.get(staff_number="D1").division == Division.objects.get(name="Structural Biology")


def test_the_upload_page_lists_recent_imports_with_the_same_queries_at_two_sizes(
    hr_client, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    for size in (1, 10):
        while StaffImport.objects.count() < size:
            upload(hr_client, f"{HEADER}\n".encode(), django_capture_on_commit_callbacks)
        with django_assert_max_num_queries(9):
            page = hr_client.get(reverse("people:import_upload")).content.decode()
        assert page.count("Could not be imported") == size  # a file without rows: its reason is on its page


def test_a_record_without_a_staff_number_is_matched_by_e_mail_and_a_loop_through_the_database_is_refused(
    hr_client, institution, division, so_family, manager, technician, django_capture_on_commit_callbacks
):
    """The manager has no staff number yet; the file gives them M1 and names N9 as their manager.
    N9 reports to X, and X to the manager: M1 → N9 → X → M1 would be a loop."""
    x = staff(institution, division=division, job_family=so_family, line_manager=manager)
    staff(institution, staff_number="N9", division=division, job_family=so_family, line_manager=x)
    where = "Cancer Biology,Scientific Officer"
    rows = [
        f"M1,{manager.user.get_full_name()},{manager.user.email},{where},SSO,N9,,,",
        f"T1,{technician.user.get_full_name()},{technician.user.email},{where},HSO,,,,",
    ]
    upload(hr_client, ("\n".join([HEADER, *rows]) + "\n").encode(), django_capture_on_commit_callbacks)
    batch = StaffImport.objects.get()
    assert "Management loop" in " ".join(batch.rows.get(staff_number="M1").errors)
    technician_row = batch.rows.get(staff_number="T1")
    assert technician_row.action == "change" and technician_row.profile == technician
    assert set(technician_row.data["changes"]) >= {"staff_number", "line_manager"}
    confirm(hr_client, batch, django_capture_on_commit_callbacks)
    technician.refresh_from_db()
    assert technician.staff_number == "T1" and technician.line_manager is None  # the file says no manager
    assert CareerEvent.objects.filter(person=technician).latest("pk").line_manager is None
