"""The first version of the professional registration guide (3A): costs, timelines, case studies
and ways to fund the fees beyond the first year. It is a versioned guidance page (the guidance
app), written here once for `seed_demo` and for an institution starting out; the programme
manager edits it in the portal from then on, and each edit is a new version."""

from __future__ import annotations

from .selectors import registers_with_fees

SLUG = "professional-registration"
TITLE = "Professional registration: a guide for technicians"


def guide_body(year: int) -> str:
    """The guide's text, with this year's fees from the registers (two queries)."""
    fees = "\n".join(
        f"- {row.register.code} ({row.register.name}, {row.register.get_council_display()}): application "
        f"£{row.fee.application_fee}, then £{row.fee.annual_fee} a year"
        for row in registers_with_fees(year)
        if row.fee is not None
    )
    return f"""## Why register

Professional registration with the Science Council or the Engineering Council recognises your
skills and experience, on a par with other professions. It counts as evidence towards promotion
criteria, opens travel bursaries and free training from the licensed bodies, and lets you peer
review.

Which register

- RSciTech or EngTech: technicians applying proven techniques, usually Level 3 or equivalent.
- RSci or IEng: more autonomy, usually Level 5 or equivalent.
- CSci or CEng: full professional level, usually a master's or equivalent, leading others.

What it costs in {year} (the fees the programme team entered; check the licensed body's current fees
before you apply)

{fees}

The licensed body's membership comes on top (often £50 to £150 a year, less for technicians at
some bodies). The Professional Registration Programme pays the first year for its participants;
the Scientific Officer Association covers SO grades; other job families can ask whether their
grant can include membership fees.

How long it takes

- Month 1: say you are interested in the portal, join the next cohort workshop, ask for a mentor.
- Months 2 to 4: write your competence statements, citing your training records as evidence.
- Month 5: name your supporter (usually your line manager), who agrees in the portal.
- Month 6: submit to a licensed body; decisions usually take 6 to 12 weeks.
- Every year after: pay the renewal (the portal reminds you 30 days ahead) and declare your CPD
  by 31 December. Keep at least 3 of the 5 CPD categories, reflect on each activity, and say how
  it benefited your practice and the users of your work.

Case studies

- A Senior Scientific Officer in imaging registered as RSci in the programme's first year: "The
  workshop on competence statements turned my list of tasks into evidence of judgement."
- A bioinformatician (Analytical Scientists) registered as CSci with fees paid from a programme
  grant that included membership.
- An animal technician working towards RSciTech with a mentor who registered the year before.
"""
