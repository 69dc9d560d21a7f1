"""Fill an empty PostgreSQL database with the national-scale data set (issue 18), for `make bench`."""

import time
from dataclasses import fields

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from bench.seeding import AlreadySeeded, Seeder, Sizes


class Command(BaseCommand):
    help = (
        "Seed the national data set: the demo, then ICR grown large and more institutions, ~30,000 staff, "
        "~1,000,000 training records, ~100,000 development requests, ~94,000 applications and the newer "
        "apps' records, by COPY. Refuses a database that already holds it. --small for a quick one."
    )

    def add_arguments(self, parser):
        defaults = Sizes()
        for f in fields(Sizes):
            parser.add_argument(
                f"--{f.name.replace('_', '-')}", type=int, default=None, help=f"default {getattr(defaults, f.name)}"
            )
        parser.add_argument("--small", action="store_true", help="The test sizes: 2 institutions, 200 staff.")

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("seed_scale needs PostgreSQL (set DATABASE_URL): it writes with COPY.")
        sizes = Sizes.small() if options["small"] else Sizes()
        if not options["small"] and options.get("staff"):
            # sizes not given follow the staff asked for: --staff 3000 is a tenth of the national set
            sizes = sizes.scaled(options["staff"] / sizes.staff)
        for f in fields(Sizes):
            if options.get(f.name) is not None:
                setattr(sizes, f.name, options[f.name])
        if sizes.institutions < 1 or sizes.managers < 1 or sizes.staff < sizes.managers:
            raise CommandError("Give at least one institution and one manager, and no more managers than staff.")
        started = time.monotonic()
        seeder = Seeder(sizes, out=lambda line: self.stdout.write(f"  {time.monotonic() - started:6.1f}s {line}"))
        try:
            counts = seeder.run()
        except AlreadySeeded as error:
            raise CommandError(str(error)) from error
        for label, n in sorted(counts.items()):
            self.stdout.write(f"  {label:40} {n:>10,}")
        self.stdout.write(self.style.SUCCESS(f"Seeded in {time.monotonic() - started:.0f} s."))
