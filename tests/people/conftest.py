import pytest

from people import sections


@pytest.fixture
def programmes_profile_section():
    """The profile section programmes registers in its dashboard.py (the same key, so registering
    here changes nothing once programmes does; until then the page test still sees it)."""
    from programmes import selectors

    saved = dict(sections._sections)

    @sections.profile_section("programmes.completed", order=10)
    def completed_programmes(profile):
        return sections.ProfileSection(
            title="Completed programmes",
            items=[f"{a.cohort.programme}, {a.cohort.name}" for a in selectors.completed_programmes(profile)],
        )

    yield
    sections._sections.clear()
    sections._sections.update(saved)
