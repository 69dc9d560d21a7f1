"""A learning system sends training completions: 1,000 at a time, each item answered, re-sending
adds nothing, and only the token's institution's people are ever touched."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from api import services
from api.models import TokenCall
from core.models import AuditEvent
from development.models import TrainingImport, TrainingRecord
from tests.factories import staff

from .conftest import api_client

pytestmark = pytest.mark.django_db

URL = reverse("api:training_completions")


def _batch(people, outsider):
    """1,000 completions over ten people, ten of them bad, each bad one with the reason expected."""
    items = []
    for n in range(1000):
        person = people[n % 10]
        items.append(
            {
                "external_id": f"moodle-{n}",
                "staff_number": person.staff_number,
                "course": f"Course {n}",
                "provider": "Moodle",
                "date": (date(2026, 1, 1) + timedelta(days=n % 300)).isoformat(),
                "hours": "1.5",
                "cpd_category": "formal",
            }
        )
    bad = {
        17: ({"staff_number": "NOBODY"}, "Unknown person"),
        101: ({"staff_number": "", "email": outsider.user.email}, "Unknown person"),  # another institution's
        202: ({"date": "31st of May"}, "Bad date"),
        303: ({"hours": "0"}, "Bad hours"),
        404: ({"hours": "lots"}, "Bad hours"),
        505: ({"course": ""}, "The course is blank"),
        606: ({"external_id": ""}, "The external id is blank"),
        707: ({"external_id": "moodle-1"}, "Duplicate: the external id moodle-1"),
        808: ({"cpd_category": "fun"}, "Unknown cpd category"),
        909: ({"date": (timezone.localdate() + timedelta(days=3)).isoformat()}, "in the future"),
    }
    for index, (change, _reason) in bad.items():
        items[index].update(change)
    return items, {index: reason for index, (_change, reason) in bad.items()}


@pytest.fixture
def ten_people(institution):
    return [staff(institution, staff_number=f"ICR{n:04d}") for n in range(10)]


def test_a_write_token_posts_1000_completions_990_created_and_10_named_by_item(
    write_training, ten_people, outsider, institution_admin
):
    _token, secret = write_training
    items, reasons = _batch(ten_people, outsider)
    response = api_client(secret).post(URL, {"completions": items}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["counts"] == {"created": 990, "unchanged": 0, "refused": 10}
    refused = {r["index"]: r for r in body["results"] if r["status"] == "refused"}
    assert set(refused) == set(reasons)
    for index, reason in reasons.items():
        assert any(reason in error for error in refused[index]["errors"]), (index, refused[index])
    assert TrainingRecord.objects.count() == 990
    record = TrainingRecord.objects.get(external_id="moodle-3")
    assert record.person == ten_people[3] and record.title == "Course 3" and record.provider == "Moodle"
    assert record.source == TrainingRecord.Source.LEARNING_SYSTEM and record.hours == 1.5
    assert body["results"][3] == {
        "index": 3,
        "external_id": "moodle-3",
        "status": "created",
        "record_id": record.pk,
        "errors": [],
    }
    assert not TrainingRecord.objects.filter(person=outsider).exists()
    # Kept as an import batch HR sees beside the uploaded files, and audited in the creator's name.
    batch = TrainingImport.objects.get()
    assert batch.imported_count == 990 and len(batch.bad_rows) == 10 and "Moodle" in batch.original_name
    event = AuditEvent.objects.get(kind="import")
    assert event.actor == institution_admin.user and "990 added" in event.detail and "10 refused" in event.detail


def test_posting_the_same_batch_again_creates_nothing(write_training, ten_people, outsider):
    _token, secret = write_training
    items, _reasons = _batch(ten_people, outsider)
    client = api_client(secret)
    first = client.post(URL, {"completions": items}, format="json").json()
    again = client.post(URL, {"completions": items}, format="json").json()
    assert again["counts"] == {"created": 0, "unchanged": 990, "refused": 10}
    assert TrainingRecord.objects.count() == 990
    assert TrainingImport.objects.count() == 1  # a call that writes nothing adds no batch
    ids = {r["external_id"]: r["record_id"] for r in first["results"] if r["status"] == "created"}
    assert all(ids[r["external_id"]] == r["record_id"] for r in again["results"] if r["status"] == "unchanged")


def test_a_read_token_cannot_write(read_figures, ten_people, outsider):
    _token, secret = read_figures
    items, _reasons = _batch(ten_people, outsider)
    response = api_client(secret).post(URL, {"completions": items[:5]}, format="json")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 403 and "may not write training records" in problem["detail"]
    assert TrainingRecord.objects.count() == 0


def test_a_revoked_token_is_refused(write_training, ten_people, outsider, institution_admin):
    token, secret = write_training
    services.token_revoke(token=token, by=institution_admin.user)
    items, _reasons = _batch(ten_people, outsider)
    response = api_client(secret).post(URL, {"completions": items[:5]}, format="json")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert "revoked" in response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert TrainingRecord.objects.count() == 0


def test_no_token_a_wrong_one_or_a_tampered_one_is_refused(write_training):
    _token, secret = write_training
    for client in (api_client(), api_client("tc_00000000_guess"), api_client(secret[:-1] + "x")):
        response = client.post(URL, {"completions": []}, format="json")
        assert response.status_code == 401 and response.json()["title"] == "A valid service token is needed"


def test_another_institutions_token_never_touches_this_institutions_people(
    make_token, ten_people, other_institution, outsider
):
    outsider.staff_number = "ICR0001"  # the same staff number at another institution
    outsider.save()
    _token, secret = make_token("write_training", name="Crick Moodle", institution_=other_institution, by=outsider)
    item = {"external_id": "x1", "staff_number": "ICR0001", "course": "C", "date": "2026-01-05", "hours": "2"}
    other = {**item, "external_id": "x2", "staff_number": "", "email": ten_people[2].user.email}
    body = api_client(secret).post(URL, {"completions": [item, other]}, format="json").json()
    assert [r["status"] for r in body["results"]] == ["created", "refused"]
    assert TrainingRecord.objects.get().person == outsider
    assert not TrainingRecord.objects.filter(person__in=ten_people).exists()


def test_an_envelope_that_is_not_a_batch_is_a_problem_naming_the_field(write_training):
    _token, secret = write_training
    client = api_client(secret)
    response = client.post(URL, {"completions": "many"}, format="json")
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    assert "completions" in response.json()["errors"]
    response = client.post(URL, {"completions": [{}] * 1001}, format="json")
    assert response.status_code == 400 and "1000" in str(response.json()["errors"]["completions"])


def test_a_body_over_the_limit_is_refused_before_it_is_read(write_training, settings):
    settings.API_MAX_BODY = 1000
    _token, secret = write_training
    response = api_client(secret).post(URL, {"completions": [{"course": "x" * 2000}]}, format="json")
    assert response.status_code == 413 and response["Content-Type"] == "application/problem+json"
    assert "the limit is 1,000" in response.json()["detail"]


def test_calls_beyond_the_rate_limit_get_429_with_retry_after(write_training, read_figures, settings):
    settings.API_RATE_LIMIT = "3/min"
    _token, secret = write_training
    client = api_client(secret)
    statuses = [client.get(reverse("api:token_info")).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get(reverse("api:token_info"))
    assert refused["Content-Type"] == "application/problem+json" and int(refused["Retry-After"]) > 0
    # Counted per token: another token is not held back.
    assert api_client(read_figures[1]).get(reverse("api:token_info")).status_code == 200


def test_every_call_is_logged_against_its_token_and_marks_it_used(write_training, ten_people, outsider):
    token, secret = write_training
    items, _reasons = _batch(ten_people, outsider)
    api_client(secret).post(URL, {"completions": items[:20]}, format="json")
    api_client(secret).get(reverse("api:opportunities"))  # not in its scopes: refused, still logged
    calls = list(TokenCall.objects.order_by("pk").values_list("method", "status", "items"))
    assert calls == [("POST", 200, 20), ("GET", 403, 0)]
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_body_over_the_portals_own_limit_is_a_problem_too(write_training, settings):
    settings.MAX_REQUEST_SIZE = 500  # the portal-wide cap (core.limits), before any view
    _token, secret = write_training
    response = api_client(secret).post(URL, {"completions": [{"course": "x" * 600}]}, format="json")
    assert response.status_code == 413 and response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 413


def test_hr_sees_the_learning_systems_batch_among_the_imports(write_training, ten_people, outsider, hr):
    from tests.conftest import client_for

    _token, secret = write_training
    items, _reasons = _batch(ten_people, outsider)
    api_client(secret).post(URL, {"completions": items[:30]}, format="json")
    batch = TrainingImport.objects.get()
    page = client_for(hr).get(reverse("development:import", args=[batch.pk])).content.decode()
    assert "Learning system (API token “Moodle”" in page and "Course 17" in page and "Unknown person" in page


@pytest.mark.parametrize("count", [10, 500])
def test_a_batch_costs_the_same_queries_whatever_its_size(
    write_training, ten_people, outsider, count, django_assert_max_num_queries
):
    _token, secret = write_training
    items, _reasons = _batch(ten_people, outsider)
    client = api_client(secret)
    with django_assert_max_num_queries(25):
        response = client.post(URL, {"completions": items[:count]}, format="json")
    assert response.status_code == 200
