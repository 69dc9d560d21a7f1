"""How apps put their panels on the home dashboard and their links in the navigation.

Each app registers in its own `dashboard.py` (imported at start-up by `core`), so the home page and
the base template never import another app's views.
"""

from dataclasses import dataclass, field

_panels: list = []
_nav_links: list = []
_homes: list = []


@dataclass
class Panel:
    """A dashboard card: a title, a template to include and its context."""

    title: str
    template: str
    context: dict = field(default_factory=dict)
    empty_text: str = ""
    order: int = 50


@dataclass(frozen=True)
class NavLink:
    label: str
    url_name: str
    visible: object  # callable(user) -> bool
    order: int = 50
    menu: str = ""  # links with the same menu are grouped in a dropdown


def dashboard_panel(order=50):
    """Register `fn(request) -> Panel | None` as a home dashboard panel."""

    def register(fn):
        _panels.append((order, fn))
        return fn

    return register


def nav_link(label, url_name, visible, order=50, menu=""):
    _nav_links.append(NavLink(label, url_name, visible, order, menu))


def panels_for(request):
    panels = []
    for order, fn in sorted(_panels, key=lambda item: item[0]):
        panel = fn(request)
        if panel is not None:
            panel.order = order
            panels.append(panel)
    return panels


def nav_links_for(user):
    return [link for link in sorted(_nav_links, key=lambda link: link.order) if link.visible(user)]


def home_page(fn):
    """Register `fn(user) -> url | None`: where the home page sends an account with no staff record
    (someone who acts for an institution from outside, such as a training provider's assessor)."""
    _homes.append(fn)
    return fn


def home_for(user):
    for fn in _homes:
        url = fn(user)
        if url:
            return url
    return None
