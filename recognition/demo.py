"""Demo data for recognition at ICR: outputs of every kind across divisions, two years of prize
nominations, acknowledgement cases, last year's published report and celebrations.

The story: technician@icr.ac.uk (Priya Shah, Cancer Biology) is a named author on three papers and
a dataset and acknowledged on a clinical paper; her manager nominated her for last year's Papin
Prize, which she won (she agreed to the celebration); this year's Papin nomination is submitted and
her nomination for the next RITA awards is drafted, waiting for her agreement. About a third of
technical staff have outputs; the coordinator (programmes@icr.ac.uk) has three acknowledgement
cases, one filed as a good example.

Goes through the services (validation, transitions, celebrations). Idempotent: outputs are found by
person and title, prizes by name, nominations by prize, year and nominee, cases by person and work.
"""

from datetime import date, timedelta

from core.tenancy import in_institution
from guidance import services as guidance_services
from people import services as people_services
from people.models import Celebration

from . import services
from .models import AcknowledgementCase, AnnualReport, CreditRole, Kind, Nomination, Output, Part, Prize

PRIZES = [
    # name, scope, organiser, url, categories, month, day
    ("Papin Prize", "external", "Science Council", "https://sciencecouncil.org/", "", 6, 30),
    ("RITA awards", "external", "", "", "Technician of the Year\nApprentice of the Year", 9, 15),
    ("ICR Technician of the Year", "internal", "ICR", "", "Scientific Officer\nResearch Management", 11, 30),
]

PROJECTS = [
    "Breast Cancer Now Toby Robins Centre",
    "Cancer Research UK Convergence Science Centre",
    "Organoid platform",
    "Tumour evolution consortium (TRACERx)",
    "High-throughput screening facility",
]

KIND_TITLES = {
    Kind.PAPER: "{topic}: a {method} study",
    Kind.PREPRINT: "Preprint: {topic} measured by {method}",
    Kind.PATENT: "Method and apparatus for {method}",
    Kind.CLINICAL_PAPER: "Phase II trial outcomes for {topic}",
    Kind.DATASET: "{topic} {method} dataset",
    Kind.SOFTWARE: "Open-source pipeline for {method}",
    Kind.PROTOCOL: "Protocol: {method} for {topic}",
    Kind.COLLABORATION: "Consortium analysis of {topic}",
}
TOPICS = [
    "PARP inhibitor resistance",
    "organoid drug response",
    "circulating tumour DNA",
    "breast cancer subtypes",
    "radiotherapy response",
    "proteomic profiling",
    "tumour evolution",
]
METHODS = ["single-cell sequencing", "mass spectrometry", "high-content imaging", "flow cytometry", "CRISPR screening"]
ROLES = [CreditRole.INVESTIGATION, CreditRole.METHODOLOGY, CreditRole.DATA_CURATION, CreditRole.FORMAL_ANALYSIS]


GUIDELINES_SLUG = "authorship-and-acknowledgement"
GUIDELINES_V1 = """Technical staff who make a substantial contribution to a piece of research are credited for it.

- **Authorship**: anyone who made a substantial intellectual or practical contribution to the
  conception, design, data or analysis, and who reviewed the manuscript, is an author. Running the
  experiments, building the method or curating the data can be such a contribution.
- **Acknowledgement**: technical support that does not meet the authorship criteria is acknowledged by
  name, with what was done ("X prepared the organoid cultures"), never "the technical staff".
- **Talk about it early**: team leaders agree authorship and acknowledgement with technical staff when
  the work is planned, and again before submission.
"""
GUIDELINES_V2 = (
    GUIDELINES_V1
    + """
- **CRediT roles**: record each contributor's roles in the Contributor Roles Taxonomy when you submit;
  most journals publish them. Technicians add the same roles to their outputs in the portal.
- **Beyond journal papers** (2B): patents, clinical papers, datasets, software, protocols and
  contributions to large collaborations count, and are recorded in the same way.
- **If it went wrong**: tell the Researcher Development Coordinator through the portal, privately.
"""
)


def seed(context):
    with in_institution(context.institution):
        _seed(context)


def _output(person, *, title, kind, part, on, doi="", other="", projects=(), roles=(), venue=""):
    existing = Output.objects.filter(person=person, doi=doi).first() if doi else None
    existing = existing or Output.objects.filter(person=person, title=title).first()
    if existing is not None:
        return existing
    return services.output_save(
        person=person,
        values={
            "kind": kind,
            "title": title,
            "part": part,
            "published_on": on,
            "doi": doi,
            "other_identifier": other,
            "credit_roles": list(roles),
            "venue": venue,
        },
        project_names=projects,
    )


def _seed(context):
    icr, today, rng = context.institution, context.today, context.random
    technician = context.accounts["technician@icr.ac.uk"]
    manager = context.accounts["manager@icr.ac.uk"]
    coordinator = context.accounts["programmes@icr.ac.uk"]
    hr = context.accounts["hr@icr.ac.uk"]

    # The guidelines (2A), reviewed against peers a year ago and updated (2C).
    page = guidance_services.ensure_page(
        institution=icr,
        slug=GUIDELINES_SLUG,
        title="Authorship and acknowledgement guidelines",
        summary="How technical contributions are credited: authorship, acknowledgement and CRediT roles.",
        body=GUIDELINES_V1,
        effective_from=today - timedelta(days=500),
        owner=coordinator,
        by=coordinator.user,
    )
    if page.versions.count() == 1:
        guidance_services.publish_version(
            page=page,
            audience="everyone",
            effective_from=today - timedelta(days=330),
            body=GUIDELINES_V2,
            change_note="CRediT roles and non-journal outputs, after the yearly benchmark against peers",
            by=coordinator.user,
        )
    if not page.reviews.exists():
        guidance_services.record_review(
            page=page,
            reviewed_on=today - timedelta(days=340),
            outcome="updated",
            compared_with="The Francis Crick Institute's and the Wellcome Sanger Institute's guidelines; UKRI's "
            "policy on research integrity",
            notes="Peers name CRediT roles and credit datasets and software; ours did not. Version 2 adds both.",
            by=coordinator.user,
        )

    accounts = {profile.pk for profile in context.accounts.values()}

    # Priya's own record.
    mine = [
        ("High-content imaging of organoid drug response", Kind.PAPER, Part.NAMED_AUTHOR, 1, "Nature Communications"),
        ("Live-cell imaging atlas of PARP inhibitor resistance", Kind.PAPER, Part.NAMED_AUTHOR, 0, "Cell Reports"),
        ("Organoid imaging dataset, 2,400 wells", Kind.DATASET, Part.NAMED_AUTHOR, 1, "Zenodo"),
        ("Automated segmentation for organoid imaging", Kind.PREPRINT, Part.NAMED_AUTHOR, 2, "bioRxiv"),
        ("Phase II trial of olaparib in BRCA-mutant breast cancer", Kind.CLINICAL_PAPER, Part.ACKNOWLEDGED, 1, ""),
    ]
    outputs = []
    for i, (title, kind, part, years_ago, venue) in enumerate(mine):
        on = date(today.year - years_ago, 3 + i, 10)
        if on > today:
            on = today - timedelta(days=30 * (i + 1))
        outputs.append(
            _output(
                technician,
                title=title,
                kind=kind,
                part=part,
                on=on,
                doi=f"10.5555/icr.demo.{i + 1}",
                projects=["Organoid platform", "Breast Cancer Now Toby Robins Centre"][: 1 + i % 2],
                roles=ROLES[: 1 + i % 3],
                venue=venue,
            )
        )

    # About a third of the other staff, across divisions, with outputs of every kind over three years.
    others = sorted(
        # Other staff than the demo accounts, whose own stories are told above and by other apps.
        (p for p in context.staff if p.pk not in accounts and p.leaving_date is None),
        key=lambda p: p.pk,
    )
    kinds = list(Kind)
    for n, person in enumerate(others[: max(len(others) // 3, len(kinds))]):
        for k in range(1 + n % 3):
            kind = kinds[(n + k) % len(kinds)]
            part = [Part.NAMED_AUTHOR, Part.ACKNOWLEDGED, Part.NAMED_AUTHOR, Part.UNCREDITED][(n + k) % 4]
            topic, method = TOPICS[(n + k) % len(TOPICS)], METHODS[(n * 2 + k) % len(METHODS)]
            on = today - timedelta(days=40 + rng.randrange(3 * 365))
            identifier = {"doi": f"10.5555/icr.staff.{person.pk}.{k}"}
            if kind == Kind.PATENT:
                identifier = {"other": f"GB{2600000 + person.pk * 10 + k}A"}
            _output(
                person,
                title=KIND_TITLES[kind].format(topic=topic.capitalize(), method=method),
                kind=kind,
                part=part,
                on=on,
                doi=identifier.get("doi", ""),
                other=identifier.get("other", ""),
                projects=[PROJECTS[(n + k) % len(PROJECTS)]],
                roles=ROLES[(n + k) % len(ROLES) :][:2],
            )

    # Prizes and two years of nominations.
    prizes = {}
    for name, scope, organiser, url, categories, month, day in PRIZES:
        prize = Prize.objects.filter(institution=icr, name=name).first() or services.prize_save(
            institution=icr,
            values={
                "name": name,
                "scope": scope,
                "organiser": organiser,
                "url": url,
                "categories": categories,
                "deadline_month": month,
                "deadline_day": day,
            },
        )
        prizes[name] = prize
    last = today.year - 1
    papin = _nomination(
        prizes["Papin Prize"],
        last,
        technician,
        manager,
        "",
        outcome="won",
        context=context,
        citation="Built and ran the high-content imaging pipeline behind three of the division's papers.",
    )
    if papin is not None:
        celebration = Celebration.objects.filter(source=f"recognition.Nomination:{papin.pk}").first()
        if celebration is not None and celebration.consent != Celebration.Consent.GIVEN:
            people_services.celebration_consent_set(celebration=celebration, by=technician.user, publish=True)
    rita_nominee = others[0] if others else manager
    _nomination(
        prizes["RITA awards"],
        last,
        rita_nominee,
        coordinator,
        "Technician of the Year",
        outcome="not_won",
        context=context,
        citation="Trained forty new starters in the biological services unit.",
    )
    _nomination(
        prizes["ICR Technician of the Year"],
        last,
        others[1] if len(others) > 1 else manager,
        coordinator,
        "Scientific Officer",
        outcome="won",
        context=context,
        citation="Kept the proteomics facility running.",
    )
    # This year: Priya's manager put her forward for the Papin Prize again (submitted, waiting for the
    # outcome), and her RITA nomination for the next round waits for her agreement.
    _nomination(
        prizes["Papin Prize"],
        today.year,
        technician,
        manager,
        "",
        outcome="submitted",
        context=context,
        citation="Since last year's prize, trained six new starters in high-content imaging.",
    )
    _nomination(
        prizes["RITA awards"],
        prizes["RITA awards"].next_deadline(today).year,
        technician,
        manager,
        "Technician of the Year",
        outcome="draft",
        context=context,
        citation="Led the move of the imaging facility without losing a week of data.",
    )

    # Priya celebrates her latest paper herself.
    services.output_celebrate(output=outputs[1], by=technician.user, consent=True)

    # Acknowledgement cases for the coordinator (2A).
    cases = [
        (
            technician,
            "Live-cell imaging atlas",
            AcknowledgementCase.Credit.FAIRLY,
            True,
            "good",
            "The team leader asked me early which CRediT roles I had; I am second author.",
        ),
        (
            others[2] if len(others) > 2 else manager,
            "Proteomics of resistant lines",
            AcknowledgementCase.Credit.ACKNOWLEDGED_ONLY,
            True,
            "",
            "I designed the sample preparation and ran every sample, and was thanked in a sentence.",
        ),
        (
            others[3] if len(others) > 3 else manager,
            "Mouse cohort study",
            AcknowledgementCase.Credit.NOT_AT_ALL,
            False,
            "",
            "I looked after the cohort for two years; the paper does not mention the unit.",
        ),
    ]
    for person, work, credit, may_use, example, account in cases:
        case = AcknowledgementCase.objects.filter(person=person, work=work).first() or services.case_report(
            person=person, work=work, credit=credit, account=account, may_use_anonymously=may_use
        )
        if example and not case.example:
            services.case_file(
                case=case, by=coordinator.user, example=example, note="Shared at the research integrity session."
            )

    # Last year's report, published.
    if not AnnualReport.objects.filter(institution=icr, year=last).exists():
        services.report_publish(institution=icr, year=last, by=hr.user, today=today)

    context.lines.append(
        f"Recognition: {Output.objects.filter(person__institution=icr).count()} outputs, "
        f"{Nomination.objects.filter(prize__institution=icr).count()} nominations over two years "
        "(technician@icr.ac.uk won last year's Papin Prize)."
    )


def _nomination(prize, year, nominee, drafter, category, *, outcome, context, citation):
    """A nomination for `year`, moved through the workflow on dates before the prize's deadline."""
    existing = Nomination.objects.filter(prize=prize, year=year, nominee=nominee).first()
    if existing is not None:
        return existing
    deadline = prize.deadline_in(year)
    drafted_on = min(deadline - timedelta(days=40), context.today)
    nomination = services.nomination_draft(
        prize=prize, year=year, nominee=nominee, category=category, citation=citation, by=drafter.user, today=drafted_on
    )
    if outcome == "draft":
        return nomination
    services.nomination_agree(
        nomination=nomination, by=nominee.user, today=min(drafted_on + timedelta(days=3), context.today)
    )
    services.nomination_submit(
        nomination=nomination, by=drafter.user, today=min(drafted_on + timedelta(days=10), context.today)
    )
    if outcome == "submitted":
        return nomination
    services.nomination_decide(
        nomination=nomination,
        won=outcome == "won",
        by=drafter.user,
        today=min(deadline + timedelta(days=60), context.today),
    )
    return nomination
