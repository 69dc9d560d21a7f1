"""Deciding "a PhD (or a degree) or equivalent": a pure function over a person's facts.

The criteria of a grade say which qualification it asks for and what counts in its place: years
of relevant experience, a professional registration (by register code, e.g. RSci), or a
completed programme (by name, e.g. Ignite). `decide(requirement, facts)` answers whether the
person meets it, and why, in words the person reads on the criteria page ("You hold RSci, which
the criteria accept as equivalent."). No queries: `facts.gather` loads the facts once for many
people, and tests hand-make them.

The routes are tried in the order a panel would: the qualification itself, then registration,
then a completed programme, then experience; the first that holds is the one named.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from .models import Qualification, QualificationAsked

RANK = {value: index for index, value in enumerate(Qualification.values)}
ASKED_MEANS = {QualificationAsked.DEGREE: Qualification.DEGREE, QualificationAsked.PHD: Qualification.PHD}
HELD_WORDS = {
    Qualification.DEGREE: "a bachelor's degree",
    Qualification.MASTERS: "a master's degree",
    Qualification.PHD: "a PhD or other doctorate",
}
ASKED_WORDS = {QualificationAsked.DEGREE: "a degree", QualificationAsked.PHD: "a PhD"}


@dataclass(frozen=True)
class HeldRegistration:
    """A professional registration the person holds (the registration app's shape)."""

    code: str  # e.g. "RSci"
    name: str  # e.g. "Registered Scientist"
    level: int  # the register's order on its ladder
    registered_on: date


@dataclass(frozen=True)
class CompletedProgramme:
    name: str
    completed_on: date | None


@dataclass(frozen=True)
class Facts:
    """What the portal knows of one person that counts towards "or equivalent"."""

    qualification: str = Qualification.NONE
    years_experience: Decimal = Decimal(0)
    registrations: tuple[HeldRegistration, ...] = field(default_factory=tuple)
    programmes: tuple[CompletedProgramme, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Requirement:
    """A grade's qualification rule and the equivalents it accepts."""

    asked: str = QualificationAsked.NOTHING
    years: int | None = None
    registrations: tuple[str, ...] = ()
    programmes: tuple[str, ...] = ()

    @classmethod
    def of(cls, criteria) -> Requirement:
        return cls(
            asked=criteria.qualification_asked,
            years=criteria.equivalent_years,
            registrations=criteria.registration_codes,
            programmes=criteria.programme_names,
        )

    def in_words(self) -> str:
        """e.g. 'a PhD, or 6 years of relevant experience, or registration as RSci or CSci'."""
        if self.asked == QualificationAsked.NOTHING:
            return "no particular qualification"
        routes = [ASKED_WORDS[QualificationAsked(self.asked)]]
        if self.years is not None:
            routes.append(f"{self.years} years of relevant experience")
        if self.registrations:
            routes.append(f"registration as {_either(self.registrations)}")
        if self.programmes:
            routes.append(f"completing {_either(self.programmes)}")
        return ", or ".join(routes)


@dataclass(frozen=True)
class Decision:
    met: bool
    route: str  # "qualification", "registration", "programme", "experience", "not_asked" or "" when not met
    reason: str


def _either(names: tuple[str, ...]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def _years(value: Decimal) -> str:
    shown = value.quantize(Decimal("0.1"))
    return f"{shown.normalize():f} year{'' if shown == 1 else 's'}"


def decide(requirement: Requirement, facts: Facts) -> Decision:
    """Whether `facts` meet `requirement`'s qualification rule, and why, in the person's words."""
    if requirement.asked == QualificationAsked.NOTHING:
        return Decision(True, "not_asked", "The criteria ask for no particular qualification.")
    asked = ASKED_WORDS[QualificationAsked(requirement.asked)]
    if RANK[facts.qualification] >= RANK[ASKED_MEANS[QualificationAsked(requirement.asked)]]:
        held = HELD_WORDS[Qualification(facts.qualification)]
        return Decision(True, "qualification", f"You hold {held}, which meets “{asked} or equivalent”.")
    wanted = {code.casefold() for code in requirement.registrations}
    for registration in sorted(facts.registrations, key=lambda r: (-r.level, r.code)):
        if registration.code.casefold() in wanted:
            return Decision(
                True,
                "registration",
                f"You hold {registration.code}, which the criteria accept as equivalent to {asked}.",
            )
    accepted = {name.casefold() for name in requirement.programmes}
    for programme in facts.programmes:
        if programme.name.casefold() in accepted:
            return Decision(
                True,
                "programme",
                f"You completed {programme.name}, which the criteria accept as equivalent to {asked}.",
            )
    if requirement.years is not None and facts.years_experience >= requirement.years:
        return Decision(
            True,
            "experience",
            f"You have {_years(facts.years_experience)} of relevant experience; the criteria accept "
            f"{requirement.years} as equivalent to {asked}.",
        )
    return Decision(
        False,
        "",
        f"The criteria ask for {requirement.in_words()}. Your records show "
        f"{_years(facts.years_experience)} of relevant experience"
        + (f" and {', '.join(r.code for r in facts.registrations)}" if facts.registrations else "")
        + ". If you hold a qualification the portal does not know, add it on the promotions page.",
    )
