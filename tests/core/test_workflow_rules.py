"""The workflow written as data: which moves exist and who may make them."""

import pytest
import rules

from core.workflow import NEW, Move, Workflow


@pytest.fixture
def review():
    rules.add_perm("tests.submit", rules.always_allow)
    rules.add_perm("tests.decide", rules.always_deny)
    yield Workflow(
        Move(NEW, "submitted", perm="tests.submit"),
        Move("submitted", "approved", perm="tests.decide"),
        Move("submitted", "cancelled", perm="tests.submit", portal=True),
    )
    rules.remove_perm("tests.submit")
    rules.remove_perm("tests.decide")


def test_only_the_written_moves_are_allowed(review):
    assert review.allows("submitted", "approved")
    assert not review.allows("approved", "submitted")
    assert review.targets("submitted") == {"approved", "cancelled"}
    assert review.targets(NEW) == {"submitted"}


def test_a_move_written_twice_is_a_mistake():
    with pytest.raises(ValueError, match="written twice"):
        Workflow(Move("a", "b"), Move("a", "b"))


class _Record:
    pk = 1
    state = "submitted"


def test_the_actor_needs_the_moves_permission_and_the_portal_needs_leave(review):
    user = object()
    assert review.may(user, _Record(), "cancelled")
    assert not review.may(user, _Record(), "approved")  # the rule denies
    assert review.may(None, _Record(), "cancelled")  # the portal itself may cancel
    assert not review.may(None, _Record(), "approved")  # but not decide


def test_the_allowed_tag_asks_the_rule_for_the_viewer(rf, db, django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser
    from django.template import Context, Template

    rules.add_perm("tests.see_badge", rules.is_authenticated)
    try:
        template = Template(
            '{% load core %}{% allowed "tests.see_badge" as can_see %}{{ can_see|yesno:"shown,hidden" }}'
        )
        request = rf.get("/")
        request.user = AnonymousUser()
        with django_assert_num_queries(0):
            assert template.render(Context({"request": request})) == "hidden"
    finally:
        rules.remove_perm("tests.see_badge")
