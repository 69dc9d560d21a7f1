"""Load an action plan file (JSON) into an institution: `import_action_plan FILE --institution icr`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from actionplan.services import PlanFileError, plan_import
from core.tenancy import in_institution
from people.models import Institution


class Command(BaseCommand):
    help = "Import an action plan data file into an institution; all or nothing, and safe to repeat."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The plan file, e.g. actionplan/data/icr-2024-2027.json.")
        parser.add_argument(
            "--institution", default="icr", help="The institution's slug (default: icr, the seed institution)."
        )

    def handle(self, *args, file, institution, **options):
        try:
            target = Institution.objects.get(slug=institution)
        except Institution.DoesNotExist:
            raise CommandError(f"No institution with the slug {institution!r}.") from None
        path = Path(file)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        # The command works on one institution's data: the one it was asked to import into.
        with in_institution(target):
            try:
                result = plan_import(institution=target, text=text, source=path.name)
            except PlanFileError as error:
                raise CommandError(f"{file} was not imported, nothing was written. {error}") from None
            items = result.plan.items.count()
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.plan.title}: {items} actions at {target.short_name}; {result.created} rows created."
            )
        )
