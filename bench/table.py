"""The benchmark's result as Markdown tables: printed to the terminal and pasted into the README."""

from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
START, END = "<!-- bench:start (make bench BENCH_ARGS=--readme rewrites this) -->", "<!-- bench:end -->"


def into_readme(rendered: str, readme: Path = README) -> None:
    text = readme.read_text()
    before, rest = text.split(START, 1)
    _, after = rest.split(END, 1)
    readme.write_text(f"{before}{START}\n{rendered}{END}{after}")


def _md(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join("" if v is None else str(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def _errors(r: dict) -> str:
    if not r["errors"]:
        return "0"
    return f"{r['errors']} ({r.get('timeouts', 0)} timed out, {r.get('non2xx', 0)} not 2xx/3xx)"


def render(result: dict, *, compact: bool = False) -> str:
    """Every page in the terminal; `compact` (the README): per role, then only the pages over a target."""
    parts = []
    m = result.get("machine", {})
    s = result.get("sizes", {})
    parts.append(
        f"Machine: {m.get('cpu')}, {m.get('cores')} cores, {m.get('memory_gb')} GB, PostgreSQL {m.get('postgresql')}, "
        f"Python {m.get('python')}; load average at start {m.get('load_average')}.\n"
        f"Data: {s.get('people_institution')} institutions, {s.get('people_staffprofile')} staff "
        f"({result.get('icr_staff')} at ICR, where the benchmark signs in), "
        f"{s.get('development_trainingrecord')} training records, "
        f"{s.get('development_developmentrequest')} development requests, "
        f"{s.get('programmes_application')} applications."
    )
    if result.get("pages"):
        pages = result["pages"]
        worst = sorted(pages, key=lambda p: -p["p95_ms"])
        heading = (
            f"### Pages ({len(pages)} pages over {len({p['role'] for p in pages})} roles; "
            f"most queries {max(p['queries'] for p in pages)}, slowest p95 {worst[0]['p95_ms']} ms)\n\n"
        )
        shown = pages
        if compact:
            roles = sorted({p["role"] for p in pages})
            summary = []
            for role in roles:
                mine = [p for p in pages if p["role"] == role]
                p95s = sorted(p["p95_ms"] for p in mine)
                summary.append(
                    [
                        role,
                        len(mine),
                        max(p["queries"] for p in mine),
                        p95s[len(p95s) // 2],
                        p95s[-1],
                        sum(p["p95_ms"] > 100 for p in mine),
                        sum(p["queries"] > 25 for p in mine),
                    ]
                )
            heading += (
                _md(
                    [
                        "role",
                        "pages",
                        "most queries",
                        "median p95 ms",
                        "slowest p95 ms",
                        "pages p95 > 100 ms",
                        "pages > 25 queries",
                    ],
                    summary,
                )
                + "\n\nThe pages over a target (p95 over 100 ms or over 25 queries), slowest first; every page "
            )
            heading += "is in `bench/results/latest.json`:\n\n"
            shown = [p for p in worst if p["p95_ms"] > 100 or p["queries"] > 25]
        parts.append(
            heading
            + _md(
                ["role", "page", "queries", "p50 ms", "p95 ms"],
                [[p["role"], p["pattern"], p["queries"], p["p50_ms"], p["p95_ms"]] for p in shown],
            )
        )
    if result.get("measures") or result.get("training_report"):
        rows = [
            [r["key"], r["portal_ms"], r["baseline_ms"], r["ratio"], r["match"]]
            for r in [
                *([result["training_report"]] if result.get("training_report") else []),
                *result.get("measures", []),
            ]
        ]
        parts.append(
            "### Reports and success measures (ICR, the plan's period)\n\n"
            + _md(["figure", "portal ms", "SQL baseline ms", "ratio", "figures match"], rows)
        )
    if result.get("exports"):
        parts.append(
            "### Exports\n\n"
            + _md(
                ["export", "role", "rows", "first byte ms", "whole ms", "memory MB"],
                [
                    [e["what"], e["role"], e["rows"], e["ttfb_ms"], e["total_ms"], e["memory_mb"]]
                    for e in result["exports"]
                ],
            )
        )
    if result.get("jobs"):
        parts.append(
            "### Beat jobs over the whole data set (run twice)\n\n"
            + _md(
                ["job", "first run s", "sent", "second run s", "sent again", "ok"],
                [
                    [
                        j["job"],
                        j.get("first_s"),
                        j.get("first_sent"),
                        j.get("second_s"),
                        j.get("second_sent"),
                        "yes" if j["ok"] else j.get("error", "no"),
                    ]
                    for j in result["jobs"]
                ],
            )
        )
    load = result.get("load")
    if load and not load.get("skipped"):
        rows = [[name, r["rps"], _errors(r), r["p50_ms"], r["p95_ms"]] for name, r in load["pages"].items()]
        if load.get("mix"):
            r = load["mix"]
            rows.append(["**mix**", r["rps"], _errors(r), r["p50_ms"], r["p95_ms"]])
        parts.append(
            f"### HTTP load: wrk, gunicorn 2 workers, {load['connections']} connections, {load['seconds']} s each\n\n"
            + _md(["page", "requests/s", "errors", "p50 ms", "p95 ms"], rows)
        )
    elif load:
        parts.append(f"HTTP load skipped: {load['skipped']}")
    if result.get("took_s") is not None:
        parts.append(f"Took {result['took_s']} s.")
    if result.get("parts_ran_at"):
        parts.append("Merged from runs at: " + ", ".join(f"{k} {v}" for k, v in result["parts_ran_at"].items()) + ".")
    return "\n\n".join(parts) + "\n"
