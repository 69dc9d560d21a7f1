"""Saved report schedules: a report of the catalogue, with its filters, e-mailed monthly or
quarterly to chosen HR staff and programme managers through the outbox."""

from django.db import models
from django.urls import reverse
from django.utils.http import urlencode

from core.tenancy import InstitutionManager


class Schedule(models.Model):
    """One report, its filters and its recipients, sent once per month or quarter.

    `last_period` names the last period sent ("2026-11", "2026-Q4"): the beat job claims a
    schedule for a period by a conditional update of it, and the outbox key names the period
    too, so running the job twice in a period sends nothing twice.
    """

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", "Monthly (on the first run of each month)"
        QUARTERLY = "quarterly", "Quarterly (January, April, July, October)"

    institution = models.ForeignKey(
        "people.Institution", on_delete=models.CASCADE, related_name="report_schedules", verbose_name="institution"
    )
    report_key = models.CharField("report", max_length=50, help_text="The report of the catalogue to send.")
    filters = models.JSONField(
        "filters",
        default=dict,
        blank=True,
        help_text="The report's filters as chosen on its page; an empty filter means the latest period.",
    )
    frequency = models.CharField(
        "how often", max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY, help_text="When it is sent."
    )
    recipients = models.ManyToManyField(
        "people.StaffProfile",
        related_name="report_schedules",
        verbose_name="recipients",
        help_text="HR staff and programme managers who receive it by e-mail.",
    )
    active = models.BooleanField("active", default=True, help_text="Untick to stop sending it.")
    last_period = models.CharField(
        "last period sent", max_length=10, blank=True, help_text='e.g. "2026-11" or "2026-Q4".'
    )
    created_by = models.ForeignKey(
        "people.StaffProfile", on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="saved by"
    )
    created_at = models.DateTimeField("saved", auto_now_add=True)

    objects = InstitutionManager()

    class Meta:
        ordering = ["report_key", "pk"]
        indexes = [
            # For reports.tasks.send_scheduled_reports: the active schedules, scanned daily.
            models.Index(
                fields=["frequency", "last_period"], name="schedule_active_idx", condition=models.Q(active=True)
            ),
        ]

    def __str__(self):
        return f"{self.report_key} ({self.get_frequency_display()})"

    def get_absolute_url(self):
        url = reverse("reports:report", args=[self.report_key])
        return f"{url}?{urlencode(self.filters)}" if self.filters else url
