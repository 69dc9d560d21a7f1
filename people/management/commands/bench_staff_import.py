"""Time the staff import on the configured database: generate a file, check it, write it, again.

    python manage.py bench_staff_import --rows 30000 [--format xlsx] [--keep]

Makes a throwaway institution ("Staff import benchmark", its own e-mail domain, a division,
the sector's job families and grades) and an HR account, writes a staff list of N rows to a
temporary file (a tenth of them managers, the rest reporting to them), then runs the import's
own services as the worker would: the check, the write of every row, and a second check and
write of the same file (which must change nothing). Then HR's staff list download of those N
people (time to the first line, memory), imported back (which must change nothing either).
Prints each phase's time and the process's peak memory after each phase. Deletes the institution
afterwards unless --keep.
"""

from __future__ import annotations

import resource
import tempfile
import time
import tracemalloc
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.exports import append_row, csv_lines
from core.tenancy import across_institutions, in_institution
from people import selectors, services, services_staff_import
from people.models import (
    CareerEvent,
    Division,
    EmailDomain,
    Institution,
    StaffImport,
    StaffProfile,
    User,
)

SLUG = "staff-import-benchmark"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


class Command(BaseCommand):
    help = "Benchmark the staff import: check and write an N-row file on the configured database."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=30_000)
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument("--keep", action="store_true", help="Keep the benchmark institution afterwards.")

    def handle(self, *args, rows, format, keep, **options):
        # As in production: with DEBUG on, Django keeps the text of the last 9,000 queries (bulk
        # inserts of a thousand rows each), which would be counted as the import's memory.
        settings.DEBUG = False
        with across_institutions():
            if Institution.objects.filter(slug=SLUG).exists():
                self._delete()
            institution = Institution.objects.create(name="Staff import benchmark", short_name="BENCH", slug=SLUG)
            EmailDomain.objects.create(institution=institution, domain="bench.example.ac.uk")
            Division.objects.create(institution=institution, name="Benchmark Division")
            services.institution_ladders_copy(institution=institution)
            hr = User.objects.create_user(email="hr@bench.example.ac.uk", first_name="Bench", last_name="HR")
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"staff.{format}"
            self._write_file(path, rows)
            size_mb = path.stat().st_size / 1024 / 1024
            self.stdout.write(
                f"{rows} rows, {format.upper()}, {size_mb:.1f} MB; peak memory at start {_peak_mb():.0f} MB"
            )
            with in_institution(institution):
                for attempt in ("first import", "same file again"):
                    batch = self._import(institution, hr, path, attempt)
                    if attempt == "first import" and batch.written_rows != rows:
                        raise CommandError(f"Wrote {batch.written_rows} of {rows} rows: {batch.error}")
                    if attempt == "same file again" and (batch.written_rows or batch.unchanged_count != rows):
                        raise CommandError("Importing the same file again changed something.")
                download = Path(folder) / "download.csv"
                self._download(institution, download, rows)
                batch = self._import(institution, hr, download, "its staff list downloaded, imported back")
                if batch.written_rows or batch.unchanged_count != rows:
                    raise CommandError("Importing the downloaded staff list back changed something.")
            with across_institutions():
                people = StaffProfile.objects.filter(institution=institution).count()
                events = CareerEvent.objects.filter(person__institution=institution).count()
            self.stdout.write(f"{people} staff records and {events} career events in the database.")
        if not keep:
            self._delete()

    def _download(self, institution, path: Path, rows: int) -> None:
        """HR's staff list download (`people.views.staff_list_csv` streams these same lines):
        time to the first person's line, the whole file, and the Python memory it took."""
        tracemalloc.start()
        started = time.perf_counter()
        lines = csv_lines(selectors.staff_list_rows(institution))
        with path.open("w", encoding="utf-8") as handle:
            handle.write(next(lines))
            handle.write(next(lines))
            first = time.perf_counter()
            written = 2
            for line in lines:
                handle.write(line)
                written += 1
        done = time.perf_counter()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        if written != rows + 1:
            raise CommandError(f"The staff list has {written - 1} people, not {rows}.")
        self.stdout.write(
            f"staff list download: {written - 1} people, first line {1000 * (first - started):.0f} ms, "
            f"all {done - started:.1f} s, Python memory {peak / 2**20:.1f} MB"
        )

    def _import(self, institution, hr, path, attempt):
        with path.open("rb") as handle:
            batch = StaffImport(institution=institution, uploaded_by=hr, original_name=path.name)
            batch.file.save(path.name, File(handle), save=False)
            batch.save()
        started = time.perf_counter()
        services_staff_import.staff_import_check(batch=batch)
        checked = time.perf_counter()
        check_peak = _peak_mb()
        if batch.has_failed:
            raise CommandError(batch.error)
        # What confirming does, without a broker: the worker's second phase, here in-process.
        StaffImport.objects.filter(pk=batch.pk).update(stage=StaffImport.Stage.IMPORTING, confirmed_by=hr)
        batch.refresh_from_db()
        services_staff_import.staff_import_write(batch=batch)
        written = time.perf_counter()
        self.stdout.write(
            f"{attempt}: check {checked - started:.1f} s (peak {check_peak:.0f} MB), "
            f"write {written - checked:.1f} s (peak {_peak_mb():.0f} MB), total {written - started:.1f} s; "
            f"{batch.new_count} new, {batch.changed_count} changed, {batch.unchanged_count} unchanged, "
            f"{batch.bad_count} refused"
        )
        batch.file.delete(save=False)
        return batch

    def _write_file(self, path: Path, rows: int) -> None:
        """A staff list of `rows` people: one in ten a manager (PSO), the rest SSO/HSO/SO under them."""
        managers = max(rows // 10, 1)
        header = services_staff_import.TEMPLATE_HEADINGS

        def lines():
            yield header
            for n in range(1, rows + 1):
                manager = "" if n <= managers else f"B{(n % managers) + 1:06d}"
                grade = "PSO" if n <= managers else ("SSO", "HSO", "SO")[n % 3]
                leaving = f"2027-0{n % 9 + 1}-15" if n % 50 == 0 else ""
                yield [
                    f"B{n:06d}",
                    f"Bench Person{n}",
                    f"person{n}@bench.example.ac.uk",
                    "Benchmark Division",
                    "Scientific Officer",
                    grade,
                    manager,
                    f"20{10 + n % 15}-0{n % 9 + 1}-01",
                    leaving,
                    ("Open-ended", "Fixed-term")[n % 2],
                ]

        if path.suffix == ".csv":
            with path.open("w", newline="", encoding="utf-8") as handle:
                handle.writelines(csv_lines(lines()))
        else:
            from openpyxl import Workbook

            workbook = Workbook(write_only=True)
            sheet = workbook.create_sheet()
            for line in lines():
                append_row(sheet, line)
            workbook.save(path)

    def _delete(self) -> None:
        """Remove the benchmark institution fast: plain DELETEs, no per-row signals (the audit log stays)."""
        from people.models import Grade, JobFamily, StaffImportRow

        def raw(queryset):
            queryset._raw_delete(queryset.db)

        with across_institutions(), transaction.atomic():
            institution = Institution.objects.get(slug=SLUG)
            for batch in StaffImport.objects.filter(institution=institution):
                batch.file.delete(save=False)
            users = list(StaffProfile.objects.filter(institution=institution).values_list("user_id", flat=True))
            raw(StaffImportRow.objects.filter(batch__institution=institution))
            raw(StaffImport.objects.filter(institution=institution))
            raw(CareerEvent.objects.filter(person__institution=institution))
            raw(StaffProfile.history.filter(institution_id=institution.pk))
            StaffProfile.objects.filter(institution=institution).update(line_manager=None)
            raw(StaffProfile.objects.filter(institution=institution))
            raw(User.objects.filter(pk__in=users))
            User.objects.filter(email="hr@bench.example.ac.uk").delete()
            raw(Grade.objects.filter(job_family__institution=institution))
            raw(JobFamily.objects.filter(institution=institution))
            raw(Division.objects.filter(institution=institution))
            raw(EmailDomain.objects.filter(institution=institution))
            institution.delete()
