"""Demo data for mentoring: five mentors at ICR and mentees in every state.

mentor@icr.ac.uk (Helen Carter, SSO) mentors technician@icr.ac.uk (Priya Shah, HSO) for promotion
(active, two meetings logged), has a registration request waiting 8 days (the 5-working-day
reminder is due), a completed registration mentoring with feedback from both sides, and a
declined request. A former apprentice mentors an apprentice (paired by programmes@icr.ac.uk,
no meeting for 9 weeks: the check-in is due); a leadership mentoring ended early.

Goes through the services, so rows, transitions and messages are what real use makes.
Idempotent: mentors are found by person, relationships by mentee, mentor and purpose.
"""

from datetime import timedelta

from core.tenancy import in_institution

from . import services
from .models import MentorProfile, Purpose, Relationship

State = Relationship.State

# (key, family, grade, available, capacity, purposes, bio); "mentor@icr.ac.uk" is the demo account.
MENTORS = [
    (
        "mentor@icr.ac.uk",
        None,
        None,
        True,
        3,
        [Purpose.PROMOTION, Purpose.REGISTRATION, Purpose.GENERAL],
        "Promoted from HSO to SSO in 2022 and registered as RSci the year after. Happy to read a promotion "
        "case or a competence report, and to talk through what the panel looks for.",
    ),
    (
        "pso",
        "Scientific Officer",
        "PSO",
        True,
        2,
        [Purpose.PROMOTION, Purpose.LEADERSHIP],
        "Core facility manager for ten years; I sit on SO promotion panels and can help you shape your case.",
    ),
    (
        "former_apprentice",
        "Scientific Officer",
        "SO",
        True,
        2,
        [Purpose.APPRENTICESHIP, Purpose.GENERAL],
        "I did the Level 3 Laboratory Technician apprenticeship here and became a Scientific Officer. "
        "Ask me anything about the end-point assessment and the first year after it.",
    ),
    (
        "rm_head",
        "Research Management",
        "RM4",
        True,
        2,
        [Purpose.LEADERSHIP, Purpose.GENERAL],
        "I lead the clinical trials operations team and took the Aurora leadership programme.",
    ),
    (
        "analytical",
        "Analytical Scientists",
        "AS2",
        False,
        1,
        [Purpose.REGISTRATION],
        "Registered as CSci through the Royal Statistical Society; not taking new mentees until the autumn.",
    ),
]


def seed(context):
    """Seed ICR's mentoring inside its scope (the demo's mentoring is ICR's own)."""
    with in_institution(context.institution):
        _seed(context)


def _pick(context, family, grade, used, not_managed_by=None):
    """The first member of staff (by pk) of the family and grade, not a demo account, not used."""
    for person in sorted(context.staff, key=lambda p: p.pk):
        if (
            person.job_family
            and person.job_family.name == family
            and person.grade
            and person.grade.short_name == grade
            and person.pk not in used
            and person.user.email not in context.accounts
            and (not_managed_by is None or person.line_manager_id != not_managed_by.pk)
        ):
            used.add(person.pk)
            return person
    raise LookupError(f"No {grade} in {family} left for the mentoring demo.")


def _seed(context):
    today = context.today
    accounts = context.accounts
    used = {p.pk for p in accounts.values()}
    # Mentors already seeded are found by their profile, so a second run picks the same people.
    existing = {m.person_id for m in MentorProfile.objects.filter(person__institution=context.institution)}
    used |= existing
    mentors = {}
    for key, family, grade, available, capacity, purposes, bio in MENTORS:
        if key in accounts:
            person = accounts[key]
        else:
            person = next(
                (
                    p
                    for p in sorted(context.staff, key=lambda p: p.pk)
                    if p.pk in existing and p.job_family and p.job_family.name == family and p.grade.short_name == grade
                ),
                None,
            ) or _pick(context, family, grade, used)
        if person.pk not in existing:
            services.mentor_profile_save(
                person=person, available=available, capacity=capacity, bio=bio, purposes=purposes
            )
        mentors[key] = MentorProfile.objects.get(person=person)
    helen = mentors["mentor@icr.ac.uk"]
    technician = accounts["technician@icr.ac.uk"]
    programmes = accounts["programmes@icr.ac.uk"]
    made = 0

    def find(mentor, purpose, mentee=None):
        rows = Relationship.objects.filter(mentor=mentor.person, purpose=purpose)
        return rows.filter(mentee=mentee).first() if mentee else rows.exclude(mentee__in=accounts.values()).first()

    # Priya (technician@) and Helen (mentor@): active for promotion, two meetings.
    if find(helen, Purpose.PROMOTION, technician) is None:
        r = services.relationship_request(
            mentee=technician,
            mentor=helen,
            purpose=Purpose.PROMOTION,
            hopes="Prepare my case for the spring SSO promotion round: evidence of independent work and "
            "of leading the imaging training.",
            by=technician.user,
            today=today - timedelta(days=75),
        )
        services.relationship_accept(relationship=r, by=helen.person.user, today=today - timedelta(days=72))
        services.meeting_log(
            relationship=r,
            met_on=today - timedelta(days=60),
            notes="Went through the SSO criteria. Priya to list three projects where she worked independently.",
            by=technician,
        )
        services.meeting_log(
            relationship=r,
            met_on=today - timedelta(days=21),
            notes="Read the first draft; the training evidence is strong. Next: ask Daniel for a supporting statement.",
            by=helen.person,
        )
        made += 1

    # A registration request waiting 8 days for Helen (the 5-working-day reminder is due).
    if find(helen, Purpose.REGISTRATION) is None:
        waiting = _pick(context, "Scientific Officer", "SO", used, not_managed_by=helen.person)
        services.relationship_request(
            mentee=waiting,
            mentor=helen,
            purpose=Purpose.REGISTRATION,
            hopes="I would like to apply for RSciTech this year and do not know where to start.",
            by=waiting.user,
            today=today - timedelta(days=8),
        )
        # A completed registration mentoring with Helen, feedback from both.
        done = _pick(context, "Scientific Officer", "HSO", used, not_managed_by=helen.person)
        r = services.relationship_request(
            mentee=done,
            mentor=helen,
            purpose=Purpose.REGISTRATION,
            hopes="Support with my RSci competence report.",
            by=done.user,
            today=today - timedelta(days=240),
        )
        services.relationship_accept(relationship=r, by=helen.person.user, today=today - timedelta(days=236))
        for days, notes in ((220, "Mapped my experience to the five competences."), (150, "Reviewed my draft.")):
            services.meeting_log(relationship=r, met_on=today - timedelta(days=days), notes=notes, by=done)
        services.relationship_close(
            relationship=r,
            outcome=State.COMPLETED,
            rating=5,
            comments="I submitted my application and was registered as RSci. Helen's comments on the draft "
            "made all the difference.",
            by=done.user,
            today=today - timedelta(days=40),
        )
        services.feedback_give(
            relationship=r,
            author=helen.person,
            rating=4,
            comments="A well-prepared mentee; we could have met more often in the middle months.",
        )
        # A declined request.
        declined = _pick(context, "Scientific Officer", "SO", used, not_managed_by=helen.person)
        r = services.relationship_request(
            mentee=declined,
            mentor=helen,
            purpose=Purpose.GENERAL,
            hopes="General advice on moving from the lab into a core facility.",
            by=declined.user,
            today=today - timedelta(days=30),
        )
        services.relationship_decline(
            relationship=r,
            by=helen.person.user,
            reason="My places are taken by promotion and registration mentees until the summer. "
            "Dr Grace Lee's programme team can suggest a core facility manager.",
        )
        made += 3

    # An apprentice paired with a former apprentice by the programme manager; no meeting for 9 weeks.
    former = mentors["former_apprentice"]
    if find(former, Purpose.APPRENTICESHIP) is None:
        apprentice = _pick(context, "Scientific Officer", "APP", used, not_managed_by=former.person)
        r = services.relationship_pair(
            mentee=apprentice,
            mentor=former,
            purpose=Purpose.APPRENTICESHIP,
            hopes="Support through the first year of the Level 3 Laboratory Technician apprenticeship.",
            by=programmes.user,
            today=today - timedelta(days=90),
        )
        services.meeting_log(
            relationship=r,
            met_on=today - timedelta(weeks=9),
            notes="Talked about the off-the-job training log and the portfolio.",
            by=apprentice,
        )
        made += 1

    # A leadership mentoring that ended early, with feedback from both.
    pso = mentors["pso"]
    if find(pso, Purpose.LEADERSHIP) is None:
        mentee = _pick(context, "Scientific Officer", "SSO", used, not_managed_by=pso.person)
        r = services.relationship_request(
            mentee=mentee,
            mentor=pso,
            purpose=Purpose.LEADERSHIP,
            hopes="Prepare to lead the proteomics core while its manager is on leave.",
            by=mentee.user,
            today=today - timedelta(days=150),
        )
        services.relationship_accept(relationship=r, by=pso.person.user, today=today - timedelta(days=145))
        services.meeting_log(
            relationship=r, met_on=today - timedelta(days=130), notes="Agreed goals for the cover.", by=pso.person
        )
        services.relationship_close(
            relationship=r,
            outcome=State.ENDED_EARLY,
            reason="The manager's leave was cancelled, so the cover role did not happen; we agreed to stop.",
            rating=4,
            comments="Useful while it lasted; I would ask again before the next leadership programme.",
            by=mentee.user,
            today=today - timedelta(days=100),
        )
        services.feedback_give(
            relationship=r, author=pso.person, rating=3, comments="Ended for good reasons; happy to pick it up again."
        )
        made += 1

    if made:
        context.lines.append(
            f"Mentoring: {len(mentors)} mentors; mentor@icr.ac.uk mentors technician@icr.ac.uk for promotion "
            "(active), has a request waiting, one completed and one declined; an apprentice paired by "
            "programmes@icr.ac.uk; one ended early."
        )
