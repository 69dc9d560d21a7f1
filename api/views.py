"""The institution administrator's API token pages, and the API's documentation page."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core.forms import add_service_errors
from core.reauth import require_reauthentication
from people import roles

from . import rules, selectors, services
from .forms import TokenForm
from .models import Scope
from .problems import TITLES


@login_required
def tokens(request):
    roles.require_profile(request.user)
    rules.require_manage_tokens(request.user)
    return render(request, "api/tokens.html", {"tokens": selectors.tokens_of(request.user)})


@login_required
def token_create(request):
    """Making a token hands out access to staff data: confirm it is you first (as exports do)."""
    profile = roles.require_profile(request.user)
    rules.require_manage_tokens(request.user)
    require_reauthentication(request)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = services.token_create(
                institution=profile.institution,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            # Shown once, on this response only: never stored, never in a redirect or the session.
            response = render(request, "api/token_created.html", {"token": token, "secret": secret})
            response["Cache-Control"] = "no-store"
            return response
    return render(request, "api/token_form.html", {"form": form})


@login_required
def token_detail(request, pk):
    roles.require_profile(request.user)
    rules.require_manage_tokens(request.user)
    token = selectors.get_token_for_user(request.user, pk)
    return render(request, "api/token_detail.html", {"token": token, "calls": selectors.recent_calls(token)})


@login_required
@require_POST
def token_revoke(request, pk):
    roles.require_profile(request.user)
    token = selectors.get_token_for_user(request.user, pk)
    rules.require_revoke(request.user, token)
    services.token_revoke(token=token, by=request.user)
    messages.success(request, f"“{token.name}” is revoked: calls with it are refused from now on.")
    return redirect("api:tokens")


def docs(request):
    """The API's documentation in the portal's layout: every endpoint, its scope and a curl example."""
    return render(
        request,
        "api/docs.html",
        {
            "scopes": Scope.choices,
            "problems": [(status, slug, title) for status, (slug, title) in TITLES.items()],
            "max_body": f"{settings.API_MAX_BODY:,} bytes",
            "rate_limit": settings.API_RATE_LIMIT.replace("/", " calls per "),
        },
    )
