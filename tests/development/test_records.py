from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from development.models import AllowanceOverride, AllowancePolicy, GuidanceVersion, TrainingRecord
from development.selectors import allowance_for
from tests.conftest import client_for
from tests.factories import staff

from .conftest import PDF, PNG, make_record, make_request

pytestmark = pytest.mark.django_db


def record_form(**overrides):
    return {
        "title": "Python for biologists (webinar series)",
        "activity_type": "self_directed",
        "delivery": "external",
        "provider": "Software Carpentry",
        "date": (timezone.localdate() - timedelta(days=3)).isoformat(),
        "days": "0.5",
        "hours": "4",
        "cpd_category": "self_directed",
        "reflection": "Automated my image analysis.",
        "value_rating": "4",
        **overrides,
    }


def test_technician_logs_training_without_a_request_with_a_png_certificate(technician):
    evidence = SimpleUploadedFile("anything.txt", PNG, content_type="text/plain")
    response = client_for(technician).post(
        reverse("development:record_create"), {**record_form(), "evidence": evidence}
    )
    record = TrainingRecord.objects.get(person=technician)
    assert response.status_code == 302
    assert record.source == TrainingRecord.Source.LOGGED and record.cpd_category == "self_directed"
    assert record.evidence_type == "image/png" and record.evidence.name.endswith(".png")
    assert "anything" not in record.evidence.name  # stored under a random name


def test_evidence_whose_content_is_not_pdf_or_image_is_refused_whatever_its_name(technician):
    fake = SimpleUploadedFile("certificate.pdf", b"MZ\x90\x00 this is a program", content_type="application/pdf")
    response = client_for(technician).post(reverse("development:record_create"), {**record_form(), "evidence": fake})
    assert "must be a PDF, PNG or JPEG" in response.context["form"].errors["evidence"][0]
    assert not TrainingRecord.objects.exists()


def test_evidence_over_5_mb_is_refused(technician):
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (5 * 1024 * 1024), content_type="application/pdf")
    response = client_for(technician).post(reverse("development:record_create"), {**record_form(), "evidence": big})
    assert "the limit is 5 MB" in response.context["form"].errors["evidence"][0]
    assert not TrainingRecord.objects.exists()


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"hours": "0"}, "hours"),
        ({"hours": "-2"}, "hours"),
        ({"days": "0.25"}, "days"),
        ({"date": "31/02/2026"}, "date"),
    ],
)
def test_bad_record_is_refused_and_nothing_saved(technician, overrides, field):
    response = client_for(technician).post(reverse("development:record_create"), record_form(**overrides))
    assert field in response.context["form"].errors
    assert not TrainingRecord.objects.exists()


def test_evidence_downloads_for_owner_manager_and_hr_only(technician, manager, hr, institution, outsider):
    record = make_record(technician, on=timezone.localdate())
    record.evidence.save("x.pdf", SimpleUploadedFile("x.pdf", PDF), save=False)
    record.evidence_type = "application/pdf"
    record.save()
    url = reverse("development:record_evidence", args=[record.pk])
    for person in (technician, manager, hr):
        response = client_for(person).get(url)
        assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
        assert response["Content-Type"] == "application/pdf"
    assert client_for(staff(institution)).get(url).status_code == 404
    assert client_for(outsider).get(url).status_code == 404


def test_record_page_allows_the_owner_and_hides_from_the_outsider(technician, outsider):
    record = make_record(technician, on=timezone.localdate(), reflection="Great hands-on session.")
    assert "Great hands-on session." in client_for(technician).get(record.get_absolute_url()).content.decode()
    assert client_for(outsider).get(record.get_absolute_url()).status_code == 404


def test_technician_exports_only_their_own_records_as_streamed_csv(technician, institution):
    make_record(technician, on=timezone.localdate(), title="Flow cytometry basics", hours="2.5")
    make_record(staff(institution), on=timezone.localdate(), title="Someone else's course")
    response = client_for(technician).get(reverse("development:records_export"))
    body = b"".join(response.streaming_content).decode()
    assert response["Content-Type"].startswith("text/csv")
    assert "Flow cytometry basics" in body and "Formal or educational" in body and "2.50" in body
    assert "Someone else's course" not in body


def test_allowance_uses_a_grade_override_and_counts_used_and_approved_days(technician, so_family, institution):
    policy = AllowancePolicy.objects.create(institution=institution, minimum_days=Decimal("5"))
    AllowanceOverride.objects.create(policy=policy, job_family=so_family, minimum_days=Decimal("5.5"))
    AllowanceOverride.objects.create(policy=policy, grade=technician.grade, minimum_days=Decimal("6"))
    today = timezone.localdate()
    make_record(technician, on=today, days="1.5")
    make_request(technician, start=today + timedelta(days=1), days="2", state="approved")
    make_request(technician, start=today + timedelta(days=5), days="1", state="submitted")
    allowance = allowance_for(technician, today=today)
    assert (allowance.minimum, allowance.used, allowance.approved, allowance.left) == (
        Decimal("6"),
        Decimal("1.5"),
        Decimal("2"),
        Decimal("2.5"),
    )


def test_allowance_year_bounds_for_academic_and_leave_years(institution):
    from datetime import date

    academic = AllowancePolicy(institution=institution, minimum_days=5, year_type="academic")
    assert academic.year_bounds(2025) == (date(2025, 8, 1), date(2026, 7, 31))
    assert academic.year_containing(date(2026, 3, 1)) == 2025 and academic.year_label(2025) == "2025/26"
    leave = AllowancePolicy(institution=institution, minimum_days=5, year_type="leave", leave_year_start_month=4)
    assert leave.year_bounds(2026) == (date(2026, 4, 1), date(2027, 3, 31))
    calendar = AllowancePolicy(institution=institution, minimum_days=5)
    assert calendar.year_bounds(2026) == (date(2026, 1, 1), date(2026, 12, 31))


def test_expected_pace_is_the_minimum_pro_rata_to_the_half_day(technician, policy):
    from datetime import date

    allowance = allowance_for(technician, year=2026, today=date(2026, 7, 2))  # 183 of 365 days
    assert allowance.expected == Decimal("2.5") and allowance.below_pace
    make_record(technician, on=date(2026, 3, 1), days="3")
    assert not allowance_for(technician, year=2026, today=date(2026, 7, 2)).below_pace


def test_guidance_shows_the_current_version_and_keeps_the_history(technician, institution):
    today = timezone.localdate()
    GuidanceVersion.objects.create(
        institution=institution,
        audience="staff",
        title="Guidance 2025",
        effective_from=today - timedelta(days=400),
        body="Old.",
    )
    GuidanceVersion.objects.create(
        institution=institution,
        audience="staff",
        title="Guidance 2026",
        effective_from=today - timedelta(days=30),
        body="Current.",
    )
    GuidanceVersion.objects.create(
        institution=institution,
        audience="staff",
        title="Guidance 2027",
        effective_from=today + timedelta(days=30),
        body="Future.",
    )
    response = client_for(technician).get(reverse("development:guidance"))
    assert response.context["staff_guidance"].title == "Guidance 2026"
    assert response.context["manager_guidance"] is None
    page = response.content.decode()
    assert "Guidance 2025" in page and "Current." in page and "Old." not in page


def test_guidance_is_published_by_programme_managers_not_technicians(technician, programme_manager, outsider):
    data = {
        "audience": "managers",
        "title": "Supporting development days",
        "effective_from": "2026-01-05",
        "body": "Say yes.",
    }
    assert client_for(technician).post(reverse("development:guidance_create"), data).status_code == 403
    response = client_for(programme_manager).post(reverse("development:guidance_create"), data)
    version = GuidanceVersion.objects.get()
    assert response.status_code == 302 and version.created_by == programme_manager.user
    assert client_for(outsider).get(version.get_absolute_url()).status_code == 404
    assert "Say yes." in client_for(technician).get(version.get_absolute_url()).content.decode()


@pytest.mark.parametrize("size", [5, 30])
def test_my_development_page_and_dashboard_queries_do_not_grow_with_the_records(
    size, technician, policy, django_assert_max_num_queries
):
    today = timezone.localdate()
    for n in range(size):
        make_record(technician, on=today - timedelta(days=n))
        make_request(technician, start=today + timedelta(days=2 * n + 1), state="approved")
    client = client_for(technician)
    with django_assert_max_num_queries(17):  # 16 + one for the exchange records
        response = client.get(reverse("development:mine"))
    assert len(response.context["requests"]) == size
    assert len(response.context["records"]) == min(size, 25) and response.context["records"].paginator.count == size
    # Every app's panels: the celebrations feed (2), promotions (2), registration and apprenticeships included.
    with django_assert_max_num_queries(35):
        home = client.get("/")
    # Approved days count in the allowance year they start in (a calendar year here).
    this_year = sum(1 for n in range(size) if (today + timedelta(days=2 * n + 1)).year == today.year)
    assert f'data-testid="days-approved">{this_year}<' in home.content.decode()


def policy_form(**overrides):
    data = {
        "minimum_days": "5",
        "year_type": "academic",
        "leave_year_start_month": "4",
        "under_representation_margin": "25",
        "remind_mid_year": "on",
        "overrides-TOTAL_FORMS": "1",
        "overrides-INITIAL_FORMS": "0",
        "overrides-MIN_NUM_FORMS": "0",
        "overrides-MAX_NUM_FORMS": "1000",
        "overrides-0-grade": "",
        "overrides-0-job_family": "",
        "overrides-0-minimum_days": "",
    }
    return {**data, **overrides}


def test_hr_sets_the_policy_with_a_grade_override(hr, so_family):
    apprentice = so_family.grades.get(short_name="APP")
    response = client_for(hr).post(
        reverse("development:policy"),
        policy_form(**{"overrides-0-grade": apprentice.pk, "overrides-0-minimum_days": "6"}),
    )
    assert response.status_code == 302
    policy = AllowancePolicy.objects.get(institution=hr.institution)
    assert (policy.minimum_days, policy.year_type, policy.under_representation_margin) == (5, "academic", 25)
    assert [(o.grade, o.minimum_days) for o in policy.overrides.all()] == [(apprentice, 6)]


def test_override_naming_both_a_grade_and_a_family_is_refused_and_nothing_saved(hr, so_family):
    response = client_for(hr).post(
        reverse("development:policy"),
        policy_form(
            **{
                "overrides-0-grade": so_family.grades.first().pk,
                "overrides-0-job_family": so_family.pk,
                "overrides-0-minimum_days": "6",
            }
        ),
    )
    assert "either a grade or a job family" in response.content.decode()
    assert not AllowancePolicy.objects.exists()


def test_policy_override_cannot_name_another_institutions_grade(hr, outsider):
    from tests.factories import GradeFactory, JobFamilyFactory

    their_grade = GradeFactory(job_family=JobFamilyFactory(institution=outsider.institution))
    response = client_for(hr).post(
        reverse("development:policy"),
        policy_form(**{"overrides-0-grade": their_grade.pk, "overrides-0-minimum_days": "6"}),
    )
    assert response.status_code == 200 and not AllowancePolicy.objects.exists()


def test_only_hr_and_administrators_set_the_policy(technician, programme_manager, outsider):
    for person in (technician, programme_manager, outsider):
        assert client_for(person).post(reverse("development:policy"), policy_form()).status_code == 403
    assert not AllowancePolicy.objects.exists()


def test_technician_adds_evidence_to_a_record_later_and_the_old_file_goes(
    technician, django_capture_on_commit_callbacks
):
    record = make_record(technician, on=timezone.localdate(), source=TrainingRecord.Source.IMPORTED)
    url = reverse("development:record_edit", args=[record.pk])
    data = {"hours": "3", "cpd_category": "formal", "reflection": "Refresher was useful.", "value_rating": "4"}
    client_for(technician).post(url, {**data, "evidence": SimpleUploadedFile("a.pdf", PDF)})
    record.refresh_from_db()
    first = record.evidence.name
    assert record.evidence_type == "application/pdf" and record.reflection == "Refresher was useful."
    with django_capture_on_commit_callbacks(execute=True):
        client_for(technician).post(url, {**data, "evidence": SimpleUploadedFile("b.png", PNG)})
    record.refresh_from_db()
    assert record.evidence_type == "image/png" and record.evidence.name != first
    assert not record.evidence.storage.exists(first)


def test_an_imported_records_course_and_date_cannot_be_changed_by_the_technician(technician):
    from development import services

    record = make_record(technician, on=timezone.localdate(), source=TrainingRecord.Source.IMPORTED)
    with pytest.raises(services.ValidationError):
        services.training_record_update(record=record, by=technician.user, title="Something else")
    record.refresh_from_db()
    assert record.title == "Laboratory safety"


def test_only_the_owner_changes_or_deletes_a_logged_record(technician, manager, outsider):
    record = make_record(technician, on=timezone.localdate())
    assert client_for(manager).get(reverse("development:record_edit", args=[record.pk])).status_code == 403
    assert client_for(outsider).post(reverse("development:record_delete", args=[record.pk])).status_code == 404
    assert client_for(manager).post(reverse("development:record_delete", args=[record.pk])).status_code == 403
    assert TrainingRecord.objects.filter(pk=record.pk).exists()
    client_for(technician).post(reverse("development:record_delete", args=[record.pk]))
    assert not TrainingRecord.objects.exists()


def test_a_record_from_a_request_cannot_be_deleted(technician):
    record = make_record(technician, on=timezone.localdate(), source=TrainingRecord.Source.REQUEST)
    assert client_for(technician).post(reverse("development:record_delete", args=[record.pk])).status_code == 403
    assert TrainingRecord.objects.filter(pk=record.pk).exists()


def test_guidance_page_shows_only_the_viewers_institutions_guidance(technician, outsider, institution):
    GuidanceVersion.objects.create(
        institution=institution, audience="staff", title="ICR guidance", effective_from=timezone.localdate(), body="x"
    )
    assert "ICR guidance" in client_for(technician).get(reverse("development:guidance")).content.decode()
    page = client_for(outsider).get(reverse("development:guidance")).content.decode()
    assert "ICR guidance" not in page and "No guidance for staff has been published yet." in page


def test_my_page_lists_cpd_hours_in_all_five_categories_for_the_last_twelve_months(technician):
    today = timezone.localdate()
    make_record(technician, on=today, hours="3", cpd_category="formal")
    make_record(technician, on=today - timedelta(days=10), hours="1.5", cpd_category="formal")
    make_record(technician, on=today, hours="2", cpd_category="work_based")
    make_record(technician, on=today - timedelta(days=400), hours="50", cpd_category="other")
    response = client_for(technician).get(reverse("development:mine"))
    assert response.context["cpd"] == [
        ("Work-based learning", Decimal("2.00")),
        ("Professional activity", Decimal("0.00")),
        ("Formal or educational", Decimal("4.50")),
        ("Self-directed learning", Decimal("0.00")),
        ("Other", Decimal("0.00")),
    ]
    assert "Formal or educational: <strong>4.5</strong>" in response.content.decode()
