"""Demo data for the API: the token ICR's staff intranet uses to show the published figures.

The institution administrator (admin@icr.ac.uk), made it for the intranet's
figures page with the one scope it needs (read_figures). Its secret was shown once and is not
kept, so the demo shows a token as it stands after that moment: on People › API tokens, with
who made it and no calls yet. Idempotent: found by its name among the live tokens.
"""

from . import services
from .models import Scope, ServiceToken

NAME = "Staff intranet figures page"
MADE_BY = "admin@icr.ac.uk"


def seed(context):
    admin = context.accounts.get(MADE_BY)
    if admin is None:
        return
    live = ServiceToken.objects.for_institution(context.institution).live()
    if not live.filter(name=NAME).exists():
        services.token_create(institution=context.institution, name=NAME, scopes=[Scope.READ_FIGURES], by=admin.user)
    context.lines.append(f"API: the token “{NAME}” (read figures), made by {admin}.")
