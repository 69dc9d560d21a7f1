"""Demo data for the exchange pilot: the 2026 round at ICR, five offers from five divisions, two
completed exchanges (four people: the 4A success measure) and the demo technician's request
waiting for the demo manager's approval.

Goes through the services, so the rows, transitions and messages are what real use makes.
Idempotent: the round is found by title, offers by host, placements by offer and visitor.
"""

from datetime import timedelta

from django import forms

from core.tenancy import in_institution
from people.models import Division

from . import services
from .forms import FeedbackForm
from .models import ExchangeOffer, ExchangePlacement, ExchangeRound

ROUND_TITLE = "2026 technician exchange pilot"
# Hosts are experienced staff (SSO, then HSO or PSO level); visitors earlier in their careers.
HOST_LEVELS = (4, 3, 5)
VISITOR_LEVELS = (2, 3)
# (host's division, facility or team, skills on show, possible dates)
OFFERS = [
    (
        "Structural Biology",
        "Crystallography and cryo-EM facility",
        "Protein crystallisation screens, X-ray data collection, cryo-EM grid preparation.",
        "Tuesdays and Thursdays, February to April",
    ),
    (
        "Molecular Pathology",
        "Tissue pathology core",
        "Tissue processing, immunohistochemistry, digital slide scanning and image analysis.",
        "Any weekday except the first week of each month",
    ),
    (
        "Cancer Therapeutics",
        "Compound management and screening",
        "Compound library handling, acoustic dispensing, high-throughput screening robotics.",
        "Mondays and Wednesdays, March to June",
    ),
    (
        "Genetics and Epidemiology",
        "Genomics sequencing team",
        "Library preparation, Illumina and nanopore sequencing, sample tracking in the LIMS.",
        "Any Wednesday",
    ),
    (
        "Radiotherapy and Imaging",
        "Preclinical imaging unit",
        "MRI and micro-CT of mouse models, image reconstruction, radiation safety practice.",
        "Fridays, by arrangement",
    ),
]
# (index of the offer, visitor's division, days before today of the first day, two feedbacks)
COMPLETED = [
    (
        0,
        "Breast Cancer Research",
        45,
        (
            (
                5,
                "Setting up a crystallisation screen myself.",
                "",
                "I will try their plate-sealing trick in our lab.",
                True,
            ),
            (
                4,
                "Fresh questions about our own sample prep.",
                "A shorter return day.",
                "Ideas for imaging crystals.",
                True,
            ),
        ),
    ),
    (
        1,
        "Clinical Studies",
        30,
        (
            (
                4,
                "Seeing samples from consent to slide.",
                "More notice of the dates.",
                "Our labelling can be clearer.",
                True,
            ),
            (5, "Understanding how trial samples arrive.", "", "We will share our QC checklist with them.", True),
        ),
    ),
]


def _person(context, division, exclude, levels):
    """A member of staff in the division who has a line manager, at the first of `levels` (grade
    levels, in order of preference) that has one; chosen deterministically."""
    division_id = Division.objects.get(institution=context.institution, name=division).pk
    candidates = [
        p
        for p in context.staff
        if p.division_id == division_id
        and p.line_manager_id
        and p.grade is not None
        and p.pk not in exclude
        and p.user.email not in context.accounts
    ]
    for level in levels:
        at_level = sorted((p for p in candidates if p.grade.level == level), key=lambda p: p.pk)
        if at_level:
            return at_level[0]
    return min(candidates, key=lambda p: p.pk)


def _feedback_form(rating, went_well, to_improve, reflection, recommend):
    form = FeedbackForm(
        {
            "rating": rating,
            "went_well": went_well,
            "to_improve": to_improve,
            "reflection": reflection,
            "would_recommend": "on" if recommend else "",
        }
    )
    if not form.is_valid():
        raise forms.ValidationError(form.errors.as_text())
    return form


def seed(context):
    """Seed the pilot inside the demo institution's scope (the exchange's rows are ICR's only)."""
    with in_institution(context.institution):
        _seed(context)


def _seed(context):
    today = context.today
    icr = context.institution
    exchange_round, created = ExchangeRound.objects.get_or_create(
        institution=icr,
        title=ROUND_TITLE,
        defaults={
            "year": today.year,
            "description": "Two reciprocal days of work shadowing between divisions: spend a day with a "
            "technician in another division, then host them for a day in yours. Learning and training, "
            "networking and new ideas across divisions (action 4A).",
            "opens_on": today - timedelta(days=90),
            "closes_on": today + timedelta(days=60),
        },
    )
    used = {p.pk for p in context.accounts.values()}
    offers = []
    for division, facility, skills, dates in OFFERS:
        offer = ExchangeOffer.objects.filter(round=exchange_round, facility_or_team=facility).first()
        if offer is None:
            host = _person(context, division, used, levels=HOST_LEVELS)
            offer = ExchangeOffer.objects.create(
                round=exchange_round,
                host=host,
                facility_or_team=facility,
                skills_on_show=skills,
                possible_dates=dates,
                places=2,
            )
        used.add(offer.host_id)
        offers.append(offer)

    made = 0
    for offer_index, visitor_division, days_ago, feedbacks in COMPLETED:
        offer = offers[offer_index]
        existing = ExchangePlacement.objects.filter(offer=offer).exclude(visitor__in=context.accounts.values())
        if existing.exists():
            used.add(existing.first().visitor_id)
            continue
        visitor = _person(context, visitor_division, used, levels=VISITOR_LEVELS)
        used.add(visitor.pk)
        _complete(offer, visitor, today - timedelta(days=days_ago), feedbacks)
        made += 1

    technician = context.accounts["technician@icr.ac.uk"]
    waiting_offer = offers[2]  # Cancer Therapeutics: another division than the technician's
    if not ExchangePlacement.objects.filter(offer=waiting_offer, visitor=technician).exists():
        placement = services.placement_request(
            offer=waiting_offer,
            visitor=technician,
            hopes_to_learn="How a screening facility plans its plates and robots, to bring ideas back to our "
            "imaging workflows; and to meet the team we send compounds to.",
            by=technician.user,
        )
        # The host's manager has said yes; the demo manager's approval is what is left.
        services.placement_approve(placement=placement, by=waiting_offer.host.line_manager.user)
        made += 1
    if created or made:
        context.lines.append(
            f"Exchange: {exchange_round} with {len(offers)} offers; 2 completed exchanges; "
            "technician@icr.ac.uk's request waits for manager@icr.ac.uk."
        )


def _complete(offer, visitor, first_day, feedbacks):
    placement = services.placement_request(
        offer=offer,
        visitor=visitor,
        hopes_to_learn=f"To see the {offer.facility_or_team} at work and bring ideas back to my team.",
        by=visitor.user,
    )
    for manager in (visitor.line_manager, offer.host.line_manager):
        services.placement_approve(placement=placement, by=manager.user)
    services.placement_schedule(
        placement=placement, host_day=first_day, visitor_day=first_day + timedelta(days=7), by=visitor.user
    )
    for day in ("host_day", "visitor_day"):
        services.placement_record_day(placement=placement, day=day, by=visitor.user)
    for author, feedback in zip((visitor, offer.host), feedbacks, strict=True):
        services.feedback_give(placement=placement, author=author, form=_feedback_form(*feedback))
