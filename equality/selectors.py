"""Reads of equality data: a person's own answers, the settings, and the pipeline report's figures.

Individual answers leave this module only through `declaration_of` (the person's own page and
export) and `services.declaration_read_by_hr` (audited). The pipeline report reads answers only
to count them, and every figure it returns has passed through `core.disclosure`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q

from core import disclosure
from core.access import get_visible_or_404
from people import roles
from people.models import Institution, StaffProfile
from people.selectors import holders_of, in_post_between

from . import characteristics as ch
from .models import Declaration, EqualitySettings
from .sources import SOURCES, Source

STAFF_BREAKDOWNS = (("job_family", "Job family"), ("grade", "Grade"), ("division", "Division"))
ALL_STAFF = "All staff"


def settings_for(institution: Institution) -> EqualitySettings:
    """The institution's settings, or unsaved defaults (the four core questions, no HR viewer). One query."""
    return EqualitySettings.objects.filter(institution=institution).first() or EqualitySettings(institution=institution)


def record_viewer_choices(institution: Institution) -> list[StaffProfile]:
    """The institution's HR staff, who alone may be named to see individual answers."""
    return holders_of(institution, roles.HR)


def declaration_of(person: StaffProfile) -> Declaration | None:
    """The person's own answers (for their own page and their own export only)."""
    return Declaration.objects.filter(person=person).first()


def staff_to_look_up(institution: Institution, text: str) -> StaffProfile | None:
    """One staff member found by exact staff number or e-mail address, for a named HR viewer."""
    text = text.strip()
    if not text:
        return None
    return (
        StaffProfile.objects.filter(institution=institution)
        .filter(Q(staff_number__iexact=text) | Q(user__email__iexact=text))
        .select_related("user")
        .first()
    )


def get_person_to_look_up(institution: Institution, pk: Any) -> StaffProfile:
    return get_visible_or_404(StaffProfile.objects.filter(institution=institution).select_related("user"), pk)


def own_export_rows(person: StaffProfile, settings: EqualitySettings) -> list[list[str]]:
    """The person's own answers as CSV rows (question, answer): the one export that holds them."""
    declaration = declaration_of(person)
    rows = [["Question", "Your answer"]]
    for characteristic in ch.ALL:
        value = getattr(declaration, characteristic.key) if declaration is not None else ""
        if value or (characteristic in settings.enabled()):
            rows.append([characteristic.question, characteristic.label_of(value)])
    return rows


# --- The pipeline report -------------------------------------------------------------------------


def breakdowns(settings: EqualitySettings) -> list[tuple[str, str]]:
    """What the report may break down by: job family, grade, division and each enabled characteristic."""
    return [*STAFF_BREAKDOWNS, *((c.key, c.label) for c in settings.enabled())]


@dataclass(frozen=True)
class PipelineRow:
    label: str
    eligible: disclosure.Figure
    cells: list[tuple[disclosure.Figure, disclosure.Figure]]  # per stage: (people, % of eligible)


@dataclass(frozen=True)
class PipelineReport:
    source: Source
    breakdown: str
    breakdown_label: str
    start: date
    end: date
    rows: list[PipelineRow]
    total: PipelineRow

    @property
    def stages(self) -> tuple[tuple[str, str], ...]:
        return self.source.stages

    def header(self) -> list[str]:
        columns = [self.breakdown_label, "Eligible"]
        for _, label in self.stages:
            columns += [label, f"{label}: % of eligible"]
        return columns

    def chart(self) -> dict[str, Any]:
        """The chart's data: one series per stage, the rate of each group (None where hidden)."""
        return {
            "labels": [row.label for row in self.rows],
            "series": [
                {"label": f"{label} (% of eligible)", "values": [_number(row.cells[i][1]) for row in self.rows]}
                for i, (_, label) in enumerate(self.stages)
            ],
        }


def _number(figure: disclosure.Figure) -> float | None:
    return None if figure.value is None else float(figure.value)


def _plain(figure: disclosure.Figure) -> int | str:
    """A figure for a CSV cell or a plain row: the number, or why it is hidden in words."""
    if figure.value is None:
        return figure.shown
    return int(figure.value) if figure.kind == disclosure.COUNT else str(figure.value)


def _group_labels(people: Iterable[dict[str, Any]], breakdown: str) -> dict[int, str]:
    """Each person's group for a staff breakdown (job family, grade, division)."""
    labels = {}
    for person in people:
        if breakdown == "job_family":
            labels[person["pk"]] = person["job_family__name"] or "No job family recorded"
        elif breakdown == "grade":
            labels[person["pk"]] = person["grade__name"] or "No grade recorded"
        else:
            labels[person["pk"]] = person["division__name"] or "No division recorded"
    return labels


def _staff_order(people: list[dict[str, Any]], breakdown: str, labels: dict[int, str]) -> list[str]:
    if breakdown == "grade":  # up each family's ladder
        keyed = {labels[p["pk"]]: (p["job_family__name"] or "~", p["grade__level"] or 0) for p in people}
        return sorted(keyed, key=lambda label: (keyed[label], label))
    return sorted(set(labels.values()), key=lambda label: (label.startswith("No "), label))


def pipeline_report(*, institution: Institution, source: str, start: date, end: date, breakdown: str) -> PipelineReport:
    """Who is eligible and who reaches each stage of `source` in the period, by `breakdown`.

    The population is the source's eligible staff (or everyone in post in the period), together
    with anyone who reached a stage (having applied, they were evidently able to). Job family,
    grade and division are today's. Counts are rounded, each rate is of the group's eligible
    people and hidden for fewer than 22.5 of them, and each stage's rates across the groups are
    protected against differencing. Queries: one for the settings, the source's own (one to four),
    one for the staff and, for a characteristic, one for the answers; none per row.

    Raises KeyError for an unknown source and ValueError for a breakdown the institution does not offer.
    """
    src = SOURCES[source]
    settings = settings_for(institution)
    offered = dict(breakdowns(settings))
    if breakdown not in offered:
        raise ValueError(f"No breakdown {breakdown!r} here.")
    at_stage = src.people(institution=institution, start=start, end=end)
    reached: set[int] = set().union(*(at_stage.get(key, set()) for key, _ in src.stages))
    staff = StaffProfile.objects.filter(institution=institution)
    columns = ("pk", "job_family__name", "grade__name", "grade__level", "division__name")
    if "eligible" in at_stage:
        # The institution's staff, kept here, rather than thousands of ids sent back in an IN list
        # (5,685 of them took 38 ms at national size).
        wanted = at_stage["eligible"] | reached
        people: list[dict[str, Any]] = [dict(row) for row in staff.values(*columns) if row["pk"] in wanted]
    else:
        staff = staff.filter(
            Q(pk__in=in_post_between(institution, start, end).values("pk")) | Q(pk__in=sorted(reached))
        )
        people = [dict(row) for row in staff.values(*columns)]

    if breakdown in ch.BY_KEY:
        characteristic = ch.BY_KEY[breakdown]
        answers = dict(Declaration.objects.filter(person__institution=institution).values_list("person_id", breakdown))
        labels = {p["pk"]: characteristic.group_of(answers.get(p["pk"], "")) for p in people}
        order = characteristic.group_labels()
    else:
        labels = _group_labels(people, breakdown)
        order = _staff_order(people, breakdown, labels)

    eligible_of: dict[str, int] = defaultdict(int)
    reached_of: dict[tuple[str, str], int] = defaultdict(int)
    for person in people:
        label = labels[person["pk"]]
        eligible_of[label] += 1
        for key, _ in src.stages:
            if person["pk"] in at_stage.get(key, set()):
                reached_of[label, key] += 1

    rows = [
        PipelineRow(
            label=label,
            eligible=disclosure.count(eligible_of[label]),
            cells=[
                (
                    disclosure.count(reached_of[label, key]),
                    disclosure.percentage(reached_of[label, key], eligible_of[label]),
                )
                for key, _ in src.stages
            ],
        )
        for label in order
    ]
    # Each stage's rates across the groups: one hidden alone could be worked out from the total.
    for index in range(len(src.stages)):
        protected = disclosure.protect([row.cells[index][1] for row in rows])
        for row, rate in zip(rows, protected, strict=True):
            row.cells[index] = (row.cells[index][0], rate)
    everyone = len(people)
    total = PipelineRow(
        label=ALL_STAFF,
        eligible=disclosure.count(everyone),
        cells=[
            (
                disclosure.count(sum(reached_of[label, key] for label in order)),
                disclosure.percentage(sum(reached_of[label, key] for label in order), everyone),
            )
            for key, _ in src.stages
        ],
    )
    return PipelineReport(
        source=src,
        breakdown=breakdown,
        breakdown_label=offered[breakdown],
        start=start,
        end=end,
        rows=rows,
        total=total,
    )


def report_rows(report: PipelineReport) -> list[dict[str, int | str]]:
    """The report as plain rows, one per group and the total last, keyed by the column headings."""
    header = report.header()
    rows = []
    for row in [*report.rows, report.total]:
        values: list[int | str] = [row.label, _plain(row.eligible)]
        for people, rate in row.cells:
            values += [_plain(people), _plain(rate)]
        rows.append(dict(zip(header, values, strict=True)))
    return rows


def pipeline(
    *, institution: Institution, source: str, start: date, end: date, breakdown: str
) -> list[dict[str, int | str]]:
    """The pipeline report's figures as plain rows (for the report catalogue and the CSV).

    Each row: the group, "Eligible", then per stage its people and "<stage>: % of eligible";
    the last row is "All staff". Every figure is disclosure-controlled: a number, or the reason
    it is hidden in words.
    """
    return report_rows(
        pipeline_report(institution=institution, source=source, start=start, end=end, breakdown=breakdown)
    )
