"""Demo data for equality: the institution's settings and the answers staff chose to give.

The story: the ICR asks the four core questions and, since last year, about caring
responsibilities; Mark Evans (hr@icr.ac.uk) is the one HR business partner named to look up
individual answers, and he has looked once (it is in the audit log). About seven in ten staff
have declared. Priya Shah (technician@icr.ac.uk) has declared; Helen Carter (mentor@icr.ac.uk)
declared and then withdrew her answers, so she counts as "not declared". The other demo accounts
declare too, except Sam Patel, who answers "Prefer not to say" throughout.

Goes through the services. Idempotent: a person who has answers is left alone; Helen's withdrawal
leaves no row; the HR look is recorded once. Its own random generator, so the same people declare
every run whatever the other apps drew.
"""

import random

from core.models import AuditEvent
from core.tenancy import in_institution
from people.models import StaffProfile

from . import characteristics as ch
from . import selectors, services
from .models import Declaration

# A default guess from the demo's first names, as the people themselves would answer.
FEMALE_NAMES = (
    "Aisha Amelia Anna Chloe Ella Emily Fatima Freya Grace Hannah Helen Isla Jia Kate Laura Lily Lucy Maya Mei "
    "Nadia Naomi Nina Olivia Priya Rachel Rosa Ruth Sara Sofia Uma Zara Zoe"
)
MALE_NAMES = (
    "Amir Ben Daniel David Emeka Finn George Harry Jack James Jonah Kwame Leo Mark Mohammed Noah Omar Oscar Rhys "
    "Tariq Theo Tom Victor Yusuf"
)
FEMALE = frozenset(FEMALE_NAMES.split())
MALE = frozenset(MALE_NAMES.split())
ETHNICITY_BY_NAME = {
    "asian_indian": {"Priya", "Uma", "Sam"},
    "asian_pakistani": {"Amir", "Fatima", "Tariq", "Mohammed", "Yusuf", "Aisha"},
    "asian_chinese": {"Chen", "Jia", "Mei"},
    "black_african": {"Emeka", "Kwame", "Daniel"},
    "other_arab": {"Omar", "Nadia"},
}
ETHNICITY_ELSE = [("white_british", 70), ("white_other", 12), ("white_irish", 4), ("mixed_white_black_caribbean", 3),
                  ("mixed_other", 3), ("black_caribbean", 3), (ch.PREFER_NOT_TO_SAY, 5)]  # fmt: skip
DISABILITY = [("no", 84), ("yes", 9), (ch.PREFER_NOT_TO_SAY, 7)]
AGE_BANDS = [("under_25", 8), ("25_34", 32), ("35_44", 27), ("45_54", 18), ("55_64", 11), ("65_over", 1),
             (ch.PREFER_NOT_TO_SAY, 3)]  # fmt: skip
CARING = [("no", 62), ("yes", 28), (ch.PREFER_NOT_TO_SAY, 10)]
DECLARE_SHARE = 0.7

OWN_ANSWERS = {
    "technician@icr.ac.uk": {"sex": "female", "ethnicity": "asian_indian", "disability": "no", "age_band": "25_34",
                             "caring": "no"},
    "manager@icr.ac.uk": {"sex": "male", "ethnicity": "black_african", "disability": "no", "age_band": "45_54",
                          "caring": "yes"},
    "programmes@icr.ac.uk": {"sex": "female", "ethnicity": "asian_chinese", "disability": "yes", "age_band": "35_44",
                             "caring": "yes"},
    "hr@icr.ac.uk": {"sex": "male", "ethnicity": "white_british", "disability": "no", "age_band": "35_44",
                     "caring": "no"},
}  # fmt: skip
PREFERS_NOT = "admin@icr.ac.uk"
WITHDREW = "mentor@icr.ac.uk"
LOOKED_AT = "technician@icr.ac.uk"


def _pick(rng, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


def _answers(rng, first_name):
    ethnicity = next((key for key, names in ETHNICITY_BY_NAME.items() if first_name in names), None)
    sex = "female" if first_name in FEMALE else "male" if first_name in MALE else ch.PREFER_NOT_TO_SAY
    return {
        "sex": sex,
        "ethnicity": ethnicity or _pick(rng, ETHNICITY_ELSE),
        "disability": _pick(rng, DISABILITY),
        "age_band": _pick(rng, AGE_BANDS),
        "caring": _pick(rng, CARING),
    }


def seed(context):
    with in_institution(context.institution):
        _seed(context)


def _seed(context):
    institution = context.institution
    accounts = context.accounts
    hr = accounts["hr@icr.ac.uk"]
    first_run = not _settings_done(institution, hr)
    if first_run:
        services.settings_save(
            institution=institution, ask={"caring": True}, record_viewers=[hr], by=accounts["admin@icr.ac.uk"].user
        )

    declared = set(Declaration.objects.filter(person__institution=institution).values_list("person_id", flat=True))
    for email, answers in OWN_ANSWERS.items():
        if accounts[email].pk not in declared:
            services.declaration_save(person=accounts[email], answers=answers)
    admin = accounts[PREFERS_NOT]
    if admin.pk not in declared:
        services.declaration_save(person=admin, answers=dict.fromkeys(OWN_ANSWERS[LOOKED_AT], ch.PREFER_NOT_TO_SAY))
    mentor = accounts[WITHDREW]
    if first_run:  # she declared, thought better of it, and withdrew: nothing of her answers is left
        services.declaration_save(person=mentor, answers={"sex": "female", "age_band": "45_54"})
        services.declaration_withdraw(person=mentor)

    rng = random.Random(15)
    special = {profile.pk for profile in accounts.values()}
    people = StaffProfile.objects.filter(institution=institution).staff().select_related("user").order_by("pk")
    for person in people:
        declares = rng.random() < DECLARE_SHARE
        answers = _answers(rng, person.user.first_name)  # drawn for everyone, so the draws never shift
        if declares and person.pk not in special and person.pk not in declared:
            services.declaration_save(person=person, answers=answers)

    looked = f"Looked at the equality answers of {accounts[LOOKED_AT]}"
    if not AuditEvent.objects.filter(institution_id=institution.pk, kind="equality", action=looked).exists():
        services.declaration_read_by_hr(
            settings=selectors.settings_for(institution), person=accounts[LOOKED_AT], by=hr.user
        )
    context.lines.append(
        "Equality: about 7 in 10 ICR staff have declared (sex, ethnicity, disability, age band and caring "
        f"responsibilities, which the ICR asks). {hr.user.email} is the HR member named to look up answers, and "
        f"looked once (audit log). {WITHDREW} withdrew her answers; {PREFERS_NOT} prefers not to say. Report: "
        "People > Equality in the pipeline."
    )


def _settings_done(institution, hr):
    settings = selectors.settings_for(institution)
    return settings.pk is not None and settings.ask_caring and settings.record_viewers.filter(pk=hr.pk).exists()
