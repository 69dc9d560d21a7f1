"""Demo data for professional registration: the Professional Registration Programme's three years.

The story: ICR's programme, funded by the Scientific Officer Association and now a Wellcome
grant, has run a cohort a year for three years, 10 participants so far (3, 3 and 4), with two
workshops a cohort and an annual event. The first cohort's participants are registered (two of
them now mentor the newer ones, and two renewals fall due within the month); later cohorts are
preparing, waiting for a supporter, submitted, or unsuccessful (with the assessors' feedback).
Beyond the SO grades (3B), people in the other job families have applied, in and outside the
programme (two paid by grants that include membership fees), and two more are interested.
About two thirds of the leadership programme's participants are on a journey (3C).
technician@icr.ac.uk (Priya) is preparing for RSci with a mentor, with training records cited as
evidence; manager@icr.ac.uk supports one application.

Goes through the services, so rows, transitions and messages are what real use makes. Journeys
and cohort members are picked from the end of the staff list (by pk) so they never collide with
the mentoring demo, which picks from the start. Idempotent: a second run finds the programme
by title, cohorts and sessions by name, and journeys by person and register.
"""

from datetime import datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from core.tenancy import in_institution
from development import selectors as development
from guidance import services as guidance
from mentoring import services as mentoring
from people.models import JobFamily
from programmes import selectors as programmes_selectors
from programmes import services as programmes
from programmes.demo import _record_manager_notices as record_manager_notices

from . import guide, services
from .models import Journey, Payer, ProgrammeSettings, Register, RegisterFee
from .registers import ensure_registers

State = Journey.State
PROGRAMME_TITLE = "Professional Registration Programme"
EVENT_TITLE = "Professional Registration annual event"
STATEMENT = (
    "I lead the flow cytometry training for new users in my division: I wrote the induction, run it "
    "monthly and check each user's first three acquisitions. It shows I apply my knowledge safely and "
    "take responsibility for the quality of others' work."
)


def seed(context):
    with in_institution(context.institution):
        _seed(context)


def _working(day):
    """The day, moved on to Monday if it falls at a weekend: sessions run on working days."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _at(day, hour=13):
    return timezone.make_aware(datetime.combine(_working(day), time(hour)))


def _seed(context):
    today = context.today
    icr = context.institution
    accounts = context.accounts
    pm = accounts["programmes@icr.ac.uk"]
    technician = accounts["technician@icr.ac.uk"]
    manager = accounts["manager@icr.ac.uk"]
    ensure_registers(Register, RegisterFee)
    registers = {r.code: r for r in Register.objects.all()}
    # 3B: the association covers the Scientific Officer family only, at every institution.
    JobFamily.objects.filter(institution=icr, name="Scientific Officer").update(soa_covered=True)

    account_ids = {p.pk for p in accounts.values()}
    pool = sorted(
        (p for p in context.staff if p.pk not in account_ids and p.grade_id and p.line_manager_id),
        key=lambda p: -p.pk,
    )
    taken: set[int] = set()

    def pick(family, *grades):
        for person in pool:
            if person.pk in taken or person.job_family is None or person.job_family.name != family:
                continue
            if person.grade.short_name in grades:
                taken.add(person.pk)
                return person
        raise LookupError(f"No {family} {grades} left for the registration demo.")

    # --- The programme: three cohorts, two workshops each, an annual event -----------------
    programme = programmes.programme_ensure(
        institution=icr,
        title=PROGRAMME_TITLE,
        kind="development",
        owner=pm,
        summary="A year of cohort workshops, a mentor and paid first-year fees for technicians applying for "
        "Science Council or Engineering Council registration.",
        description="Funded by the Scientific Officer Association and a Wellcome grant. Two cohort workshops a "
        "year (the competence reports; evidence and CPD), a mentor who is registered, and an annual event "
        "with the Science Council.",
    )
    event = programmes.programme_ensure(
        institution=icr,
        title=EVENT_TITLE,
        kind="event",
        owner=pm,
        summary="The yearly seminar on professional registration: the councils, licensed bodies and "
        "colleagues who registered last year.",
    )
    # The registration guide (3A): a versioned guidance page, kept by the CPT programme manager.
    guidance.ensure_page(
        institution=icr,
        slug=guide.SLUG,
        title=guide.TITLE,
        summary="Which register, what it costs, how long it takes, and colleagues who registered.",
        body=guide.guide_body(today.year),
        owner=pm,
        by=pm.user,
    )
    ProgrammeSettings.objects.get_or_create(
        institution=icr,
        defaults={
            "programme": programme,
            "annual_event": event,
            "funders": "the Scientific Officer Association and a Wellcome grant",
        },
    )
    cohorts = []
    for years_ago, size in ((2, 3), (1, 3), (0, 4)):
        starts = _working(today - timedelta(days=300 + 365 * years_ago))
        cohort = programmes.cohort_ensure(
            programme=programme,
            name=f"Cohort {starts.year}",
            starts_on=starts,
            ends_on=_working(starts + timedelta(days=330)),
            capacity=size + 1,
            opens_on=starts - timedelta(days=45),
            closes_on=starts - timedelta(days=15),
        )
        workshops = [
            programmes.session_ensure(
                cohort=cohort,
                title=title,
                starts_at=_at(starts + timedelta(days=days)),
                location="Sir Richard Doll room",
            )
            for title, days in (
                ("Workshop 1: the registers and your competence report", 30),
                ("Workshop 2: evidence, supporters and CPD", 180),
            )
        ]
        event_cohort = programmes.cohort_ensure(
            programme=event,
            name=f"Annual event {starts.year}",
            starts_on=_working(starts + timedelta(days=90)),
            ends_on=_working(starts + timedelta(days=90)),
            capacity=120,
            opens_on=starts,
            closes_on=starts + timedelta(days=89),
        )
        event_day = programmes.session_ensure(
            cohort=event_cohort,
            title=f"Professional registration day {starts.year}",
            starts_at=_at(starts + timedelta(days=90), 10),
            hours=4,
            location="Chester Beatty Laboratories lecture theatre",
        )
        cohorts.append((cohort, workshops, size, years_ago, event_cohort, event_day))

    # The managers told of these cohorts' openings (4B), as the programmes demo records for its own
    # (its helper, reused: otherwise a second seed_demo would add them, seeing these cohorts then).
    record_manager_notices(icr, today)

    # Participants: 3 + 3 + 4 = 10, mostly Scientific Officers, one from each other family.
    members = {
        2: [pick("Scientific Officer", "SSO"), pick("Scientific Officer", "SSO"), pick("Scientific Officer", "HSO")],
        1: [
            pick("Scientific Officer", "HSO"),
            pick("Analytical Scientists", "AS1", "AS2"),
            pick("Scientific Officer", "SO"),
        ],
        0: [
            pick("Scientific Officer", "SO"),
            pick("Biological Services Unit", "AT", "SAT"),
            pick("Scientific Officer", "HSO"),
            pick("Research Management", "RM2", "RM3"),
        ],
    }
    for cohort, workshops, _size, years_ago, event_cohort, event_day in cohorts:
        for n, person in enumerate(members[years_ago]):
            application = programmes.participant_ensure(
                cohort=cohort,
                applicant=person,
                statement="I want to apply for registration this year and would value the workshops and a mentor.",
                at=_at(cohort.opens_on + timedelta(days=2 + n)),
                decided_by=pm.user,
                completed=years_ago > 0,
            )
            for k, session in enumerate(workshops):
                # Everyone came to the first workshop; one of each cohort missed the second.
                programmes.attendance_ensure(
                    session=session, application=application, present=not (k == 1 and n == 1), by=pm.user
                )
            # The cohort goes to that year's annual event together.
            at_event = programmes.participant_ensure(
                cohort=event_cohort,
                applicant=person,
                statement="Attending with the registration programme's cohort.",
                at=_at(event_cohort.opens_on),
                decided_by=pm.user,
            )
            programmes.attendance_ensure(session=event_day, application=at_event, present=True, by=pm.user)

    def journey(person, code, state, *, days_ago, mentor=None, supporter=None, payer="", grant="", renew_in=None):
        """A journey to `state`, written through the services: started `days_ago`, each step a sixth
        of the way (at most a year from interest to the decision)."""
        found = Journey.objects.filter(person=person, register=registers[code]).first()
        if found is not None:
            return found
        start = today - timedelta(days=days_ago)
        step = max(min(days_ago, 360) // 6, 1)
        j = services.journey_start(person=person, register_id=registers[code].pk, by=person.user, today=start)
        if state == State.INTERESTED:
            return j
        if state == State.WITHDRAWN:
            return services.journey_withdraw(
                journey=j, by=person.user, reason="Changing roles this year.", today=start + timedelta(days=step)
            )
        if mentor is not None:
            _pair(mentor, person, pm, start + timedelta(days=step))
            j = services.journey_record_mentor(journey=j, by=person.user, today=start + timedelta(days=step))
        if state == State.MENTOR_FOUND:
            return j
        j = services.journey_start_preparing(journey=j, by=person.user, today=start + timedelta(days=2 * step))
        records = list(development.records_of(person).values_list("pk", flat=True)[:2])
        for area in registers[code].competence_area_list[:3]:
            services.statement_save(
                journey=j,
                area=area,
                statement=STATEMENT,
                evidence_record_ids=records,
                by=person.user,
                today=start + timedelta(days=2 * step),
            )
        if state == State.PREPARING:
            return j
        supporter = supporter or person.line_manager
        j = services.journey_name_supporter(
            journey=j, supporter=supporter, by=person.user, today=start + timedelta(days=3 * step)
        )
        if state == State.SUPPORTER_NAMED:
            return j
        j = services.journey_supporter_agree(journey=j, by=supporter.user, today=start + timedelta(days=3 * step + 2))
        submitted = start + timedelta(days=4 * step)
        j = services.journey_submit(
            journey=j,
            licensed_body=registers[code].licensed_body_list[0],
            submitted_on=submitted,
            first_year_payer=payer or Payer.PROGRAMME,
            later_years_payer=Payer.PERSON if payer != Payer.GRANT else Payer.GRANT,
            grant_name=grant,
            by=person.user,
            today=submitted,
        )
        if state == State.SUBMITTED:
            return j
        decided = start + timedelta(days=5 * step)
        if state == State.UNSUCCESSFUL:
            j = services.journey_record_outcome(
                journey=j,
                outcome=State.UNSUCCESSFUL,
                by=pm.user,
                today=decided,
                feedback="The statements describe tasks well but show too little of your own judgement; give an "
                "example where you chose the method and why.",
            )
            return j
        registered_on = decided
        renewal = today + timedelta(days=renew_in) if renew_in is not None else registered_on + timedelta(days=365)
        while renewal <= today:
            renewal += timedelta(days=365)
        return services.journey_record_outcome(
            journey=j,
            outcome=State.REGISTERED,
            by=person.user,
            today=decided,
            registered_on=registered_on,
            registration_number=f"{code.upper()}-{person.pk:05d}",
            renewal_on=renewal,
        )

    first, second, third = members[2]
    journey(first, "RSci", State.REGISTERED, days_ago=700, payer=Payer.ASSOCIATION, renew_in=20)
    journey(second, "RSciTech", State.REGISTERED, days_ago=690, payer=Payer.ASSOCIATION, renew_in=27)
    journey(third, "RSci", State.REGISTERED, days_ago=680, payer=Payer.PROGRAMME)
    # The registered become mentors of the newer cohorts.
    for person, registered_as in ((first, "RSci"), (second, "RSciTech")):
        mentoring.mentor_profile_save(
            person=person,
            available=True,
            capacity=4,
            bio=f"Registered as {registered_as} through the registration programme; happy to read your statements.",
            purposes=["registration"],
        )
    a, b, c = members[1]
    journey(a, "RSci", State.REGISTERED, days_ago=320, mentor=first, payer=Payer.PROGRAMME)
    journey(
        b,
        "RSci",
        State.SUBMITTED,
        days_ago=300,
        mentor=first,
        payer=Payer.GRANT,
        grant="Wellcome Discovery Award 226011",
    )
    journey(c, "RSciTech", State.UNSUCCESSFUL, days_ago=310, mentor=second, payer=Payer.PROGRAMME)
    d, e, f, g = members[0]
    journey(d, "RSciTech", State.SUPPORTER_NAMED, days_ago=150, mentor=second)
    journey(e, "RSciTech", State.MENTOR_FOUND, days_ago=120, mentor=second)
    journey(f, "RSci", State.PREPARING, days_ago=200, mentor=first)
    journey(g, "RSci", State.INTERESTED, days_ago=100)
    # technician@ (Priya): preparing for RSci with a mentor, outside the programme (her programmes
    # are the programmes demo's); manager@ is asked to support a colleague.
    journey(technician, "RSci", State.PREPARING, days_ago=60, mentor=first)
    supported = pick("Scientific Officer", "HSO")
    journey(supported, "RSci", State.SUPPORTER_NAMED, days_ago=130, supporter=manager)
    # 3B: beyond the SO grades, outside the programme: applications and interest, one paid by a grant.
    journey(
        pick("Analytical Scientists", "AS2", "AS3"),
        "CSci",
        State.SUBMITTED,
        days_ago=200,
        payer=Payer.GRANT,
        grant="MRC programme grant MC_UU_00029 (membership fees included)",
    )
    journey(pick("Research Management", "RM3", "RM4"), "RSci", State.REGISTERED, days_ago=400, payer=Payer.EMPLOYER)
    journey(pick("Analytical Scientists", "AS1", "AS2"), "CSci", State.INTERESTED, days_ago=40)
    journey(pick("Biological Services Unit", "SAT", "US"), "EngTech", State.INTERESTED, days_ago=30)
    journey(pick("Scientific Officer", "SO"), "RSciTech", State.WITHDRAWN, days_ago=250)
    journey(pick("Scientific Officer", "SO"), "RSciTech", State.INTERESTED, days_ago=200)  # stalled: 90-day reminder
    # 3C: about two thirds of the leadership programme's participants pursue registration.
    far = today - timedelta(days=3650)
    leaders = sorted(
        set(
            programmes_selectors.leadership_participants(icr, far, today + timedelta(days=3650)).values_list(
                "applicant_id", flat=True
            )
        )
    )
    by_id = {p.pk: p for p in context.staff}
    for n, person_id in enumerate(leaders):
        person = by_id.get(person_id)
        if person is None or person.pk in taken or n % 3 == 2:
            continue
        code = "CSci" if person.grade and person.grade.level >= 5 else "RSci"
        journey(person, code, State.PREPARING if n % 2 else State.SUBMITTED, days_ago=90 + n)
    held = Journey.objects.filter(institution=icr, state=State.REGISTERED).count()
    due = Journey.objects.filter(
        Q(renewal_on__lte=today + timedelta(days=30)), institution=icr, state=State.REGISTERED
    ).count()
    context.lines.append(
        f"Registration: {held} registered staff ({due} renewals due within 30 days); the programme's three cohorts "
        "have 10 participants; technician@icr.ac.uk is preparing for RSci; manager@icr.ac.uk has an application "
        "to support."
    )


def _pair(mentor, mentee, pm, day):
    """Pair the mentee with a registration mentor through the mentoring service, once."""
    from mentoring import selectors as mentoring_selectors

    if any(r.purpose == "registration" for r in mentoring_selectors.mentors_of(mentee)):
        return
    profile = mentoring_selectors.mentor_profile_of(mentor)
    mentoring.relationship_pair(
        mentee=mentee,
        mentor=profile,
        purpose="registration",
        hopes="Support with the competence statements and the application.",
        by=pm.user,
        today=day,
    )
