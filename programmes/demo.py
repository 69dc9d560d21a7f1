"""Demo programmes: the seed plan's programmes with past, running and open cohorts, applications in
every state, sessions, attendance, evaluations (surveys on the survey engine) and manager notices.

Idempotent: programmes, cohorts, sessions and applications are found by natural keys first, and
an application's history is written only when the application is created.
"""

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from core.tenancy import in_institution
from core.workflow import transition
from people.selectors import grades_on
from surveys import selectors as survey_selectors
from surveys import services as survey_services
from surveys.questionnaires import CAREER_THEME, NO, PERFORMANCE_THEME, VALUABLE_THEME, YES

from . import services
from .models import (
    Application,
    Attendance,
    BulletinClick,
    BulletinPost,
    Cohort,
    DigestSubscription,
    Event,
    ManagerNotice,
    Programme,
    Registration,
)
from .selectors import staff_eligible_for

State = Application.State
PATHS = {
    State.AWAITING_ENDORSEMENT: [State.AWAITING_ENDORSEMENT],
    State.ENDORSED: [State.AWAITING_ENDORSEMENT, State.ENDORSED],
    State.ENDORSEMENT_DECLINED: [State.AWAITING_ENDORSEMENT, State.ENDORSEMENT_DECLINED],
    State.ACCEPTED: [State.AWAITING_ENDORSEMENT, State.ENDORSED, State.ACCEPTED],
    State.WAITLISTED: [State.AWAITING_ENDORSEMENT, State.ENDORSED, State.WAITLISTED],
    State.DECLINED: [State.AWAITING_ENDORSEMENT, State.ENDORSED, State.DECLINED],
    State.WITHDRAWN: [State.AWAITING_ENDORSEMENT, State.ENDORSED, State.ACCEPTED, State.WITHDRAWN],
    State.COMPLETED: [State.AWAITING_ENDORSEMENT, State.ENDORSED, State.ACCEPTED, State.COMPLETED],
}
REASONS = {
    State.ENDORSEMENT_DECLINED: "We are short-staffed during the spring sample run; please apply to the next intake.",
    State.DECLINED: "The cohort was heavily over-subscribed; we encourage you to apply again next year.",
    State.WITHDRAWN: "I have changed roles and cannot commit the time this year.",
    State.COMPLETED: "Attendance rule met.",
    State.WAITLISTED: "All places are offered; you are on the waiting list.",
}
STATEMENTS = [
    "I run the day-to-day operation of our imaging core and want to develop the confidence to lead projects.",
    "I would like to build my network across institutes and learn how other facilities train their users.",
    "This programme would help me prepare for promotion and for professional registration (RSci).",
    "I supervise two junior technicians and want to develop my management and coaching skills.",
]

EXTERNAL = [
    (
        "Herschel Programme for Women in Technology and Engineering",
        "A leadership programme for women in technology and engineering roles in higher education and research.",
        "https://www.herschel.ac.uk/",
    ),
    (
        "Aurora",
        "Advance HE's leadership development initiative for women and those who identify as women.",
        "https://www.advance-he.ac.uk/programmes-events/developing-leaders/aurora",
    ),
    (
        "Future Leaders Programme",
        "Advance HE's programme for those moving into senior leadership roles.",
        "https://www.advance-he.ac.uk/programmes-events/developing-leaders/future-leaders-programme",
    ),
    (
        "Vivian Thomas Programme",
        "A programme supporting Black, Asian and minority ethnic technicians into leadership roles.",
        "https://www.techniciancommitment.org.uk/",
    ),
]


def seed(context):
    """Create the demo programmes for the seed institution (find-or-create throughout).

    Everything here belongs to the seed institution, which runs every demo programme (partner
    staff's applications included), so it is written inside that institution's scope.
    """
    with in_institution(context.institution):
        _seed(context)


def _seed(context):
    rng = random.Random(3)
    today = context.today
    icr = context.institution
    accounts = context.accounts
    pm = accounts["programmes@icr.ac.uk"]
    admin = accounts["admin@icr.ac.uk"]
    technician = accounts["technician@icr.ac.uk"]
    partner = accounts["partner@crick.ac.uk"]
    demo_ids = {profile.pk for profile in accounts.values()}
    # Sorted by pk: the staff list's name ordering has ties, and the picks must repeat exactly.
    staff = sorted(
        (p for p in context.staff if p.pk not in demo_ids and p.grade_id and p.line_manager_id), key=lambda p: p.pk
    )

    # Levels as they stood before the promotions demo's past rounds took effect (within the last 300
    # days), so a second seed_demo picks the same people after those promotions moved them up.
    before = grades_on(staff, context.today - timedelta(days=300))

    def at_level(*levels):
        return [p for p in staff if (before.get(p.pk) or p.grade).level in levels]

    families = {p.job_family.name: p.job_family for p in context.staff if p.job_family_id}
    created = {"applications": 0}

    def programme(title, kind, summary, *, owner=pm, open_to_partners=False, description="", url=""):
        found, _ = Programme.objects.get_or_create(
            institution=icr,
            title=title,
            defaults={
                "kind": kind,
                # Events and networks are open to all: no line manager's endorsement to wait for.
                "needs_endorsement": kind not in (Programme.Kind.EVENT, Programme.Kind.NETWORK),
                "summary": summary,
                "owner": owner,
                "open_to_partners": open_to_partners,
                "description": description,
                "external_url": url,
            },
        )
        return found

    def working_day(days):
        """`today + days`, moved on to Monday if it falls at a weekend: sessions run on working days.

        Cohort dates move the same way, so a session on a cohort's first or last day stays inside it.
        """
        day = today + timedelta(days=days)
        while day.weekday() >= 5:
            day += timedelta(days=1)
        return day

    def cohort(prog, name, *, opens, closes, starts, ends, capacity, selection, **extra):
        found, _ = Cohort.objects.get_or_create(
            programme=prog,
            name=name,
            defaults={
                "opens_on": today + timedelta(days=opens),
                "closes_on": today + timedelta(days=closes),
                "starts_on": working_day(starts),
                "ends_on": working_day(ends),
                "capacity": capacity,
                "selection": selection,
                **extra,
            },
        )
        return found

    def sessions(found, titles_and_days, *, hour=10, hours=3, location="Chester Beatty Laboratories, Fulham Road"):
        result = []
        for title, days in titles_and_days:
            starts = timezone.make_aware(datetime.combine(working_day(days), time(hour)))
            session, _ = found.sessions.get_or_create(
                title=title,
                defaults={"starts_at": starts, "ends_at": starts + timedelta(hours=hours), "location": location},
            )
            result.append(session)
        return result

    def apply(found, applicant, state, *, days_ago):
        """An application whose history follows the workflow to `state`, written once."""
        existing = Application.objects.filter(cohort=found, applicant=applicant).first()
        if existing:
            return existing
        path = list(PATHS[state])
        manager_profile = applicant.line_manager
        if manager_profile is None and path[0] == State.AWAITING_ENDORSEMENT:
            path[0] = State.ENDORSED
            if len(path) > 1 and path[1] == State.ENDORSED:
                path.pop(1)
        at = timezone.now() - timedelta(days=days_ago)
        application = Application(
            cohort=found,
            applicant=applicant,
            line_manager=manager_profile,
            statement=STATEMENTS[applicant.pk % len(STATEMENTS)],
            submitted_at=at,
            waitlisted_at=at + timedelta(days=len(path)) if state == State.WAITLISTED else None,
        )
        # Each step is a real move of the workflow, made by the person who would make it.
        for step, to_state in enumerate(path):
            if to_state in (State.AWAITING_ENDORSEMENT, State.WITHDRAWN):
                by, reason = applicant.user, ""
            elif to_state in (State.ENDORSED, State.ENDORSEMENT_DECLINED):
                by = manager_profile.user if manager_profile else applicant.user
                reason = "" if manager_profile else "No line manager recorded in the portal."
            else:
                by, reason = pm.user, ""
            reason = REASONS.get(to_state, reason) if to_state == path[-1] else reason
            when = at + timedelta(days=step)
            if to_state == State.COMPLETED:  # completion comes with the register of the last session
                when = max(when, min(timezone.make_aware(datetime.combine(found.ends_on, time(17))), timezone.now()))
            transition(application, to_state, by=by, reason=reason, at=when)
        created["applications"] += 1
        return application

    def attend(session_list, application, attended):
        for session in session_list[:attended]:
            Attendance.objects.get_or_create(
                session=session, application=application, defaults={"present": True, "recorded_by": pm.user}
            )
        for session in session_list[attended:]:
            Attendance.objects.get_or_create(
                session=session, application=application, defaults={"present": False, "recorded_by": pm.user}
            )

    def evaluate(application, respondent, *, answers=None, about=None, comment="", after=3):
        """The cohort's evaluation surveys as completion makes them (1B), `respondent` invited on the
        cohort's last day (the past: no message) and, with `answers` ({theme: yes or no}), answering
        `after` days later through the survey engine; written once."""
        found = application.cohort
        invited_on = min(found.ends_on, today)
        participants, managers = services.cohort_evaluation_surveys(cohort=found, today=invited_on)
        survey = managers if about is not None else participants
        invitation = survey_services.invitation_record(
            survey=survey,
            person=respondent,
            subject=about,
            invited_on=invited_on,
            respond_by=invited_on + timedelta(days=survey.respond_within_days),
        )
        if answers is None or survey_selectors.has_answered(invitation):
            return
        values = {}
        for question in survey.questions.all():
            if question.theme in answers:
                values[question.pk] = YES if answers[question.theme] else NO
            elif question.kind == question.Kind.TEXT and comment:
                values[question.pk] = comment
        survey_services.survey_answer(
            invitation=invitation, answers=values, today=min(invited_on + timedelta(days=after), today)
        )

    def at(day, hour):
        return timezone.make_aware(datetime.combine(day, time(hour)))

    def event(title, kind, summary, *, days, hour=10, hours=3, capacity, **extra):
        """An event of the seed institution on a working day `days` from today (found by title)."""
        starts = at(working_day(days), hour)
        found, _ = Event.objects.get_or_create(
            institution=icr,
            title=title,
            defaults={
                "kind": kind,
                "summary": summary,
                "starts_at": starts,
                "ends_at": starts + timedelta(hours=hours),
                "location": "" if extra.get("online_url") else "Chester Beatty Laboratories, Fulham Road",
                "capacity": capacity,
                "organiser": pm,
                **extra,
            },
        )
        return found

    def register(found, people, *, attended=()):
        """Registrations as the workflow makes them (places first come, then the waiting list), written once;
        for a past event, the attendance and its feedback survey (answered in surveys' demo)."""
        if found.registrations.exists():
            return
        for index, person in enumerate(people):
            # Spread over the month before the event, and never in the future.
            when = min(found.starts_at - timedelta(days=30 - index % 20), timezone.now() - timedelta(hours=index + 1))
            registration = Registration(event=found, person=person, registered_at=when)
            if index < found.capacity:
                transition(registration, Registration.State.REGISTERED, by=person.user, at=registration.registered_at)
            else:
                registration.waitlisted_at = registration.registered_at
                transition(registration, Registration.State.WAITLISTED, by=person.user, at=registration.registered_at)
        if found.ends_at < timezone.now():
            present = {p.pk for p in attended}
            for registration in found.registrations.filter(state=Registration.State.REGISTERED):
                registration.attended = registration.person_id in present
                registration.save(update_fields=["attended"])
            if present:
                services.event_feedback_survey(event=found, today=timezone.localdate(found.ends_at))

    # --- Ignite (1B): HSO level or equivalent, across institutions --------------------------
    ignite = programme(
        "Ignite",
        Programme.Kind.DEVELOPMENT,
        "A mid-career development programme for HSO-level technicians, run with the Crick, UCL and KCL.",
        open_to_partners=True,
        description="Five workshops over five months on leading projects, influencing, and planning your career, "
        "with action-learning sets that mix technicians from ICR, the Francis Crick Institute, UCL and "
        "King's College London.",
    )
    hso_text = "Higher Scientific Officers (HSO) or an equivalent grade in any job family"
    past_ignite = cohort(
        ignite,
        "2025 intake",
        opens=-400,
        closes=-370,
        starts=-330,
        ends=-180,
        capacity=30,
        selection=Cohort.Selection.SELECTION,
        min_level=3,
        max_level=3,
        eligibility_text=hso_text,
    )
    past_sessions = sessions(past_ignite, [(f"Ignite workshop {n + 1}", -330 + 30 * n) for n in range(5)])
    hso_staff = at_level(3)
    rng.shuffle(hso_staff)
    for index, person in enumerate(hso_staff[:14]):
        state = State.COMPLETED if index < 11 else (State.ACCEPTED if index < 12 else State.DECLINED)
        application = apply(past_ignite, person, state, days_ago=395)
        if state in Application.HOLDS_PLACE:
            attend(past_sessions, application, 5 if index < 8 else (4 if index < 11 else 2))
        if state == State.COMPLETED:
            # Ten of the eleven evaluate it (nine say it helped their career); eight of their
            # managers answer about them (seven say it helped their performance).
            career = {CAREER_THEME: index != 3} if index < 10 else None
            evaluate(application, person, answers=career, comment="Gave me a plan for promotion.", after=2 + index)
            if person.line_manager is not None:
                performance = {PERFORMANCE_THEME: index != 5} if index < 8 else None
                evaluate(application, person.line_manager, answers=performance, about=person, after=5 + index)
    open_ignite = cohort(
        ignite,
        "2026 intake",
        opens=-2,
        closes=18,
        starts=40,
        ends=190,
        capacity=30,
        selection=Cohort.Selection.SELECTION,
        min_level=3,
        max_level=3,
        eligibility_text=hso_text,
        questions="Which project or responsibility would you bring to the action-learning set?",
    )
    sessions(open_ignite, [(f"Ignite workshop {n + 1}", 40 + 30 * n) for n in range(5)])
    apply(open_ignite, technician, State.AWAITING_ENDORSEMENT, days_ago=1)
    states = [
        State.AWAITING_ENDORSEMENT,
        State.AWAITING_ENDORSEMENT,
        State.ENDORSED,
        State.ENDORSED,
        State.ENDORSED,
        State.ENDORSED,
        State.ENDORSEMENT_DECLINED,
        State.ACCEPTED,
        State.ACCEPTED,
        State.ACCEPTED,
        State.WAITLISTED,
        State.DECLINED,
        State.WITHDRAWN,
    ]
    for person, state in zip(hso_staff[14:], states, strict=False):
        apply(open_ignite, person, state, days_ago=2)

    # --- Leadership programme (1B): SSO/PSO level and core facility managers -----------------
    leadership = programme(
        "Leadership programme for senior technicians and core facility managers",
        Programme.Kind.LEADERSHIP,
        "Leading teams and facilities: strategy, finance, people management and influencing for senior technicians.",
        description="Six modules over six months, with coaching and a facility-improvement project.",
    )
    running = cohort(
        leadership,
        "2026 cohort",
        opens=-70,
        closes=-40,
        starts=-20,
        ends=150,
        capacity=25,
        selection=Cohort.Selection.SELECTION,
        min_level=4,
        max_level=5,
        eligibility_text="Senior and Principal Scientific Officers (SSO, PSO) or equivalent, including core facility "
        "managers",
    )
    lead_sessions = sessions(
        running,
        [("Leading a facility", -20), ("Finance for facility managers", -5)]
        + [(f"Module {n}", 40 + 30 * (n - 3)) for n in range(3, 7)],  # monthly, the last before the end
    )
    seniors = at_level(4, 5)
    rng.shuffle(seniors)
    for index, person in enumerate(seniors[:24]):
        state = State.ACCEPTED if index < 20 else (State.DECLINED if index < 22 else State.WITHDRAWN)
        application = apply(running, person, state, days_ago=60)
        if state == State.ACCEPTED:
            attend(lead_sessions[:2], application, 2 if index % 5 else 1)

    # --- Modules open to all staff (1E) -------------------------------------------------------
    project = programme(
        "Project management essentials",
        Programme.Kind.MODULE,
        "A two-session module open to all staff: planning, risks and stakeholders for research projects.",
        owner=admin,
    )
    module_now = cohort(
        project,
        "Winter 2026",
        opens=-20,
        closes=10,
        starts=1,
        ends=15,
        capacity=24,
        selection=Cohort.Selection.FIRST_COME,
        eligibility_text="Open to all staff",
    )
    sessions(module_now, [("Planning a research project", 1), ("Risks and stakeholders", 15)], hour=14)
    apply(module_now, technician, State.ACCEPTED, days_ago=10)
    for person in staff[:9]:
        apply(module_now, person, State.ACCEPTED, days_ago=8)
    apply(module_now, staff[9], State.AWAITING_ENDORSEMENT, days_ago=6)  # waiting > 3 working days

    presenting = programme(
        "Presenting your science",
        Programme.Kind.MODULE,
        "A one-day module open to all staff on posters, talks and writing for lay audiences.",
        owner=admin,
    )
    past_module = cohort(
        presenting,
        "Summer 2026",
        opens=-200,
        closes=-170,
        starts=-150,
        ends=-150,
        capacity=20,
        selection=Cohort.Selection.FIRST_COME,
        eligibility_text="Open to all staff",
    )
    module_sessions = sessions(past_module, [("Presenting your science", -150)], hours=6)
    for index, person in enumerate(staff[20:32]):
        application = apply(past_module, person, State.COMPLETED, days_ago=190)
        attend(module_sessions, application, 1)
        # Eight of the twelve answer (seven say it helped their career); no manager answered.
        evaluate(application, person, answers={CAREER_THEME: index != 2} if index < 8 else None, after=1 + index)
    cohort(
        presenting,
        "Spring 2027",
        opens=10,
        closes=40,
        starts=60,
        ends=60,
        capacity=20,
        selection=Cohort.Selection.FIRST_COME,
        eligibility_text="Open to all staff",
    )

    # --- Scientific Project Managers network (2I): three meetings a year ---------------------
    network = programme(
        "Scientific Project Managers network",
        Programme.Kind.NETWORK,
        "A network for scientific project managers to share practice; three meetings a year.",
    )
    rm_family = families.get("Research Management")
    rm_staff = [p for p in staff if p.job_family_id == getattr(rm_family, "pk", None)]
    for year, offset in (("2025", -365), ("2026", 0)):
        network_year = cohort(
            network,
            f"{year} meetings",
            # the year's three meetings (150 days before to 60 days after `offset`) fall inside it
            opens=offset - 200,
            closes=offset + 100,
            starts=offset - 160,
            ends=offset + 200,
            capacity=40,
            selection=Cohort.Selection.FIRST_COME,
            eligibility_text="Research Management staff",
        )
        if rm_family:
            network_year.job_families.add(rm_family)
        for person in rm_staff[:15]:
            apply(network_year, person, State.ACCEPTED, days_ago=-offset + 40)
        # The meetings themselves are events (kind "network meeting"), so members register,
        # attend and give feedback like at any event (2I: "meetings with positive evaluation").
        for n, days in enumerate((-150, -30, 60)):
            meeting = event(
                f"Network meeting {n + 1} ({year})",
                Event.Kind.NETWORK_MEETING,
                "Scientific project managers share practice: this time, planning multi-site projects.",
                days=offset + days,
                hour=12,
                hours=2,
                capacity=40,
                network=network,
            )
            register(meeting, rm_staff[:15], attended=rm_staff[: 10 + n])

    # --- RIT symposium (1D): an event opened to partner institutions -------------------------
    symposium = programme(
        "Research Institute Technicians symposium",
        Programme.Kind.EVENT,
        "A one-day symposium for technicians of the Research Institute Technician group and partner universities.",
        open_to_partners=True,
    )
    last_year = cohort(
        symposium,
        "2026 symposium",
        opens=-120,
        closes=-80,
        starts=-60,
        ends=-60,
        capacity=120,
        selection=Cohort.Selection.FIRST_COME,
        eligibility_text="Technicians of ICR and its partner institutes",
    )
    day = sessions(last_year, [("RIT symposium", -60)], hour=9, hours=8)
    attendees = [partner, *staff[40:60]]
    for index, person in enumerate(attendees):
        application = apply(last_year, person, State.ACCEPTED, days_ago=110)
        attend(day, application, 1)
        if index < 15:
            # The older question for a one-day programme opened to partners (1D), asked of its attendees.
            evaluate(application, person, answers={VALUABLE_THEME: index % 6 != 5}, after=2)
    next_year = cohort(
        symposium,
        "2027 symposium",
        opens=-10,
        closes=30,
        starts=45,
        ends=45,
        capacity=120,
        selection=Cohort.Selection.FIRST_COME,
        eligibility_text="Technicians of ICR and its partner institutes",
    )
    sessions(next_year, [("RIT symposium", 45)], hour=9, hours=8)

    # --- External programmes ------------------------------------------------------------------
    for title, summary, url in EXTERNAL:
        programme(title, Programme.Kind.EXTERNAL, summary, url=url, description="Apply on the programme's own site.")

    # --- Events (1D): a partner-opened workshop with feedback, upcoming events, a partner's event ---
    cryo = event(
        "Cryo-EM sample preparation workshop",
        Event.Kind.WORKSHOP,
        "Hands-on grid preparation and screening, open to technicians of our partner institutes.",
        days=-90,
        hours=6,
        capacity=24,
        audience=Event.Audience.PARTNERS,
    )
    register(cryo, [partner, *staff[60:79]], attended=[partner, *staff[60:77]])
    careers = event(
        "Careers event: technical career paths",
        Event.Kind.CAREERS,
        "Technicians who moved from SO to PSO, and into management, tell how; with the year's leaver survey "
        "summary and training data (1G, 4E).",
        days=20,
        hours=3,
        capacity=80,
    )
    register(careers, [technician, *staff[80:110]])
    imaging = event(
        "RITG imaging technologies day",
        Event.Kind.SEMINAR,
        "Talks and demonstrations from the imaging facilities of the Research Institute Technician group.",
        days=35,
        hours=7,
        capacity=10,
        audience=Event.Audience.PARTNERS,
    )
    register(imaging, [partner, *staff[110:122]])  # 10 places, 3 on the waiting list
    seminar = event(
        "Technician Commitment seminar: getting your name on papers",
        Event.Kind.SEMINAR,
        "How authorship and acknowledgement work here, and how to ask (2A-2C).",
        days=1,
        hour=13,
        hours=1,
        capacity=60,
        online_url="https://teams.microsoft.com/l/meetup-join/demo-seminar",
    )
    register(seminar, staff[130:140])  # tomorrow: the reminder job has work today
    crick = next((p for p in context.partners if p.slug == "crick"), None)
    if crick is not None:
        crick.partners.add(icr)  # the partnership is declared both ways: the Crick opens events to ICR too
        with in_institution(crick):
            Event.objects.get_or_create(
                institution=crick,
                title="Lab automation showcase",
                defaults={
                    "kind": Event.Kind.WORKSHOP,
                    "summary": "Liquid-handling robots and scheduling software in the Crick's science technology "
                    "platforms; open to RITG partners.",
                    "starts_at": at(working_day(25), 10),
                    "ends_at": at(working_day(25), 10) + timedelta(hours=4),
                    "location": "Francis Crick Institute, 1 Midland Road",
                    "capacity": 50,
                    "audience": Event.Audience.PARTNERS,
                },
            )
    _seed_bulletin(context, icr, staff, technician)

    _record_manager_notices(icr, today)
    context.lines.append(
        f"Programmes: {Programme.objects.filter(institution=icr).count()} programmes, "
        f"{created['applications']} applications created now. technician@icr.ac.uk has one accepted "
        "(Project management essentials) and one waiting for manager@icr.ac.uk (Ignite 2026)."
    )


def _record_manager_notices(institution, today):
    """4B history: for cohorts that opened over 3 days ago, the managers told (most within 3 days).

    The cohort opened in the last 3 days is left to the daily job, so running it shows real work.
    """
    cohorts = Cohort.objects.filter(
        programme__institution=institution, opens_on__lte=today - timedelta(days=3)
    ).select_related("programme")
    # Once per cohort: on a second seed, people promoted since (the promotions demo) would add managers.
    told = set(ManagerNotice.objects.filter(cohort__in=cohorts).values_list("cohort_id", flat=True))
    rows = []
    for found in cohorts:
        if found.pk in told:
            continue
        opened = timezone.make_aware(datetime.combine(found.opens_on, time(9)))
        manager_ids = set(
            staff_eligible_for(found).filter(line_manager__isnull=False).values_list("line_manager_id", flat=True)
        )
        for manager_id in sorted(manager_ids):
            late = manager_id % 9 == 0  # a few were told late, so the measure is not trivially 100%
            rows.append(
                ManagerNotice(
                    cohort=found, manager_id=manager_id, notified_at=opened + timedelta(days=6 if late else 1)
                )
            )
    ManagerNotice.objects.bulk_create(rows, ignore_conflicts=True)


POSTS = [
    (
        BulletinPost.Kind.POST,
        "Senior technician, flow cytometry core",
        "UCL",
        "A permanent SSO-equivalent post running the cell sorters; applications close soon.",
        "https://www.ucl.ac.uk/work-at-ucl/search-ucl-jobs",
        12,
    ),
    (
        BulletinPost.Kind.POST,
        "Secondment: sequencing operations at the Wellcome Sanger Institute",
        "Wellcome Sanger Institute",
        "Six months in high-throughput sequencing operations, for HSO or SSO technicians.",
        "https://www.sanger.ac.uk/about/careers/",
        30,
    ),
    (
        BulletinPost.Kind.EXTERNAL_PROGRAMME,
        "Technician Commitment: regional technician network events",
        "Technician Commitment",
        "Free regional events for technicians across universities and institutes.",
        "https://www.techniciancommitment.org.uk/",
        None,
    ),
]


def _seed_bulletin(context, icr, staff, technician):
    """Posts for jobs and secondments, two months of clicks (some followed by a registration), and
    a few weekly-digest subscribers, the technician among them (1F)."""
    today = context.today
    pm = context.accounts["programmes@icr.ac.uk"]
    for kind, title, provider, summary, url, days in POSTS:
        BulletinPost.objects.get_or_create(
            institution=icr,
            title=title,
            defaults={
                "kind": kind,
                "provider": provider,
                "summary": summary,
                "url": url,
                "shown_from": today - timedelta(days=20),
                "deadline": today + timedelta(days=days) if days is not None else None,
                "posted_by": pm.user,
            },
        )
    DigestSubscription.objects.get_or_create(person=technician)
    for person in staff[140:150]:
        DigestSubscription.objects.get_or_create(person=person)
    if BulletinClick.objects.filter(person__institution=icr).exists():
        return
    rng = random.Random(11)
    keys = [f"programmes.post:{pk}" for pk in BulletinPost.objects.filter(institution=icr).values_list("pk", flat=True)]
    keys += [
        f"programmes.cohort:{pk}"
        for pk in Cohort.objects.filter(programme__institution=icr, closes_on__gte=today).values_list("pk", flat=True)
    ]
    clicks = set()
    for person in staff[:120]:
        for _ in range(rng.randint(0, 3)):
            clicks.add((person.pk, rng.choice(keys), today - timedelta(days=rng.randint(0, 60))))
    # The careers event's registrants mostly found it on the bulletin: a click before they registered.
    careers = Event.objects.filter(institution=icr, kind=Event.Kind.CAREERS).first()
    if careers is not None:
        for registration in careers.registrations.all()[:20]:
            clicks.add(
                (
                    registration.person_id,
                    f"programmes.event:{careers.pk}",
                    timezone.localdate(registration.registered_at),
                )
            )
    BulletinClick.objects.bulk_create(
        [BulletinClick(person_id=p, opportunity=k, day=d) for p, k, d in sorted(clicks)], ignore_conflicts=True
    )
    subscribers = DigestSubscription.objects.filter(person__institution=icr).count()
    context.lines.append(
        f"Bulletin: {len(clicks)} clicks over two months; {subscribers} people take the weekly digest "
        "(technician@icr.ac.uk among them)."
    )
