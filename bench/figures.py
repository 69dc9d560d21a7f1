"""Each success measure's and the 1G training report's time beside a hand-written SQL baseline.

A baseline is the plainest single SQL statement that gives the same figures; the benchmark
asserts the figures match and reports `ratio = portal time / baseline time`. A measure without a
baseline yet is timed alone (`baseline_ms` is None) so the table shows it.
"""

import statistics
import time
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from core import metrics
from core.tenancy import in_institution
from development import selectors as development_selectors

# "is staff" (people.models.StaffProfile.staff): not a sign-up whose addresses are all unconfirmed.
IS_STAFF = """NOT (EXISTS (SELECT 1 FROM account_emailaddress a WHERE a.user_id = sp.user_id)
    AND NOT EXISTS (SELECT 1 FROM account_emailaddress a WHERE a.user_id = sp.user_id AND a.verified))"""
IN_PERIOD = (
    "(sp.start_date IS NULL OR sp.start_date <= %(end)s) AND (sp.leaving_date IS NULL OR sp.leaving_date >= %(start)s)"
)


def _one(sql: str, params: dict) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def _all(sql: str, params: dict) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _q(value: Decimal, places: str = "0.01") -> Decimal:
    return Decimal(value).quantize(Decimal(places))


def training_per_head(p: dict) -> dict:
    headcount, hours = _one(
        f"""SELECT count(*), (SELECT coalesce(sum(t.hours), 0) FROM development_trainingrecord t
                JOIN people_staffprofile sp ON sp.id = t.person_id
                WHERE sp.institution_id = %(institution)s AND {IS_STAFF} AND {IN_PERIOD}
                  AND t.date BETWEEN %(start)s AND %(end)s)
            FROM people_staffprofile sp WHERE sp.institution_id = %(institution)s AND {IS_STAFF} AND {IN_PERIOD}""",
        p,
    )
    return {"value": _q(hours / headcount) if headcount else None, "denominator": headcount}


def staff_with_training(p: dict) -> dict:
    headcount, trained = _one(
        f"""SELECT count(*), count(*) FILTER (WHERE EXISTS (SELECT 1 FROM development_trainingrecord t
                WHERE t.person_id = sp.id AND t.date BETWEEN %(start)s AND %(end)s))
            FROM people_staffprofile sp WHERE sp.institution_id = %(institution)s AND {IS_STAFF} AND {IN_PERIOD}""",
        p,
    )
    return {"numerator": trained, "denominator": headcount}


def orcid_share(p: dict) -> dict:
    on = min(p["end"], timezone.localdate())
    total, with_orcid = _one(
        f"""SELECT count(*), count(*) FILTER (WHERE sp.orcid <> '') FROM people_staffprofile sp
            WHERE sp.institution_id = %(institution)s AND {IS_STAFF}
              AND (sp.start_date IS NULL OR sp.start_date <= %(on)s)
              AND (sp.leaving_date IS NULL OR sp.leaving_date > %(on)s)""",
        {**p, "on": on},
    )
    return {"numerator": with_orcid, "denominator": total}


def staff_with_outputs(p: dict) -> dict:
    on = min(p["end"], timezone.localdate())
    total, with_outputs = _one(
        f"""SELECT count(*),
                   count(*) FILTER (WHERE EXISTS (SELECT 1 FROM recognition_output o WHERE o.person_id = sp.id))
            FROM people_staffprofile sp WHERE sp.institution_id = %(institution)s AND {IS_STAFF}
              AND (sp.start_date IS NULL OR sp.start_date <= %(on)s)
              AND (sp.leaving_date IS NULL OR sp.leaving_date > %(on)s)""",
        {**p, "on": on},
    )
    return {"numerator": with_outputs, "denominator": total}


def registered_staff(p: dict) -> dict:
    on = min(p["end"], timezone.localdate())
    (now,) = _one(
        """SELECT count(DISTINCT j.person_id) FROM registration_journey j
            JOIN people_staffprofile sp ON sp.id = j.person_id
            WHERE j.institution_id = %(institution)s AND j.state = 'registered' AND j.registered_on <= %(end)s
              AND (sp.leaving_date IS NULL OR sp.leaving_date > %(on)s)""",
        {**p, "on": on},
    )
    return {"numerator": now}


MANAGERS_NOTIFIED_SQL = f"""
WITH c AS (
    SELECT co.id, co.opens_on, co.min_level, co.max_level, p.institution_id, p.open_to_partners
    FROM programmes_cohort co JOIN programmes_programme p ON p.id = co.programme_id
    WHERE p.institution_id = %(institution)s AND co.opens_on BETWEEN %(start)s AND %(last_due)s
), pairs AS (
    SELECT DISTINCT c.id AS cohort_id, c.opens_on, sp.line_manager_id
    FROM c
    CROSS JOIN LATERAL (
        SELECT c.institution_id AS id
        UNION SELECT ip.to_institution_id FROM people_institution_partners ip
        WHERE c.open_to_partners AND ip.from_institution_id = c.institution_id
    ) admitted
    JOIN people_staffprofile sp ON sp.institution_id = admitted.id
    JOIN people_user u ON u.id = sp.user_id AND u.is_active
    LEFT JOIN people_grade g ON g.id = sp.grade_id
    LEFT JOIN people_jobfamily jf ON jf.id = sp.job_family_id
    WHERE sp.line_manager_id IS NOT NULL AND {IS_STAFF}
      AND (sp.leaving_date IS NULL OR sp.leaving_date > %(today)s)
      AND (c.min_level IS NULL OR g.level >= c.min_level)
      AND (c.max_level IS NULL OR g.level <= c.max_level)
      AND (NOT EXISTS (SELECT 1 FROM programmes_cohort_job_families cj WHERE cj.cohort_id = c.id)
           OR EXISTS (SELECT 1 FROM programmes_cohort_job_families cj JOIN people_jobfamily f ON f.id = cj.jobfamily_id
                      WHERE cj.cohort_id = c.id AND lower(f.name) = lower(jf.name)))
)
SELECT count(*), count(*) FILTER (WHERE EXISTS (
    SELECT 1 FROM programmes_managernotice n
    WHERE n.cohort_id = pairs.cohort_id AND n.manager_id = pairs.line_manager_id
      AND (n.notified_at AT TIME ZONE %(tz)s)::date <= pairs.opens_on + 3))
FROM pairs
"""


def managers_notified(p: dict) -> dict:
    today = timezone.localdate()
    last_due = min(p["end"], today - timedelta(days=3))
    expected, on_time = _one(
        MANAGERS_NOTIFIED_SQL, {**p, "today": today, "last_due": last_due, "tz": settings.TIME_ZONE}
    )
    return {"numerator": on_time, "denominator": expected} if expected else {}


BASELINES: dict[str, Callable[[dict], dict]] = {
    "development.training_per_head": training_per_head,
    "development.staff_with_training": staff_with_training,
    "people.orcid_share": orcid_share,
    "programmes.managers_notified_within_3_days": managers_notified,
    "recognition.staff_with_outputs": staff_with_outputs,
    "registration.registered_staff": registered_staff,
}


def _timed(fn: Callable[[], Any], repeat: int) -> tuple[Any, float]:
    fn()  # warm-up
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - started) * 1000)
    return result, round(statistics.median(times), 2)


def _matches(result: Any, expected: dict) -> bool:
    for key, value in expected.items():
        got = getattr(result, key, None)
        if key == "value" and value is not None:
            if Decimal(str(got)) != Decimal(str(value)):
                return False
        elif got != value:
            return False
    return True


def measures(institution: Any, start: date, end: date, *, repeat: int = 3, out=None) -> list[dict]:
    rows = []
    params = {"institution": institution.pk, "start": start, "end": end}
    for m in metrics.all_metrics():
        result, portal_ms = _timed(lambda m=m: m(institution=institution, start=start, end=end), repeat)
        row: dict[str, Any] = {
            "key": m.key,
            "portal_ms": portal_ms,
            "value": None if result is None else str(result.value),
            "baseline_ms": None,
            "ratio": None,
            "match": None,
        }
        if m.key in BASELINES:
            expected, baseline_ms = _timed(lambda m=m: BASELINES[m.key](params), repeat)
            row.update(
                baseline_ms=baseline_ms,
                ratio=round(portal_ms / baseline_ms, 2) if baseline_ms else None,
                match=(result is None and not expected) or (result is not None and _matches(result, expected)),
                baseline=str(expected),
            )
        rows.append(row)
        if out:
            out(f"{m.key:50} {portal_ms:9.2f} ms  baseline {row['baseline_ms']}  ratio {row['ratio']}  {row['match']}")
    return rows


# --- the 1G training report ----------------------------------------------------------------------

REPORT_SQL = f"""
WITH s AS (
    SELECT sp.id, sp.job_family_id, sp.grade_id, sp.division_id FROM people_staffprofile sp
    WHERE sp.institution_id = %(institution)s AND {IS_STAFF} AND {IN_PERIOD}
), r AS (
    SELECT t.person_id, sum(t.hours) AS hours, count(*) AS records FROM development_trainingrecord t
    WHERE t.date BETWEEN %(start)s AND %(end)s AND t.person_id IN (SELECT id FROM s) GROUP BY t.person_id
)
SELECT GROUPING(s.job_family_id, s.grade_id, s.division_id), s.job_family_id, s.grade_id, s.division_id,
       count(*), count(r.person_id), coalesce(sum(r.hours), 0), coalesce(sum(r.records), 0)
FROM s LEFT JOIN r ON r.person_id = s.id
GROUP BY GROUPING SETS ((s.job_family_id), (s.grade_id), (s.division_id), ())
"""
# GROUPING(a, b, c) is a bitmask of the columns rolled up: 3 = by family, 5 = by grade, 6 = by division, 7 = total.
SECTIONS = {3: "by_family", 5: "by_grade", 6: "by_division", 7: "total"}


def report_baseline(institution_id: int, start: date, end: date) -> dict[str, list[tuple]]:
    figures: dict[str, list[tuple]] = {name: [] for name in SECTIONS.values()}
    for grouping, _f, _g, _d, heads, people, hours, records in _all(
        REPORT_SQL, {"institution": institution_id, "start": start, "end": end}
    ):
        figures[SECTIONS[grouping]].append((heads, people, _q(hours), records))
    return {name: sorted(rows) for name, rows in figures.items()}


def _report_figures(report) -> dict[str, list[tuple]]:
    def row(r):
        return (r.headcount, r.people_trained, _q(r.hours), r.records)

    return {
        "total": [row(report.total)],
        "by_family": sorted(row(r) for r in report.by_family),
        "by_grade": sorted(row(r) for r in report.by_grade),
        "by_division": sorted(row(r) for r in report.by_division),
    }


def training_report(institution: Any, *, repeat: int = 3, out=None) -> dict:
    """The 1G report as the page builds it (its years, then the report) against one GROUPING SETS query."""
    with in_institution(institution):
        policy, years = development_selectors.report_years(institution)
        year = years[0]
        start, end = policy.year_bounds(year)

        def portal():
            development_selectors.report_years(institution)
            return development_selectors.training_report(institution, year)

        report, portal_ms = _timed(portal, repeat)
        expected, baseline_ms = _timed(lambda: report_baseline(institution.pk, start, end), repeat)
    got = _report_figures(report)
    row = {
        "key": "development.training_report (1G)",
        "year": year,
        "portal_ms": portal_ms,
        "baseline_ms": baseline_ms,
        "ratio": round(portal_ms / baseline_ms, 2) if baseline_ms else None,
        "match": got == expected,
        "headcount": report.total.headcount,
        "records": report.total.records,
    }
    if out:
        out(f"{row['key']:50} {portal_ms:9.2f} ms  baseline {baseline_ms}  ratio {row['ratio']}  {row['match']}")
    return row
