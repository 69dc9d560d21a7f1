"""Guidance's navigation link."""

from core.portal import nav_link
from people import roles

nav_link("Guidance", "guidance:index", roles.has_profile, order=83, menu="People")
