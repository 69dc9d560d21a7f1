"""Demo data for promotions: criteria with history, two past rounds with outcomes, an open round.

- Criteria for HSO (a degree or equivalent) and SSO (a PhD or equivalent); the SSO criteria have a
  second version that accepts RSci, CSci, IEng, CEng and completing Ignite as equivalent.
- Spring and Autumn of last year: past rounds, outcomes recorded, promotions in career history,
  summaries published (2F's twice-yearly updates).
- The open round: opened 10 days ago (managers told the next day), workshop scheduled, submissions
  open; technician@icr.ac.uk (HSO, mentored for promotion by mentor@icr.ac.uk) intends to apply and
  is waiting for manager@icr.ac.uk's supporting statement; others have intended or submitted.
- Five technical vacancies: three ask for no degree, one for a degree with a reason from the
  checklist, one for a degree with no recorded reason.

Rounds, applications and criteria go through the services, so the rows, transitions, notices and
messages are what real use makes (vacancies are plain rows: their form is the only way in).
Idempotent: criteria by grade and version, rounds by name, vacancies by reference.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone

from core.tenancy import in_institution
from guidance.services import ensure_page
from mentoring.selectors import mentoring_scope, suggested_mentors
from mentoring.services import relationship_accept, relationship_request
from programmes.selectors import cohorts_run_by

from . import services
from .models import Application, CriteriaVersion, Qualification, QualificationAsked, Round, Vacancy
from .selectors import CHECKLIST_SLUG, GUIDELINES_SLUG

GUIDELINES = "\n\n".join(
    [
        "Promotion rounds for Scientific Officer grades run twice a year, in spring and autumn. Each round opens "
        "with expressions of interest; promotion mentors are matched from the day it opens, weeks before "
        "submissions, and a workshop explains the criteria.",
        "Where the criteria ask for a PhD 'or equivalent', equivalent means any one of: the years of relevant "
        "experience the criteria name; professional registration at the level they list (for SSO: RSci, CSci, "
        "IEng or CEng); or completing the programme they list (for SSO: Ignite). The promotions page checks your "
        "own records against them.",
        "Tell the portal you intend to apply as early as you can: your line manager is told at once, so they can "
        "plan the budget and write a supporting statement.",
    ]
)

CHECKLIST = "\n\n".join(
    [
        "Ask for a degree in a technical job description only when one of these applies, and record which:",
        "1. A regulator, licence or professional body requires it. 2. The role needs degree-level theory that "
        "cannot be learnt on the job in reasonable time. 3. The role teaches or assesses degree-level students. "
        "4. A funder's or partner's condition requires it.",
        "Otherwise describe the skills and experience the role needs; 'or equivalent experience' is not enough "
        "on its own.",
    ]
)

State = Application.State


def _at(day, hour=10):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def seed(context):
    with in_institution(context.institution):
        _seed(context)


def _grade(context, short):
    for person in context.staff:
        if person.grade and person.grade.short_name == short and person.job_family.name == "Scientific Officer":
            return person.grade
    return None


def _criteria(context, hr, today):
    hso, sso = _grade(context, "HSO"), _grade(context, "SSO")
    rows = [
        (
            hso,
            1,
            700,
            {
                "expectations": "Runs established techniques independently, plans own work within a project, and "
                "trains new colleagues in the group's methods.",
                "qualification_asked": QualificationAsked.DEGREE,
                "equivalent_years": 4,
                "equivalent_registrations": "RSciTech, RSci, EngTech",
            },
        ),
        (
            sso,
            1,
            700,
            {
                "expectations": "Leads a technique or facility, develops new methods, supervises others and "
                "contributes intellectually to publications.",
                "qualification_asked": QualificationAsked.PHD,
                "equivalent_years": 8,
            },
        ),
        (
            sso,
            2,
            200,
            {
                "expectations": "Leads a technique or facility, develops new methods, supervises others and "
                "contributes intellectually to publications.",
                "qualification_asked": QualificationAsked.PHD,
                "equivalent_years": 6,
                "equivalent_registrations": "RSci, CSci, IEng, CEng",
                "equivalent_programmes": "Ignite",
                "change_note": "Professional registration (RSci or above) and completing Ignite now count as "
                "equivalent to a PhD; experience lowered from 8 to 6 years.",
            },
        ),
    ]
    for grade, version, days_ago, fields in rows:
        if grade is None or CriteriaVersion.objects.filter(target_grade=grade, version=version).exists():
            continue
        services.criteria_publish(
            institution=context.institution,
            target_grade=grade,
            by=hr.user,
            today=today - timedelta(days=days_ago),
            **fields,
        )


def _round(context, pm, name, opens):
    round = Round.objects.filter(institution=context.institution, name=name).first()
    if round is not None:
        return round, False

    class _Form:  # round_save takes a validated form; the demo has its values already
        def save(self, commit=False):
            return Round(
                name=name,
                opens_on=opens,
                mentoring_from=opens,
                submissions_open_on=opens + timedelta(days=8),
                submissions_close_on=opens + timedelta(days=35),
                panel_on=opens + timedelta(days=50),
                outcomes_on=opens + timedelta(days=60),
            )

    return services.round_save(form=_Form(), institution=context.institution, by=pm.user), True


def _apply(round, person, *, submit=True, support_by=None, outcome=None, feedback="", grade_to=None):
    application = services.application_intend(
        round=round, person=person, by=person.user, now=_at(round.opens_on + timedelta(days=2))
    )
    if support_by is not None:
        services.application_support(
            application=application,
            by=support_by.user,
            statement=f"{person.name} has led our core methods for two years and trains the new starters.",
            now=_at(round.opens_on + timedelta(days=5)),
        )
    if submit:
        application = services.application_submit(
            application=application,
            by=person.user,
            statement="I run the group's imaging pipeline independently, introduced light-sheet imaging, and "
            "supervise two SOs.",
            now=_at(round.submissions_open_on + timedelta(days=5)),
        )
    return application


def _seed(context):
    accounts = context.accounts
    hr, pm = accounts["hr@icr.ac.uk"], accounts["programmes@icr.ac.uk"]
    technician = accounts["technician@icr.ac.uk"]
    today = context.today
    for slug, title, body, days_ago in [
        (GUIDELINES_SLUG, "Guidelines on Scientific Officer promotions", GUIDELINES, 200),
        (CHECKLIST_SLUG, "When a technical job description may ask for a degree", CHECKLIST, 90),
    ]:
        ensure_page(
            institution=context.institution,
            slug=slug,
            title=title,
            body=body,
            effective_from=today - timedelta(days=days_ago),
            owner=pm,
            by=pm.user,
        )
    _criteria(context, hr, today)
    sso = _grade(context, "SSO")
    hso_people = [
        p
        for p in context.staff
        if p.grade and p.grade.short_name == "HSO" and p.job_family.name == "Scientific Officer" and p != technician
    ]
    so_people = [
        p for p in context.staff if p.grade and p.grade.short_name == "SO" and p.job_family.name == "Scientific Officer"
    ]
    services.declaration_save(
        person=technician,
        highest_qualification=Qualification.DEGREE,
        qualification_subject="Biomedical science",
        prior_experience_years=2,
        alert_me_of_rounds=True,
    )

    # --- Two past rounds with outcomes ---------------------------------------------------------
    # Rounds are named by the month they open ("November 2026"), as the messages read them: "The
    # November 2026 promotion round is open".
    past = [(today - timedelta(days=330), hso_people[0:5]), (today - timedelta(days=150), hso_people[5:10])]
    for opens, people in past:
        round, created = _round(context, pm, f"{opens:%B %Y}", opens)
        if not created:
            continue
        services.managers_notify_of_rounds(rounds=[round], now=_at(opens + timedelta(days=1)))
        for index, person in enumerate(people):
            application = _apply(round, person, support_by=person.line_manager)
            decided_at = _at(round.panel_on)
            if index < 2 and sso is not None:
                services.application_decide(
                    application=application,
                    by=hr.user,
                    promoted=True,
                    new_grade=sso,
                    effective_date=round.outcomes_on + timedelta(days=1),
                    feedback="A strong case; the panel noted the methods you introduced.",
                    now=decided_at,
                )
                services.application_apply_grade(application_id=application.pk, today=today)
            else:
                services.application_decide(
                    application=application,
                    by=hr.user,
                    promoted=False,
                    feedback="Show more leadership of a technique of your own; ask for a promotion mentor.",
                    now=decided_at,
                )
        services.summary_publish(round=round, by=hr.user, now=_at(round.outcomes_on + timedelta(days=7)))
    # --- The open round ------------------------------------------------------------------------
    opens = today - timedelta(days=10)
    round, created = _round(context, pm, f"{opens:%B %Y}", opens)
    if created:
        services.managers_notify_of_rounds(rounds=[round], now=_at(round.opens_on + timedelta(days=1)))
        # A development cohort running now (not a network: its meetings are counted for 2I).
        cohort = (
            cohorts_run_by(pm.user)
            .filter(ends_on__gte=today)
            .exclude(programme__kind="network")
            .order_by("starts_on")
            .first()
        )
        if cohort is not None:
            services.round_workshop_schedule(
                round=round,
                by=pm.user,
                cohort=cohort,
                title="Promotion criteria workshop: what HSO and SSO ask, and what counts as equivalent",
                starts_at=_at(today + timedelta(days=3), 13),
                ends_at=_at(today + timedelta(days=3), 14),
                location="Chester Beatty Laboratories, seminar room 2",
            )
        services.application_intend(
            round=round, person=technician, by=technician.user, now=_at(today - timedelta(days=8))
        )
        for index, person in enumerate(hso_people[10:14]):
            _apply(round, person, submit=index < 2, support_by=person.line_manager if index != 3 else None)
        for person in so_people[:3]:
            _apply(round, person, submit=False, support_by=person.line_manager)
        # Two who intend to apply ask the suggested promotion mentor, who accepts (2F: mentoring ahead).
        for person in [*hso_people[10:11], *so_people[:1]]:
            with mentoring_scope(person):
                suggestions = suggested_mentors(mentee=person, purpose="promotion", limit=1)
                if not suggestions:
                    continue
                mentor = suggestions[0].mentor
                relationship = relationship_request(
                    mentee=person,
                    mentor=mentor,
                    purpose="promotion",
                    hopes=f"Prepare my case for the {round.name.lower()} promotion round.",
                    by=person.user,
                    today=today - timedelta(days=7),
                )
                relationship_accept(relationship=relationship, by=mentor.person.user, today=today - timedelta(days=6))

    # --- Vacancies (1H) ------------------------------------------------------------------------
    hso = _grade(context, "HSO") or sso
    vacancies = [
        ("ICR-T-101", "Scientific Officer, tissue culture", False, "", ""),
        ("ICR-T-102", "Scientific Officer, genomics facility", False, "", ""),
        ("ICR-T-103", "Higher Scientific Officer, proteomics", False, "", ""),
        (
            "ICR-T-104",
            "Senior Scientific Officer, radiation protection",
            True,
            "regulated",
            "Radiation Protection Supervisor role",
        ),
        ("ICR-T-105", "Higher Scientific Officer, imaging", True, "", ""),
    ]
    for reference, title, degree, reason, note in vacancies:
        if hso is None or Vacancy.objects.filter(institution=context.institution, reference=reference).exists():
            continue
        Vacancy.objects.create(
            institution=context.institution,
            reference=reference,
            title=title,
            grade=hso,
            degree_asked=degree,
            degree_reason=reason,
            reason_note=note,
            recorded_on=today - timedelta(days=60),
            recorded_by=hr,
        )
    context.lines.append(
        "Promotions: two past rounds with outcomes and published summaries; an open round (technician@icr.ac.uk "
        "intends to apply, manager@icr.ac.uk's supporting statement is waiting); 5 vacancies, 1 asking for a "
        "degree without a reason."
    )
