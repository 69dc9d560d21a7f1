"""Writes of the report catalogue: saving a schedule, and sending it once per period."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from core.access import allowed
from core.tenancy import in_institution
from notifications.services import notification_enqueue
from people.models import StaffProfile

from . import catalogue
from .models import Schedule
from .notifications import SCHEDULED_REPORT


def period_of(frequency: str, today: date) -> tuple[str, str]:
    """The period containing `today` as (key, words): ("2026-11", "November 2026") or ("2026-Q4",
    "October to December 2026")."""
    if frequency == Schedule.Frequency.QUARTERLY:
        quarter = (today.month - 1) // 3 + 1
        first, last = date(today.year, 3 * quarter - 2, 1), date(today.year, 3 * quarter, 1)
        return f"{today.year}-Q{quarter}", f"{first:%B} to {last:%B %Y}"
    return f"{today:%Y-%m}", f"{today:%B %Y}"


def _check_recipients(report: catalogue.Report, recipients: list[StaffProfile], institution: Any) -> None:
    if not recipients:
        raise ValidationError({"recipients": "Choose at least one person to send it to."})
    refused = [
        str(person)
        for person in recipients
        if person.institution_id != institution.pk or not allowed(person.user, report.permission)
    ]
    if refused:
        raise ValidationError(
            {"recipients": f"{', '.join(refused)} may not see the report “{report.title}”, so cannot receive it."}
        )


def schedule_save(
    *,
    by: Any,
    report_key: str,
    filters: dict[str, str],
    frequency: str,
    recipients: list[StaffProfile],
    schedule: Schedule | None = None,
) -> Schedule:
    """Save (or change) a schedule: the report, its filters as given on its page, how often, and to
    whom. Every recipient must be someone the report's own rule allows to see it."""
    report = catalogue.get(report_key)
    if report is None:
        raise ValidationError({"report_key": "There is no such report."})
    profile = by.profile
    _check_recipients(report, recipients, profile.institution)
    form = report.filters(filters, institution=profile.institution)
    if not form.is_valid():
        raise ValidationError({"filters": "The report's filters are not valid: choose them again on its page."})
    with transaction.atomic():
        if schedule is None:
            schedule = Schedule(institution=profile.institution, report_key=report_key, created_by=profile)
        schedule.filters = form.stored()
        schedule.frequency = frequency
        schedule.active = True
        schedule.save()
        schedule.recipients.set(recipients)
    return schedule


def schedule_stop(*, schedule: Schedule, by: Any) -> Schedule:
    with transaction.atomic():
        schedule.active = False
        schedule.save(update_fields=["active"])
    return schedule


def schedule_send(*, schedule_id: int, today: date) -> int:
    """E-mail the schedule's report for the period containing `today` to each recipient, once.

    Claims the period first with a conditional UPDATE that only one caller can win (a second run
    of the job, a retry, a second worker: each finds the period already claimed and sends
    nothing); the outbox rows go in the same transaction with a key naming the schedule, the
    period and the recipient, the last line of defence. Returns the number of messages queued.
    """
    schedule = Schedule.objects.select_related("institution", "created_by").get(pk=schedule_id)
    period, words = period_of(schedule.frequency, today)
    report = catalogue.get(schedule.report_key)
    if report is None or not schedule.active:
        return 0
    with in_institution(schedule.institution), transaction.atomic():
        claimed = (
            Schedule.objects.filter(pk=schedule.pk, active=True).exclude(last_period=period).update(last_period=period)
        )
        if claimed != 1:
            return 0
        form = report.filters(schedule.filters, institution=schedule.institution)
        filters = form.values() if form.is_valid() else report.filters(institution=schedule.institution).values()
        result = report.result(institution=schedule.institution, filters=filters)
        sent = 0
        for person in schedule.recipients.select_related("user").filter(user__is_active=True):
            if not allowed(person.user, report.permission):
                continue  # their role changed since the schedule was saved
            notification = notification_enqueue(
                recipient=person.user,
                kind=SCHEDULED_REPORT.key,
                idempotency_key=f"reports.scheduled:{schedule.pk}:{period}:{person.pk}",
                context={
                    "report": result.title,
                    "period": words,
                    "frequency": schedule.get_frequency_display().split(" (")[0].lower(),
                    "saved_by": str(schedule.created_by) if schedule.created_by else "HR",
                    "text": result.text(),
                },
                institution=schedule.institution,
                link=schedule.get_absolute_url(),
            )
            sent += notification is not None
    return sent
