"""Writing sign-in methods (and allauth's configuration behind them), and what a sign-in does to a record.

Every write is in one transaction with its audit row. The checks a provider's word must pass
before anything is created live in `check_sign_in`; `record_sign_in` fills and keeps in step the
staff record; `record_leaver` is what happens when the provider says the person has left.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from allauth.socialaccount.models import SocialApp
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from onelogin.saml2.idp_metadata_parser import OneLogin_Saml2_IdPMetadataParser

from core import audit
from core.tenancy import in_institution
from people.models import CareerEvent, Division, JobFamily, StaffProfile, User
from people.services import institution_ladders_copy, staff_record_change

from .models import SignInIdentity, SignInMethod
from .providers import SIGN_IN_KEY

# What the provider may fill on the staff record (where HR has not), and on the account.
PROFILE_FIELDS = ("staff_number", "job_title", "division")
USER_FIELDS = ("first_name", "last_name")


def _saml_idp(method: SignInMethod) -> dict[str, Any]:
    idp: dict[str, Any] = {"entity_id": method.idp_entity_id}
    if method.idp_metadata_xml.strip():
        try:
            parsed = OneLogin_Saml2_IdPMetadataParser.parse(method.idp_metadata_xml, entity_id=method.idp_entity_id)
        except Exception as error:  # lxml and python3-saml raise several kinds for a bad file
            raise ValidationError(
                {"idp_metadata_xml": f"This is not SAML metadata the portal can read ({error})."}
            ) from error
        found = parsed.get("idp") or {}
        certificate = found.get("x509cert") or ((found.get("x509certMulti") or {}).get("signing") or [None])[0]
        sso_url = (found.get("singleSignOnService") or {}).get("url")
        if not sso_url or not certificate:
            raise ValidationError(
                {"idp_metadata_xml": "The metadata has no sign-on address or signing certificate for this entity ID."}
            )
        idp.update(sso_url=sso_url, x509cert=certificate)
        slo_url = (found.get("singleLogoutService") or {}).get("url")
        if slo_url:
            idp["slo_url"] = slo_url
    else:
        idp["metadata_url"] = method.idp_metadata_url
    return idp


def _app_settings(method: SignInMethod, domain_names: list[str]) -> dict[str, Any]:
    # allauth treats an address in these domains as verified: the institution's provider vouches for it
    # (sso.adapters refuses any other domain before anything is created).
    verified = sorted(domain_names)
    if method.protocol == SignInMethod.Protocol.SAML:
        return {
            "verified_email": verified,
            "idp": _saml_idp(method),
            "attribute_mapping": method.mapping(),
            "organization": {
                "en-GB": {"name": "TechCareers", "displayname": "TechCareers", "url": "https://techcareers.example"}
            },
            "advanced": {
                "strict": True,
                # An assertion must be signed by the provider's key; a response only signed outside is not enough.
                "want_assertion_signed": True,
                "reject_idp_initiated_sso": True,
                "reject_deprecated_algorithm": True,
                # The portal's own addresses come from the request's host, which ALLOWED_HOSTS already
                # limits; a single-label host (localhost while developing) must not break them.
                "allow_single_label_domains": True,
            },
        }
    return {
        "server_url": method.issuer,
        "scope": method.scopes.split() or ["openid", "email", "profile"],
        "oauth_pkce_enabled": True,
        "fetch_userinfo": True,
        "verified_email": verified,
    }


def sign_in_method_check(*, method: SignInMethod, domains: list[Any] | None = None) -> dict[str, Any]:
    """The allauth settings for this method; a ValidationError says what is wrong (a domain elsewhere, bad metadata)."""
    if domains is not None:
        foreign = [domain for domain in domains if domain.institution_id != method.institution_id]
        if foreign:
            raise ValidationError(
                {"vouched_domains": f"{', '.join(str(d) for d in foreign)} belongs to another institution."}
            )
    if domains is not None:
        names = [domain.domain for domain in domains]
    elif method.pk:
        names = list(method.vouched_domains.values_list("domain", flat=True))
    else:
        names = []
    return _app_settings(method, names)


def sign_in_method_save(*, method: SignInMethod, domains: list[Any] | None = None, by: Any = None) -> SignInMethod:
    """Save a method and write the allauth SocialApp its provider reads; refuse another institution's domains."""
    method.full_clean(exclude=["vouched_domains", "social_app"])
    settings = sign_in_method_check(method=method, domains=domains)
    with transaction.atomic():
        app = method.social_app or SocialApp()
        app.name = method.name
        if method.protocol == SignInMethod.Protocol.SAML:
            app.provider, app.provider_id, app.client_id, app.secret = "saml", "", method.slug, ""
        else:
            app.provider, app.provider_id = "openid_connect", method.slug
            app.client_id, app.secret = method.client_id, method.client_secret
        app.settings = settings
        app.save()
        created = method.pk is None
        method.social_app = app
        method.save()
        if domains is not None:
            method.vouched_domains.set(domains)
        audit.record(
            kind="decision",
            action=f"Sign-in method {'added' if created else 'changed'}: {method.name}",
            obj=method,
            actor=by,
            institution_id=method.institution_id,
        )
    return method


# ---- what a provider says at sign-in ----------------------------------------------------------


def _raw(method: SignInMethod, extra_data: dict[str, Any]) -> dict[str, list[str]]:
    """The provider's attributes (SAML) or claims (OpenID Connect), each as a list of strings."""
    if method.protocol == SignInMethod.Protocol.SAML:
        source = {k: v for k, v in extra_data.items() if k != SIGN_IN_KEY}
    else:
        source = {**(extra_data.get("id_token") or {}), **(extra_data.get("userinfo") or {})}
    raw: dict[str, list[str]] = {}
    for key, value in source.items():
        values = value if isinstance(value, list) else [value]
        raw[key] = [str(v) for v in values if v is not None and str(v) != ""]
    return raw


def provided(method: SignInMethod, extra_data: dict[str, Any]) -> dict[str, list[str]]:
    """What the provider said, under the portal's names (email, first_name, ..., affiliation)."""
    raw = _raw(method, extra_data)
    found: dict[str, list[str]] = {}
    for key, names in method.mapping().items():
        for name in names:
            if raw.get(name):
                found[key] = raw[name]
                break
    return found


def authn_contexts(method: SignInMethod, extra_data: dict[str, Any]) -> list[str]:
    if method.protocol == SignInMethod.Protocol.SAML:
        return list((extra_data.get(SIGN_IN_KEY) or {}).get("authn_contexts") or [])
    token = extra_data.get("id_token") or {}
    amr = token.get("amr") or []
    return [*([token["acr"]] if token.get("acr") else []), *(amr if isinstance(amr, list) else [amr])]


def provider_did_mfa(method: SignInMethod, extra_data: dict[str, Any]) -> bool:
    """The institution says its provider enforces MFA, and this sign-in's authentication context shows it."""
    return method.enforces_mfa and bool(set(authn_contexts(method, extra_data)) & method.mfa_context_set())


def session_end(method: SignInMethod, extra_data: dict[str, Any]) -> datetime.datetime | None:
    """When the provider's own session ends (SAML SessionNotOnOrAfter), if it said."""
    if method.protocol != SignInMethod.Protocol.SAML:
        return None
    stamp = (extra_data.get(SIGN_IN_KEY) or {}).get("session_not_on_or_after")
    if not stamp:
        return None
    return datetime.datetime.fromtimestamp(int(stamp), tz=datetime.UTC)


def sign_in_details(method: SignInMethod, extra_data: dict[str, Any]) -> dict[str, Any]:
    """What single logout needs later: the SAML NameID and session index of this sign-in."""
    if method.protocol != SignInMethod.Protocol.SAML:
        return {}
    details = extra_data.get(SIGN_IN_KEY) or {}
    return {key: details.get(key) for key in ("name_id", "name_id_format", "session_index")}


def idp_logout_url(request: Any, signed_in: dict[str, Any] | None) -> str | None:
    """Single logout started here: the provider's logout address, if it has one.

    SAML: its SingleLogoutService with a LogoutRequest naming this sign-in's NameID and session.
    OpenID Connect: its `end_session_endpoint` (RP-initiated logout), returning to the portal.
    """
    from allauth.account import app_settings as account_settings
    from allauth.socialaccount.providers.saml.utils import build_auth
    from django.shortcuts import resolve_url
    from django.utils.http import urlencode

    from .selectors import method_by_slug

    if not signed_in:
        return None
    method = method_by_slug(signed_in.get("method", ""))
    if method is None or method.social_app is None:
        return None
    provider = method.social_app.get_provider(request)
    if method.protocol == SignInMethod.Protocol.OIDC:
        try:
            end_session = provider.get_oauth2_adapter(request).openid_config.get("end_session_endpoint")
        except Exception:  # the provider is unreachable: sign out here all the same
            return None
        if not end_session:
            return None
        back = request.build_absolute_uri(resolve_url(account_settings.LOGOUT_REDIRECT_URL or "/"))
        query = urlencode({"client_id": method.client_id, "post_logout_redirect_uri": back})
        return f"{end_session}{'&' if '?' in end_session else '?'}{query}"
    if not signed_in.get("name_id"):
        return None
    auth = build_auth(request, provider)
    if not auth.get_slo_url():
        return None
    return auth.logout(
        return_to="",
        name_id=signed_in["name_id"],
        session_index=signed_in.get("session_index"),
        name_id_format=signed_in.get("name_id_format"),
    )


def says_left(method: SignInMethod, values: dict[str, list[str]]) -> bool:
    return bool({value.strip().lower() for value in values.get("affiliation", [])} & method.leaver_value_set())


@dataclass(frozen=True)
class Refusal:
    reason: str
    detail: str = ""


def check_sign_in(method: SignInMethod, email: str, user: User | None) -> Refusal | None:
    """Whether the provider may vouch for this address and account; None when it may."""
    from .selectors import vouched_domains

    if not email or "@" not in email:
        return Refusal("no_email")
    domain = email.rsplit("@", 1)[-1].lower()
    if domain not in vouched_domains(method):
        return Refusal("domain", domain)
    if user is not None:
        profile = StaffProfile._base_manager.filter(user=user).only("institution_id").first()
        if profile is None or profile.institution_id != method.institution_id:
            return Refusal("domain", domain)
        with in_institution(method.institution_id):
            if SignInIdentity.objects.filter(profile=profile, left_reported_at__isnull=False).exists():
                return Refusal("left")
    return None


def _division(method: SignInMethod, name: str) -> Division | None:
    with in_institution(method.institution_id):
        return Division.objects.filter(institution_id=method.institution_id, name__iexact=name.strip()).first()


def create_staff_record(*, method: SignInMethod, user: User) -> StaffProfile:
    """A first sign-in: the new account's staff record, in the provider's institution only."""
    with transaction.atomic(), in_institution(method.institution):
        profile = StaffProfile.objects.create(user=user, institution=method.institution)
        if not JobFamily.objects.filter(institution=method.institution).exists():
            institution_ladders_copy(institution=method.institution)
    return profile


def record_sign_in(*, method: SignInMethod, user: User, values: dict[str, list[str]]) -> SignInIdentity:
    """Fill the record where HR has not, and keep it in step with the provider without overwriting HR.

    A field takes the provider's value when it is empty, or when it still holds what the provider
    supplied last time (so nobody else has changed it since). A value HR recorded stays.
    """
    now = timezone.now()
    first = {key: vals[0] for key, vals in values.items() if vals}
    with transaction.atomic(), in_institution(method.institution_id):
        profile = StaffProfile.objects.select_for_update().get(user=user)
        identity = SignInIdentity.objects.filter(profile=profile, method=method).first()
        before = dict(identity.supplied) if identity else {}
        changed_user, changed_profile = [], []

        def takes(current: str, key: str) -> bool:
            new = first.get(key)
            return bool(new) and new != current and (not current or current == before.get(key))

        for key in USER_FIELDS:
            if takes(getattr(user, key), key):
                setattr(user, key, first[key][:150])
                changed_user.append(key)
        for key in ("staff_number", "job_title"):
            limit = {"staff_number": 30, "job_title": 200}[key]  # the fields' max_length
            if takes(getattr(profile, key), key):
                setattr(profile, key, first[key][:limit])
                changed_profile.append(key)
        if first.get("division"):
            current = profile.division.name if profile.division_id and profile.division else ""
            if takes(current, "division"):
                division = _division(method, first["division"])
                if division is not None:
                    profile.division = division
                    changed_profile.append("division")
        if changed_user:
            user.save(update_fields=changed_user)
        if changed_profile:
            profile._change_reason = f"Supplied by {method.name} at sign-in"  # type: ignore[attr-defined]
            profile.save(update_fields=changed_profile)
            audit.record(
                kind="record",
                action=f"Staff record filled from {method.name}: {', '.join(changed_profile + changed_user)}",
                obj=profile,
                actor=user,
            )
        supplied = {key: first[key] for key in (*USER_FIELDS, *PROFILE_FIELDS) if key in first}
        if identity is None:
            identity = SignInIdentity.objects.create(
                profile=profile, method=method, supplied=supplied, first_sign_in_at=now, last_sign_in_at=now
            )
        else:
            identity.supplied = supplied
            identity.last_sign_in_at = now
            identity.save(update_fields=["supplied", "last_sign_in_at"])
    return identity


def record_leaver(*, method: SignInMethod, user: User | None) -> StaffProfile | None:
    """The provider says this person has left: sign-in is refused from now on, and HR sees it.

    HR sees it on the staff record: a leaving date (today, unless HR already recorded one) and a
    "Left" career event noting who said so, plus the audit log. An address with no account yet
    creates nothing.
    """
    if user is None or user.pk is None:
        return None
    now = timezone.now()
    with transaction.atomic(), in_institution(method.institution_id):
        profile = StaffProfile.objects.filter(user=user, institution_id=method.institution_id).first()
        if profile is None:
            return None
        identity, _ = SignInIdentity.objects.get_or_create(
            profile=profile, method=method, defaults={"first_sign_in_at": now, "last_sign_in_at": now}
        )
        if identity.left_reported_at is not None:
            return profile
        identity.left_reported_at = now
        identity.save(update_fields=["left_reported_at"])
        note = f"{method.name} reported at sign-in that this person has left; portal sign-in is refused."
        if profile.leaving_date is not None:  # HR already recorded it: keep HR's date
            audit.record(kind="record", action="Leaver reported by the institution's sign-in", obj=profile, detail=note)
            return profile
        today = timezone.localdate()
        day = max(today, profile.start_date) if profile.start_date else today
        try:
            with transaction.atomic():
                # The leaving date and a "Left" career event, with its own audit row.
                staff_record_change(
                    profile=profile,
                    by=None,
                    cause=CareerEvent.Cause.LEFT,
                    effective_date=day,
                    note=note,
                    leaving_date=day,
                )
        except ValidationError as error:  # a fault of the record's own, for HR to fix: the log says so
            audit.record(
                kind="record",
                action="Leaver reported by the institution's sign-in",
                obj=profile,
                detail=f"{note} The leaving date could not be recorded: {'; '.join(error.messages)}",
            )
    return profile
