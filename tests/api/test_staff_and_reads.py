"""The HR system's staff changes (the staff import's rules and history), and what the intranet
reads: the bulletin as JSON and Atom, the plan's measures, the reports' figures as their pages."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from api.models import Scope
from people.models import CareerEvent, StaffProfile
from programmes.models import BulletinPost
from tests.conftest import client_for
from tests.development.conftest import make_record
from tests.factories import staff

from .conftest import api_client

pytestmark = pytest.mark.django_db


def _person(number, **fields):
    return {
        "staff_number": number,
        "name": f"Person {number}",
        "email": f"{number.lower()}@icr.ac.uk",
        "division": "Cancer Biology",
        "job_family": "Scientific Officer",
        "grade": "HSO",
        "start_date": "2024-02-01",
        **fields,
    }


def test_an_hr_system_sends_staff_through_the_staff_imports_rules_and_history(
    make_token, technician, manager, outsider, institution_admin
):
    technician.staff_number = "T100"
    technician.save()
    outsider.staff_number = "N1"
    outsider.save()
    _token, secret = make_token(Scope.WRITE_STAFF, name="HR system")
    people = [
        _person("N1", line_manager_staff_number=""),  # new here (another institution's N1 is not touched)
        _person("T100", name=str(technician), email=technician.user.email, grade="SSO"),  # promoted
        _person("B1", grade="Professor"),
    ]
    response = api_client(secret).post(reverse("api:staff_changes"), {"people": people}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["counts"] == {"new": 1, "change": 1, "same": 0, "refused": 1}
    assert "Unknown grade" in body["results"][2]["errors"][0]
    technician.refresh_from_db()
    assert technician.grade.short_name == "SSO"
    event = CareerEvent.objects.filter(person=technician).latest("pk")
    assert event.grade.short_name == "SSO" and event.recorded_by == institution_admin.user
    new = StaffProfile.objects.get(staff_number="N1", institution=technician.institution)
    assert body["results"][0]["profile_id"] == new.pk
    outsider.refresh_from_db()
    assert outsider.grade_id is None and outsider.user.email.endswith("crick.ac.uk")
    # Sent again: nothing changes.
    again = api_client(secret).post(reverse("api:staff_changes"), {"people": people}, format="json").json()
    assert again["counts"] == {"new": 0, "change": 0, "same": 2, "refused": 1}


def test_one_person_is_put_by_staff_number_and_a_refusal_is_a_422_problem(make_token, technician):
    _token, secret = make_token(Scope.WRITE_STAFF, name="HR system")
    url = reverse("api:staff_person", args=["P7"])
    ok = api_client(secret).put(url, _person("ignored"), format="json")
    assert ok.status_code == 200 and ok.json()["status"] == "new"
    refused = api_client(secret).put(url, _person("ignored", division="Atlantis"), format="json")
    assert refused.status_code == 422 and refused["Content-Type"] == "application/problem+json"
    assert "Unknown division" in refused.json()["detail"]


def test_a_training_token_cannot_change_staff(write_training, technician):
    response = api_client(write_training[1]).post(
        reverse("api:staff_changes"), {"people": [_person("Z1")]}, format="json"
    )
    assert response.status_code == 403
    assert not StaffProfile.objects.filter(staff_number="Z1").exists()


def _posts(institution, count):
    today = timezone.localdate()
    BulletinPost.objects.bulk_create(
        BulletinPost(
            institution=institution,
            title=f"Post {n:03d}",
            summary="For technicians",
            url="https://example.org/",
            provider="Aurora",
            deadline=today + timedelta(days=n + 1),
        )
        for n in range(count)
    )


def test_the_opportunities_are_the_institutions_bulletin_a_page_at_a_time(read_figures, institution, other_institution):
    _posts(institution, 7)
    BulletinPost.objects.create(
        institution=other_institution, title="Crick only", summary="s", url="https://example.org/", provider="x"
    )
    client = api_client(read_figures[1])
    first = client.get(reverse("api:opportunities"), {"page_size": 5}).json()
    assert [o["title"] for o in first["results"]] == [f"Post {n:03d}" for n in range(5)]
    assert "/programmes/bulletin/go/" in first["results"][0]["link"] and "via=intranet" in first["results"][0]["link"]
    second = client.get(first["next"]).json()
    assert [o["title"] for o in second["results"]] == ["Post 005", "Post 006"] and second["next"] is None
    bad = client.get(reverse("api:opportunities"), {"cursor": "made-up"})
    assert bad.status_code == 400 and "cursor" in bad.json()["errors"]


def test_the_intranet_reads_the_bulletin_as_atom(read_figures, institution):
    _posts(institution, 2)
    response = api_client(read_figures[1]).get(reverse("api:opportunities_atom"), HTTP_ACCEPT="application/atom+xml")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    feed = response.content.decode()
    assert "<title>ICR opportunities bulletin</title>" in feed and "Post 000" in feed and "via=intranet" in feed


@pytest.mark.parametrize("count", [3, 30])
def test_the_opportunities_keep_their_query_count_as_posts_grow(
    read_figures, institution, count, django_assert_max_num_queries
):
    _posts(institution, count)
    client = api_client(read_figures[1])
    with django_assert_max_num_queries(14):
        assert client.get(reverse("api:opportunities")).status_code == 200


def test_the_measures_of_a_published_plan_have_their_method_and_status(read_figures, plan, technician):
    client = api_client(read_figures[1])
    assert client.get(reverse("api:plans")).json() == []  # a draft is not served
    assert client.get(reverse("api:measures", args=[plan.pk])).status_code == 404
    plan.published = True
    plan.save()
    [listed] = client.get(reverse("api:plans")).json()
    assert listed["id"] == plan.pk
    results, url = [], listed["measures"]
    while url:
        page = client.get(url).json()
        results += page["results"]
        url = page["next"]
    assert len(results) == plan.items.aggregate(n=Count("measures"))["n"]
    assert all(
        m["status"] in {"met", "on_track", "behind", "no_data"} and m["method"] for m in results if m["computed"]
    )
    assert {m["action"] for m in results} >= {"1G", "1F"}


@pytest.mark.parametrize("people", [5, 25])
def test_the_measures_keep_their_query_count_as_staff_grow(
    read_figures, plan, institution, people, django_assert_max_num_queries
):
    plan.published = True
    plan.save()
    for _ in range(people):
        staff(institution)
    client = api_client(read_figures[1])
    with django_assert_max_num_queries(60):
        assert client.get(reverse("api:measures", args=[plan.pk])).status_code == 200


def test_the_report_figures_are_the_report_pages_with_suppression(data_set, read_figures, hr):
    page = client_for(hr).get(reverse("reports:report", args=["training"]), {"year": 2026})
    shown_on_page = [
        (table.caption, row.label, [figure.shown for figure in row.figures])
        for table in page.context["result"].tables
        for row in table.rows
    ]
    body = api_client(read_figures[1]).get(reverse("api:report", args=["training"]), {"year": 2026}).json()
    served = [(t["caption"], r["label"], [f["shown"] for f in r["figures"]]) for t in body["tables"] for r in t["rows"]]
    assert served == shown_on_page
    figures = [f for t in body["tables"] for r in t["rows"] for f in r["figures"]]
    hidden = [f for f in figures if f["hidden"]]
    assert hidden and all(f["value"] is None and f["shown"] for f in hidden)  # suppressed, said in words


def test_the_catalogue_lists_the_reports_but_not_the_equality_pipeline(read_figures):
    client = api_client(read_figures[1])
    keys = [r["key"] for r in client.get(reverse("api:reports")).json()]
    assert "training" in keys and "equality-pipeline" not in keys
    assert client.get(reverse("api:report", args=["equality-pipeline"])).status_code == 404
    bad = client.get(reverse("api:report", args=["training"]), {"year": "1066"})
    assert bad.status_code == 400 and "year" in bad.json()["errors"]


def test_the_openapi_schema_is_generated_valid_and_served_with_documentation(tmp_path, client):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    schema = client.get(reverse("api:schema"), {"format": "json"}).json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/training-completions/", "/api/v1/staff-changes/", "/api/v1/opportunities.atom"} <= set(
        schema["paths"]
    )
    assert schema["components"]["securitySchemes"]["serviceToken"]["scheme"] == "bearer"
    docs = client.get(reverse("api:docs")).content.decode()
    assert "POST /api/v1/training-completions/" in docs and "problem+json" in docs


@pytest.mark.parametrize("records", [2, 20])
def test_the_catalogue_and_a_report_keep_their_query_count(
    read_figures, technician, records, django_assert_max_num_queries
):
    for n in range(records):
        make_record(technician, on=timezone.localdate() - timedelta(days=n), hours="2", title=f"Course {n}")
    client = api_client(read_figures[1])
    with django_assert_max_num_queries(20):
        assert client.get(reverse("api:reports")).status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get(reverse("api:report", args=["training"])).status_code == 200


def test_the_intranet_lists_what_a_staff_member_sees_on_the_bulletin_page(read_figures, institution, technician):
    _posts(institution, 4)
    page = client_for(technician).get(reverse("programmes:bulletin"))
    on_page = [opportunity.key for opportunity, _clicks in page.context["opportunities"]]
    served = [o["key"] for o in api_client(read_figures[1]).get(reverse("api:opportunities")).json()["results"]]
    assert served == on_page and len(served) == 4
