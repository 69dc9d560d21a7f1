"""Demo data for the staff directory: the seed institution, its partners and ~450 staff.

Deterministic (a fixed random seed) and idempotent: every row is found by a natural key
before it is created, so running it again changes nothing.
"""

import functools
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils import timezone

from . import roles
from .models import (
    CareerEvent,
    Celebration,
    ContractType,
    Division,
    EmailDomain,
    Grade,
    Institution,
    JobFamily,
    ManagerConfirmation,
    StaffProfile,
    User,
)
from .services import institution_ladders_copy, propose_celebration

DEMO_PASSWORD = "techcareers-demo"
# A fixed TOTP secret for the demo HR, administrator and programme manager accounts, so a demo can be shown
# without enrolling a phone: add it to an authenticator app, or run `demo_totp_code`.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

SEED_INSTITUTION = ("The Institute of Cancer Research", "ICR", "icr", ["icr.ac.uk"])
PARTNERS = [
    ("Babraham Institute", "Babraham", "babraham", ["babraham.ac.uk"]),
    ("The Francis Crick Institute", "Crick", "crick", ["crick.ac.uk"]),
    ("John Innes Centre", "JIC", "jic", ["jic.ac.uk"]),
    ("MRC Harwell Institute", "MRC Harwell", "mrc-harwell", ["har.mrc.ac.uk"]),
    ("MRC Laboratory of Molecular Biology", "MRC LMB", "mrc-lmb", ["mrc-lmb.cam.ac.uk"]),
    ("MRC London Institute of Medical Sciences", "MRC LMS", "mrc-lms", ["lms.mrc.ac.uk"]),
    ("Science and Technology Facilities Council", "STFC", "stfc", ["stfc.ac.uk"]),
    ("Wellcome Sanger Institute", "Sanger", "sanger", ["sanger.ac.uk"]),
    ("University College London", "UCL", "ucl", ["ucl.ac.uk"]),
    ("King's College London", "KCL", "kcl", ["kcl.ac.uk"]),
]
DIVISIONS = [
    "Breast Cancer Research",
    "Cancer Biology",
    "Cancer Therapeutics",
    "Clinical Studies",
    "Genetics and Epidemiology",
    "Molecular Pathology",
    "Radiotherapy and Imaging",
    "Structural Biology",
    "Scientific Services",
]
# (family, description, share of the 450 staff, [(short, name, level, share within family)])
JOB_FAMILIES = [
    (
        "Scientific Officer",
        "Laboratory scientists on the Scientific Officer ladder.",
        248,
        [
            ("APP", "Apprentice Laboratory Technician", 1, 4),
            ("SO", "Scientific Officer", 2, 30),
            ("HSO", "Higher Scientific Officer", 3, 33),
            ("SSO", "Senior Scientific Officer", 4, 23),
            ("PSO", "Principal Scientific Officer", 5, 10),
        ],
    ),
    (
        "Research Management",
        "Clinical trials, data management and centralised services management.",
        130,
        [
            ("RM1", "Research Administrator", 2, 30),
            ("RM2", "Research Manager", 3, 40),
            ("RM3", "Senior Research Manager", 4, 22),
            ("RM4", "Head of Research Management", 5, 8),
        ],
    ),
    (
        "Analytical Scientists",
        "Bioinformaticians, statisticians, epidemiologists, data scientists, computational chemists and "
        "physicists, and research software developers.",
        50,
        [
            ("AS1", "Analytical Scientist", 3, 45),
            ("AS2", "Senior Analytical Scientist", 4, 40),
            ("AS3", "Principal Analytical Scientist", 5, 15),
        ],
    ),
    (
        "Biological Services Unit",
        "Animal technicians and the unit's managers.",
        22,
        [
            ("AT", "Animal Technician", 2, 50),
            ("SAT", "Senior Animal Technician", 3, 30),
            ("US", "Unit Supervisor", 4, 15),
            ("UM", "Unit Manager", 5, 5),
        ],
    ),
]
JOB_TITLES = {
    "Scientific Officer": ["Research technician", "Laboratory scientist", "Core facility scientist", "Lab manager"],
    "Research Management": [
        "Clinical trials manager",
        "Data manager",
        "Research programme manager",
        "Operations manager",
    ],
    "Analytical Scientists": ["Bioinformatician", "Statistician", "Data scientist", "Research software engineer"],
    "Biological Services Unit": ["Animal technician", "Named animal care and welfare officer", "Unit supervisor"],
}
FIRST_NAMES = [
    "Aisha",
    "Alex",
    "Amelia",
    "Amir",
    "Anna",
    "Ben",
    "Chloe",
    "Chen",
    "Daniel",
    "David",
    "Ella",
    "Emeka",
    "Emily",
    "Fatima",
    "Finn",
    "Freya",
    "George",
    "Grace",
    "Hannah",
    "Harry",
    "Isla",
    "Jack",
    "James",
    "Jia",
    "Jonah",
    "Kate",
    "Kwame",
    "Laura",
    "Leo",
    "Lily",
    "Lucy",
    "Maya",
    "Mei",
    "Mohammed",
    "Nadia",
    "Naomi",
    "Nina",
    "Noah",
    "Olivia",
    "Omar",
    "Oscar",
    "Priya",
    "Rachel",
    "Rhys",
    "Rosa",
    "Ruth",
    "Sam",
    "Sara",
    "Sofia",
    "Tariq",
    "Theo",
    "Tom",
    "Uma",
    "Victor",
    "Yusuf",
    "Zara",
    "Zoe",
]
LAST_NAMES = [
    "Adams",
    "Ahmed",
    "Ali",
    "Baker",
    "Bell",
    "Brown",
    "Campbell",
    "Chen",
    "Clarke",
    "Davies",
    "Edwards",
    "Evans",
    "Fisher",
    "Green",
    "Hall",
    "Harris",
    "Hughes",
    "Jackson",
    "James",
    "Johnson",
    "Jones",
    "Khan",
    "King",
    "Lee",
    "Lewis",
    "Martin",
    "Mensah",
    "Mitchell",
    "Moore",
    "Morgan",
    "Murphy",
    "Nguyen",
    "Novak",
    "Okafor",
    "Owen",
    "Patel",
    "Phillips",
    "Price",
    "Roberts",
    "Robinson",
    "Rossi",
    "Scott",
    "Shah",
    "Singh",
    "Smith",
    "Taylor",
    "Thomas",
    "Thompson",
    "Turner",
    "Walker",
    "Ward",
    "White",
    "Williams",
    "Wilson",
    "Wood",
    "Wright",
    "Young",
]

# (email, first, last, role groups, family, grade short name, division, job title)
DEMO_ACCOUNTS = [
    (
        "technician@icr.ac.uk",
        "Priya",
        "Shah",
        [],
        "Scientific Officer",
        "HSO",
        "Cancer Biology",
        "Higher Scientific Officer, cell imaging",
    ),
    (
        "manager@icr.ac.uk",
        "Daniel",
        "Okafor",
        [],
        "Scientific Officer",
        "PSO",
        "Cancer Biology",
        "Team leader, Cell Imaging Facility",
    ),
    (
        "mentor@icr.ac.uk",
        "Helen",
        "Carter",
        [roles.MENTOR],
        "Scientific Officer",
        "SSO",
        "Structural Biology",
        "Senior Scientific Officer, crystallography",
    ),
    (
        "programmes@icr.ac.uk",
        "Grace",
        "Lee",
        [roles.PROGRAMME_MANAGER],
        "Research Management",
        "RM3",
        "Scientific Services",
        "Career Pathways for Technicians programme manager",
    ),
    (
        "hr@icr.ac.uk",
        "Mark",
        "Evans",
        [roles.HR],
        "Research Management",
        "RM2",
        "Scientific Services",
        "HR business partner",
    ),
    (
        "admin@icr.ac.uk",
        "Sam",
        "Patel",
        [roles.INSTITUTION_ADMIN, roles.PROGRAMME_MANAGER],
        "Research Management",
        "RM3",
        "Scientific Services",
        "Researcher Development Coordinator",
    ),
]
PARTNER_ACCOUNT = ("partner@crick.ac.uk", "Alex", "Morgan", "crick", "Higher Scientific Officer, Crick")
# The Crick's own line manager: Alex Morgan names her at onboarding and she confirms.
CRICK_MANAGER = (
    "manager@crick.ac.uk",
    "Ruth",
    "Adeyemi",
    "SSO",
    "Science Technology Platforms",
    "Head of Light Microscopy",
)
CRICK_DIVISIONS = ["Science Technology Platforms", "Cell Biology", "Structural Biology"]
# (email, first, last, grade short name, division, job title, months ago they joined, earlier grades)
CRICK_STAFF = [
    ("jonah.price@crick.ac.uk", "Jonah", "Price", "HSO", "Science Technology Platforms", "Microscopy specialist", 70,
     [("SO", "joined"), ("HSO", "promotion", 30)]),
    ("mei.chen@crick.ac.uk", "Mei", "Chen", "SO", "Cell Biology", "Research technician", 40,
     [("APP", "joined"), ("SO", "apprenticeship_completed", 22)]),
    ("omar.khan@crick.ac.uk", "Omar", "Khan", "RM2", "Structural Biology", "Research manager", 55,
     [("RM1", "joined"), ("RM2", "promotion", 20)]),
    ("lily.novak@crick.ac.uk", "Lily", "Novak", "AS1", "Science Technology Platforms", "Bioinformatician", 18,
     [("AS1", "joined")]),
]  # fmt: skip
# A Crick technician who named Ruth Adeyemi as line manager and is still waiting: the reminder's work.
CRICK_WAITING = ("theo.walker@crick.ac.uk", "Theo", "Walker", "SO", "Cell Biology", "Research technician", 9)
# Signed up, e-mail address not yet confirmed: not staff in any count.
UNCONFIRMED_SIGNUP = ("new.starter@icr.ac.uk", "Jamie", "Ward")


@dataclass
class DemoContext:
    """What the staff seed made, handed to every app's demo seed in turn."""

    institution: Institution
    partners: list
    accounts: dict  # email -> StaffProfile
    staff: list  # the seed institution's StaffProfiles
    random: random.Random
    today: date = field(default_factory=timezone.localdate)
    lines: list = field(default_factory=list)  # what to print at the end


def _institution(name, short, slug, domains):
    institution, _ = Institution.objects.get_or_create(slug=slug, defaults={"name": name, "short_name": short})
    for domain in domains:
        EmailDomain.objects.get_or_create(domain=domain, defaults={"institution": institution})
    return institution


@functools.cache
def _demo_password_hash():
    return make_password(DEMO_PASSWORD)


def _user(email, first, last, groups=(), is_staff=False):
    user, created = User.objects.get_or_create(
        email=email, defaults={"first_name": first, "last_name": last, "is_staff": is_staff}
    )
    if created:
        # One hash for every demo account: hashing 450 passwords would take minutes.
        user.password = _demo_password_hash()
        user.save(update_fields=["password"])
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    for name in groups:
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    return user


def _profile(user, institution, **fields):
    fields.setdefault("onboarded_at", timezone.now())  # HR's records: sign-in asks nothing
    profile, _ = StaffProfile.objects.get_or_create(user=user, defaults={"institution": institution, **fields})
    return profile


def _ensure_totp(user):
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, DEMO_TOTP_SECRET)
        RecoveryCodes.activate(user)


def seed_staff(today=None):
    rng = random.Random(2024)
    today = today or timezone.localdate()
    icr = _institution(*SEED_INSTITUTION)
    partners = [_institution(*partner) for partner in PARTNERS]
    icr.partners.add(*partners)

    divisions = {name: Division.objects.get_or_create(institution=icr, name=name)[0] for name in DIVISIONS}
    families, grades = {}, {}
    for family_name, description, _, ladder in JOB_FAMILIES:
        family, _ = JobFamily.objects.get_or_create(
            institution=icr, name=family_name, defaults={"description": description}
        )
        families[family_name] = family
        for short, name, level, _share in ladder:
            grades[family_name, short] = Grade.objects.get_or_create(
                job_family=family,
                short_name=short,
                defaults={"name": name, "level": level, "welcome_new_starters": short == "SO"},
            )[0]

    accounts = {}
    for email, first, last, groups, family, grade, division, title in DEMO_ACCOUNTS:
        user = _user(email, first, last, groups, is_staff=roles.INSTITUTION_ADMIN in groups)
        accounts[email] = _profile(
            user,
            icr,
            job_family=families[family],
            grade=grades[family, grade],
            division=divisions[division],
            job_title=title,
            start_date=today - timedelta(days=rng.randint(800, 4000)),
            staff_number=f"D{len(accounts) + 1:04d}",
        )
        if set(groups) & set(roles.ROLES_REQUIRING_MFA):
            _ensure_totp(user)
    technician, manager = accounts["technician@icr.ac.uk"], accounts["manager@icr.ac.uk"]
    if technician.line_manager_id is None:
        technician.line_manager = manager
        technician.save(update_fields=["line_manager"])

    email, first, last, slug, title = PARTNER_ACCOUNT
    partner = next(p for p in partners if p.slug == slug)
    # Signed up but never signed in: sign-in asks for their grade, division and line manager.
    accounts[email] = _profile(_user(email, first, last), partner, job_title=title, onboarded_at=None)
    accounts[CRICK_MANAGER[0]] = _seed_crick(partner, today)

    _seed_population(rng, icr, divisions, families, grades, today)
    _seed_career_histories(random.Random(7), icr, grades, today)
    _seed_unconfirmed_signup(icr)
    _seed_celebrations(icr, today)
    return DemoContext(
        institution=icr,
        partners=partners,
        accounts=accounts,
        staff=list(StaffProfile.objects.filter(institution=icr).staff().select_related("user", "grade", "job_family")),
        random=random.Random(2025),
        today=today,
        lines=[
            f"People: {CRICK_MANAGER[0]} ({CRICK_MANAGER[1]} {CRICK_MANAGER[2]}) is a Crick line manager. "
            f"{PARTNER_ACCOUNT[0]} is asked for grade, division and line manager at first sign-in; name "
            f"{CRICK_MANAGER[1]} {CRICK_MANAGER[2]} and she confirms from her dashboard. {CRICK_WAITING[0]} "
            f"has waited {CRICK_WAITING[-1]} days for her (the reminder job's work). {UNCONFIRMED_SIGNUP[0]} "
            "signed up without confirming the e-mail address and is in no staff count.",
        ],
    )


def _seed_population(rng, icr, divisions, families, grades, today):
    """The ~450 technical staff in the seed's proportions, with managers within their division."""
    demo_count = len(DEMO_ACCOUNTS)
    number = 0
    for family_name, _, headcount, ladder in JOB_FAMILIES:
        family = families[family_name]
        if family_name == "Scientific Officer":
            headcount -= 3  # three demo accounts are Scientific Officers
        elif family_name == "Research Management":
            headcount -= demo_count - 3
        total_share = sum(share for *_, share in ladder)
        for short, _name, level, share in ladder:
            grade = grades[family_name, short]
            for _ in range(round(headcount * share / total_share)):
                number += 1
                first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                email = f"{first.lower()}.{last.lower()}.{number}@icr.ac.uk"
                # A few Scientific Officers started in the last two months: the welcome job has work.
                if short == "SO" and number % 12 == 0:
                    start = today - timedelta(days=rng.randint(3, 55))
                else:
                    start = today - timedelta(days=rng.randint(120, 9000 - 1200 * (5 - level)))
                division = (
                    divisions["Scientific Services"]
                    if family_name in ("Biological Services Unit", "Research Management") and rng.random() < 0.6
                    else divisions[rng.choice(DIVISIONS)]
                )
                _profile(
                    _user(email, first, last),
                    icr,
                    job_family=family,
                    grade=grade,
                    division=division,
                    job_title=rng.choice(JOB_TITLES[family_name]),
                    start_date=start,
                    staff_number=f"S{number:05d}",
                    orcid="" if rng.random() < 0.5 else _fake_orcid(rng),
                )
    _assign_managers(rng, icr)


def _assign_managers(rng, icr):
    """Give each person without a manager one from their division at a higher level."""
    staff = list(StaffProfile.objects.filter(institution=icr).select_related("grade"))
    by_division = {}
    for person in staff:
        by_division.setdefault(person.division_id, []).append(person)
    for person in staff:
        if person.line_manager_id or person.grade is None:
            continue
        seniors = [p for p in by_division[person.division_id] if p.grade and p.grade.level > person.grade.level]
        if not seniors:
            continue
        top = max(p.grade.level for p in seniors)
        # managers come from the level just above when there is one, so teams stay small
        candidates = [p for p in seniors if p.grade.level == min(person.grade.level + 1, top)] or seniors
        person.line_manager = rng.choice(candidates)
        person.save(update_fields=["line_manager"])


def _months_ago(today, months):
    return today - timedelta(days=round(months * 30.4))


def _events_for(profile, history, today, recorded_at):
    """CareerEvents for a person from [(grade short name, cause, months ago)], oldest first."""
    family = profile.job_family
    by_short = {grade.short_name: grade for grade in family.grades.all()}
    events = []
    for short, cause, *ago in history:
        effective = profile.start_date if not ago else _months_ago(today, ago[0])
        events.append(
            CareerEvent(
                person=profile,
                effective_date=effective,
                cause=cause,
                grade=by_short[short],
                job_family=family,
                division=profile.division,
                line_manager=profile.line_manager,
                contract_type=ContractType.APPRENTICESHIP if short == "APP" else ContractType.OPEN_ENDED,
                note="Imported from HR records.",
                recorded_at=recorded_at,
            )
        )
    return events


def _seed_crick(crick, today):
    """The Crick: the sector's ladders (copied as for any new institution), a line manager and a few staff."""
    institution_ladders_copy(institution=crick)
    divisions = {name: Division.objects.get_or_create(institution=crick, name=name)[0] for name in CRICK_DIVISIONS}
    grades = {g.short_name: g for g in Grade.objects.filter(job_family__institution=crick).select_related("job_family")}
    email, first, last, grade, division, title = CRICK_MANAGER
    manager = _profile(
        _user(email, first, last),
        crick,
        job_family=grades[grade].job_family,
        grade=grades[grade],
        division=divisions[division],
        job_title=title,
        start_date=_months_ago(today, 120),
        contract_type=ContractType.OPEN_ENDED,
        orcid="0000-0002-1825-0097",
    )
    now = timezone.now()
    events = []
    if not manager.career_events.exists():
        events += _events_for(
            manager, [("SO", "joined"), ("HSO", "promotion", 84), ("SSO", "promotion", 36)], today, now
        )
    for email, first, last, grade, division, title, months, history in CRICK_STAFF:
        person = _profile(
            _user(email, first, last),
            crick,
            job_family=grades[grade].job_family,
            grade=grades[grade],
            division=divisions[division],
            line_manager=manager,
            job_title=title,
            start_date=_months_ago(today, months),
            contract_type=ContractType.OPEN_ENDED,
        )
        if not person.career_events.exists():
            events += _events_for(person, history, today, now)
    CareerEvent.objects.bulk_create(events)
    email, first, last, grade, division, title, days = CRICK_WAITING
    waiting = _profile(
        _user(email, first, last),
        crick,
        job_family=grades[grade].job_family,
        grade=grades[grade],
        division=divisions[division],
        job_title=title,
        start_date=today - timedelta(days=days + 5),
    )
    _pending_confirmation(waiting, manager, now - timedelta(days=days))
    return manager


def _pending_confirmation(person, manager, requested_at):
    """A confirmation waiting since `requested_at`, made as the person's onboarding would (once)."""
    if ManagerConfirmation.objects.filter(person=person).exists():
        return
    confirmation = ManagerConfirmation.objects.create(person=person, manager=manager, requested_at=requested_at)
    confirmation.transitions.create(from_state="", to_state=confirmation.state, by=person.user, at=requested_at)


def _seed_unconfirmed_signup(icr):
    """Signed up, never confirmed the e-mail address: in no count of staff (`StaffProfile.staff()`)."""
    email, first, last = UNCONFIRMED_SIGNUP
    user, created = User.objects.get_or_create(email=email, defaults={"first_name": first, "last_name": last})
    if created:
        user.password = _demo_password_hash()
        user.save(update_fields=["password"])
        EmailAddress.objects.create(user=user, email=email, verified=False, primary=True)
    StaffProfile.objects.get_or_create(user=user, defaults={"institution": icr})


def _seed_career_histories(rng, icr, grades, today):
    """Grade histories for the seed institution's staff who have none: careers, not snapshots.

    Most joined on a lower grade and were promoted every few years; about one SO-route person
    in six joined as an apprentice and became an SO on completing. Everyone's last event is
    their grade now, so "grade on date" and the record agree.
    """
    people = list(
        StaffProfile.objects.filter(institution=icr, grade__isnull=False, career_events__isnull=True).select_related(
            "grade", "job_family", "division", "line_manager"
        )
    )
    ladders = {}
    for grade in grades.values():
        ladders.setdefault(grade.job_family_id, {})[grade.level] = grade
    now = timezone.now()
    events = []
    for person in sorted(people, key=lambda p: p.pk):
        ladder = ladders[person.job_family_id]
        start = person.start_date or today
        years = (today - start).days / 365
        steps = [level for level in sorted(ladder) if level <= person.grade.level]
        promotions = min(len(steps) - 1, int(years // 4), rng.choice([0, 1, 1, 2, 2, 3]))
        path = steps[len(steps) - 1 - promotions :]
        moves = [(path[0], CareerEvent.Cause.JOINED, start)]
        if 1 in ladder and path[0] == 2 and years > 2.5 and rng.random() < 1 / 6:
            completed = start + timedelta(days=rng.randint(480, 600))
            moves = [(1, CareerEvent.Cause.JOINED, start), (2, CareerEvent.Cause.APPRENTICESHIP_COMPLETED, completed)]
        first_day = moves[-1][2]
        span = max((today - first_day).days - 120, len(path))
        for index, level in enumerate(path[1:], start=1):
            moves.append((level, CareerEvent.Cause.PROMOTION, first_day + timedelta(days=span * index // len(path))))
        for level, cause, day in moves:
            events.append(
                CareerEvent(
                    person=person,
                    effective_date=day,
                    cause=cause,
                    grade=ladder[level],
                    job_family=person.job_family,
                    division=person.division,
                    line_manager=person.line_manager,
                    contract_type=ContractType.APPRENTICESHIP if level == 1 else ContractType.OPEN_ENDED,
                    note="Imported from HR records.",
                    recorded_at=now,
                )
            )
    CareerEvent.objects.bulk_create(events, batch_size=500)
    StaffProfile.objects.filter(institution=icr, contract_type="").update(contract_type=ContractType.OPEN_ENDED)
    StaffProfile.objects.filter(institution=icr, contract_type=ContractType.OPEN_ENDED, grade__level=1).update(
        contract_type=ContractType.APPRENTICESHIP
    )


def _fake_orcid(rng):
    from .orcid import orcid_check_digit

    digits = "0000000" + "".join(str(rng.randint(0, 9)) for _ in range(8))
    check = orcid_check_digit(digits)
    full = digits + check
    return "-".join(full[i : i + 4] for i in range(0, 16, 4))


def _seed_celebrations(institution, today):
    """Celebrate the latest promotions and completed apprenticeships found in career history (the
    feature apps add prizes, registrations and outputs of their own); most people agreed to
    share, one in three has not answered yet."""
    if Celebration.objects.filter(person__institution=institution, source__startswith="people.CareerEvent:").exists():
        return  # seeded once: later demos' promotions and completions celebrate themselves
    causes = {
        CareerEvent.Cause.PROMOTION: Celebration.Kind.PROMOTION,
        CareerEvent.Cause.APPRENTICESHIP_COMPLETED: Celebration.Kind.APPRENTICESHIP,
    }
    recent = (
        CareerEvent.objects.filter(
            person__institution=institution,
            cause__in=causes,
            effective_date__lte=today,
        )
        .select_related("person__user", "grade")
        .order_by("-effective_date", "pk")[:9]
    )
    for index, event in enumerate(recent):
        if event.cause == CareerEvent.Cause.PROMOTION:
            title = f"Promoted to {event.grade.name}"
        else:
            title = f"Completed an apprenticeship and started as {event.grade.name}"
        propose_celebration(
            person=event.person,
            kind=causes[event.cause],
            title=title,
            occurred_on=event.effective_date,
            source=f"people.CareerEvent:{event.pk}",
            consent=index % 3 != 2,
        )
