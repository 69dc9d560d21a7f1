"""Streamed CSV of a cohort's applicants, for programme managers."""

from django.db.models import Count, Q

from core.exports import csv_lines


def applicants_csv_lines(applications):
    """Yield CSV lines, header first; reads the rows in chunks so a large cohort never sits in memory."""
    return csv_lines(_applicant_rows(applications))


def _applicant_rows(applications):
    yield (
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
        yield (
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
