"""The report catalogue's one navigation link, under People (HR and programme managers)."""

from core.access import allowed
from core.portal import nav_link

nav_link("Reports", "reports:index", lambda user: allowed(user, "reports.see_catalogue"), order=86, menu="People")
