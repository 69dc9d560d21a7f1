"""Demo data for development days and training: a policy, guidance, and two years of requests and records.

Idempotent: requests are found by (person, title), records by (person, title, date), guidance
by (audience, effective date). Dates are drawn for whole years and then cut at today, with a
random generator of our own, so a second run draws the same rows and creates nothing new.
Job families train at different rates, so the training report shows the Biological Services
Unit and Analytical Scientists under-represented.
"""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from core.tenancy import in_institution

from .models import (
    AllowanceOverride,
    AllowancePolicy,
    DevelopmentRequest,
    GuidanceVersion,
    RequestTransition,
    TrainingRecord,
)

State = DevelopmentRequest.State
HALF_DAYS = "Could this be two half days so the facility stays open?"

# Share of each family with training recorded in a year, and records per trained person.
TRAINING_RATE = {
    "Scientific Officer": (0.8, 3),
    "Research Management": (0.7, 2),
    "Analytical Scientists": (0.3, 1),
    "Biological Services Unit": (0.25, 1),
}
INTERNAL_COURSES = [
    ("Laboratory safety refresher", "3"),
    ("Good clinical practice", "6"),
    ("Managing people at the ICR", "7"),
    ("Radiation protection", "2"),
    ("Data protection and information security", "1.5"),
    ("Presenting your science", "3"),
    ("Introduction to project management", "7"),
]
EXTERNAL_ACTIVITIES = [
    ("Flow cytometry masterclass", "workshop", "Royal Microscopical Society", "formal", "7", "1"),
    (
        "Technician Commitment network meeting",
        "networking",
        "Research Institute Technician group",
        "professional",
        "4",
        "0.5",
    ),
    ("Work shadowing in the Genomics facility", "shadowing", "ICR Genomics", "work_based", "7", "1"),
    ("Institute of Science and Technology annual conference", "conference", "IST", "professional", "14", "2"),
    ("R for data analysis (online course)", "self_directed", "Coursera", "self_directed", "10", "0"),
    ("Mass spectrometry users' meeting", "conference", "BMSS", "professional", "7", "1"),
]
STAFF_GUIDANCE = [
    (
        date(2025, 1, 13),
        "Using your development days, 2025",
        "Every technician has at least five development days a year, six for apprentices.\n\n"
        "Courses, conferences, workshops, networking events, work shadowing, apprenticeship study and "
        "self-directed learning all count. Agree the days with your line manager before you book.",
    ),
    (
        date(2026, 1, 12),
        "Using your development days, 2026",
        "Every technician has at least five development days a year (six for apprentices), from 1 January "
        "to 31 December. Unused days do not carry over.\n\n"
        "What counts: courses, conferences, workshops, networking events such as the RITG meetings, work "
        "shadowing and the technician exchange, apprenticeship study, and self-directed learning.\n\n"
        "How to use them: request the days in TechCareers with a line on why they help; your line manager "
        "decides within five working days. Afterwards, mark the activity done, add a short reflection and "
        "your certificate. Log training you did without a request too: it all forms your CPD record for "
        "professional registration (RSciTech, RSci, CSci).",
    ),
]
MANAGER_GUIDANCE = [
    (
        date(2025, 1, 13),
        "Supporting your team's development, 2025",
        "Approve development days unless the work truly cannot spare the person on those dates.",
    ),
    (
        date(2026, 1, 12),
        "Supporting your team's development, 2026",
        "Each of your reports has at least five development days a year. Decide requests within five "
        "working days; TechCareers reminds you when one waits longer.\n\n"
        "Decline only with a reason, and prefer asking for a change (other dates, half days) to declining. "
        "Your team page shows who is below the expected pace for the time of year: talk with them at "
        "one-to-ones. Set a delegate when you are away so requests do not wait.",
    ),
]
# A tiny valid PDF for the demo technician's certificate.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
)


def seed(context):
    """Seed the institution's development data, inside its scope (a command chooses its institution)."""
    with in_institution(context.institution):
        _seed(context)


def _seed(context):
    rng = random.Random(1904)
    icr, today = context.institution, context.today
    policy = _policy(icr)
    _guidance(icr, context.accounts["programmes@icr.ac.uk"].user)
    this_year = policy.year_containing(today)
    # In primary-key order: the staff list is ordered by name, and equal names could swap
    # places between runs, handing the same random draws to other people.
    staff = sorted(context.staff, key=lambda person: person.pk)
    created_records = _population_records(staff, rng, policy, this_year, today)
    demo_people = {profile.pk for profile in context.accounts.values()}
    population = [person for person in staff if person.pk not in demo_people]
    created_requests = _population_requests(population, rng, policy, this_year, today)
    created_requests += _demo_accounts(context, today)
    context.lines.append(
        f"Development: {created_requests} requests and {created_records} training records created "
        f"({TrainingRecord.objects.filter(person__institution=icr).count()} records in all)."
    )


def _policy(icr):
    policy, _ = AllowancePolicy.objects.get_or_create(
        institution=icr, defaults={"minimum_days": Decimal("5"), "year_type": AllowancePolicy.YearType.CALENDAR}
    )
    apprentice = icr.job_families.filter(name="Scientific Officer").first()
    grade = apprentice.grades.filter(short_name="APP").first() if apprentice else None
    if grade:
        AllowanceOverride.objects.get_or_create(policy=policy, grade=grade, defaults={"minimum_days": Decimal("6")})
    return policy


def _guidance(icr, author):
    for audience, versions in (("staff", STAFF_GUIDANCE), ("managers", MANAGER_GUIDANCE)):
        for effective, title, body in versions:
            GuidanceVersion.objects.get_or_create(
                institution=icr,
                audience=audience,
                effective_from=effective,
                defaults={"title": title, "body": body, "created_by": author},
            )


def _population_records(staff, rng, policy, this_year, today):
    """Records for the previous and current allowance years, at each family's own rate."""
    existing = set(
        TrainingRecord.objects.filter(person__in=[p.pk for p in staff]).values_list("person_id", "title", "date")
    )
    new = []
    for year in (this_year - 1, this_year):
        start, end = policy.year_bounds(year)
        length = (end - start).days
        for person in staff:
            rate, per_person = TRAINING_RATE.get(person.job_family.name if person.job_family else "", (0.5, 1))
            trained = rng.random() < rate
            draws = [
                (rng.random(), rng.randint(0, length), rng.random()) for _ in range(rng.randint(1, per_person + 1))
            ]
            if not trained:
                continue
            for choice, offset, kind in draws:
                day = start + timedelta(days=offset)
                if day > today:
                    continue
                if kind < 0.6:
                    title, hours = INTERNAL_COURSES[int(choice * len(INTERNAL_COURSES))]
                    fields = {
                        "source": TrainingRecord.Source.IMPORTED,
                        "activity_type": "course",
                        "delivery": "internal",
                        "provider": "ICR Learning and Organisational Development",
                        "cpd_category": "formal",
                        "days": Decimal("0"),
                    }
                else:
                    title, activity, provider, category, hours, days = EXTERNAL_ACTIVITIES[
                        int(choice * len(EXTERNAL_ACTIVITIES))
                    ]
                    fields = {
                        "source": TrainingRecord.Source.LOGGED,
                        "activity_type": activity,
                        "delivery": "internal" if provider.startswith("ICR") else "external",
                        "provider": provider,
                        "cpd_category": category,
                        "days": Decimal(days),
                        "value_rating": 3 + int(choice * 3),
                    }
                key = (person.pk, title, day)
                if key in existing:
                    continue
                existing.add(key)
                new.append(TrainingRecord(person=person, title=title, date=day, hours=Decimal(hours), **fields))
    TrainingRecord.objects.bulk_create(new, batch_size=500)
    return len(new)


def _make_request(person, *, title, start, days, state, manager_user, activity="course", provider="", reason=""):
    """Create one request in a state, with the transitions that got it there; None if it exists."""
    if DevelopmentRequest.objects.filter(person=person, title=title).exists():
        return None
    # Sent three weeks ahead, but never in the future; upcoming ones a week or two ago, so some
    # have waited more than five working days and the reminder job has work.
    sent_on = min(start - timedelta(days=21), timezone.localdate() - timedelta(days=4 + len(title) % 10))
    submitted = timezone.make_aware(timezone.datetime.combine(sent_on, timezone.datetime.min.time()))
    request = DevelopmentRequest.objects.create(
        person=person,
        activity_type=activity,
        title=title,
        delivery="external" if provider else "internal",
        provider=provider,
        start_date=start,
        end_date=start + timedelta(days=max(int(Decimal(days)) - 1, 0)),
        days=Decimal(days),
        cost=Decimal("350") if provider else Decimal("0"),
        paid_by=DevelopmentRequest.PaidBy.INSTITUTION if provider else DevelopmentRequest.PaidBy.NOBODY,
        benefit="Builds skills the team needs and supports my next career step.",
        state=state,
        submitted_at=submitted,
        decided_by=manager_user if state not in (State.SUBMITTED, State.CANCELLED) else None,
        decided_at=submitted + timedelta(days=2) if state not in (State.SUBMITTED, State.CANCELLED) else None,
        decision_reason=reason,
    )
    steps = {
        State.SUBMITTED: [],
        State.APPROVED: [(State.SUBMITTED, State.APPROVED, manager_user)],
        State.DECLINED: [(State.SUBMITTED, State.DECLINED, manager_user)],
        State.CHANGES_REQUESTED: [(State.SUBMITTED, State.CHANGES_REQUESTED, manager_user)],
        State.CANCELLED: [(State.SUBMITTED, State.CANCELLED, person.user)],
        State.COMPLETED: [
            (State.SUBMITTED, State.APPROVED, manager_user),
            (State.APPROVED, State.COMPLETED, person.user),
        ],
    }[state]
    RequestTransition.objects.create(
        request=request, from_state="", to_state=State.SUBMITTED, by=person.user, at=submitted
    )
    for number, (from_state, to_state, by) in enumerate(steps, start=1):
        RequestTransition.objects.create(
            request=request,
            from_state=from_state,
            to_state=to_state,
            by=by,
            at=submitted + timedelta(days=2 * number),
            reason=reason if to_state in (State.DECLINED, State.CHANGES_REQUESTED) else "",
        )
    if state == State.COMPLETED:
        TrainingRecord.objects.create(
            person=person,
            request=request,
            source=TrainingRecord.Source.REQUEST,
            title=title,
            activity_type=activity,
            delivery=request.delivery,
            provider=provider,
            date=start,
            days=request.days,
            hours=Decimal(days) * 7,
            cpd_category="formal" if activity == "course" else "professional",
            reflection="Useful, and I have shared what I learnt with the team.",
            value_rating=4,
        )
    return request


def _population_requests(staff, rng, policy, this_year, today):
    """Requests in every state for about a quarter of the Scientific Officers and Research Management."""
    start, end = policy.year_bounds(this_year)
    created = 0
    for person in staff:
        draw, offset, pick = rng.random(), rng.randint(0, (end - start).days), rng.random()
        family = person.job_family.name if person.job_family else ""
        if person.line_manager_id is None or draw > (
            0.3 if family in ("Scientific Officer", "Research Management") else 0.08
        ):
            continue
        title, activity, provider, _category, _hours, days = EXTERNAL_ACTIVITIES[int(pick * len(EXTERNAL_ACTIVITIES))]
        day = start + timedelta(days=offset)
        while day.weekday() >= 5:
            day += timedelta(days=1)
        if day <= today:
            state = [State.COMPLETED, State.COMPLETED, State.COMPLETED, State.DECLINED, State.CANCELLED][
                int(draw * 16) % 5
            ]
        else:
            state = [State.APPROVED, State.APPROVED, State.SUBMITTED, State.CHANGES_REQUESTED][int(draw * 13) % 4]
        reason = {
            State.DECLINED: "The facility is short-staffed that week.",
            State.CHANGES_REQUESTED: "Could you take the online version instead?",
        }.get(state, "")
        manager_user = _manager_user(person)
        if _make_request(
            person,
            title=f"{title} {this_year}",
            start=day,
            days=days if Decimal(days) > 0 else "0.5",
            state=state,
            manager_user=manager_user,
            activity=activity,
            provider=provider,
            reason=reason,
        ):
            created += 1
    return created


def _manager_user(person):
    return person.line_manager.user if person.line_manager_id else None


def _demo_accounts(context, today):
    """The demo technician has done, approved, waiting and sent-back requests; the manager has some to decide."""
    technician = context.accounts["technician@icr.ac.uk"]
    manager = context.accounts["manager@icr.ac.uk"]
    created = 0

    def weekday(day):
        while day.weekday() >= 5:
            day += timedelta(days=1)
        return day

    year_start = date(today.year, 1, 1)
    microscopy = "Royal Microscopical Society"
    plans = [
        ("Advanced light microscopy course (EMBL)", -60, "2", State.COMPLETED, "EMBL Heidelberg", ""),
        ("RMS Microscience Microscopy Congress", 18, "2", State.APPROVED, microscopy, ""),
        ("Flow cytometry masterclass", 33, "1", State.SUBMITTED, microscopy, ""),
        ("Python for image analysis", 47, "1.5", State.CHANGES_REQUESTED, "Software Carpentry", HALF_DAYS),
    ]
    for title, days_from_today, days, state, provider, reason in plans:
        start = weekday(max(year_start, today + timedelta(days=days_from_today)))
        request = _make_request(
            technician,
            title=title,
            start=start,
            days=days,
            state=state,
            manager_user=manager.user,
            activity="course",
            provider=provider,
            reason=reason,
        )
        if request:
            created += 1
            if state == State.COMPLETED:
                record = request.record
                record.reflection = (
                    "Learnt STED and light-sheet imaging; I will run the new light-sheet protocol for the "
                    "facility's users."
                )
                record.evidence.save("certificate.pdf", ContentFile(DEMO_PDF), save=False)
                record.evidence_type = "application/pdf"
                record.save()
    # The manager's other reports have requests waiting too.
    others = sorted(
        (p for p in context.staff if p.line_manager_id == manager.pk and p.pk != technician.pk), key=lambda p: p.pk
    )[:2]
    for number, person in enumerate(others):
        if _make_request(
            person,
            title="Institute of Science and Technology annual conference",
            start=weekday(today + timedelta(days=25 + 7 * number)),
            days="2",
            state=State.SUBMITTED,
            manager_user=manager.user,
            activity="conference",
            provider="IST",
        ):
            created += 1
    return created
