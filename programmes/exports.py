"""Streamed CSV of a cohort's applicants, for programme managers."""

import csv
import io

from django.db.models import Count, Q

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe(value):
    """Neutralise cell values a spreadsheet would run as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def applicants_csv_lines(applications):
    """Yield CSV lines, header first; reads the rows in chunks so a large cohort never sits in memory."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(values):
        buffer.seek(0)
        buffer.truncate(0)
        writer.writerow([_safe(v) for v in values])
        return buffer.getvalue()

    yield line(
        [
            "name",
            "e-mail",
            "institution",
            "job family",
            "grade",
            "line manager",
            "status",
            "applied",
            "sessions attended",
        ]
    )
    rows = applications.select_related("applicant__line_manager__user").annotate(
        attended=Count("attendance", filter=Q(attendance__present=True))
    )
    for application in rows.iterator(chunk_size=500):
        applicant = application.applicant
        yield line(
            [
                str(applicant),
                applicant.user.email,
                applicant.institution.short_name,
                applicant.job_family.name if applicant.job_family_id else "",
                applicant.grade.short_name if applicant.grade_id else "",
                str(applicant.line_manager) if applicant.line_manager_id else "",
                application.get_state_display(),
                application.submitted_at.date().isoformat(),
                application.attended,
            ]
        )
