"""Mentoring fixtures: graded mentors with profiles, beside the shared test people."""

import pytest

from mentoring import services
from mentoring.models import MentorProfile, Purpose
from tests.factories import staff


def make_mentor(person, *, purposes=(Purpose.PROMOTION,), capacity=2, available=True, bio="Happy to help."):
    with_profile = services.mentor_profile_save(
        person=person, available=available, capacity=capacity, bio=bio, purposes=purposes
    )
    return MentorProfile.objects.get(pk=with_profile.pk)


def grade(family, short):
    return family.grades.get(short_name=short)


@pytest.fixture
def senior_mentor(institution, so_family, mentor):
    """The shared `mentor` (Mentor group), made an SSO in the technician's family, offering promotion
    and registration."""
    mentor.job_family = so_family
    mentor.grade = grade(so_family, "SSO")
    mentor.save()
    return make_mentor(mentor, purposes=[Purpose.PROMOTION, Purpose.REGISTRATION], capacity=2)


@pytest.fixture
def outsider_mentor(outsider):
    return make_mentor(outsider, purposes=[Purpose.PROMOTION])


def request_and_accept(mentee, mentor_profile, purpose=Purpose.PROMOTION, **kwargs):
    relationship = services.relationship_request(
        mentee=mentee, mentor=mentor_profile, purpose=purpose, hopes="Help with my case.", by=mentee.user, **kwargs
    )
    return services.relationship_accept(relationship=relationship, by=mentor_profile.person.user, **kwargs)


def more_staff(institution, family, short, n, **kwargs):
    return [staff(institution, job_family=family, grade=grade(family, short), **kwargs) for _ in range(n)]
