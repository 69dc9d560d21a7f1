"""Which sign-in method serves an e-mail address, an institution or an allauth social account."""

from __future__ import annotations

from typing import Any

from core.tenancy import across_institutions
from people.models import EmailDomain, Institution

from .models import SignInMethod


def method_for_email(email: str) -> SignInMethod | None:
    """The provider that may vouch for this address's domain, if one is in use.

    Read before anyone is signed in, like the e-mail domain itself: across institutions.
    """
    domain = email.rsplit("@", 1)[-1].strip().lower()
    if not domain:
        return None
    with across_institutions():
        return (
            SignInMethod.objects.active()
            .filter(vouched_domains__domain=domain)
            .select_related("institution", "social_app")
            .first()
        )


def method_for_institution(institution: Institution | int) -> SignInMethod | None:
    with across_institutions():
        return (
            SignInMethod.objects.active()
            .filter(institution=institution)
            .select_related("institution", "social_app")
            .order_by("pk")
            .first()
        )


def method_by_slug(slug: str) -> SignInMethod | None:
    with across_institutions():
        return SignInMethod.objects.select_related("institution", "social_app").filter(slug=slug).first()


def method_for_social_app(app: Any) -> SignInMethod | None:
    if app is None or app.pk is None:
        return None
    with across_institutions():
        return SignInMethod.objects.select_related("institution", "social_app").filter(social_app_id=app.pk).first()


def institutions_with_sign_in() -> list[Institution]:
    """The institutions a person may pick on the sign-in page: those with a provider in use."""
    with across_institutions():
        ids = SignInMethod.objects.active().values_list("institution_id", flat=True)
        return list(Institution.objects.filter(pk__in=list(ids)).order_by("name"))


def password_refused_for(email: str) -> SignInMethod | None:
    """The provider staff with this address must use instead of a password, if their institution says so."""
    method = method_for_email(email)
    if method is not None and not method.password_sign_in_allowed:
        return method
    return None


def vouched_domains(method: SignInMethod) -> set[str]:
    return set(EmailDomain.objects.filter(pk__in=method.vouched_domains.values("pk")).values_list("domain", flat=True))


def method_of_user(user: Any) -> SignInMethod | None:
    """The provider this person last signed in through, if it is still in use and has not reported them as left."""
    from .models import SignInIdentity

    with across_institutions():
        identity = (
            SignInIdentity.objects.filter(profile__user=user, left_reported_at__isnull=True, method__active=True)
            .select_related("method__social_app", "method__institution")
            .order_by("-last_sign_in_at")
            .first()
        )
    return identity.method if identity else None


LEAVERS_SHOWN = 10


def leavers_reported(institution_id: int, *, days: int = 90) -> tuple[list[Any], int]:
    """The people an institution's provider reported as having left in the last `days`: the latest, and how many."""
    import datetime

    from django.utils import timezone

    from .models import SignInIdentity

    since = timezone.now() - datetime.timedelta(days=days)
    rows = SignInIdentity.objects.filter(profile__institution_id=institution_id, left_reported_at__gte=since)
    latest = list(rows.select_related("profile__user", "method").order_by("-left_reported_at")[:LEAVERS_SHOWN])
    return latest, (rows.count() if latest else 0)
