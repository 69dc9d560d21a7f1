"""The equality characteristics a person may declare, as data: their questions, answers and groups.

The categories are HESA's for staff records (the HESA Staff record's SEXID, ETHNIC, DISABLE,
SEXORT, RELBLF, GENDERID) and, for ethnicity, the ONS 2021 census categories HESA follows. Every
question has "Prefer not to say"; not answering at all is different again ("not declared") and is
what a person who never declared, or withdrew, counts as.

Reports break down by `group_of(key, answer)`: ethnicity by the five ONS high-level groups (its
19 detailed answers would leave almost every cell too small to show), the others by the answer.
Pure: no database.
"""

from __future__ import annotations

from dataclasses import dataclass

PREFER_NOT_TO_SAY = "prefer_not_to_say"
NOT_DECLARED = "Not declared"


@dataclass(frozen=True)
class Characteristic:
    key: str
    label: str
    question: str
    choices: tuple[tuple[str, str], ...]  # (value, label), "Prefer not to say" last
    optional: bool  # the institution chooses whether to ask it
    groups: tuple[tuple[str, str], ...] = ()  # value prefix -> group label, for reports

    def label_of(self, value: str) -> str:
        return dict(self.choices).get(value, value or NOT_DECLARED)

    def group_of(self, value: str) -> str:
        """The report group of an answer ("" or unknown: not declared)."""
        if not value or value not in dict(self.choices):
            return NOT_DECLARED
        for prefix, label in self.groups:
            if value.startswith(prefix):
                return label
        return self.label_of(value)

    def group_labels(self) -> list[str]:
        """Every group a report shows, in order, "Not declared" last."""
        labels: list[str] = []
        for value, _ in self.choices:
            group = self.group_of(value)
            if group not in labels:
                labels.append(group)
        return [*labels, NOT_DECLARED]


PNTS = (PREFER_NOT_TO_SAY, "Prefer not to say")

SEX = Characteristic(
    key="sex",
    label="Sex",
    question="What is your sex?",
    choices=(("female", "Female"), ("male", "Male"), ("other", "Other"), PNTS),
    optional=False,
)

ETHNICITY = Characteristic(
    key="ethnicity",
    label="Ethnicity",
    question="What is your ethnic group?",
    choices=(
        ("asian_bangladeshi", "Asian or Asian British: Bangladeshi"),
        ("asian_chinese", "Asian or Asian British: Chinese"),
        ("asian_indian", "Asian or Asian British: Indian"),
        ("asian_pakistani", "Asian or Asian British: Pakistani"),
        ("asian_other", "Asian or Asian British: any other Asian background"),
        ("black_african", "Black, Black British, Caribbean or African: African"),
        ("black_caribbean", "Black, Black British, Caribbean or African: Caribbean"),
        ("black_other", "Black, Black British, Caribbean or African: any other Black background"),
        ("mixed_white_asian", "Mixed or multiple ethnic groups: White and Asian"),
        ("mixed_white_black_african", "Mixed or multiple ethnic groups: White and Black African"),
        ("mixed_white_black_caribbean", "Mixed or multiple ethnic groups: White and Black Caribbean"),
        ("mixed_other", "Mixed or multiple ethnic groups: any other mixed or multiple background"),
        ("white_british", "White: English, Welsh, Scottish, Northern Irish or British"),
        ("white_irish", "White: Irish"),
        ("white_gypsy_traveller", "White: Gypsy or Irish Traveller"),
        ("white_roma", "White: Roma"),
        ("white_other", "White: any other White background"),
        ("other_arab", "Other ethnic group: Arab"),
        ("other_any", "Other ethnic group: any other ethnic group"),
        PNTS,
    ),
    optional=False,
    groups=(
        ("asian_", "Asian or Asian British"),
        ("black_", "Black, Black British, Caribbean or African"),
        ("mixed_", "Mixed or multiple ethnic groups"),
        ("white_", "White"),
        ("other_", "Other ethnic group"),
    ),
)

DISABILITY = Characteristic(
    key="disability",
    label="Disability",
    question="Do you consider yourself to have a disability, impairment or long-term condition?",
    choices=(("yes", "Yes"), ("no", "No known disability"), PNTS),
    optional=False,
)

AGE_BAND = Characteristic(
    key="age_band",
    label="Age band",
    question="Which age band are you in?",
    choices=(
        ("under_25", "Under 25"),
        ("25_34", "25 to 34"),
        ("35_44", "35 to 44"),
        ("45_54", "45 to 54"),
        ("55_64", "55 to 64"),
        ("65_over", "65 and over"),
        PNTS,
    ),
    optional=False,
)

SEXUAL_ORIENTATION = Characteristic(
    key="sexual_orientation",
    label="Sexual orientation",
    question="Which best describes your sexual orientation?",
    choices=(
        ("bisexual", "Bisexual"),
        ("gay_man", "Gay man"),
        ("gay_woman", "Gay woman or lesbian"),
        ("heterosexual", "Heterosexual"),
        ("other", "Other sexual orientation"),
        PNTS,
    ),
    optional=True,
)

RELIGION = Characteristic(
    key="religion",
    label="Religion or belief",
    question="What is your religion or belief?",
    choices=(
        ("none", "No religion"),
        ("buddhist", "Buddhist"),
        ("christian", "Christian"),
        ("hindu", "Hindu"),
        ("jewish", "Jewish"),
        ("muslim", "Muslim"),
        ("sikh", "Sikh"),
        ("spiritual", "Spiritual"),
        ("other", "Any other religion or belief"),
        PNTS,
    ),
    optional=True,
)

GENDER_IDENTITY = Characteristic(
    key="gender_identity",
    label="Gender identity",
    question="Is your gender identity the same as the sex you were registered at birth?",
    choices=(("yes", "Yes"), ("no", "No"), PNTS),
    optional=True,
)

CARING = Characteristic(
    key="caring",
    label="Caring responsibilities",
    question="Do you look after, or give help or support to, anyone because of their long-term "
    "physical or mental ill-health, disability or problems related to old age, or care for children?",
    choices=(("yes", "Yes"), ("no", "No"), PNTS),
    optional=True,
)

ALL: tuple[Characteristic, ...] = (
    SEX,
    ETHNICITY,
    DISABILITY,
    AGE_BAND,
    SEXUAL_ORIENTATION,
    RELIGION,
    GENDER_IDENTITY,
    CARING,
)
BY_KEY = {characteristic.key: characteristic for characteristic in ALL}
OPTIONAL = tuple(c for c in ALL if c.optional)
