from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import Count

from people.models import StaffProfile, User


def _row_counts():
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label not in ("sessions", "admin")
    }


@pytest.mark.django_db
def test_seed_demo_creates_the_seed_institution_and_running_it_again_changes_nothing(
    django_capture_on_commit_callbacks,
):
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=out)
    first = _row_counts()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=StringIO())
    assert _row_counts() == first

    icr = StaffProfile.objects.filter(institution__slug="icr").staff()  # not the unconfirmed sign-up
    assert icr.count() == 450
    shares = dict(icr.values_list("job_family__name").annotate(n=Count("pk")))
    assert shares == {
        "Scientific Officer": 248,
        "Research Management": 130,
        "Analytical Scientists": 50,
        "Biological Services Unit": 22,
    }
    for email in [
        "technician@icr.ac.uk",
        "manager@icr.ac.uk",
        "mentor@icr.ac.uk",
        "programmes@icr.ac.uk",
        "hr@icr.ac.uk",
        "admin@icr.ac.uk",
        "partner@crick.ac.uk",
    ]:
        assert User.objects.get(email=email).check_password("techcareers-demo"), email
        assert email in out.getvalue()
    assert User.objects.get(email="technician@icr.ac.uk").profile.line_manager.user.email == "manager@icr.ac.uk"
