"""Suggested mentors: ranked by `matching.rank` (tested alone), and never the mentee's own line
manager, themselves, a full or unavailable mentor, or another institution's staff unless partner
mentoring is on at both."""

from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from core.tenancy import in_institution, in_institutions
from mentoring import matching, selectors, services
from mentoring.models import MentoringSettings, Purpose
from tests.factories import GradeFactory, JobFamilyFactory, staff
from tests.mentoring.conftest import grade, make_mentor, request_and_accept


class _Person(SimpleNamespace):
    def __str__(self):
        return self.name


def _mentor(pk, family, level, name, free=1):
    person = _Person(
        pk=pk,
        job_family_id=family,
        job_family=SimpleNamespace(name=f"Family {family}"),
        grade=None if level is None else SimpleNamespace(level=level, short_name=f"L{level}"),
        name=name,
    )
    return SimpleNamespace(pk=pk, person=person, free_places=free)


def test_rank_puts_the_same_family_one_level_up_first_then_further_up_then_other_families():
    mentee = SimpleNamespace(job_family_id=1, grade=SimpleNamespace(level=3))
    other_family_next = _mentor(1, 2, 4, "Ann")
    same_family_two_up = _mentor(2, 1, 5, "Bob")
    same_family_next = _mentor(3, 1, 4, "Cat")
    no_grade = _mentor(4, 2, None, "Dan")
    ranked = matching.rank(mentee, [no_grade, other_family_next, same_family_two_up, same_family_next])
    assert [s.mentor.person.name for s in ranked] == ["Cat", "Bob", "Ann", "Dan"]
    assert [s.score for s in ranked] == [16, 15, 6, 0]
    assert ranked[0].reasons == ("Also in Family 1", "One grade above yours (L4): the step you are aiming for")


def test_rank_breaks_ties_by_free_places_then_name():
    mentee = SimpleNamespace(job_family_id=1, grade=SimpleNamespace(level=3))
    ranked = matching.rank(
        mentee, [_mentor(1, 1, 4, "Zed", free=1), _mentor(2, 1, 4, "Amy", free=1), _mentor(3, 1, 4, "Max", free=2)]
    )
    assert [s.mentor.person.name for s in ranked] == ["Max", "Amy", "Zed"]


def test_a_later_signal_can_be_added_without_touching_the_others():
    mentee = SimpleNamespace(job_family_id=1, grade=SimpleNamespace(level=3))
    a, b = _mentor(1, 1, 4, "Ann"), _mentor(2, 1, 4, "Bob")

    def promoted_recently(_mentee, mentor):
        return (20, "Promoted to this grade last year") if mentor.pk == 2 else None

    ranked = matching.rank(mentee, [a, b], signals=(*matching.SIGNALS, promoted_recently))
    assert ranked[0].mentor is b and "Promoted to this grade last year" in ranked[0].reasons


def _suggest(mentee, purpose=Purpose.PROMOTION):
    with in_institutions(selectors.mentoring_institution_ids(mentee.institution)):
        return [s.mentor.person for s in selectors.suggested_mentors(mentee=mentee, purpose=purpose)]


@pytest.mark.django_db
def test_the_line_manager_is_never_suggested_even_as_the_best_match(technician, manager, senior_mentor):
    make_mentor(manager, purposes=[Purpose.PROMOTION])  # same family, one level up: the best score
    suggested = _suggest(technician)
    assert manager not in suggested
    assert suggested == [senior_mentor.person]


@pytest.mark.django_db
def test_asking_the_line_manager_directly_is_refused(technician, manager):
    profile = make_mentor(manager, purposes=[Purpose.PROMOTION])
    with pytest.raises(ValidationError, match="line manager"):
        services.relationship_request(
            mentee=technician, mentor=profile, purpose=Purpose.PROMOTION, hopes="x", by=technician.user
        )


@pytest.mark.django_db
def test_another_institutions_mentors_are_not_suggested_unless_both_share_mentoring(
    institution, other_institution, technician, senior_mentor
):
    family = JobFamilyFactory(institution=other_institution, name="Scientific Officer")
    pso = GradeFactory(job_family=family, level=5, short_name="PSO")
    crick_mentor = make_mentor(staff(other_institution, job_family=family, grade=pso))
    institution.partners.add(other_institution)
    assert crick_mentor.person not in _suggest(technician)

    MentoringSettings.objects.create(institution=institution, partner_mentoring=True)
    assert crick_mentor.person not in _suggest(technician)  # the partner has not switched it on

    MentoringSettings.objects.create(institution=other_institution, partner_mentoring=True)
    assert _suggest(technician) == [senior_mentor.person, crick_mentor.person]


@pytest.mark.django_db
def test_a_non_partner_institution_is_never_suggested_even_with_sharing_on(
    institution, other_institution, technician, senior_mentor
):
    make_mentor(staff(other_institution))
    for inst in (institution, other_institution):
        MentoringSettings.objects.create(institution=inst, partner_mentoring=True)
    assert _suggest(technician) == [senior_mentor.person]


@pytest.mark.django_db
def test_suggestions_leave_out_self_full_unavailable_lower_graded_and_other_purposes(
    institution, so_family, technician, senior_mentor
):
    make_mentor(technician)  # herself
    make_mentor(staff(institution, job_family=so_family, grade=grade(so_family, "PSO")), available=False)
    make_mentor(staff(institution, job_family=so_family, grade=grade(so_family, "SO")))  # below her
    make_mentor(staff(institution, job_family=so_family, grade=grade(so_family, "HSO")))  # level with her
    make_mentor(staff(institution, job_family=so_family, grade=grade(so_family, "PSO")), purposes=[Purpose.LEADERSHIP])
    full = make_mentor(staff(institution, job_family=so_family, grade=grade(so_family, "PSO")), capacity=1)
    request_and_accept(staff(institution, job_family=so_family, grade=grade(so_family, "SO")), full)
    assert _suggest(technician) == [senior_mentor.person]


@pytest.mark.django_db
def test_the_find_page_lists_suggestions_in_rank_order_and_says_why(institution, so_family, technician, senior_mentor):
    from django.urls import reverse

    from tests.conftest import client_for

    other_family = JobFamilyFactory(institution=institution, name="Research Management")
    rm = GradeFactory(job_family=other_family, level=4, short_name="RM3")
    elsewhere = make_mentor(staff(institution, job_family=other_family, grade=rm))
    page = client_for(technician).get(reverse("mentoring:find"), {"purpose": "promotion"})
    assert [s.mentor for s in page.context["suggestions"]] == [senior_mentor, elsewhere]
    assert "Also in Scientific Officer" in page.content.decode()
    with in_institution(institution):
        assert page.context["page"].paginator.count == 2


@pytest.mark.django_db
def test_a_registered_signal_is_fed_once_per_list_and_ranks_by_its_facts(technician, senior_mentor, monkeypatch):
    # Another app (say registration) registers a signal with a loader; the selector calls the
    # loader once for the whole list, whatever its length, and the signal reads the facts.
    second = staff(technician.institution, grade=senior_mentor.person.grade, job_family=technician.job_family)
    second_profile = make_mentor(second, purposes=[Purpose.PROMOTION])
    calls = []

    def load(person_ids):
        calls.append(sorted(person_ids))
        return {second.pk: "RSciTech"}

    def registered_as(mentee, mentor):
        held = mentor.facts.get("registered_as")
        return (30, f"Registered as {held}") if held else None

    monkeypatch.setattr(matching, "_registered", {})
    matching.register_signal("registered_as", registered_as, load)
    with pytest.raises(ValueError):
        matching.register_signal("registered_as", lambda *_: None, load)

    with in_institutions(selectors.mentoring_institution_ids(technician.institution)):
        suggestions = selectors.suggested_mentors(mentee=technician, purpose=Purpose.PROMOTION)
    assert [s.mentor for s in suggestions][:1] == [second_profile]
    assert "Registered as RSciTech" in suggestions[0].reasons
    assert calls == [sorted([technician.pk, second.pk, senior_mentor.person.pk])]
    assert technician.facts == {"registered_as": None}
