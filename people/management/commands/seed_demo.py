"""Create the demo: the seed institution, its partners, ~450 staff and one account per role.

Each app that has demo data provides `<app>/demo.py` with `seed(context)`; they run in the
order of DEMO_APPS, inside one transaction, and must be idempotent like this one.
"""

from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction

from core.tenancy import across_institutions
from people import demo
from people.tasks import send_welcome_messages

DEMO_APPS = [
    "guidance",
    "programmes",
    "exchange",
    "development",
    "registration",
    "apprenticeships",
    "mentoring",
    "promotions",
    "surveys",
    "recognition",
    "actionplan",
    "equality",
    "pathways",
    "reports",
    "api",
]


class Command(BaseCommand):
    help = "Create (or top up) the demo institution, staff, accounts and every app's demo data."

    def handle(self, *args, **options):
        # The demo seeds several institutions (the seed one and its partners) in one go.
        with across_institutions():
            self._seed()

    def _seed(self):
        with transaction.atomic():
            context = demo.seed_staff()
            for app in DEMO_APPS:
                try:
                    module = import_module(f"{app}.demo")
                except ModuleNotFoundError as error:
                    if error.name != f"{app}.demo":
                        raise
                    continue
                module.seed(context)
        # After commit, so queued e-mails see the rows.
        welcomed = send_welcome_messages()
        self._report(context, welcomed)

    def _report(self, context, welcomed):
        out = self.stdout
        out.write(self.style.SUCCESS(f"Demo data ready: {len(context.staff)} staff at {context.institution.name}."))
        out.write(f"Welcome messages queued now: {welcomed}")
        out.write("")
        out.write(f"Demo accounts (password for all: {demo.DEMO_PASSWORD}):")
        for email, first, last, groups, *_ in demo.DEMO_ACCOUNTS:
            role = ", ".join(groups) or ("Line manager" if email.startswith("manager") else "Technician")
            out.write(f"  {email:<24} {first} {last} ({role})")
        out.write(
            f"  {demo.PARTNER_ACCOUNT[0]:<24} {demo.PARTNER_ACCOUNT[1]} {demo.PARTNER_ACCOUNT[2]} (partner institution)"
        )
        out.write("")
        out.write("HR, administrator and programme manager accounts use two-factor sign-in. Add this TOTP secret to an")
        out.write(f"authenticator app: {demo.DEMO_TOTP_SECRET}, or print the current code with")
        out.write("  python manage.py demo_totp_code hr@icr.ac.uk")
        for line in context.lines:
            out.write(line)
