"""The national-scale data set: ICR (the demo institution, grown to a large one) and many more.

`seed_scale` first runs `seed_demo` (every app's structures and the demo people the benchmark
signs in as), then COPYs rows straight into the tables, written as the services would write
them: valid states with their transition rows, institutions consistent along every foreign key,
unique keys kept (one application per cohort and person, one open journey per register, ...).
The database checks every constraint as it copies.

Scale institutions are named `Scale institution NNN` (slug `scale-NNN`); scale staff have
e-mail addresses `sNNNNN@<slug>.scale.ac.uk` (ICR's `sNNNNN@scale.icr.ac.uk`) and the demo
password. A database with a scale marker (`SCALE_MARKER`, an e-mail domain) is refused.
"""

import contextlib
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from actionplan import services as actionplan_services
from actionplan.models import ActionItem, ActionPlan, ProgressUpdate
from apprenticeships.models import Apprenticeship, ApprenticeshipTransition, Provider, Standard
from core.tenancy import across_institutions
from development.models import AllowancePolicy, DevelopmentRequest, RequestTransition, TrainingRecord
from exchange.models import ExchangeOffer, ExchangePlacement, ExchangeRound, PlacementTransition
from mentoring.models import MentorProfile, Relationship, RelationshipTransition
from people import roles
from people.demo import DEMO_PASSWORD, FIRST_NAMES, LAST_NAMES
from people.models import CareerEvent, Division, EmailDomain, Grade, Institution, StaffProfile, User
from people.services import institution_ladders_copy
from programmes.models import Application, ApplicationTransition, Attendance, Cohort, Programme, Session
from promotions.models import Application as PromotionApplication
from promotions.models import ApplicationTransition as PromotionTransition
from promotions.models import CriteriaVersion, Round
from recognition.models import Output
from registration.models import Journey, JourneyTransition, Register
from surveys.models import Invitation, Participation, Survey

from .copy import copy_rows, reserve_ids

SCALE_MARKER = "scale.icr.ac.uk"  # ICR's e-mail domain for its scale staff: present means seeded
ICR_SLUG = "icr"
ICR_SHARE = 5314 / 30451  # ICR's share of the national staff, as in the measurements
DIVISIONS = ["Cell Biology", "Chemistry", "Genomics", "Imaging", "Structural Biology", "Scientific Services"]
PLAN_FILE = Path(__file__).resolve().parent.parent / "actionplan" / "data" / "icr-2024-2027.json"
TITLES = [
    "Advanced confocal microscopy",
    "Flow cytometry masterclass",
    "Python for lab data",
    "Leading a small team",
    "Health and safety refresher",
    "Mass spectrometry user meeting",
    "Next-generation sequencing library prep",
    "Writing for publication",
    "Statistics for experimentalists",
    "Cryo-EM sample preparation",
]


class AlreadySeeded(Exception):
    """The database already holds scale data; seeding twice would break its unique keys."""


@dataclass
class Sizes:
    institutions: int = 120
    staff: int = 30_000
    managers: int = 3_200
    training: int = 1_000_000
    requests: int = 100_000
    applications: int = 94_000
    sessions_per_cohort: int = 6
    placements: int = 600
    plans: int = 120
    journeys: int = 3_000
    apprenticeships: int = 300
    promotions: int = 1_000
    outputs: int = 60_000
    mentoring: int = 3_000
    seed: int = 2026

    def scaled(self, factor: float) -> "Sizes":
        """Every count times `factor` (at least 1, two institutions); the per-cohort sessions kept."""
        scaled = Sizes(**{f: max(1, round(getattr(self, f) * factor)) for f in COUNTS})
        scaled.institutions = max(2, scaled.institutions)
        return scaled

    @classmethod
    def small(cls) -> "Sizes":
        """A few seconds' worth, for tests: two institutions, 200 staff."""
        return cls(
            institutions=2,
            staff=200,
            managers=24,
            training=2_000,
            requests=300,
            applications=150,
            sessions_per_cohort=3,
            placements=10,
            plans=2,
            journeys=20,
            apprenticeships=5,
            promotions=10,
            outputs=100,
            mentoring=20,
        )


COUNTS = [
    "institutions",
    "staff",
    "managers",
    "training",
    "requests",
    "applications",
    "placements",
    "plans",
    "journeys",
    "apprenticeships",
    "promotions",
    "outputs",
    "mentoring",
]


@dataclass
class Person:
    id: int
    user_id: int
    institution_id: int
    grade_id: int
    level: int
    family_id: int
    division_id: int
    manager_id: int | None
    manager_user_id: int | None
    start: date


@dataclass
class Place:
    institution: Institution
    staff: list[Person] = field(default_factory=list)
    managers: list[Person] = field(default_factory=list)


def already_seeded() -> bool:
    return EmailDomain.objects.filter(domain=SCALE_MARKER).exists()


class Seeder:
    def __init__(self, sizes: Sizes, *, out=None, demo: bool = True):
        self.sizes = sizes
        self.rng = random.Random(sizes.seed)
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.out = out or (lambda line: None)
        self.demo = demo
        self.places: list[Place] = []
        self.counts: dict[str, int] = defaultdict(int)

    # --- helpers -----------------------------------------------------------------------------

    def say(self, line: str) -> None:
        self.out(line)

    def at(self, day: date, hour: int = 10) -> datetime:
        return timezone.make_aware(datetime.combine(day, time(hour, self.rng.randrange(60))))

    def days_ago(self, low: int, high: int) -> date:
        return self.today - timedelta(days=self.rng.randint(low, high))

    def copy(self, model, rows) -> int:
        n = copy_rows(model, rows)
        self.counts[model._meta.label] += n
        return n

    def everyone(self) -> list[Person]:
        return [p for place in self.places for p in place.staff]

    # --- the run -----------------------------------------------------------------------------

    def run(self) -> dict[str, int]:
        if already_seeded():
            raise AlreadySeeded(
                "This database already holds the scale data set (the e-mail domain "
                f"{SCALE_MARKER} exists). Seed an empty database: drop and re-create it, then migrate."
            )
        if self.demo:
            self.say("seed_demo: the demo institution and every app's structures")
            with contextlib.redirect_stdout(_Null()):  # the console e-mail backend prints every message
                call_command("seed_demo", verbosity=0, stdout=_Null())
        with across_institutions(), transaction.atomic():
            self.password = make_password(DEMO_PASSWORD)
            self.institutions()
            self.staff()
            self.development()
            self.programmes()
            self.exchange()
            self.plans()
            self.newer_apps()
        with connection.cursor() as cursor:
            # What autovacuum does after a bulk load, at once: the statistics, and the visibility
            # map that lets the reports read covering indexes without visiting the table.
            cursor.execute(
                "VACUUM ANALYZE" if connection.vendor == "postgresql" and connection.get_autocommit() else "ANALYZE"
            )
        return dict(self.counts)

    # --- people ------------------------------------------------------------------------------

    def institutions(self) -> None:
        icr = Institution.objects.get(slug=ICR_SLUG)
        EmailDomain.objects.create(institution=icr, domain=SCALE_MARKER)
        self.places.append(Place(icr))
        for n in range(1, self.sizes.institutions):
            slug = f"scale-{n:03d}"
            institution = Institution.objects.create(
                name=f"Scale institution {n:03d}", short_name=f"S{n:03d}", slug=slug
            )
            EmailDomain.objects.create(institution=institution, domain=f"{slug}.scale.ac.uk")
            Division.objects.bulk_create(Division(institution=institution, name=name) for name in DIVISIONS)
            institution_ladders_copy(institution=institution)
            AllowancePolicy.objects.create(institution=institution, minimum_days=Decimal("5"))
            self.places.append(Place(institution))
        self.say(f"institutions: ICR and {self.sizes.institutions - 1} more")

    def staff(self) -> None:
        sizes = self.sizes
        n_places = len(self.places)
        icr_staff = sizes.staff if n_places == 1 else round(sizes.staff * ICR_SHARE)
        shares = [icr_staff] + _split(sizes.staff - icr_staff, n_places - 1)
        manager_ratio = sizes.managers / max(sizes.staff, 1)
        user_ids = reserve_ids(User, sizes.staff)
        profile_ids = reserve_ids(StaffProfile, sizes.staff)
        users, profiles, events = [], [], []
        index = 0
        groups = {name: Group.objects.get_or_create(name=name)[0] for name in roles.GROUP_ROLES}
        memberships = []
        for place, count in zip(self.places, shares, strict=True):
            institution = place.institution
            divisions = list(Division.objects.filter(institution=institution).values_list("id", flat=True))
            grades = list(
                Grade.objects.filter(job_family__institution=institution).values_list("id", "level", "job_family_id")
            )
            # most staff on the lower rungs, as in the sector
            weights = [max(1, 6 - level) for _, level, _ in grades]
            n_managers = max(1, round(count * manager_ratio)) if count else 0
            domain = SCALE_MARKER if institution.slug == ICR_SLUG else f"{institution.slug}.scale.ac.uk"
            for i in range(count):
                uid, pid = user_ids[index], profile_ids[index]
                index += 1
                is_manager = i < n_managers
                grade_id, level, family_id = (
                    self.rng.choice([g for g in grades if g[1] >= 4] or grades)
                    if is_manager
                    else self.rng.choices(grades, weights)[0]
                )
                boss = (place.managers[0] if place.managers else None) if is_manager else place.managers[i % n_managers]
                first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
                start = self.days_ago(60, 365 * 15)
                person = Person(
                    pid,
                    uid,
                    institution.pk,
                    grade_id,
                    level,
                    family_id,
                    self.rng.choice(divisions),
                    boss.id if boss else None,
                    boss.user_id if boss else None,
                    start,
                )
                users.append(
                    {
                        "id": uid,
                        "password": self.password,
                        "first_name": first,
                        "last_name": last,
                        "email": f"s{index:05d}@{domain}",
                        "date_joined": self.at(start),
                    }
                )
                profiles.append(
                    {
                        "id": pid,
                        "user_id": uid,
                        "institution_id": institution.pk,
                        "staff_number": f"SC{index:06d}",
                        "job_title": "Research technician",
                        "division_id": person.division_id,
                        "job_family_id": family_id,
                        "grade_id": grade_id,
                        "line_manager_id": person.manager_id,
                        "start_date": start,
                        "contract_type": "open_ended",
                        "onboarded_at": self.at(start),
                    }
                )
                events.append(
                    {
                        "person_id": pid,
                        "effective_date": start,
                        "cause": CareerEvent.Cause.JOINED,
                        "grade_id": grade_id,
                        "job_family_id": family_id,
                        "division_id": person.division_id,
                        "line_manager_id": person.manager_id,
                        "contract_type": "open_ended",
                        "recorded_at": self.at(start),
                    }
                )
                place.staff.append(person)
                if is_manager:
                    place.managers.append(person)
            # every scale institution has its HR, programme manager and administrator (its managers 2-4)
            if institution.slug != ICR_SLUG:
                for person, group in zip(
                    place.managers[1:4], [roles.HR, roles.PROGRAMME_MANAGER, roles.INSTITUTION_ADMIN], strict=False
                ):
                    memberships.append(User.groups.through(user_id=person.user_id, group_id=groups[group].pk))
        # managers' own line manager (the institution's first manager) is inserted in the same COPY
        # and the foreign key is checked at the end of the statement.
        self.copy(User, users)
        self.copy(StaffProfile, profiles)
        self.copy(CareerEvent, events)
        User.groups.through.objects.bulk_create(memberships)
        self.say(f"staff: {len(profiles)} ({sum(len(p.managers) for p in self.places)} line managers)")

    # --- development -------------------------------------------------------------------------

    def development(self) -> None:
        sizes, rng = self.sizes, self.rng
        people = self.everyone()
        States = DevelopmentRequest.State
        ids = reserve_ids(DevelopmentRequest, sizes.requests)
        requests, transitions, linked = [], [], []
        for rid in ids:
            person = rng.choice(people)
            state = rng.choices(
                [
                    States.APPROVED,
                    States.COMPLETED,
                    States.SUBMITTED,
                    States.DECLINED,
                    States.CANCELLED,
                    States.CHANGES_REQUESTED,
                ],
                [55, 20, 10, 8, 4, 3],
            )[0]
            if state == States.SUBMITTED:
                start = self.today + timedelta(days=rng.randint(10, 120))
                submitted = self.today - timedelta(days=rng.randint(0, 10))
            else:
                start = self.days_ago(-90, 365 * 3)
                submitted = start - timedelta(days=rng.randint(14, 60))
            days = rng.choice([1, 1, 1, 2, 3, 5])
            submitted_at = self.at(submitted, 9)
            decided = state not in (States.SUBMITTED,)
            manager = person.manager_user_id
            row = {
                "id": rid,
                "person_id": person.id,
                "activity_type": rng.choice(["course", "conference", "workshop", "networking", "shadowing"]),
                "title": rng.choice(TITLES),
                "delivery": rng.choice(["internal", "external"]),
                "provider": "EMBL",
                "start_date": start,
                "end_date": start + timedelta(days=days - 1),
                "days": Decimal(days),
                "benefit": "Builds the skills my role needs next year.",
                "state": state,
                "submitted_at": submitted_at,
                "created_at": submitted_at,
            }
            decided_at = submitted_at + timedelta(days=rng.randint(1, 8))
            moves = [("", States.SUBMITTED, person.user_id, submitted_at)]
            if state in (States.APPROVED, States.COMPLETED, States.DECLINED, States.CHANGES_REQUESTED):
                decision = States.APPROVED if state == States.COMPLETED else state
                row.update(decided_by_id=manager, decided_at=decided_at)
                if state == States.DECLINED:
                    row["decision_reason"] = "Not this year: the facility move needs everyone."
                moves.append((States.SUBMITTED, decision, manager, decided_at))
                if state == States.COMPLETED:
                    moves.append((States.APPROVED, States.COMPLETED, person.user_id, self.at(row["end_date"], 17)))
                    linked.append(row)
            elif state == States.CANCELLED:
                moves.append((States.SUBMITTED, States.CANCELLED, person.user_id, decided_at))
            del decided
            requests.append(row)
            for source, target, by, at in moves:
                transitions.append({"request_id": rid, "from_state": source, "to_state": target, "by_id": by, "at": at})
        self.copy(DevelopmentRequest, requests)
        self.copy(RequestTransition, transitions)
        del transitions

        def records():
            for row in linked:  # a completed request writes its training record (development.services)
                yield {
                    "person_id": row["person_id"],
                    "request_id": row["id"],
                    "source": TrainingRecord.Source.REQUEST,
                    "title": row["title"],
                    "activity_type": row["activity_type"],
                    "delivery": row["delivery"],
                    "provider": row["provider"],
                    "date": row["start_date"],
                    "days": row["days"],
                    "hours": row["days"] * Decimal("7.5"),
                    "cpd_category": "formal",
                    "created_at": self.at(row["end_date"], 17),
                }
            for _ in range(max(0, sizes.training - len(linked))):
                person = rng.choice(people)
                day = self.days_ago(0, 365 * 4)
                hours = Decimal(rng.choice([1, 1, 2, 2, 3, 4, 7, 7.5, 15]))
                yield {
                    "person_id": person.id,
                    "source": TrainingRecord.Source.LOGGED,
                    "title": rng.choice(TITLES),
                    "activity_type": rng.choice(["course", "conference", "workshop", "self_directed"]),
                    "delivery": rng.choice(["internal", "external"]),
                    "date": day,
                    "days": (hours / Decimal("7.5")).quantize(Decimal("0.1")),
                    "hours": hours,
                    "cpd_category": rng.choice(["work_based", "professional", "formal", "self_directed", "other"]),
                    "value_rating": rng.choice([None, 3, 4, 5]),
                    "created_at": self.at(day, 18),
                }

        self.copy(TrainingRecord, records())
        self.say(f"development: {len(requests)} requests, {self.counts['development.TrainingRecord']} training records")

    # --- programmes --------------------------------------------------------------------------

    def programmes(self) -> None:
        sizes, rng = self.sizes, self.rng
        S = Application.State
        # applications follow headcount: ICR, the largest, has cohorts of thousands (as the issue measured)
        per_place = _share(sizes.applications, [len(place.staff) for place in self.places])
        cohort_plan = [
            # (name, starts in days, ends in days, window opens, window closes, kind of states)
            ("2024", -700, -400, -800, -720, "past"),
            ("2025", -300, 60, -400, -320, "running"),
            ("2026", 120, 480, -20, 40, "open"),
        ]
        apps, transitions, sessions, attendance = [], [], [], []
        app_ids_needed = sizes.applications
        app_ids = iter(reserve_ids(Application, app_ids_needed))
        session_ids = iter(reserve_ids(Session, len(self.places) * 6 * sizes.sessions_per_cohort))
        for place, n_apps in zip(self.places, per_place, strict=True):
            inst = place.institution
            owner = place.managers[2] if len(place.managers) > 2 else None
            cohorts = []
            for title in ("Technician leadership programme (national scale)", "Emerging leaders (national scale)"):
                programme = Programme.objects.create(
                    institution=inst,
                    title=title,
                    owner_id=owner.user_id if owner else None,
                    summary="Six sessions over a year for technicians ready to lead.",
                    description="Sessions on leading people, projects and change, with a project of your own.",
                )
                for name, s, e, o, c, kind in cohort_plan:
                    cohort = Cohort.objects.create(
                        programme=programme,
                        name=f"Cohort {name}",
                        starts_on=self.today + timedelta(days=s),
                        ends_on=self.today + timedelta(days=e),
                        capacity=10_000,
                        opens_on=self.today + timedelta(days=o),
                        closes_on=self.today + timedelta(days=c),
                    )
                    cohorts.append((cohort, kind))
            cohort_sessions = {}
            for cohort, _kind in cohorts:
                ids = []
                for k in range(sizes.sessions_per_cohort):
                    day = cohort.starts_on + timedelta(days=k * 45)
                    sid = next(session_ids)
                    ids.append((sid, day))
                    sessions.append(
                        {
                            "id": sid,
                            "cohort_id": cohort.pk,
                            "title": f"Session {k + 1}",
                            "starts_at": self.at(day, 10),
                            "ends_at": self.at(day, 10) + timedelta(hours=3),
                            "location": "Seminar room 2",
                        }
                    )
                cohort_sessions[cohort.pk] = ids
            split = _split(n_apps, len(cohorts))
            for (cohort, kind), n in zip(cohorts, split, strict=True):
                applicants = rng.sample(place.staff, min(n, len(place.staff)))
                accepted = 0
                for person in applicants:
                    aid = next(app_ids)
                    submitted = self.at(cohort.opens_on + timedelta(days=rng.randint(0, 20)), 11)
                    if kind == "open":
                        state = rng.choices([S.AWAITING_ENDORSEMENT, S.ENDORSED, S.ENDORSEMENT_DECLINED], [5, 4, 1])[0]
                    elif kind == "running":
                        state = rng.choices(
                            [S.ACCEPTED, S.DECLINED, S.WITHDRAWN, S.ENDORSEMENT_DECLINED], [6, 2, 1, 1]
                        )[0]
                    else:
                        state = rng.choices([S.COMPLETED, S.DECLINED, S.ENDORSEMENT_DECLINED], [6, 3, 1])[0]
                    moves = [("", S.AWAITING_ENDORSEMENT, person.user_id)]
                    if state != S.AWAITING_ENDORSEMENT:
                        if state == S.ENDORSEMENT_DECLINED:
                            moves.append((S.AWAITING_ENDORSEMENT, S.ENDORSEMENT_DECLINED, person.manager_user_id))
                        else:
                            moves.append((S.AWAITING_ENDORSEMENT, S.ENDORSED, person.manager_user_id))
                    if state in (S.ACCEPTED, S.COMPLETED, S.DECLINED, S.WITHDRAWN):
                        decided = S.DECLINED if state == S.DECLINED else S.ACCEPTED
                        moves.append((S.ENDORSED, decided, owner.user_id if owner else None))
                        if state == S.COMPLETED:
                            moves.append((S.ACCEPTED, S.COMPLETED, owner.user_id if owner else None))
                        if state == S.WITHDRAWN:
                            moves.append((S.ACCEPTED, S.WITHDRAWN, person.user_id))
                    if state in (S.ACCEPTED, S.COMPLETED):
                        accepted += 1
                    apps.append(
                        {
                            "id": aid,
                            "cohort_id": cohort.pk,
                            "applicant_id": person.id,
                            "line_manager_id": person.manager_id,
                            "statement": "I run the flow facility and want to lead its team.",
                            "state": state,
                            "submitted_at": submitted,
                            "updated_at": submitted,
                        }
                    )
                    for k, (source, target, by) in enumerate(moves):
                        transitions.append(
                            {
                                "application_id": aid,
                                "from_state": source,
                                "to_state": target,
                                "by_id": by,
                                "at": submitted + timedelta(days=3 * k),
                            }
                        )
                    if state in (S.ACCEPTED, S.COMPLETED, S.WITHDRAWN):
                        for sid, day in cohort_sessions[cohort.pk]:
                            if day < self.today:
                                attendance.append(
                                    {
                                        "session_id": sid,
                                        "application_id": aid,
                                        "present": rng.random() < 0.85,
                                        "recorded_by_id": owner.user_id if owner else None,
                                        "recorded_at": self.at(day, 16),
                                    }
                                )
                cohort.capacity = max(accepted, 20)
                cohort.save(update_fields=["capacity"])
        self.copy(Application, apps)
        self.copy(ApplicationTransition, transitions)
        self.copy(Session, sessions)
        self.copy(Attendance, attendance)
        self.say(f"programmes: {len(apps)} applications, {len(transitions)} moves, {len(attendance)} attendances")

    # --- exchange ----------------------------------------------------------------------------

    def exchange(self) -> None:
        icr = self.places[0]
        round_ = ExchangeRound.objects.filter(institution=icr.institution).order_by("-pk").first()
        if round_ is None or self.sizes.placements == 0:
            return
        rng = self.rng
        hosts = rng.sample(icr.staff, min(len(icr.staff) // 4, max(5, self.sizes.placements // 3)))
        offer_ids = reserve_ids(ExchangeOffer, len(hosts))
        offers = [
            {
                "id": oid,
                "round_id": round_.pk,
                "host_id": host.id,
                "facility_or_team": f"Facility {n + 1}",
                "skills_on_show": "Sample preparation and instrument care.",
                "possible_dates": "Any Tuesday this term.",
                "places": 3,
            }
            for n, (oid, host) in enumerate(zip(offer_ids, hosts, strict=True))
        ]
        self.copy(ExchangeOffer, offers)
        placements, moves = [], []
        ids = reserve_ids(ExchangePlacement, self.sizes.placements)
        host_of = dict(zip(offer_ids, hosts, strict=True))
        pairs = set()
        for pid in ids:
            for _ in range(20):
                oid = rng.choice(offer_ids)
                visitor = rng.choice(icr.staff)
                if visitor.id != host_of[oid].id and (oid, visitor.id) not in pairs:
                    break
            else:
                continue
            pairs.add((oid, visitor.id))
            state = rng.choice(["requested", "approved"])
            created = self.at(self.days_ago(5, 60))
            row = {
                "id": pid,
                "offer_id": oid,
                "visitor_id": visitor.id,
                "hopes_to_learn": "How the facility books and trains its users.",
                "state": state,
                "created_at": created,
            }
            moves.append(
                {
                    "placement_id": pid,
                    "from_state": "",
                    "to_state": "requested",
                    "by_id": visitor.user_id,
                    "at": created,
                }
            )
            if state == "approved":
                row.update(
                    visitor_manager_approved_by_id=visitor.manager_user_id,
                    visitor_manager_approved_at=created + timedelta(days=2),
                    host_manager_approved_by_id=host_of[oid].manager_user_id,
                    host_manager_approved_at=created + timedelta(days=3),
                )
                moves.append(
                    {
                        "placement_id": pid,
                        "from_state": "requested",
                        "to_state": "approved",
                        "by_id": host_of[oid].manager_user_id,
                        "at": created + timedelta(days=3),
                    }
                )
            placements.append(row)
        self.copy(ExchangePlacement, placements)
        self.copy(PlacementTransition, moves)
        self.say(f"exchange: {len(offers)} offers, {len(placements)} placements at ICR")

    # --- action plans --------------------------------------------------------------------------

    def plans(self) -> None:
        text = PLAN_FILE.read_text()
        places = self.places[1 : self.sizes.plans]
        for place in places:
            actionplan_services.plan_import(institution=place.institution, text=text, source=PLAN_FILE.name)
        items = list(
            ActionItem.objects.filter(plan__institution__in=[p.institution for p in self.places]).values_list(
                "id", "plan__institution_id"
            )
        )
        authors = {p.institution.pk: p.managers[0].user_id for p in self.places if p.managers}
        updates = []
        for item_id, institution_id in items:
            for months in range(self.rng.randint(0, 3)):
                day = self.today - timedelta(days=30 * (months + 1))
                updates.append(
                    {
                        "item_id": item_id,
                        "date": day,
                        "narrative": "Steering group reviewed progress; next steps agreed.",
                        "status": self.rng.choice(["on_track", "on_track", "at_risk", "off_track"]),
                        "author_id": authors.get(institution_id),
                        "created_at": self.at(day),
                    }
                )
        self.copy(ProgressUpdate, updates)
        self.say(f"action plans: {ActionPlan.objects.count()} plans, {len(updates)} progress updates")

    # --- the newer apps, at ICR on the demo's structures ----------------------------------------

    def newer_apps(self) -> None:
        icr = self.places[0]
        inst = icr.institution
        rng, sizes = self.rng, self.sizes
        staff = icr.staff
        # registration: journeys on the sector's registers
        registers = list(Register.objects.values_list("id", flat=True))
        if registers and staff:
            journeys, moves = [], []
            pairs = rng.sample(
                [(p, r) for p in staff[: sizes.journeys] for r in registers],
                min(sizes.journeys, len(staff) * len(registers)),
            )
            for jid, (person, register) in zip(reserve_ids(Journey, len(pairs)), pairs, strict=True):
                state = rng.choice(["interested", "preparing", "registered"])
                started = self.days_ago(100, 700)
                row = {
                    "id": jid,
                    "institution_id": inst.pk,
                    "person_id": person.id,
                    "register_id": register,
                    "state": state,
                    "started_on": started,
                    "last_progress_on": started + timedelta(days=30),
                    "created_at": self.at(started),
                }
                path = ["interested"] + (["preparing"] if state != "interested" else [])
                if state == "registered":
                    row.update(
                        submitted_on=started + timedelta(days=60),
                        registered_on=started + timedelta(days=90),
                        renewal_on=started + timedelta(days=90 + 365),
                        registration_number=f"R{jid}",
                        first_year_payer="employer",
                        later_years_payer="person",
                        last_progress_on=started + timedelta(days=90),
                    )
                    path += ["submitted", "registered"]
                journeys.append(row)
                previous = ""
                for k, target in enumerate(path):
                    moves.append(
                        {
                            "journey_id": jid,
                            "from_state": previous,
                            "to_state": target,
                            "by_id": person.user_id,
                            "at": self.at(started + timedelta(days=30 * k)),
                        }
                    )
                    previous = target
            self.copy(Journey, journeys)
            self.copy(JourneyTransition, moves)
        # apprenticeships: existing staff on the demo's standards and providers
        standard = Standard.objects.order_by("pk").first()
        provider = Provider.objects.filter(institution=inst).order_by("pk").first()
        if standard and provider:
            taken = set(Apprenticeship.objects.filter(institution=inst).values_list("apprentice_id", flat=True))
            people = [p for p in staff if p.level <= 2 and p.id not in taken][: sizes.apprenticeships]
            ids = reserve_ids(Apprenticeship, len(people))
            rows, moves = [], []
            for aid, person in zip(ids, people, strict=True):
                start = self.days_ago(30, 500)
                rows.append(
                    {
                        "id": aid,
                        "institution_id": inst.pk,
                        "apprentice_id": person.id,
                        "route": "existing_staff",
                        "standard_id": standard.pk,
                        "provider_id": provider.pk,
                        "line_manager_id": person.manager_id,
                        "start_date": start,
                        "planned_end_date": start + timedelta(days=730),
                        "next_review_due": self.today + timedelta(days=rng.randint(-10, 80)),
                        "state": "active",
                        "created_at": self.at(start),
                    }
                )
                moves.append(
                    {
                        "apprenticeship_id": aid,
                        "from_state": "",
                        "to_state": "active",
                        "by_id": person.manager_user_id,
                        "at": self.at(start),
                    }
                )
            self.copy(Apprenticeship, rows)
            self.copy(ApprenticeshipTransition, moves)
        # promotions: intentions and submissions in the open round, on the demo's criteria
        open_round = (
            Round.objects.filter(institution=inst, summary_published_at__isnull=True).order_by("-opens_on").first()
        )
        criteria = list(CriteriaVersion.objects.filter(institution=inst).select_related("target_grade"))
        if open_round and criteria:
            by_family_level = {(c.target_grade.job_family_id, c.target_grade.level): c for c in criteria}
            taken = set(PromotionApplication.objects.filter(round=open_round).values_list("applicant_id", flat=True))
            candidates = [
                (p, by_family_level[(p.family_id, p.level + 1)])
                for p in staff
                if (p.family_id, p.level + 1) in by_family_level and p.id not in taken
            ][: sizes.promotions]
            ids = reserve_ids(PromotionApplication, len(candidates))
            rows, moves = [], []
            for aid, (person, version) in zip(ids, candidates, strict=True):
                intended = self.at(open_round.opens_on)
                state = rng.choice(["intended", "submitted"])
                row = {
                    "id": aid,
                    "round_id": open_round.pk,
                    "applicant_id": person.id,
                    "target_grade_id": version.target_grade_id,
                    "criteria_id": version.pk,
                    "state": state,
                    "intended_at": intended,
                }
                moves.append(
                    {
                        "application_id": aid,
                        "from_state": "",
                        "to_state": "intended",
                        "by_id": person.user_id,
                        "at": intended,
                    }
                )
                if state == "submitted":
                    row.update(
                        statement="What I have done at the next grade.", submitted_at=intended + timedelta(days=20)
                    )
                    moves.append(
                        {
                            "application_id": aid,
                            "from_state": "intended",
                            "to_state": "submitted",
                            "by_id": person.user_id,
                            "at": intended + timedelta(days=20),
                        }
                    )
                rows.append(row)
            self.copy(PromotionApplication, rows)
            self.copy(PromotionTransition, moves)
        # recognition: outputs of every scale person at ICR
        if staff:
            self.copy(
                Output,
                (
                    {
                        "person_id": rng.choice(staff).id,
                        "kind": rng.choice(["paper", "paper", "preprint", "dataset", "protocol"]),
                        "title": f"{rng.choice(TITLES)}: a study ({n})",
                        "venue": rng.choice(["Nature Methods", "eLife", "bioRxiv", "Zenodo"]),
                        "part": rng.choice(["named_author", "acknowledged", "uncredited"]),
                        "published_on": self.days_ago(0, 365 * 5),
                    }
                    for n in range(sizes.outputs)
                ),
            )
        # mentoring: scale mentors (with profiles) and their mentees
        if len(staff) > 4:
            mentors = [p for p in staff if p.level >= 4][: max(2, sizes.mentoring // 3)]
            existing = set(MentorProfile.objects.values_list("person_id", flat=True))
            MentorProfile.objects.bulk_create(
                MentorProfile(person_id=m.id, available=True, capacity=5, bio="Happy to help with promotion cases.")
                for m in mentors
                if m.id not in existing
            )
            mentor_group = Group.objects.get_or_create(name=roles.MENTOR)[0]
            User.groups.through.objects.bulk_create(
                [User.groups.through(user_id=m.user_id, group_id=mentor_group.pk) for m in mentors],
                ignore_conflicts=True,
            )
            mentees = rng.sample(
                [p for p in staff if p.level <= 3], min(sizes.mentoring, sum(p.level <= 3 for p in staff))
            )
            ids = reserve_ids(Relationship, len(mentees))
            rows, moves = [], []
            for rid, mentee in zip(ids, mentees, strict=True):
                mentor = rng.choice(mentors)
                state = rng.choice(["requested", "active", "completed"])
                asked = self.days_ago(10, 400)
                row = {
                    "id": rid,
                    "institution_id": inst.pk,
                    "mentee_id": mentee.id,
                    "mentor_id": mentor.id,
                    "purpose": "promotion",
                    "hopes": "Help with my promotion case.",
                    "state": state,
                    "requested_on": asked,
                    "created_at": self.at(asked),
                }
                moves.append(
                    {
                        "relationship_id": rid,
                        "from_state": "",
                        "to_state": "requested",
                        "by_id": mentee.user_id,
                        "at": self.at(asked),
                    }
                )
                if state != "requested":
                    row.update(started_on=asked + timedelta(days=5), last_contact_on=asked + timedelta(days=30))
                    moves.append(
                        {
                            "relationship_id": rid,
                            "from_state": "requested",
                            "to_state": "active",
                            "by_id": mentor.user_id,
                            "at": self.at(asked + timedelta(days=5)),
                        }
                    )
                if state == "completed":
                    row["ended_on"] = asked + timedelta(days=180)
                    moves.append(
                        {
                            "relationship_id": rid,
                            "from_state": "active",
                            "to_state": "completed",
                            "by_id": mentee.user_id,
                            "at": self.at(asked + timedelta(days=180)),
                        }
                    )
                rows.append(row)
            self.copy(Relationship, rows)
            self.copy(RelationshipTransition, moves)
        # surveys: the demo's published all-staff surveys invite every scale person at ICR; a third answered
        for survey in Survey.objects.filter(institution=inst, state="published", audience="all_staff"):
            opened = survey.opens_on
            self.copy(
                Invitation,
                (
                    {
                        "survey_id": survey.pk,
                        "person_id": p.id,
                        "invited_on": opened,
                        "respond_by": opened + timedelta(days=survey.respond_within_days),
                    }
                    for p in staff
                ),
            )
            self.copy(
                Participation,
                (
                    {"survey_id": survey.pk, "person_id": p.id, "answered_at": self.at(opened + timedelta(days=3))}
                    for p in staff[::3]
                ),
            )
        self.say("newer apps at ICR: journeys, apprenticeships, promotion applications, outputs, mentoring, surveys")


def _share(total: int, weights: list[int]) -> list[int]:
    """Split `total` in proportion to `weights`, the rounding left-over to the first."""
    whole = sum(weights) or 1
    shares = [total * w // whole for w in weights]
    if shares:
        shares[0] += total - sum(shares)
    return shares


def _split(total: int, parts: int) -> list[int]:
    if parts <= 0:
        return []
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


class _Null:
    def write(self, *args: Any) -> None:
        pass

    def flush(self) -> None:
        pass
