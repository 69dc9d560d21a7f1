"""How each institution's staff sign in: its SAML or OpenID Connect identity provider.

A `SignInMethod` is the deployment administrator's record of one identity provider; saving it
(through `services.sign_in_method_save`) writes the django-allauth `SocialApp` that allauth's own
SAML or OpenID Connect provider signs people in with. A `SignInIdentity` ties a staff record to
the provider that vouched for it: the values the provider last supplied (so later sign-ins keep
them in step without overwriting what HR recorded) and whether the provider has said the person
has left.
"""

from allauth.socialaccount.models import SocialApp
from django.core.exceptions import ValidationError
from django.db import models

from core.tenancy import InstitutionManager, InstitutionQuerySet
from people.models import EmailDomain, Institution, StaffProfile

# The portal's own names for what a provider tells it, and the standard names it asks for by default.
SAML_DEFAULT_MAPPING = {
    "uid": ["urn:oasis:names:tc:SAML:attribute:subject-id", "urn:oid:1.3.6.1.4.1.5923.1.1.1.6"],
    "email": ["urn:oid:0.9.2342.19200300.100.1.3"],
    "first_name": ["urn:oid:2.5.4.42"],
    "last_name": ["urn:oid:2.5.4.4"],
    "staff_number": ["urn:oid:2.16.840.1.113730.3.1.3"],
    "job_title": ["urn:oid:2.5.4.12"],
    "division": ["urn:oid:2.5.4.11"],
    "affiliation": ["urn:oid:1.3.6.1.4.1.5923.1.1.1.1"],
}
OIDC_DEFAULT_MAPPING = {
    "email": ["email"],
    "first_name": ["given_name"],
    "last_name": ["family_name"],
    "staff_number": ["employee_number"],
    "job_title": ["job_title"],
    "division": ["department"],
    "affiliation": ["affiliation"],
}
# REFEDS MFA profile; what Entra ID and most OpenID Connect providers put in `amr` for a second factor.
DEFAULT_MFA_CONTEXTS = "https://refeds.org/profile/mfa\nmfa"
MAPPED_FIELDS = ("uid", "email", "first_name", "last_name", "staff_number", "job_title", "division", "affiliation")


class SignInMethodQuerySet(InstitutionQuerySet):
    def active(self):
        return self.filter(active=True)


class SignInMethod(models.Model):
    class Protocol(models.TextChoices):
        SAML = "saml", "SAML 2.0"
        OIDC = "oidc", "OpenID Connect"

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="sign_in_methods")
    name = models.CharField(
        "name", max_length=200, help_text="What staff see, e.g. “The Institute of Cancer Research single sign-on”."
    )
    slug = models.SlugField(
        "slug",
        unique=True,
        help_text="Part of the portal's addresses for this provider (its metadata and callback URLs), e.g. icr.",
    )
    protocol = models.CharField("protocol", max_length=10, choices=Protocol.choices)
    active = models.BooleanField("in use", default=True)
    vouched_domains = models.ManyToManyField(
        EmailDomain,
        related_name="+",
        verbose_name="e-mail domains it may vouch for",
        help_text="Accounts are created or linked only for addresses in these domains (the institution's own).",
    )
    password_sign_in_allowed = models.BooleanField(
        "password sign-in still allowed",
        default=False,
        help_text="Whether staff with these e-mail domains may also sign in with a TechCareers password.",
    )
    enforces_mfa = models.BooleanField(
        "provider enforces MFA",
        default=False,
        help_text="Trust the provider's second factor when its authentication context says it was used.",
    )
    mfa_contexts = models.TextField(
        "authentication contexts that mean MFA",
        default=DEFAULT_MFA_CONTEXTS,
        blank=True,
        help_text="One a line: SAML AuthnContextClassRef values, or OpenID Connect acr / amr values.",
    )
    leaver_values = models.TextField(
        "affiliation values that mean the person has left",
        default="former-staff\nleft",
        blank=True,
        help_text="One a line. A sign-in whose affiliation attribute has one of these is refused, and HR is told.",
    )
    attribute_mapping = models.JSONField(
        "attribute mapping",
        default=dict,
        blank=True,
        help_text="The provider's attribute (or claim) names for uid, email, first_name, last_name, staff_number, "
        "job_title, division and affiliation. Empty: the standard eduPerson / OpenID Connect names.",
    )
    # SAML 2.0
    idp_entity_id = models.CharField("IdP entity ID", max_length=500, blank=True)
    idp_metadata_url = models.URLField("IdP metadata URL", max_length=500, blank=True)
    idp_metadata_xml = models.TextField(
        "IdP metadata (XML)", blank=True, help_text="Paste the metadata file when there is no metadata URL."
    )
    # OpenID Connect
    issuer = models.URLField(
        "issuer", max_length=500, blank=True, help_text="e.g. https://login.microsoftonline.com/<tenant>/v2.0"
    )
    client_id = models.CharField("client ID", max_length=200, blank=True)
    client_secret = models.CharField("client secret", max_length=500, blank=True)
    scopes = models.CharField("scopes", max_length=300, default="openid email profile", blank=True)

    social_app = models.OneToOneField(
        SocialApp, on_delete=models.PROTECT, null=True, blank=True, editable=False, related_name="sign_in_method"
    )

    objects = InstitutionManager(SignInMethodQuerySet)

    class Meta:
        ordering = ["institution__name", "name"]
        verbose_name = "sign-in method"

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.protocol == self.Protocol.SAML:
            if not self.idp_entity_id:
                errors["idp_entity_id"] = "Enter the identity provider's entity ID."
            if not (self.idp_metadata_url or self.idp_metadata_xml):
                errors["idp_metadata_url"] = "Enter the metadata URL, or paste the metadata file below."
        elif self.protocol == self.Protocol.OIDC:
            for name, message in (
                ("issuer", "Enter the provider's issuer URL."),
                ("client_id", "Enter the client ID the provider gave the portal."),
                ("client_secret", "Enter the client secret the provider gave the portal."),
            ):
                if not getattr(self, name):
                    errors[name] = message
        mapping = self.attribute_mapping or {}
        if not isinstance(mapping, dict) or set(mapping) - set(MAPPED_FIELDS):
            errors["attribute_mapping"] = f"Use only these keys: {', '.join(MAPPED_FIELDS)}."
        if errors:
            raise ValidationError(errors)

    @property
    def provider_id(self) -> str:
        """The allauth provider this method signs in through."""
        return "saml" if self.protocol == self.Protocol.SAML else self.slug

    def mapping(self) -> dict[str, list[str]]:
        default = SAML_DEFAULT_MAPPING if self.protocol == self.Protocol.SAML else OIDC_DEFAULT_MAPPING
        merged = dict(default)
        for key, names in (self.attribute_mapping or {}).items():
            merged[key] = [names] if isinstance(names, str) else list(names)
        return merged

    def mfa_context_set(self) -> set[str]:
        return {line.strip() for line in self.mfa_contexts.splitlines() if line.strip()}

    def leaver_value_set(self) -> set[str]:
        return {line.strip().lower() for line in self.leaver_values.splitlines() if line.strip()}


class SignInIdentityQuerySet(InstitutionQuerySet):
    institution_path = "profile__institution"


class SignInIdentity(models.Model):
    """A staff record vouched for by a provider: what it last said about the person."""

    profile = models.ForeignKey(StaffProfile, on_delete=models.CASCADE, related_name="sign_in_identities")
    method = models.ForeignKey(SignInMethod, on_delete=models.CASCADE, related_name="identities")
    supplied = models.JSONField(
        "values the provider last supplied", default=dict, help_text="Kept to tell them from what HR recorded."
    )
    first_sign_in_at = models.DateTimeField("first signed in")
    last_sign_in_at = models.DateTimeField("last signed in")
    left_reported_at = models.DateTimeField(
        "provider reported the person left", null=True, blank=True, help_text="Sign-in is refused from then on."
    )

    objects = InstitutionManager(SignInIdentityQuerySet)

    class Meta:
        verbose_name = "sign-in identity"
        verbose_name_plural = "sign-in identities"
        constraints = [models.UniqueConstraint(fields=["profile", "method"], name="sso_identity_once_per_method")]

    def __str__(self):
        return f"{self.profile} through {self.method}"
