"""Demo data for apprenticeships (1C, 4C), written through the services so the records agree.

The story, counted back from today:

- Reference data: three standards (Laboratory technician L3, Laboratory scientist L6, Data analyst
  L4; the minimum off-the-job hours are as entered by the programme manager) and two providers,
  with staff recommendations.
- An intake of laboratory technician apprentices 34 months ago: three completed about 10 months
  ago (two became Scientific Officers within weeks; one waited five months for an SO post) and one
  did not pass the end-point assessment. Their grades are recorded in career history by HR, so 4C
  reads 2 of 3.
- An intake 26 months ago: one apprentice at the gateway, one on a break in learning.
- The LTAP pilot intake 2 to 3 months ago: four new recruits ("LTAP pilot intake of four
  apprentices recruited"), one behind on off-the-job hours, first reviews due within weeks.
- Existing staff on levy-funded apprenticeships (1C): technician@icr.ac.uk on the Laboratory
  scientist degree apprenticeship, a research administrator on Data analyst (review overdue), an SO
  on a break in learning since 3 months ago, an SO who withdrew, and one enrolled last month from
  a request her manager approved: three studying today, two two months ago ("Only two
  levy-funded apprenticeships so far"). One request waits for a manager, one for enrolment.
- Southbank Science Skills' assessor, Dev Patel (dev.patel@southbank-science.example), has acted for
  it here for ten months: he signed its apprentices' reviews since then in the portal, with his
  notes (the programme manager recorded the earlier paper signatures); the last review of the
  apprentice at the gateway waits for his sign-off. Northgate has nobody here: the programme
  manager records its sign-off.
- A former apprentice offers to mentor apprentices; completions are proposed for celebration (one
  agreed); the staff and manager guidance is a versioned page of the guidance app.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_UP, Decimal

from core.dates import add_months
from guidance import services as guidance_services
from people import services as people_services
from people.demo import DEMO_PASSWORD
from people.models import CareerEvent, Celebration

from . import guidance, hours, services
from .models import (
    GATEWAY_CHECKS,
    Apprenticeship,
    ApprenticeshipRequest,
    ApprenticeshipRequestTransition,
    ApprenticeshipTransition,
    BreakInLearning,
    Intake,
    ProgressReview,
    Provider,
    ProviderContact,
    Recommendation,
    Route,
    Standard,
)

ALL_TICKED = dict.fromkeys([name for name, _label in GATEWAY_CHECKS], True)

STANDARDS = [
    # (reference, title, version, level, typical months, minimum off-the-job hours, methods, grades)
    (
        "ST0248",
        "Laboratory technician",
        "1.2",
        3,
        24,
        400,
        "Observation with questions; professional discussion underpinned by a portfolio of evidence.",
        "Fail, pass, distinction",
    ),
    (
        "ST0626",
        "Laboratory scientist (degree)",
        "1.1",
        6,
        60,
        1100,
        "Work-based project with presentation and questions; professional discussion underpinned by a portfolio.",
        "Fail, pass, merit, distinction",
    ),
    (
        "ST0118",
        "Data analyst",
        "1.1",
        4,
        24,
        400,
        "Project with report, presentation and questions; professional discussion underpinned by a portfolio.",
        "Fail, pass, distinction",
    ),
]

PROVIDERS = [
    (
        "Southbank Science Skills",
        "Dev Patel",
        "apprenticeships@southbank-science.example",
        "https://login.onefile.co.uk/",
    ),
    (
        "Northgate University Apprenticeships",
        "Ruth Ellis",
        "apprenticeships@northgate.example",
        "https://app.aptem.co.uk/",
    ),
]

STAFF_GUIDANCE = "\n\n".join(
    [
        (
            "Who can apply: any member of staff on a contract that runs past the planned end of the "
            "apprenticeship, for an apprenticeship that builds new skills for their role or their next one (not "
            "one that repeats a qualification at the same level in the same subject)."
        ),
        (
            "How the levy works: the Institute pays the apprenticeship levy, and the training provider's fees are "
            "paid from it. You keep your salary and your job; nothing is deducted from your pay, and your "
            "development allowance is separate."
        ),
        (
            "The time it takes: apprenticeships last from one to five years. Off-the-job training is part of your "
            "paid working time, about a day a week on average (the standard's published minimum hours for starts "
            "from 1 August 2025; 20% of contracted hours before). You log your off-the-job hours in TechCareers, "
            "where they count in your training record too. You, your line manager and the provider meet for a "
            "progress review at least every 3 months."
        ),
        (
            "How to ask: talk to your line manager first, then send the request in TechCareers. Once your manager "
            "approves it, the programme manager agrees a provider and a start date with you."
        ),
    ]
)

MANAGER_GUIDANCE = "\n\n".join(
    [
        (
            "Before you approve: the apprenticeship should build skills the team needs, and you must be able to "
            "release your report for off-the-job training, about a day a week, for the whole apprenticeship. Say "
            "how their work will be covered."
        ),
        (
            "Your part: you sign each progress review (at least every 3 months), confirm readiness at the "
            "gateway, and see your apprentice's off-the-job hours against what is due; TechCareers warns you when "
            "they fall behind."
        ),
        ("Declining: say why. The person sees your reason and can ask again later."),
    ]
)


def _partner_recommendation(person):
    """A technician at the partner institution shares what they thought of the same college (1C)."""
    if person is None or Recommendation.objects.filter(by=person).exists():
        return
    name, contact, email, link = PROVIDERS[0]
    provider, _ = Provider.objects.get_or_create(
        institution=person.institution,
        name=name,
        defaults={"contact_name": contact, "contact_email": email, "portfolio_link": link},
    )
    reference, title, version, level, months, minimum, methods, grades = STANDARDS[0]
    standard, _ = Standard.objects.get_or_create(
        institution=person.institution,
        reference=reference,
        version=version,
        defaults={
            "title": title,
            "level": level,
            "typical_months": months,
            "minimum_off_the_job_hours": minimum,
            "assessment_methods": methods,
            "assessment_grades": grades,
        },
    )
    services.recommendation_add(
        provider=provider,
        by=person,
        standard=standard,
        course="Level 3 Laboratory technician",
        rating=4,
        comment="Good on laboratory practice and the portfolio; plan the end-point assessment dates early, as the "
        "assessor's diary fills up.",
        shared_with_sector=True,
    )


def seed(context):
    today, icr = context.today, context.institution
    accounts = context.accounts
    pm, hr = accounts["programmes@icr.ac.uk"], accounts["hr@icr.ac.uk"]
    standards = {
        reference: Standard.objects.get_or_create(
            institution=icr,
            reference=reference,
            version=version,
            defaults={
                "title": title,
                "level": level,
                "typical_months": months,
                "minimum_off_the_job_hours": minimum,
                "assessment_methods": methods,
                "assessment_grades": grades,
            },
        )[0]
        for reference, title, version, level, months, minimum, methods, grades in STANDARDS
    }
    providers = [
        Provider.objects.get_or_create(
            institution=icr,
            name=name,
            defaults={"contact_name": contact, "contact_email": email, "portfolio_link": link},
        )[0]
        for name, contact, email, link in PROVIDERS
    ]
    southbank, northgate = providers
    lab = standards["ST0248"]
    _provider_contact(pm, southbank, today)

    _guidance(icr, pm, today)

    by_grade = _by_grade(context.staff)
    apprentices = by_grade.get("APP", [])
    _partner_recommendation(accounts.get("partner@crick.ac.uk"))
    if len(apprentices) < 10:
        context.lines.append("Apprenticeships: fewer than 10 apprentice-grade staff; demo skipped.")
        return
    first, second, pilot = apprentices[:4], apprentices[4:6], apprentices[6:10]

    # An intake 34 months ago: three completions and one fail.
    a_start = _monday(add_months(today, -34))
    intake_a = _intake(icr, f"Laboratory technicians, {a_start:%B %Y}", lab, southbank, a_start, 4)
    so_grade = _grade(context.staff, "SO")
    outcomes = [
        # (months after the start the assessment was, grade, days after completion the SO grade started)
        (23, "distinction", 20),
        (24, "pass", 45),
        (24, "merit", 150),
        (25, "fail", None),
    ]
    for person, (months, grade, so_after) in zip(first, outcomes, strict=True):
        a = _enrol(pm, person, Route.NEW_RECRUIT, lab, southbank, a_start, add_months(a_start, 23), intake=intake_a)
        if a is None:
            continue
        assessed = add_months(a_start, months)
        _history(a, pm, until=assessed - timedelta(days=30), hours_share=Decimal("1.05"))
        _through_gateway(a, pm, assessed - timedelta(days=28))
        a = services.assessment_record(apprenticeship=a, by=pm.user, assessment_on=assessed, grade=grade, today=today)
        _dated(a, assessed)
        if so_after is not None:
            event = people_services.staff_record_change(
                profile=person,
                by=hr.user,
                cause=CareerEvent.Cause.APPRENTICESHIP_COMPLETED,
                effective_date=assessed + timedelta(days=so_after),
                grade=so_grade,
                note="Scientific Officer post after the Laboratory technician apprenticeship.",
            )
            if event is not None:
                # people's demo celebrates the latest career events; name this one as it would, so a
                # second run finds it instead of adding it (seed_demo must change nothing the second time).
                people_services.propose_celebration(
                    person=person,
                    kind=Celebration.Kind.APPRENTICESHIP,
                    title=f"Completed an apprenticeship and started as {so_grade.name}",
                    occurred_on=event.effective_date,
                    source=f"people.CareerEvent:{event.pk}",
                    consent=True,
                )
            services.destination_record(apprenticeship=a, by=pm.user, elsewhere=False)
    former = first[0]
    if services.selectors.completed_apprenticeship_of(former):
        services.offer_to_mentor(
            person=former,
            by=former.user,
            capacity=2,
            bio="I did the Level 3 Laboratory technician apprenticeship here, then became a Scientific Officer. "
            "Happy to help with the portfolio, the gateway and planning off-the-job time.",
        )
        celebration = Celebration.objects.filter(person=former, kind=Celebration.Kind.APPRENTICESHIP).first()
        if celebration is not None and celebration.consent == Celebration.Consent.ASKED:
            people_services.celebration_consent_set(celebration=celebration, by=former.user, publish=True)
        if not Recommendation.objects.filter(by=former).exists():
            services.recommendation_add(
                provider=southbank,
                by=former,
                standard=lab,
                course="Level 3 Laboratory technician",
                rating=5,
                comment="Tutors who know research labs; the monthly workshops on quality procedures were the best "
                "part.",
                shared_with_sector=True,
            )

    # An intake 26 months ago: one at the gateway, one on a break in learning.
    c_start = _monday(add_months(today, -26))
    intake_c = _intake(icr, f"Laboratory technicians, {c_start:%B %Y}", lab, southbank, c_start, 3)
    at_gateway, on_break = second
    a = _enrol(pm, at_gateway, Route.NEW_RECRUIT, lab, southbank, c_start, add_months(c_start, 24), intake=intake_c)
    if a is not None:
        _history(a, pm, until=today - timedelta(days=25), hours_share=Decimal("1.02"), provider_waits=True)
        _through_gateway(a, pm, today - timedelta(days=21))
    a = _enrol(pm, on_break, Route.NEW_RECRUIT, lab, southbank, c_start, add_months(c_start, 24), intake=intake_c)
    if a is not None:
        paused = today - timedelta(days=42)
        _history(a, pm, until=paused - timedelta(days=1), hours_share=Decimal("0.97"))
        _break(a, pm, paused, "Parental leave")

    # The LTAP pilot intake, 2 to 3 months ago: four new recruits, one behind on hours.
    b_start = _monday(today - timedelta(days=75))
    intake_b = _intake(icr, f"LTAP pilot intake, {b_start:%B %Y}", lab, southbank, b_start, 4)
    for index, person in enumerate(pilot):
        a = _enrol(pm, person, Route.NEW_RECRUIT, lab, southbank, b_start, add_months(b_start, 24), intake=intake_b)
        if a is not None:
            _history(
                a, pm, until=today - timedelta(days=2), hours_share=Decimal("0.3") if index == 3 else Decimal("1.1")
            )

    # Existing staff on levy-funded apprenticeships (1C).
    technician = accounts["technician@icr.ac.uk"]
    degree, data = standards["ST0626"], standards["ST0118"]
    start = _monday(add_months(today, -14))
    a = _enrol(pm, technician, Route.EXISTING_STAFF, degree, northgate, start, add_months(start, 48))
    if a is not None:
        _history(a, pm, until=today - timedelta(days=4), hours_share=Decimal("1.0"))
    research_admin = by_grade.get("RM1", [])[:1]
    for person in research_admin:
        start = _monday(add_months(today, -20))
        a = _enrol(pm, person, Route.EXISTING_STAFF, data, northgate, start, add_months(start, 24))
        if a is not None:
            # The last review was four months ago: the next is overdue.
            _history(
                a, pm, until=today - timedelta(days=3), hours_share=Decimal("0.95"), reviews_until=add_months(today, -4)
            )
    officers = [p for p in by_grade.get("SO", []) if p.line_manager_id and p not in first][:5]
    if len(officers) == 5:
        on_leave, withdrew, enrolled_lately, waiting, approved = officers
        start = _monday(add_months(today, -26))
        a = _enrol(pm, on_leave, Route.EXISTING_STAFF, degree, northgate, start, add_months(start, 48))
        if a is not None:
            paused = today - timedelta(days=105)
            _history(a, pm, until=paused - timedelta(days=1), hours_share=Decimal("1.0"))
            _break(a, pm, paused, "Parental leave")
        start = _monday(add_months(today, -24))
        a = _enrol(pm, withdrew, Route.EXISTING_STAFF, degree, northgate, start, add_months(start, 48))
        if a is not None:
            left = add_months(start, 7)
            _history(a, pm, until=left - timedelta(days=10), hours_share=Decimal("0.6"))
            services.apprenticeship_withdraw(
                apprenticeship=a,
                by=pm.user,
                on=left,
                reason="Could not keep up the study alongside a heavy project load; may try again later.",
                today=today,
            )
            _dated(a, left)
        _request_enrolled(pm, enrolled_lately, data, northgate, today)
        _request(
            waiting, lab, today - timedelta(days=3), why="To move from washing-up and media prep to running assays."
        )
        made = _request(approved, data, today - timedelta(days=9), why="To take on the division's data pipelines.")
        if made is not None and made.state == ApprenticeshipRequest.State.SUBMITTED:
            services.request_decide(request=made, by=made.person.line_manager.user, approve=True, reason="Agreed.")

    open_count = Apprenticeship.objects.filter(institution=icr).open().count()
    context.lines.append(
        f"Apprenticeships: {Apprenticeship.objects.filter(institution=icr).count()} apprenticeships "
        f"({open_count} in training) in {Intake.objects.filter(institution=icr).count()} intakes and levy-funded "
        "starts of existing staff; programmes@icr.ac.uk sees them all at /apprenticeships/programme/, "
        "technician@icr.ac.uk is on the Laboratory scientist degree apprenticeship; "
        f"{ASSESSOR_EMAIL} acts for {southbank} and signs its reviews at /apprenticeships/provider/."
    )


# --- Helpers ----------------------------------------------------------------------------------


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _by_grade(people):
    found = {}
    for person in sorted(people, key=lambda p: p.pk):
        if person.grade is not None and person.leaving_date is None:
            found.setdefault(person.grade.short_name, []).append(person)
    return found


def _grade(people, short):
    return next(p.grade for p in people if p.grade is not None and p.grade.short_name == short)


def _intake(icr, name, standard, provider, start, places):
    return Intake.objects.get_or_create(
        institution=icr,
        name=name,
        defaults={"standard": standard, "provider": provider, "start_date": start, "places": places},
    )[0]


def _enrol(pm, person, route, standard, provider, start, end, *, intake=None, request=None):
    """Enrol once: None when this person already has this apprenticeship (a second run)."""
    if Apprenticeship.objects.filter(apprentice=person, standard=standard, start_date=start).exists():
        return None
    a = services.apprenticeship_enrol(
        by=pm.user,
        apprentice=person,
        route=route,
        standard=standard,
        provider=provider,
        start_date=start,
        planned_end_date=end,
        intake=intake,
        request=request,
        portfolio_link=provider.portfolio_link,
    )
    _dated(a, start)
    return a


def _dated(apprenticeship, day):
    """The last move happened on `day`, not at the moment the demo ran."""
    last = ApprenticeshipTransition.objects.filter(apprenticeship=apprenticeship).order_by("-at", "-pk").first()
    ApprenticeshipTransition.objects.filter(pk=last.pk).update(at=_noon(day))


def _noon(day):
    from datetime import datetime, time

    from django.utils import timezone

    return timezone.make_aware(datetime.combine(day, time(12)))


def _history(a, pm, *, until, hours_share, reviews_until=None, provider_waits=False):
    """Fortnightly off-the-job hours (a share of what falls due) and signed reviews every 3 months;
    with `provider_waits`, the last review waits for the provider's sign-off."""
    total = hours.total_required(
        start=a.start_date,
        planned_end=a.planned_end_date,
        contracted_hours=a.contracted_hours,
        standard_minimum=a.standard.minimum_off_the_job_hours,
    )
    per_fortnight = (total * 14 / (a.planned_end_date - a.start_date).days * hours_share).quantize(
        Decimal("0.5"), rounding=ROUND_UP
    )
    per_fortnight = min(max(per_fortnight, Decimal("0.5")), Decimal("24"))
    activities = services.OFF_THE_JOB_ACTIVITIES
    day, n = a.start_date + timedelta(days=11), 0
    while day <= until:
        services.hours_log(
            apprenticeship=a,
            by=a.apprentice.user,
            on=day,
            hours=per_fortnight,
            activity=activities[n % len(activities)],
            description=f"Week {(day - a.start_date).days // 7 + 1}",
            today=until,
        )
        day, n = day + timedelta(days=14), n + 1
    review_day = add_months(a.start_date, 3) - timedelta(days=3)
    last = reviews_until or until
    while review_day <= last:
        review = services.review_record(
            apprenticeship=a,
            by=pm.user,
            held_on=review_day,
            notes="Portfolio evidence on track; practical skills signed off for this period.",
            actions="Apprentice: complete the next module. Manager: protect Tuesday afternoons for off-the-job time.",
            today=last,
        )
        services.review_sign(review=review, by=a.apprentice.user, party="apprentice")
        services.review_sign(review=review, by=a.line_manager.user, party="manager")
        signed = _noon(review_day + timedelta(days=2))
        contact = ProviderContact.objects.filter(provider=a.provider).active().first()
        if contact is None or signed < contact.accepted_at:
            # Before anyone acted for the provider here, the programme manager recorded its paper signature.
            services.review_sign(
                review=review,
                by=pm.user,
                party="provider",
                provider_signatory=a.provider.contact_name,
                reason="Signed on paper at the review." if contact is not None else "",
            )
        elif not (provider_waits and add_months(review_day, 3) > last):
            services.review_sign_as_provider(
                review=review,
                contact=contact,
                notes="Portfolio evidence reviewed in OneFile and matches what we discussed; next unit booked.",
            )
        # else: the latest review before the gateway waits for the provider's sign-off (and its reminder).
        ProgressReview.objects.filter(pk=review.pk).update(apprentice_signed_at=signed, manager_signed_at=signed)
        ProgressReview.objects.filter(pk=review.pk, provider_signed_at__isnull=False).update(provider_signed_at=signed)
        review_day = add_months(review_day, 3)


ASSESSOR_EMAIL = "dev.patel@southbank-science.example"


def _provider_contact(pm, provider, today):
    """Southbank's assessor has acted for it here for ten months (invited, signed up): he signs its
    apprentices' reviews in the portal; earlier ones were recorded from paper by the programme manager."""
    contact = ProviderContact.objects.filter(provider=provider, email=ASSESSOR_EMAIL).first()
    if contact is None:
        contact = services.provider_contact_invite(
            provider=provider, by=pm.user, name="Dev Patel", email=ASSESSOR_EMAIL
        )
        token = contact.invitation_link.rstrip("/").rsplit("/", 1)[-1]
        services.provider_invitation_accept(token=token, first_name="Dev", last_name="Patel", password=DEMO_PASSWORD)
        joined = _noon(add_months(today, -10))
        ProviderContact.objects.filter(pk=contact.pk).update(invited_at=joined - timedelta(days=2), accepted_at=joined)
        contact.refresh_from_db()
    return contact


def _through_gateway(a, pm, day):
    services.gateway_save(apprenticeship=a, by=pm.user, checks=ALL_TICKED, gateway_on=day, today=day)
    _dated(a, day)


def _break(a, pm, starts_on, reason):
    if not BreakInLearning.objects.filter(apprenticeship=a).exists():
        services.break_start(apprenticeship=a, by=pm.user, starts_on=starts_on, reason=reason, today=starts_on)
        _dated(a, starts_on)


def _request(person, standard, day, *, why):
    """The person's request, made on `day` (once)."""
    found = ApprenticeshipRequest.objects.filter(person=person, standard=standard).first()
    if found is not None:
        return found
    made = services.request_submit(
        person=person,
        by=person.user,
        standard=standard,
        preferred_start=day + timedelta(days=60),
        why=why,
        time_plan="A day a week, agreed with my manager; a colleague covers my routine work.",
        today=day,
    )
    ApprenticeshipRequest.objects.filter(pk=made.pk).update(submitted_at=_noon(day))
    ApprenticeshipRequestTransition.objects.filter(request=made).update(at=_noon(day))
    return made


def _request_enrolled(pm, person, standard, provider, today):
    """A request made 7 weeks ago, approved 6 weeks ago and enrolled 5 weeks ago."""
    made = _request(person, standard, today - timedelta(days=49), why="To analyse the core facility's usage data.")
    if made.state == ApprenticeshipRequest.State.SUBMITTED:
        services.request_decide(
            request=made, by=person.line_manager.user, approve=True, reason="A good fit for the team's plans."
        )
        ApprenticeshipRequest.objects.filter(pk=made.pk).update(decided_at=_noon(today - timedelta(days=42)))
    made.refresh_from_db()
    if made.state == ApprenticeshipRequest.State.APPROVED:
        start = today - timedelta(days=35)
        a = services.request_enrol(
            request=made,
            by=pm.user,
            provider=provider,
            start_date=start,
            planned_end_date=add_months(start, 24),
            portfolio_link=provider.portfolio_link,
        )
        _dated(a, start)
        _history(a, pm, until=today - timedelta(days=3), hours_share=Decimal("1.0"))


def _guidance(icr, pm, today):
    page = guidance_services.ensure_page(
        institution=icr,
        slug=guidance.SLUG,
        title=guidance.TITLE,
        summary="Levy-funded apprenticeships for existing staff (1C): for staff and for line managers.",
        body=STAFF_GUIDANCE,
        audience="staff",
        effective_from=today - timedelta(days=300),
        owner=pm,
        by=pm.user,
    )
    if not page.versions.filter(audience="managers").exists():
        guidance_services.publish_version(
            page=page,
            audience="managers",
            effective_from=today - timedelta(days=300),
            body=MANAGER_GUIDANCE,
            change_note="First version for line managers",
            by=pm.user,
        )
