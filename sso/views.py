"""Where do you work? — the first step of signing in — and the pages that refuse a provider's word."""

from __future__ import annotations

from allauth.account.utils import get_next_redirect_url
from allauth.core.exceptions import ImmediateHttpResponse
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from people.models import EmailDomain

from . import selectors
from .forms import WhereForm

REASONS = {
    "domain": (
        "Your institution's sign-in cannot vouch for this address",
        "The identity provider you signed in with may only sign in staff with its own institution's e-mail "
        "addresses, and the address it gave belongs elsewhere. No account was created or changed. Sign in "
        "through your own institution under “Where do you work?”.",
    ),
    "no_email": (
        "Your institution's sign-in did not give an e-mail address",
        "TechCareers needs your work e-mail address to find your institution. No account was created. "
        "Ask your institution's IT team to release the e-mail attribute to TechCareers.",
    ),
    "left": (
        "Your institution says you have left",
        "Your institution's sign-in service reports that you no longer work there, so TechCareers cannot sign "
        "you in. Your institution's HR team has been told. If this is wrong, contact your HR team.",
    ),
    "replayed": (
        "This sign-in has already been used or was not started here",
        "The answer from your institution's sign-in service did not match a sign-in started in this browser, "
        "or it has been used once already. Nothing was created. Start again from the sign-in page.",
    ),
    "not_configured": (
        "This sign-in method is not in use",
        "TechCareers does not sign anyone in through this provider. Nothing was created.",
    ),
    "invalid": (
        "Your institution's sign-in could not be checked",
        "The answer from your institution's sign-in service was not valid for TechCareers (it may have "
        "expired, been unsigned, or been meant for another service). Nothing was created. Start again from "
        "the sign-in page; if it happens again, tell your institution's IT team the time it happened.",
    ),
}


def refusal(request: HttpRequest, reason: str, *, method_slug: str | None = None, detail: str = "") -> HttpResponse:
    title, body = REASONS.get(reason, REASONS["invalid"])
    method = selectors.method_by_slug(method_slug) if method_slug else None
    return render(
        request,
        "sso/refused.html",
        {"title": title, "body": body, "reason": reason, "method": method, "detail": detail},
        status=403,
    )


REAUTHENTICATE = "reauthenticate"


@login_required
@require_http_methods(["GET", "POST"])
def reauthenticate(request: HttpRequest) -> HttpResponse:
    """Confirm it is you (before exporting personal data) by signing in again at your institution's provider."""
    method = selectors.method_of_user(request.user)
    if method is None or method.social_app is None:
        raise Http404("You do not sign in through an institution's provider.")
    next_url = get_next_redirect_url(request) or "/"
    if request.method == "POST":
        provider = method.social_app.get_provider(request)
        try:
            return provider.redirect(request, "login", next_url=next_url, data={REAUTHENTICATE: True})
        except ImmediateHttpResponse as error:
            return error.response
    return render(request, "sso/reauthenticate.html", {"method": method, "next": next_url})


@require_http_methods(["GET", "POST"])
def where(request: HttpRequest) -> HttpResponse:
    """Send a person to their institution's provider, or to the password form where it is allowed."""
    institutions = selectors.institutions_with_sign_in()
    form = WhereForm(request.POST if request.method == "POST" else None, institutions=institutions, prefix="where")
    next_url = get_next_redirect_url(request) or ""
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data.get("email") or ""
        method = None
        if email:
            method = selectors.method_for_email(email)
            if method is None and EmailDomain.institution_for_email(email) is None:
                form.add_error(
                    "email",
                    "TechCareers does not serve this e-mail domain. Use your work e-mail address at a member "
                    "institution.",
                )
        else:
            method = selectors.method_for_institution(form.cleaned_data["institution"])
        if not form.errors:
            if method is None:
                # This institution signs its staff in with TechCareers passwords.
                query = {"email": email} if email else {}
                if next_url:
                    query["next"] = next_url
                messages.info(request, "Your institution signs in with a TechCareers password: enter it below.")
                return redirect(f"{reverse('account_login')}?{urlencode(query)}#password")
            provider = method.social_app.get_provider(request)
            try:
                return provider.redirect(request, "login", next_url=next_url or None)
            except ImmediateHttpResponse as error:
                return error.response
    return render(request, "sso/where.html", {"form": form, "institutions": institutions, "next": next_url})
