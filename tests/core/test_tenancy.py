"""Tenancy that cannot be forgotten: every model holding an institution's data is scoped."""

from collections import deque

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.db import models
from django.test import RequestFactory

from core.tenancy import (
    SESSION_KEY,
    InstitutionScopeMiddleware,
    ScopeError,
    across_institutions,
    in_institution,
    in_institutions,
    scoped_models,
)
from people.models import Institution, StaffProfile
from tests.factories import UserFactory, staff

OUR_APPS = {"core", "people", "notifications", "programmes", "exchange", "development", "registration",
            "apprenticeships", "actionplan", "equality", "pathways"}  # fmt: skip

# Models that reach an institution but are deliberately not scoped, and why.
UNSCOPED_BY_DESIGN = {
    # Sign-up looks the institution up from the e-mail domain before anyone has a scope.
    "people.EmailDomain",
}


def _institution_path(model, depth=4):
    """The shortest chain of foreign keys from `model` to Institution, or None."""
    seen = {model}
    queue = deque([(model, [])])
    while queue:
        current, path = queue.popleft()
        if len(path) >= depth:
            continue
        for field in current._meta.get_fields():
            if not (field.many_to_one or field.one_to_one) or not field.concrete:
                continue
            target = field.related_model
            if target is Institution:
                return "__".join([*path, field.name])
            if target not in seen and target._meta.app_label in OUR_APPS:
                seen.add(target)
                queue.append((target, [*path, field.name]))
    return None


def _institution_models():
    return {
        model: _institution_path(model)
        for model in apps.get_models()
        if model._meta.app_label in OUR_APPS and model is not Institution and _institution_path(model)
    }


def _label(model):
    return f"{model._meta.app_label}.{model.__name__}"


def test_every_model_that_reaches_an_institution_is_scoped_or_says_why_not():
    unscoped = {
        _label(model)
        for model in _institution_models()
        if not hasattr(model._default_manager, "institution_path")
        # A log row reached only through its scoped parent (a transition) is read through that parent.
        and not model.__name__.endswith("Transition")
    }
    assert unscoped == UNSCOPED_BY_DESIGN


@pytest.mark.parametrize("model", scoped_models(), ids=_label)
def test_an_unscoped_query_raises(model):
    from django_scopes import scope

    with scope(), pytest.raises(ScopeError):  # a fresh context: no institution entered
        list(model.objects.all())


@pytest.mark.parametrize("model", scoped_models(), ids=_label)
def test_a_scoped_manager_reaches_its_institution_by_a_real_path(model):
    # A misspelt path would only fail on the first query inside a scope.
    with in_institution(1):
        str(model.objects.all().query)


def test_inside_a_scope_only_that_institutions_rows_are_seen(institution, other_institution):
    mine = staff(institution)
    theirs = staff(other_institution)
    with in_institution(institution):
        assert list(StaffProfile.objects.values_list("pk", flat=True)) == [mine.pk]
        assert not StaffProfile.objects.filter(pk=theirs.pk).exists()
    with in_institutions([institution, other_institution]):
        assert StaffProfile.objects.count() == 2
    with in_institution(None):
        assert StaffProfile.objects.count() == 0
    with across_institutions():
        assert StaffProfile.objects.count() == 2


def _visible_to(user, session=None):
    request = RequestFactory().get("/")
    request.user = user
    request.session = session if session is not None else SessionStore()
    seen = {}

    def view(request):
        seen["pks"] = sorted(StaffProfile.objects.values_list("pk", flat=True))
        return None

    InstitutionScopeMiddleware(view)(request)
    return seen["pks"]


def test_a_request_sees_only_the_viewers_institution(institution, other_institution):
    me = staff(institution)
    colleague = staff(institution)
    staff(other_institution)
    assert _visible_to(me.user) == sorted([me.pk, colleague.pk])


def test_a_signed_out_visitor_and_an_account_without_a_profile_see_no_staff(institution):
    staff(institution)
    assert _visible_to(AnonymousUser()) == []
    assert _visible_to(UserFactory()) == []


def test_a_platform_superuser_without_an_institution_sees_every_institution(institution, other_institution):
    staff(institution)
    staff(other_institution)
    assert len(_visible_to(UserFactory(is_superuser=True, is_staff=True))) == 2


def test_the_institution_remembered_at_sign_in_is_used_without_a_query(
    institution, other_institution, django_assert_num_queries
):
    me = staff(institution)
    session = SessionStore()
    session[SESSION_KEY] = [me.user.pk, institution.pk]
    user = type(me.user).objects.get(pk=me.user.pk)  # no cached profile
    with django_assert_num_queries(1):  # only the view's own query
        assert _visible_to(user, session) == [me.pk]


def test_a_session_remembered_for_another_account_is_not_trusted(institution, other_institution):
    me = staff(institution)
    other = staff(other_institution)
    session = SessionStore()
    session[SESSION_KEY] = [other.user.pk, other_institution.pk]
    assert _visible_to(me.user, session) == [me.pk]


def test_signing_in_remembers_the_institution_in_the_session(client, institution):
    me = staff(institution)
    client.force_login(me.user)
    assert client.session[SESSION_KEY] == [me.user.pk, institution.pk]


def test_scoped_models_include_every_apps_staff_data():
    labels = {_label(model) for model in scoped_models()}
    assert {"people.StaffProfile", "people.Division", "people.JobFamily", "people.Grade"} <= labels
    assert all(isinstance(model._default_manager, models.Manager) for model in scoped_models())


def test_a_querysets_own_methods_refuse_outside_a_scope_with_the_same_error():
    from django_scopes import scope

    with scope(), pytest.raises(ScopeError):
        StaffProfile.objects.for_institution(1)
    with scope(), pytest.raises(ScopeError):
        StaffProfile.objects.current()


def test_a_form_field_defined_outside_a_scope_offers_the_scoped_institutions_choices(institution, other_institution):
    from django import forms
    from django_scopes import scope

    with scope():  # as at import: no institution entered

        class PickSomeone(forms.Form):
            person = forms.ModelChoiceField(queryset=StaffProfile.objects.using("default"))

    mine = staff(institution)
    theirs = staff(other_institution)
    with in_institution(institution):
        offered = [pk for pk, _label in PickSomeone().fields["person"].choices if pk]
    assert [int(str(pk)) for pk in offered] == [mine.pk]
    assert theirs.pk not in offered


@pytest.mark.parametrize(
    "query",
    [
        lambda qs: qs.exists(),
        lambda qs: qs.in_bulk([1]),
        lambda qs: list(qs.exclude(pk=1)),
        lambda qs: qs.aggregate(n=models.Count("pk")),
        lambda qs: list(qs.select_related("user")),
        lambda qs: qs.update(job_title="x"),
    ],
    ids=["exists", "in_bulk", "exclude", "aggregate", "select_related", "update"],
)
def test_no_way_of_reading_or_changing_rows_slips_past_a_missing_scope(query, institution):
    from django_scopes import scope

    staff(institution)
    with scope(), pytest.raises(ScopeError):
        query(StaffProfile.objects)
