"""Sections of the staff profile page that other apps fill, so people never imports them.

A feature app registers, in its `dashboard.py` (imported at start-up like its panels):

    from people.sections import ProfileSection, profile_section

    @profile_section("programmes.completed", order=10)
    def completed_programmes(profile):
        return ProfileSection(
            title="Completed programmes",
            items=[f"{a.cohort.programme}, {a.cohort.name}" for a in selectors.completed_programmes(profile)],
        )

`fn(profile) -> ProfileSection | None` is called for the profile on show (already fetched
for the viewer inside their institution); a section with no items is not shown. Registering
a key again replaces the earlier function, so a re-import never shows a section twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class ProfileSection:
    """A heading and a list of lines, or a template of the app's own with its context."""

    title: str
    items: list[str] = field(default_factory=list)
    template: str = "people/sections/list.html"
    context: dict[str, Any] = field(default_factory=dict)


_sections: dict[str, tuple[int, Callable[[Any], ProfileSection | None]]] = {}


def profile_section(key: str, order: int = 50) -> Callable:
    """Register `fn(profile) -> ProfileSection | None` as a section of the profile page."""

    def register(fn: Callable[[Any], ProfileSection | None]) -> Callable[[Any], ProfileSection | None]:
        _sections[key] = (order, fn)
        return fn

    return register


def sections_for(profile: Any) -> list[ProfileSection]:
    sections = []
    for _, fn in sorted(_sections.values(), key=lambda entry: entry[0]):
        section = fn(profile)
        if section is not None and (section.items or section.template != ProfileSection.template):
            sections.append(section)
    return sections
