"""Time to first byte and memory growth of the largest exports, through the signed-in test client.

The response is read as a WSGI server reads it: the first chunk of `streaming_content` is the
first byte; memory growth is tracemalloc's peak over the whole download (Python allocations,
measured on a second download so the timing run is not slowed by tracing).
"""

import time
import tracemalloc
from typing import Any

from django.db.models import Count
from django.urls import reverse

from programmes.models import Cohort

from .signin import ROLES, client_for


def _largest_cohort(institution: Any) -> Cohort | None:
    return (
        Cohort.objects.filter(programme__institution=institution)
        .annotate(n=Count("applications"))
        .order_by("-n")
        .first()
    )


def _download(client, path: str) -> tuple[int, float, float, int, int]:
    started = time.perf_counter()
    response = client.get(path)
    chunks = iter(response.streaming_content) if response.streaming else iter([response.content])
    first = next(chunks, b"")
    ttfb = (time.perf_counter() - started) * 1000
    size, lines = len(first), first.count(b"\n")
    for chunk in chunks:
        size += len(chunk)
        lines += chunk.count(b"\n")
    total = (time.perf_counter() - started) * 1000
    return response.status_code, ttfb, total, size, lines


def run(institution: Any, *, out=None) -> list[dict]:
    cohort = _largest_cohort(institution)
    # The 1G report's CSV is the report catalogue's (its old address redirects there).
    cases = [("hr", reverse("reports:report_csv", args=["training"]), "1G training report CSV")]
    if cohort is not None:
        cases.append(
            ("programme manager", f"/programmes/run/cohorts/{cohort.pk}/applicants.csv", f"applicants of {cohort}")
        )
    # HR's staff list: everyone in post at ICR, the largest institution (issue 18's staff export).
    cases.append(("hr", reverse("people:staff_list_csv"), "staff list CSV (HR)"))
    cases.append(("technician", "/development/records/export.csv", "my training records CSV"))
    rows = []
    for role, path, label in cases:
        client = client_for(ROLES[role])
        _download(client, path)  # warm-up
        status, ttfb, total, size, lines = _download(client, path)
        tracemalloc.start()
        _download(client, path)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        row = {
            "role": role,
            "path": path,
            "what": label,
            "status": status,
            "rows": max(lines - 1, 0),
            "bytes": size,
            "ttfb_ms": round(ttfb, 1),
            "total_ms": round(total, 1),
            "memory_mb": round(peak / 2**20, 1),
            "streamed": status == 200,
        }
        rows.append(row)
        if out:
            out(
                f"{label:40} {row['rows']:7d} rows  first byte {row['ttfb_ms']:8.1f} ms  "
                f"all {row['total_ms']:8.1f} ms  {row['memory_mb']} MB"
            )
    return rows
