"""Load a capability framework file (the CSV format in README.md) for one institution.

    manage.py load_capability_framework <institution slug> <file.csv>

The file is refused whole, every wrong line named, if anything in it is wrong; loading the same
file again changes nothing.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.tenancy import in_institution
from core.uploads import UploadRefused, csv_rows
from pathways import services
from pathways.frameworks import MAX_ROWS, FrameworkRefused
from people.models import Institution


class Command(BaseCommand):
    help = "Load a capability framework CSV file for an institution (a new version when it changed)."

    def add_arguments(self, parser):
        parser.add_argument("institution", help="The institution's slug.")
        parser.add_argument("path", type=Path)

    def handle(self, *args, institution, path, **options):
        found = Institution.objects.filter(slug=institution).first()
        if found is None:
            raise CommandError(f"No institution has the slug “{institution}”.")
        try:
            with path.open("rb") as handle, in_institution(found):
                version, created = services.framework_load(
                    institution=found, rows=list(csv_rows(handle, max_rows=MAX_ROWS)), file_name=path.name
                )
        except FileNotFoundError as error:
            raise CommandError(f"No file at {path}.") from error
        except (FrameworkRefused, UploadRefused) as refusal:
            problems = getattr(refusal, "problems", [str(refusal)])
            raise CommandError("The file was refused whole:\n" + "\n".join(problems)) from refusal
        self.stdout.write(f"Loaded {version}." if created else f"Unchanged: the file is the same as {version}.")
