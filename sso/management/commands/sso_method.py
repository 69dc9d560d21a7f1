"""Add or change an institution's sign-in method from a script: `manage.py sso_method icr --saml ...`."""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core.tenancy import across_institutions
from people.models import EmailDomain, Institution

from ...models import SignInMethod
from ...services import sign_in_method_save


class Command(BaseCommand):
    help = "Add or change an institution's SAML or OpenID Connect sign-in method (by its slug)."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The method's slug, part of the portal's metadata and callback addresses.")
        parser.add_argument("--institution", required=True, help="The institution's slug.")
        parser.add_argument("--name", required=True)
        kind = parser.add_mutually_exclusive_group(required=True)
        kind.add_argument("--saml", action="store_true")
        kind.add_argument("--oidc", action="store_true")
        parser.add_argument("--domain", action="append", default=[], help="An e-mail domain it may vouch for (repeat).")
        parser.add_argument("--entity-id", default="")
        parser.add_argument("--metadata-url", default="")
        parser.add_argument("--metadata-file", type=Path)
        parser.add_argument("--issuer", default="")
        parser.add_argument("--client-id", default="")
        parser.add_argument("--client-secret", default="")
        parser.add_argument("--scopes", default="openid email profile")
        parser.add_argument("--mapping", default="", help='JSON, e.g. {"staff_number": "employeeID"}.')
        parser.add_argument("--allow-password", action="store_true", help="Staff may still sign in with a password.")
        parser.add_argument("--enforces-mfa", action="store_true", help="Trust the provider's second factor.")
        parser.add_argument("--inactive", action="store_true")

    def handle(self, *args, **options):
        try:
            institution = Institution.objects.get(slug=options["institution"])
        except Institution.DoesNotExist:
            raise CommandError(f"No institution with slug {options['institution']!r}.") from None
        domains = []
        for name in options["domain"]:
            domain = EmailDomain.objects.filter(domain=name.strip().lower()).first()
            if domain is None:
                raise CommandError(f"No e-mail domain {name!r}: add it to the institution first.")
            domains.append(domain)
        with across_institutions():
            method = SignInMethod.objects.filter(slug=options["slug"]).first() or SignInMethod(slug=options["slug"])
        if method.pk and method.institution_id != institution.pk:
            raise CommandError(f"{options['slug']!r} belongs to another institution.")
        method.institution = institution
        method.name = options["name"]
        method.protocol = SignInMethod.Protocol.SAML if options["saml"] else SignInMethod.Protocol.OIDC
        method.active = not options["inactive"]
        method.password_sign_in_allowed = options["allow_password"]
        method.enforces_mfa = options["enforces_mfa"]
        method.idp_entity_id = options["entity_id"]
        method.idp_metadata_url = options["metadata_url"]
        method.idp_metadata_xml = options["metadata_file"].read_text() if options["metadata_file"] else ""
        method.issuer = options["issuer"]
        method.client_id = options["client_id"]
        method.client_secret = options["client_secret"]
        method.scopes = options["scopes"]
        try:
            method.attribute_mapping = json.loads(options["mapping"]) if options["mapping"] else {}
        except json.JSONDecodeError as error:
            raise CommandError(f"--mapping is not JSON: {error}") from None
        try:
            with across_institutions():
                sign_in_method_save(method=method, domains=domains or None)
        except ValidationError as error:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())) from None
        if method.protocol == SignInMethod.Protocol.SAML:
            where = f"/accounts/saml/{method.slug}/metadata/ (SP metadata), ACS /accounts/saml/{method.slug}/acs/"
        else:
            where = f"redirect URI /accounts/oidc/{method.slug}/login/callback/"
        self.stdout.write(f"{method.name} saved for {institution.name}: {where}")
