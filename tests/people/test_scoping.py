"""People's institution data is scoped: outside a scope a query raises, inside one only that
institution's rows exist; sign-up, the beat job and the demo enter their scope themselves."""

import pytest
from django.test import Client
from django_scopes import scope

from core.tenancy import ScopeError, in_institution
from people.models import Division, EmailDomain, Grade, Institution, JobFamily, StaffProfile, User
from people.sections import ProfileSection, profile_section, sections_for
from tests.factories import DivisionFactory, staff

SCOPED = [Division, JobFamily, Grade, StaffProfile]


@pytest.mark.parametrize("model", SCOPED, ids=lambda model: model.__name__)
def test_an_unscoped_query_of_people_data_raises(model):
    with scope(), pytest.raises(ScopeError):  # a fresh context: no institution entered
        list(model.objects.all())


def test_institutions_email_domains_and_accounts_are_readable_before_anyone_has_a_scope(institution):
    with scope():
        assert Institution.objects.filter(pk=institution.pk).exists()
        assert EmailDomain.institution_for_email("ada@icr.ac.uk") == institution
        assert User.objects.count() == 0


def test_inside_a_scope_another_institutions_staff_data_is_invisible(technician, outsider, division):
    foreign_division = DivisionFactory(institution=outsider.institution)
    with in_institution(technician.institution):
        assert not StaffProfile.objects.filter(pk=outsider.pk).exists()
        assert StaffProfile.objects.filter(pk=technician.pk).exists()
        assert list(Division.objects.all()) == [division]
        assert not Division.objects.filter(pk=foreign_division.pk).exists()
        assert not Grade.objects.filter(job_family__institution=outsider.institution).exists()
        assert set(JobFamily.objects.values_list("institution", flat=True)) == {technician.institution_id}


def test_signing_up_creates_the_staff_record_in_the_new_persons_institution(institution):
    response = Client().post(
        "/accounts/signup/",
        {
            "first_name": "Ada",
            "last_name": "Lovelace",
            "email": "ada@icr.ac.uk",
            "password1": "a-long-Passphrase-2026",
            "password2": "a-long-Passphrase-2026",
        },
    )
    assert response.status_code == 302
    with in_institution(institution):
        assert StaffProfile.objects.get(user__email="ada@icr.ac.uk").institution == institution


def test_the_welcome_job_run_outside_any_scope_welcomes_every_institutions_starters(
    institution, other_institution, so_family, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from notifications.models import Notification
    from people.tasks import send_welcome_messages

    today = timezone.localdate()
    mine = staff(institution, job_family=so_family, grade=so_family.grades.get(short_name="SO"), start_date=today)
    other_family = JobFamily.objects.create(institution=other_institution, name="SO")
    so_elsewhere = Grade.objects.create(
        job_family=other_family, name="SO", short_name="SO", level=2, welcome_new_starters=True
    )
    theirs = staff(other_institution, job_family=other_family, grade=so_elsewhere, start_date=today - timedelta(days=3))
    with scope(), django_capture_on_commit_callbacks(execute=True):  # as beat runs it: no scope at all
        assert send_welcome_messages() == 2
    sent = Notification.objects.filter(kind="people.welcome", status="sent")
    assert set(sent.values_list("recipient", "institution")) == {
        (mine.user_id, institution.pk),
        (theirs.user_id, other_institution.pk),
    }


def test_a_registered_profile_section_appears_on_the_profile_page(technician, manager):
    from tests.conftest import client_for

    @profile_section("tests.badges", order=99)
    def badges(profile):
        return ProfileSection(title="Badges", items=[f"Badge of {profile.user.first_name}"])

    try:
        page = client_for(manager).get(f"/staff/{technician.pk}/").content.decode()
        assert '<h2 class="h5 mt-4">Badges</h2>' in page
        assert f"Badge of {technician.user.first_name}" in page
    finally:
        from people import sections

        sections._sections.pop("tests.badges")


def test_a_profile_section_with_nothing_to_show_is_left_out(technician):
    @profile_section("tests.empty")
    def empty(profile):
        return ProfileSection(title="Nothing", items=[])

    try:
        assert all(section.title != "Nothing" for section in sections_for(technician))
    finally:
        from people import sections

        sections._sections.pop("tests.empty")
