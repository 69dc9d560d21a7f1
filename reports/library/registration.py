"""Registration uptake (3A-3C): staff professionally registered by register and job family, the
journeys under way by stage and who paid the fees, from `registration.selectors` (raw counts,
each passed through `core.disclosure.count` here)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from core import disclosure
from registration import selectors as registration

from ..catalogue import Chart, ReportFilters, Result, Row, Series, Table, report


class RegistrationFilters(ReportFilters):
    on = forms.DateField(
        label="As on",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Workshops are counted in the twelve months to this day. Empty: today.",
    )


def _counts(pairs: list[tuple[str, int]]) -> list[Row]:
    return [Row(label, [disclosure.count(n)]) for label, n in pairs]


@report(
    key="registration",
    title="Registration uptake",
    actions="3A-3C",
    description="Staff professionally registered, by register and by job family; journeys under way by stage; "
    "who paid the first year's fees; workshops held.",
    permission="registration.see_figures",
    filters=RegistrationFilters,
    order=30,
)
def registration_uptake(*, institution: Any, filters: dict[str, Any]) -> Result:
    on = filters.get("on") or timezone.localdate()
    figures = registration.champion_figures(institution, today=on)
    stages = registration.state_counts(institution)
    by_register = Table(
        caption="Registered now, by register",
        group="Register",
        columns=["Staff registered"],
        rows=[
            *_counts(figures.registered_by_register),
            Row("All registers", [disclosure.count(figures.registered_total)]),
        ],
    )
    by_family = Table(
        caption="Registered now, by job family",
        group="Job family",
        columns=["Staff registered"],
        rows=_counts(figures.registered_by_family),
    )
    by_stage = Table(
        caption="Journeys by stage",
        group="Stage",
        columns=["Journeys"],
        rows=[Row(state.replace("_", " ").capitalize(), [disclosure.count(n)]) for state, n in stages.items()],
    )
    by_payer = Table(
        caption="First year's fee paid by",
        group="Paid by",
        columns=["Journeys"],
        rows=_counts(figures.support_by_payer),
    )
    support = Table(
        caption="Support under way",
        group="Support",
        columns=["Number"],
        rows=[
            Row("Journeys under way", [disclosure.count(figures.journeys_open)]),
            Row("Mentors supporting them", [disclosure.count(figures.mentors)]),
        ],
    )
    chart = Chart(
        kind="bar",
        description="Bar chart: staff registered now, by register.",
        labels=[code for code, _ in figures.registered_by_register],
        series=[Series("Staff registered", [row.figures[0] for row in by_register.rows[:-1]])],
        table=by_register.caption,
        axis="people (rounded to 5)",
    )
    return Result(
        title=f"Professional registration on {on:%-d %B %Y}",
        summary=(
            f"About {disclosure.count(figures.registered_total).shown} staff hold a professional registration; "
            f"{figures.workshops_held} registration workshop{'s' if figures.workshops_held != 1 else ''} were held "
            "in the twelve months to this day."
        ),
        tables=[by_register, by_family, by_stage, by_payer, support],
        chart=chart,
    )
