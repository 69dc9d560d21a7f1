"""`make bench`: measure pages, measures, exports, beat jobs and HTTP load on the seeded data set."""

import logging
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from bench import runner, table


class Command(BaseCommand):
    help = "Benchmark the portal on the seed_scale data set; prints a table and writes bench/results/latest.json."

    def add_arguments(self, parser):
        parser.add_argument(
            "--only", default=",".join(runner.PARTS), help=f"Comma-separated parts: {', '.join(runner.PARTS)}."
        )
        parser.add_argument("--repeat", type=int, default=7, help="Timed requests per page (after two warm-ups).")
        parser.add_argument("--max-pages", type=int, default=60, help="Pages per role at most.")
        parser.add_argument("--seconds", type=int, default=15, help="Seconds of wrk load per page and for the mix.")
        parser.add_argument("--connections", type=int, default=8, help="wrk's open connections.")
        parser.add_argument("--output", default="", help="Where to write the JSON (default bench/results/latest.json).")
        parser.add_argument(
            "--readme", action="store_true", help="Also put the table into README.md's performance section."
        )
        parser.add_argument(
            "--from-json",
            nargs="+",
            default=[],
            help="Measure nothing: merge these result files (later ones win, part by part) and print the table.",
        )
        parser.add_argument(
            "--jobs", default="", help="Only the beat jobs whose task name contains one of these (comma-separated)."
        )
        parser.add_argument("--quiet", action="store_true", help="No progress lines, only the table.")

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("bench needs the seed_scale data set on PostgreSQL (set DATABASE_URL).")
        only = [part.strip() for part in options["only"].split(",") if part.strip()]
        unknown = set(only) - set(runner.PARTS)
        if unknown:
            raise CommandError(f"Unknown part(s): {', '.join(sorted(unknown))}. Choose from {', '.join(runner.PARTS)}.")
        # Eager tasks log every delivery at INFO ("Task ... succeeded"): thousands of lines in the jobs part.
        logging.getLogger("celery.app.trace").setLevel(logging.WARNING)
        out = (lambda line: None) if options["quiet"] else (lambda line: self.stdout.write(f"  {line}"))
        if options["from_json"]:
            result = runner.merge([Path(name) for name in options["from_json"]])
        else:
            result = runner.run(
                only=only,
                repeat=options["repeat"],
                max_pages=options["max_pages"],
                seconds=options["seconds"],
                connections=options["connections"],
                out=out,
                job_names=[name.strip() for name in options["jobs"].split(",") if name.strip()],
            )
        path = runner.write(result, Path(options["output"]) if options["output"] else None)
        rendered = table.render(result)
        self.stdout.write(rendered)
        self.stdout.write(f"Written to {path}")
        if options["readme"]:
            table.into_readme(table.render(result, compact=True))
            self.stdout.write("README.md's performance section updated.")
