"""`make bench`: run the parts, print a table, write bench/results/latest.json."""

import json
import os
import platform
import time
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from actionplan.models import ActionPlan
from core.tenancy import across_institutions
from people.models import Institution, StaffProfile

from . import exports, figures, jobs, load, pages
from .signin import ROLES

PARTS = ["pages", "figures", "exports", "jobs", "load"]
RESULTS = Path(__file__).resolve().parent / "results"


def machine() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        cpu = platform.processor()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "python": platform.python_version(),
        "postgresql": pg,
        "load_average": os.getloadavg(),
    }


def sizes() -> dict:
    with connection.cursor() as cursor:
        counts = {}
        for table in [
            "people_institution",
            "people_staffprofile",
            "development_trainingrecord",
            "development_developmentrequest",
            "programmes_application",
            "programmes_applicationtransition",
            "development_requesttransition",
            "notifications_notification",
        ]:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 (fixed names)
            counts[table] = cursor.fetchone()[0]
    return counts


def main_pages(icr) -> dict[str, tuple[str, str]]:
    from .exports import _largest_cohort

    cohort = _largest_cohort(icr)
    found = {
        # The floor: the lightest signed-in page (the accessibility statement: the session, the
        # viewer and the navigation, 6 queries), what every page costs before its own work.
        "floor: a signed-in page (technician)": (ROLES["technician"], "/accessibility/"),
        "home (technician)": (ROLES["technician"], "/"),
        "home (manager)": (ROLES["manager"], "/"),
        "catalogue": (ROLES["technician"], "/programmes/"),
        "my development": (ROLES["technician"], "/development/"),
        "directory (hr)": (ROLES["hr"], "/staff/"),
        "training report (hr)": (ROLES["hr"], "/reports/training/"),
    }
    if cohort is not None:
        found["cohort applicants"] = (ROLES["programme manager"], f"/programmes/run/cohorts/{cohort.pk}/")
    return found


MIX = [
    ("home (technician)", 8),
    ("home (manager)", 3),
    ("catalogue", 4),
    ("my development", 4),
    ("directory (hr)", 1),
    ("training report (hr)", 1),
    ("cohort applicants", 1),
]


def run(*, only: list[str], repeat: int, max_pages: int, seconds: int, connections: int, out, job_names=None) -> dict:
    out = out or (lambda line: None)
    started = time.monotonic()
    with across_institutions():
        icr = Institution.objects.get(slug="icr")
        plan = ActionPlan.objects.filter(institution=icr).order_by("-start").first()
        icr_staff = StaffProfile.objects.filter(institution=icr).count()
    result: dict = {
        "ran_at": timezone.now().isoformat(),
        "machine": machine(),
        "sizes": sizes(),
        "icr_staff": icr_staff,
        "settings": {"DEBUG": settings.DEBUG, "CONN_MAX_AGE": settings.DATABASES["default"].get("CONN_MAX_AGE")},
    }
    if "pages" in only:
        out("== pages: queries, server time p50 / p95 (ms), in-process after warm-up")
        result["pages"] = pages.run(repeat=repeat, max_pages=max_pages, out=out)
    with across_institutions():
        if "figures" in only:
            out("== success measures and the 1G report beside their SQL baselines")
            start, end = (
                (plan.start, plan.end) if plan else (date(timezone.localdate().year - 1, 1, 1), timezone.localdate())
            )
            result["measures"] = figures.measures(icr, start, end, repeat=repeat, out=out)
            result["training_report"] = figures.training_report(icr, repeat=repeat, out=out)
        if "exports" in only:
            out("== exports: first byte and memory")
            result["exports"] = exports.run(icr, out=out)
        if "jobs" in only:
            out("== beat jobs over the whole data set, twice (rolled back afterwards)")
            result["jobs"] = jobs.run(names=job_names, out=out)
        if "load" in only:
            out(f"== wrk against gunicorn (2 workers), {connections} connections, {seconds} s each")
            result["load"] = load.run(main_pages(icr), MIX, seconds=seconds, connections=connections, out=out)
    result["took_s"] = round(time.monotonic() - started, 1)
    return result


def merge(paths: list[Path]) -> dict:
    """One result from several runs (e.g. the jobs measured apart): later files win, part by part."""
    result: dict = {}
    for path in paths:
        part = json.loads(path.read_text())
        # A merged file keeps each part's own time: its `ran_at` is when it was merged.
        own = part.get("parts_ran_at", {})
        ran = {
            key: own.get(key) or part.get("ran_at")
            for key in part
            if key in ("pages", "measures", "exports", "jobs", "load")
        }
        ran_at = result.get("parts_ran_at", {})
        result.update(part)
        result["parts_ran_at"] = {**ran_at, **ran}
    result["took_s"] = None  # several runs
    return result


def write(result: dict, path: Path | None = None) -> Path:
    path = path or RESULTS / "latest.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2, default=str) + "\n")
    return path
