"""Demo data for the action plan: the seed plan at ICR, who holds its owner roles, a few months
of progress updates, hand-recorded measures with evidence and monthly snapshots for the trends.

Runs after the other apps' demos, so the computed measures have data. Idempotent: the import
changes nothing the second time, updates are added only to items that have none, and snapshots
are keyed by measure and day. The snapshots are the trend's history: each is the value
`selectors.measure_values` gives for its day, as the monthly job records it.
"""

from datetime import date
from pathlib import Path

from core.tenancy import in_institution

from . import services
from .models import ActionItem, MeasureSnapshot, Owner, SuccessMeasure

PLAN_FILE = Path(__file__).resolve().parent / "data" / "icr-2024-2027.json"
HOLDERS = {"RDC": "admin@icr.ac.uk", "CPT Programme Manager": "programmes@icr.ac.uk"}
# code: [(months before this month, status, narrative, evidence link)]
UPDATES = {
    "1A": [
        (3, "on_track", "Sampled 40 technicians and 12 team leaders on how many development days suit them.", ""),
        (1, "on_track", "Draft guidance agreed at TC steering group: five days a year, recorded in TechCareers.", ""),
    ],
    "1B": [
        (4, "on_track", "Ignite cohort 1 (HSO level, 30 places) started with RITG partners.", ""),
        (2, "on_track", "Leadership programme for senior technicians launched with 24 participants.", ""),
    ],
    "1C": [(2, "at_risk", "Only two levy-funded apprenticeships so far; providers slow to confirm places.", "")],
    "1D": [(3, "on_track", "Two CPT events opened to RITG partners this year.", "")],
    "2A": [
        (
            3,
            "on_track",
            "Authorship case studies added to the Research Integrity training.",
            "https://nexus.icr.ac.uk/research-integrity",
        )
    ],
    "2H": [(1, "on_track", "Welcome message now sent by TechCareers to every new SO within two months.", "")],
    "2I": [(2, "off_track", "One network meeting this year; two planned meetings cancelled.", "")],
    "3A": [(3, "on_track", "Registration guide updated with costs and case studies.", "")],
    "3D": [(2, "at_risk", "No nominee yet for the Papin Prize this year.", "")],
    "4A": [
        (4, "on_track", "Exchange pilot offers collected from five divisions.", ""),
        (1, "on_track", "Two exchanges completed; feedback collected for the feasibility report.", ""),
    ],
    "4C": [(2, "on_track", "LTAP pilot intake of four apprentices recruited.", "")],
    "4E": [(1, "done", "Leavers and alumni data presented at the careers event.", "https://nexus.icr.ac.uk/careers")],
}
# (code, position, value, achieved, evidence note, link)
RECORDED = [
    (
        "1A",
        1,
        None,
        True,
        "Guidance on development days agreed and circulated.",
        "https://nexus.icr.ac.uk/pd-allowance",
    ),
    ("1E", 1, 1, None, "The Ignite communication module is open to all staff.", "https://nexus.icr.ac.uk/ignite"),
    ("2D", 1, None, True, "ORCID workshop delivered to 28 technicians.", "https://nexus.icr.ac.uk/orcid"),
    ("4E", 1, None, True, "Presented at the 2025 careers event.", "https://nexus.icr.ac.uk/careers"),
]
SNAPSHOT_MONTHS = 5


def _months_back(today, months):
    year, month = today.year, today.month - months
    while month < 1:
        year, month = year - 1, month + 12
    return date(year, month, 1)


def seed(context):
    """Seed the plan at the demo institution, inside that institution's scope."""
    with in_institution(context.institution):
        _seed(context)


def _seed(context):
    institution = context.institution
    result = services.plan_import(institution=institution, text=PLAN_FILE.read_text(), source=PLAN_FILE.name)
    plan = result.plan
    for short_name, email in HOLDERS.items():
        Owner.objects.get(institution=institution, short_name=short_name).holders.add(context.accounts[email])
    author = context.accounts["programmes@icr.ac.uk"].user
    added = 0
    for item in ActionItem.objects.filter(plan=plan, code__in=UPDATES).prefetch_related("updates"):
        if item.updates.all():
            continue
        for months, status, narrative, link in UPDATES[item.code]:
            on = max(_months_back(context.today, months).replace(day=12), plan.start)
            services.progress_update_add(
                item=item, author=author, date=on, narrative=narrative, status=status, evidence_link=link
            )
            added += 1
    for code, position, value, achieved, note, link in RECORDED:
        measure = SuccessMeasure.objects.get(item__plan=plan, item__code=code, position=position)
        if measure.recorded_on is None:
            services.measure_record(
                measure=measure,
                by=author,
                value=value,
                achieved=achieved,
                evidence_note=note,
                evidence_link=link,
                on=_months_back(context.today, 2),
            )
    days = [_months_back(context.today, months) for months in range(SNAPSHOT_MONTHS, -1, -1)]
    for day in days:
        if plan.start <= day <= plan.end and not MeasureSnapshot.objects.filter(measure__item__plan=plan, date=day):
            services.snapshots_record(plan=plan, on=day)
    services.plan_publish(plan=plan, published=True)
    context.lines.append(
        f"Action plan: {plan.items.count()} actions ({result.created} rows new, {added} updates added); "
        "RDC = admin@icr.ac.uk, CPT programme manager = programmes@icr.ac.uk."
    )
