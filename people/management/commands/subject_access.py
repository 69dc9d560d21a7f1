"""Export everything the portal holds about one person, or erase a leaver after the retention period.

    python manage.py subject_access priya.shah@icr.ac.uk --format json > priya.json
    python manage.py subject_access S00042 --institution icr --format csv --output priya.csv
    python manage.py subject_access S00042 --institution icr --erase

The person is found by e-mail address, or by staff number within an institution. Every export
and erasure is recorded in the audit log (the actor is the portal: the command runs on the server).
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core import privacy
from core.tenancy import across_institutions
from people import services_privacy
from people.models import StaffProfile


class Command(BaseCommand):
    help = "Export one person's data (JSON or CSV) or erase a leaver's identity after the retention period."

    def add_arguments(self, parser):
        parser.add_argument("person", help="E-mail address, or staff number with --institution.")
        parser.add_argument("--institution", help="The institution's slug, to find a staff number.")
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument("--output", help="Write to this file instead of standard output.")
        parser.add_argument("--erase", action="store_true", help="Erase the leaver instead of exporting.")

    def handle(self, *args, person, institution, format, output, erase, **options):
        with across_institutions():
            profile = self._find(person, institution)
            if erase:
                try:
                    changed = services_privacy.person_erase(profile=profile, by=None)
                except ValidationError as error:
                    raise CommandError(" ".join(error.messages)) from error
                self.stdout.write(
                    f"Erased staff record {profile.pk}; free text blanked in {sum(changed.values())} rows."
                )
                return
            subject = services_privacy.subject_of(profile)
            services_privacy.export_recorded(profile=profile, by=None, what=format.upper())
            lines = [privacy.export_json(subject)] if format == "json" else privacy.export_csv_lines(subject)
            if output:
                with open(output, "w", encoding="utf-8", newline="") as handle:
                    handle.writelines(lines)
                self.stderr.write(f"Wrote {output}")
            else:
                for line in lines:
                    self.stdout.write(line, ending="")

    def _find(self, person, institution):
        profiles = StaffProfile.objects.select_related("user")
        if "@" in person:
            found = profiles.filter(user__email__iexact=person)
        elif institution:
            found = profiles.filter(staff_number__iexact=person, institution__slug=institution)
        else:
            raise CommandError("Give an e-mail address, or a staff number with --institution.")
        profile = found.first()
        if profile is None:
            raise CommandError(f"Nobody found for {person}.")
        return profile
