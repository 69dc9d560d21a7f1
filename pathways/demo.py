"""Demo data for pathways: the demo capability framework, a pathway per job family, and Priya Shah's
(technician@icr.ac.uk, HSO) self-assessment reviewed by Daniel Okafor and her agreed plan.

- The framework is `data/demo_framework.csv`, written for the demo (six capabilities, five bands
  on the grade levels), loaded through the same service as an upload.
- Every ICR job family has a pathway; the Scientific Officer and Research Management ones are
  published, with side routes into core facility management, research management, project
  management and the analytical family.
- Priya rated herself; her manager agreed every rating; her gaps for SSO are data, training
  others, communication and leadership. Her plan for this year is agreed and partly under way.

Idempotent: the framework by checksum, pathways by job family, the assessment and plan by person.
"""

from datetime import date
from decimal import Decimal
from pathlib import Path

from core.tenancy import in_institution
from people.models import JobFamily

from . import selectors, services
from .models import Goal, Pathway, Plan, SelfAssessment

FRAMEWORK_FILE = Path(__file__).parent / "data" / "demo_framework.csv"

SO_STEPS = {
    "APP": {
        "role_summary": "Learns laboratory work on the job while studying for the Level 3 Laboratory Technician "
        "apprenticeship, with a workplace mentor.",
        "asks": "Completing the apprenticeship and its end-point assessment.",
        "programmes": "Modules open to all staff",
        "registration_fit": "RSciTech",
        "minimum_days": Decimal("5"),
    },
    "SO": {
        "role_summary": "Runs the group's routine techniques, keeps records and equipment in order and supports "
        "the scientists' experiments.",
        "asks": "Reliable routine work, good records, and a wish to learn more techniques.",
        "programmes": "Modules open to all staff",
        "registration_fit": "RSciTech, EngTech",
        "minimum_days": Decimal("5"),
    },
    "HSO": {
        "role_summary": "Runs established techniques independently, plans their own work within a project and "
        "trains new colleagues in the group's methods.",
        "asks": "Independent work on the group's techniques and training newer colleagues.",
        "programmes": "Ignite",
        "registration_fit": "RSciTech, RSci",
        "minimum_days": Decimal("5"),
    },
    "SSO": {
        "role_summary": "Leads a technique or facility, develops new methods, supervises others and contributes "
        "intellectually to publications.",
        "asks": "Leading a technique or service, supervising others, and new methods of their own.",
        "programmes": "Ignite, Leadership programme",
        "registration_fit": "RSci, IEng",
        "minimum_days": Decimal("6"),
    },
    "PSO": {
        "role_summary": "Leads a core facility or a technical team: its people, budget, strategy and users.",
        "asks": "Leading people and a service, and representing it across the institution.",
        "programmes": "Leadership programme",
        "registration_fit": "CSci, CEng",
        "minimum_days": Decimal("6"),
    },
}

SO_ROUTES = [
    (
        "HSO",
        "Research management",
        "Move into clinical trials, data management or centralised services "
        "management on the Research Management ladder, at the same level.",
    ),
    (
        "HSO",
        "Analytical science",
        "Bioinformatics, statistics or research software: the Analytical Scientists "
        "ladder starts at HSO level, with training in programming and data analysis.",
    ),
    (
        "SSO",
        "Core facility management",
        "Run a shared facility (imaging, flow cytometry, genomics) for many groups: "
        "users, bookings, training and budget.",
    ),
    (
        "SSO",
        "Project management",
        "Lead the technical side of large projects and collaborations; the Scientific "
        "Project Managers network meets three times a year.",
    ),
]

# (capability code, level, evidence) for Priya Shah (HSO, level 3)
PRIYA_RATINGS = {
    "TECH": (4, "Set up the live-cell imaging protocol now used by three groups."),
    "SAFE": (4, "Wrote the laser safety risk assessment for the confocal suite."),
    "DATA": (3, "Keeps the facility's image data organised with metadata."),
    "TEACH": (3, "Trains new PhD students on the confocal microscopes."),
    "COMM": (3, "Presents imaging results at the division's lab meetings."),
    "LEAD": (2, "Plans her own work and orders the facility's consumables."),
}

# (title, link, capability code or the word the linked record's name contains, progress, note)
PRIYA_GOALS = [
    (
        "Complete the Ignite programme",
        Goal.Link.PROGRAMME,
        "Ignite",
        Goal.Progress.UNDER_WAY,
        "Applied; waiting to hear.",
    ),
    ("Apply for Registered Scientist (RSci)", Goal.Link.REGISTRATION, "RSci", Goal.Progress.NOT_STARTED, ""),
    (
        "Plan and run the imaging training for new starters",
        Goal.Link.CAPABILITY,
        "TEACH",
        Goal.Progress.UNDER_WAY,
        "First session ran in March.",
    ),
    (
        "Lead the data management plan for the new light-sheet microscope",
        Goal.Link.CAPABILITY,
        "DATA",
        Goal.Progress.NOT_STARTED,
        "",
    ),
    (
        "Apply for SSO in the open promotion round",
        Goal.Link.PROMOTION,
        "round",
        Goal.Progress.UNDER_WAY,
        "Intention to apply recorded.",
    ),
]


def seed(context):
    with in_institution(context.institution):
        _seed(context)


def _seed(context):
    import csv

    icr = context.institution
    with FRAMEWORK_FILE.open(encoding="utf-8", newline="") as handle:
        version, _ = services.framework_load(
            institution=icr, rows=list(csv.reader(handle)), file_name=FRAMEWORK_FILE.name
        )
    programmes = context.accounts["programmes@icr.ac.uk"].user
    for family in JobFamily.objects.filter(institution=icr).order_by("name"):
        if Pathway.objects.filter(job_family=family).exists():
            continue
        steps = SO_STEPS if family.name == "Scientific Officer" else {}
        pathway = services.pathway_create(
            job_family=family,
            title=f"{family.name} career pathway",
            introduction=f"The {family.name} ladder at {icr.short_name}: what each grade is, what the next step asks, "
            "the programmes and professional registration that suit it, and the development expected each year.",
            steps={k: dict(v) for k, v in steps.items()},
        )
        if family.name == "Scientific Officer":
            grades = {grade.short_name: grade for grade in family.grades.all()}
            for short, title, description in SO_ROUTES:
                services.side_route_add(
                    pathway=pathway, from_grade=grades[short], title=title, description=description, by=programmes
                )
        if family.name in ("Scientific Officer", "Research Management"):
            services.pathway_update(
                pathway=pathway, by=programmes, note="Published for staff and recruitment.", published=True
            )
    _priya(context, version)
    context.lines.append(
        f"Pathways: {version} loaded; the public pathway page is /pathways/published/{icr.slug}/; "
        "technician@icr.ac.uk has a reviewed self-assessment and an agreed development plan."
    )


def _priya(context, version):
    priya = context.accounts["technician@icr.ac.uk"]
    manager = context.accounts["manager@icr.ac.uk"]
    if priya.line_manager_id != manager.pk:
        return
    if not SelfAssessment.objects.filter(person=priya).exists():
        assessment = services.assessment_start(person=priya, version=version, by=priya.user)
        capabilities = {c.code: c for c in version.capabilities.all()}
        # Her technical rating cites her latest training record, as she would tick it on the form.
        training = [hint for hint in selectors.evidence_hints(priya) if hint.startswith("Training: ")][:1]
        services.assessment_rate(
            assessment=assessment,
            by=priya.user,
            ratings={
                capabilities[code].pk: (level, evidence, training if code == "TECH" else [])
                for code, (level, evidence) in PRIYA_RATINGS.items()
            },
        )
        services.assessment_submit(assessment=assessment, by=priya.user)
        services.assessment_review(
            assessment=assessment,
            by=manager.user,
            views={rating.pk: ("agree", "") for rating in assessment.ratings.all()},
        )
    year = context.today.year
    if not Plan.objects.filter(person=priya, year=year).exists():
        plan = services.plan_start(person=priya, year=year, by=priya.user)
        capabilities = {c.code: c for c in version.capabilities.all()}
        options = selectors.goal_options(priya.user, today=context.today)
        goals = []
        for month, (title, link, code, _progress, _note) in enumerate(PRIYA_GOALS, start=6):
            found = next((o for o in options.get(link, []) if code and code in o[1]), ("", ""))
            goals.append(
                services.goal_add(
                    plan=plan,
                    by=priya.user,
                    title=title,
                    link=link,
                    capability=capabilities.get(code) if link == Goal.Link.CAPABILITY else None,
                    due_on=date(year, month, 28),  # June to October
                    reference=found[0],
                    reference_label=found[1],
                )
            )
        services.plan_submit(plan=plan, by=priya.user)
        services.plan_decide(plan=plan, by=manager.user, agree=True)
        for goal, (_title, _link, _code, progress, note) in zip(goals, PRIYA_GOALS, strict=True):
            if progress != Goal.Progress.NOT_STARTED:
                services.goal_mark(goal=goal, by=priya.user, progress=progress, note=note)
