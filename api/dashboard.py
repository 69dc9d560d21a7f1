from core.access import allowed
from core.portal import nav_link

nav_link("API tokens", "api:tokens", lambda user: allowed(user, "api.manage_tokens"), order=88, menu="People")
