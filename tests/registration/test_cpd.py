"""The CPD check against the registers' standards, on hand-made records, and the CPD page and
audit pack that show it to the person."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from registration import cpd
from registration.models import CpdDeclaration
from tests.conftest import client_for
from tests.registration.conftest import record

BENEFITS = SimpleNamespace(
    benefit_to_practice="I now validate each new antibody panel myself.",
    benefit_to_users="Researchers get their sorted cells a day sooner.",
    plan="Learn spectral unmixing.",
)


def activities(*categories, reflection="Learnt X; I use it for Y."):
    return [cpd.Activity(title=f"{c} course", category=c, reflection=reflection) for c in categories]


def test_two_categories_do_not_meet_the_science_council_standard():
    verdict = cpd.check(cpd.SCIENCE, activities("work_based", "formal", "formal"), BENEFITS)
    assert verdict.met is False
    assert verdict.categories == ("Work-based learning", "Formal or educational")
    assert verdict.missing == (
        "Your activities cover 2 of the 5 categories; the standard asks for at least 3. Add activities in "
        "Professional activity or Self-directed learning.",
    )


def test_three_categories_with_reflections_and_both_benefits_meet_it():
    verdict = cpd.check(cpd.SCIENCE, activities("work_based", "formal", "self_directed"), BENEFITS)
    assert (verdict.met, verdict.missing) == (True, ())
    assert verdict.summary == "Your record meets the standard."


def test_an_activity_without_a_reflection_is_named_and_the_record_is_not_met():
    acts = activities("work_based", "formal") + activities("self_directed", reflection=" ")
    verdict = cpd.check(cpd.SCIENCE, acts, BENEFITS)
    assert verdict.met is False
    assert verdict.missing == ("Add a reflection (what you learnt and how you use it) to “self_directed course”.",)


def test_the_benefits_to_practice_and_to_users_are_asked_for_in_words():
    verdict = cpd.check(cpd.SCIENCE, activities("work_based", "formal", "other"), None)
    assert verdict.missing == (
        "Say how your CPD benefited the quality of your practice.",
        "Say how your CPD benefited the users of your work.",
    )


def test_the_engineering_council_code_asks_for_a_reflection_an_evaluation_and_a_plan_not_three_categories():
    met = cpd.check(cpd.ENGINEERING, activities("work_based"), BENEFITS)
    assert (met.met, met.missing) == (True, ())
    unplanned = cpd.check(cpd.ENGINEERING, activities("work_based"), SimpleNamespace(benefit_to_practice="x", plan=""))
    assert unplanned.missing == ("Write your plan for next year's development.",)


def test_no_activity_at_all_is_said_first():
    verdict = cpd.check(cpd.SCIENCE, [], BENEFITS)
    assert verdict.missing == ("No CPD activities are recorded in the last 12 months: log your training and learning.",)


@pytest.mark.django_db
def test_the_cpd_page_shows_what_is_missing_then_declares_the_year(technician):
    record(technician, "work_based")
    record(technician, "formal")
    record(technician, "professional", days_ago=400)  # older than 12 months: not counted
    client = client_for(technician)
    page = client.get(reverse("registration:cpd")).content.decode()
    assert "Your activities cover 2 of the 5 categories" in page
    assert "Say how your CPD benefited the users of your work." in page

    record(technician, "self_directed")
    response = client.post(
        reverse("registration:cpd"),
        {
            "benefit_to_practice": BENEFITS.benefit_to_practice,
            "benefit_to_users": BENEFITS.benefit_to_users,
            "plan": "",
            "declare": "on",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Your record meets the standard." in page
    declaration = CpdDeclaration.objects.get(person=technician)
    assert declaration.declared_on is not None
    assert declaration.benefit_to_users == BENEFITS.benefit_to_users


@pytest.mark.django_db
def test_the_audit_pack_is_a_pdf_of_the_12_months_with_the_verdict(technician):
    from tests.actionplan.test_reports_and_reminders import _pdf_text

    record(technician, "work_based", title="Confocal refresher")
    response = client_for(technician).get(reverse("registration:audit_pack"))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = _pdf_text(response.content)
    assert "CPD audit pack" in text
    assert "Confocal refresher" in text
    assert "Missing" in text
