"""Print the current TOTP code of a demo account (demo accounts share a published secret)."""

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.core.management.base import BaseCommand, CommandError

from people import demo


class Command(BaseCommand):
    help = "Print the current two-factor code for a demo HR, administrator or programme manager account."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, email, **options):
        demo_emails = {account[0] for account in demo.DEMO_ACCOUNTS}
        if email not in demo_emails:
            raise CommandError(f"{email} is not a demo account; only demo accounts share the published secret.")
        counters = list(yield_hotp_counters_from_time())
        counter = counters[len(counters) // 2]  # the current period, not the tolerance either side
        self.stdout.write(format_hotp_value(hotp_value(demo.DEMO_TOTP_SECRET, counter)))
