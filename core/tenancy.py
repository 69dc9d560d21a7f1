"""Tenancy that cannot be forgotten: every query of an institution's data runs inside a scope.

Models that hold an institution's data use `InstitutionManager` as their default manager
(django-scopes underneath, as pretix does). A query made outside a scope raises
`ScopeError` instead of quietly returning every institution's rows. Who enters a scope:

- a web request: `InstitutionScopeMiddleware` enters the viewer's institution;
- a task or management command: `in_institution(institution)` for one institution's work, or
  `across_institutions()` for a beat job that scans every institution and fans out;
- a metric: the registry enters the institution it is asked about.

Inside a scope, querysets are filtered to the scoped institution automatically; the explicit
`for_institution()` filters that views already apply are the second line of defence. Partner
sharing (a programme opened to partner institutions) is explicit: `in_institutions([...])`
names every institution whose rows the query may see.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import models
from django_scopes import ScopedManager, get_scope, scope, scopes_disabled
from django_scopes.exceptions import ScopeError
from django_scopes.manager import DisabledQuerySet

__all__ = [
    "InstitutionManager",
    "InstitutionQuerySet",
    "InstitutionScopeMiddleware",
    "ScopeError",
    "across_institutions",
    "current_institution_ids",
    "in_institution",
    "in_institutions",
    "institution_id_of",
    "scoped_models",
]

SCOPE = "institution"


class InstitutionQuerySet(models.QuerySet):
    """Rows that belong to one institution, reached through `institution_path`."""

    institution_path = "institution"

    def for_institution(self, institution: Any) -> models.QuerySet:
        if institution is None:
            return self.none()
        return self.filter(**{self.institution_path: institution})


def InstitutionManager(queryset_class: type[InstitutionQuerySet] = InstitutionQuerySet) -> models.Manager:  # noqa: N802
    """A default manager that refuses to query outside a scope and filters to the scoped institution.

    `queryset_class.institution_path` says how the model reaches its institution, e.g.
    `"person__institution"`.
    """
    build_manager_class: Any = models.Manager.from_queryset  # dynamic: the stubs' plugin cannot follow it
    manager_class = build_manager_class(queryset_class)
    scoped_class: Any = type(ScopedManager(_manager_class=manager_class, **{SCOPE: queryset_class.institution_path}))

    class Manager(scoped_class):
        def get_queryset(self) -> models.QuerySet:
            queryset = super().get_queryset()
            if isinstance(queryset, DisabledQuerySet):
                # The model's own queryset methods (`for_institution`, `current`) refuse too,
                # with the same ScopeError rather than an AttributeError.
                queryset.__class__ = _disabled_class(queryset_class)
            return queryset

        def using(self, alias: Any) -> models.QuerySet:
            # Django builds a ModelForm's foreign-key choices from `_default_manager.using(db)`
            # when the form class is defined: at import, outside any scope. Hand back a
            # stand-in with no rows that rebuilds itself inside the scope active when a form
            # is made (Django copies the field's queryset with `.all()` for every form).
            queryset = self.get_queryset()
            if isinstance(queryset, DisabledQuerySet):
                return _ScopedLater(model=self.model, using=alias).none()
            return queryset.using(alias)

    manager: Any = Manager()
    manager.institution_path = queryset_class.institution_path
    return manager


class _ScopedLater(models.QuerySet):
    """No rows now; `.all()` is the model's queryset in whatever scope is active at that moment."""

    def all(self) -> Any:
        queryset = self.model._default_manager.get_queryset()
        if isinstance(queryset, DisabledQuerySet):
            return self
        return queryset.using(self.db)


_disabled_classes: dict[type, type] = {}


# What a query outside a scope may still do: name a database, be empty, or insert rows (an
# insert names its institution itself).
_ALLOWED_OUTSIDE_A_SCOPE = {"using", "none", "create", "bulk_create", "as_manager", "db", "ordered", "query"}


def _disabled_class(queryset_class: type[models.QuerySet]) -> type:
    """A DisabledQuerySet that refuses every read and write, the model's own methods included.

    django-scopes refuses the common methods; `exists()`, `in_bulk()`, `contains()`, `exclude()`
    and the model's own (`for_institution`, `current`) would otherwise run across every
    institution or fail with an AttributeError.
    """
    if queryset_class not in _disabled_classes:
        refused = {
            name: DisabledQuerySet.error
            for klass in queryset_class.__mro__
            if issubclass(klass, models.QuerySet)
            for name, value in vars(klass).items()
            if callable(value) and not name.startswith("_") and name not in _ALLOWED_OUTSIDE_A_SCOPE
        }
        _disabled_classes[queryset_class] = type(f"Disabled{queryset_class.__name__}", (DisabledQuerySet,), refused)
    return _disabled_classes[queryset_class]


def scoped_models() -> list[type[models.Model]]:
    """Every installed model whose default manager is institution-scoped."""
    from django.apps import apps

    return [model for model in apps.get_models() if hasattr(model._default_manager, "institution_path")]


def _ids(institutions: Iterable[Any]) -> list[int]:
    return [getattr(institution, "pk", institution) for institution in institutions]


@contextmanager
def in_institution(institution: Any) -> Iterator[None]:
    """Query one institution's data (an Institution or its pk). None sees nothing, never everything."""
    with scope(**{SCOPE: _ids([institution]) if institution is not None else []}):
        yield


@contextmanager
def in_institutions(institutions: Iterable[Any]) -> Iterator[None]:
    """Query several institutions' data at once: partner sharing, said out loud."""
    with scope(**{SCOPE: _ids(institutions)}):
        yield


@contextmanager
def across_institutions() -> Iterator[None]:
    """Query every institution's data: beat jobs that fan out, commands, migrations, the platform admin."""
    with scopes_disabled():
        yield


def institution_id_of(model: type[models.Model], pk: Any) -> int | None:
    """The institution one row belongs to, or None if the row is gone.

    The one unscoped read a task about one row makes: the base manager, for the institution
    id alone, so that it knows which scope to enter before it reads the row in it.
    """
    path = model._default_manager.institution_path  # type: ignore[attr-defined]
    return model._base_manager.filter(pk=pk).values_list(path, flat=True).first()


def current_institution_ids() -> list[int] | None:
    """The institutions the current scope admits; None when scoping is off (across institutions)."""
    current = get_scope()
    if not current.get("_enabled", True):
        return None
    value = current.get(SCOPE)
    if value is None:
        raise ScopeError("No institution scope is active.")
    return list(value)


SESSION_KEY = "_scope_institution"


def _institution_id_of(user: Any) -> int | None:
    profile = getattr(user, "profile", None)
    return profile.institution_id if profile is not None else None


def remember_institution_at_sign_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """On `user_logged_in`: keep the institution in the session, written with the login itself."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = (user.pk, _institution_id_of(user))


class InstitutionScopeMiddleware:
    """Enter the viewer's institution for the whole request.

    The institution is kept in the (server-side) session from sign-in on, so pages
    that never touch the viewer's profile, such as a calendar feed, pay no query for it. A
    stale value can only narrow what someone sees: views also filter by the profile's own
    institution, and the intersection of two institutions is empty.

    A platform superuser (no institution; the deployment's own administrators) works across
    institutions, in the Django admin only. Anyone else without an institution (signed out,
    or mid sign-up) sees no institution's data.
    """

    SESSION_KEY = SESSION_KEY

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            with in_institution(None):
                return self.get_response(request)
        session = getattr(request, "session", None)
        cached = session.get(self.SESSION_KEY) if session is not None else None
        institution_id = cached[1] if cached and cached[0] == user.pk else _institution_id_of(user)
        if institution_id is None and user.is_superuser:
            with across_institutions():
                return self.get_response(request)
        with in_institution(institution_id):
            return self.get_response(request)
