"""The versioned guidance for staff and managers on levy-funded apprenticeships (1C).

The pages live in the `guidance` app (versions, history, yearly review); this app only names
them and links to them. `demo.py` writes their first versions with `guidance.services.ensure_page`.
"""

from django.urls import NoReverseMatch, reverse

STAFF = ("apprenticeships-staff", "Apprenticeships for staff: who can apply, the levy and the time it takes")
MANAGERS = ("apprenticeships-managers", "Apprenticeships: guidance for line managers")
PAGES = (STAFF, MANAGERS)


def links() -> list[tuple[str, str]]:
    """(title, url) of each guidance page."""
    found = []
    for slug, title in PAGES:
        try:
            found.append((title, reverse("guidance:page", args=[slug])))
        except NoReverseMatch:  # the guidance app is not installed yet
            continue
    return found
