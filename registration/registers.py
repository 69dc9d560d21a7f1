"""The Science Council's and the Engineering Council's registers, with example fees: the data the
first migration loads and `seed_demo` tops up (a test that empties the tables loses them).

The fees are illustrative starting figures, not checked against the councils' or licensed bodies'
published fees: an administrator enters each year's real fees (a row a year) in the admin, never
editing a past year's in place. The pages say the fees are as entered and to check the body's own.
"""

from decimal import Decimal

SCIENCE_BODIES = "\n".join(
    [
        "Royal Society of Biology",
        "Royal Society of Chemistry",
        "Institute of Science & Technology",
        "Institute of Biomedical Science",
        "Institute of Physics and Engineering in Medicine",
        "Association for Clinical Biochemistry and Laboratory Medicine",
    ]
)
ENGINEERING_BODIES = "\n".join(
    [
        "Institute of Science & Technology",
        "Institution of Engineering and Technology",
        "Institution of Mechanical Engineers",
        "Institute of Physics and Engineering in Medicine",
    ]
)
SCIENCE_AREAS = "\n".join(
    [
        "Application of knowledge and understanding",
        "Personal responsibility",
        "Interpersonal skills",
        "Professional practice",
        "Professional standards",
    ]
)
ENGINEERING_AREAS = "\n".join(
    [
        "Knowledge and understanding",
        "Design, development and solving problems",
        "Responsibility, management and leadership",
        "Communication and interpersonal skills",
        "Professional commitment",
    ]
)

REGISTERS = [
    # code, name, council, level, requirements, areas, bodies, url, application fee, annual fee
    (
        "RSciTech",
        "Registered Science Technician",
        "science",
        1,
        "For technicians working in a scientific role, typically with a Level 3 qualification (or equivalent "
        "experience). Show competence in applying knowledge, working safely and responsibly, and a commitment to CPD.",
        SCIENCE_AREAS,
        SCIENCE_BODIES,
        "https://sciencecouncil.org/scientists-science-technicians/which-professional-award-is-right-for-me/rscitech/",
        "30.00",
        "29.00",
    ),
    (
        "RSci",
        "Registered Scientist",
        "science",
        2,
        "For scientists and senior technicians, typically qualified to Level 5 (or equivalent experience), who apply "
        "scientific knowledge with some autonomy and are accountable for the quality of their work.",
        SCIENCE_AREAS,
        SCIENCE_BODIES,
        "https://sciencecouncil.org/scientists-science-technicians/which-professional-award-is-right-for-me/rsci/",
        "50.00",
        "29.00",
    ),
    (
        "CSci",
        "Chartered Scientist",
        "science",
        3,
        "For scientists working at full professional level, typically with a master's degree (or equivalent) and "
        "several years of practice, who lead, innovate and take responsibility for others' work.",
        SCIENCE_AREAS,
        SCIENCE_BODIES,
        "https://sciencecouncil.org/scientists-science-technicians/which-professional-award-is-right-for-me/csci/",
        "70.00",
        "29.00",
    ),
    (
        "EngTech",
        "Engineering Technician",
        "engineering",
        1,
        "For technicians applying proven techniques and procedures to practical engineering problems, e.g. "
        "instrument, workshop and facility engineers.",
        ENGINEERING_AREAS,
        ENGINEERING_BODIES,
        "https://www.engc.org.uk/professional-registration/the-professional-titles/engineering-technician/",
        "40.00",
        "44.50",
    ),
    (
        "IEng",
        "Incorporated Engineer",
        "engineering",
        2,
        "For engineers who maintain and manage applications of current and developing technology, with a "
        "bachelor's degree in engineering (or equivalent learning).",
        ENGINEERING_AREAS,
        ENGINEERING_BODIES,
        "https://www.engc.org.uk/professional-registration/the-professional-titles/incorporated-engineer/",
        "60.00",
        "44.50",
    ),
    (
        "CEng",
        "Chartered Engineer",
        "engineering",
        3,
        "For engineers who develop solutions to engineering problems using new or existing technologies, with "
        "a master's-level qualification (or equivalent learning).",
        ENGINEERING_AREAS,
        ENGINEERING_BODIES,
        "https://www.engc.org.uk/professional-registration/the-professional-titles/chartered-engineer/",
        "80.00",
        "44.50",
    ),
]
FEE_YEARS = (2025, 2026)


def ensure_registers(Register, RegisterFee):  # noqa: N803 (the migration passes its historical models)
    """Create the registers and their fees that are missing; change nothing that exists."""
    for code, name, council, level, requirements, areas, bodies, url, application, annual in REGISTERS:
        register, _ = Register.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "council": council,
                "level": level,
                "requirements": requirements,
                "competence_areas": areas,
                "licensed_bodies": bodies,
                "url": url,
            },
        )
        for year in FEE_YEARS:
            RegisterFee.objects.get_or_create(
                register=register,
                year=year,
                defaults={"application_fee": Decimal(application), "annual_fee": Decimal(annual)},
            )
