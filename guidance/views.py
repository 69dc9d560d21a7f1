from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone

from core.access import allowed
from core.forms import add_service_errors
from people import roles

from . import selectors, services
from .forms import PageForm, ReviewForm, VersionForm
from .rules import require_edit


@login_required
def index(request):
    roles.require_profile(request.user)
    return render(
        request,
        "guidance/index.html",
        {"pages": selectors.pages(), "can_edit": allowed(request.user, "guidance.edit_page")},
    )


@login_required
def page(request, slug):
    roles.require_profile(request.user)
    view = selectors.page_view(slug)
    return render(
        request,
        "guidance/page.html",
        {"view": view, "page": view.page, "can_edit": allowed(request.user, "guidance.edit_page", view.page)},
    )


@login_required
def version(request, slug, number):
    roles.require_profile(request.user)
    found = selectors.version(slug, number)
    return render(request, "guidance/version.html", {"version": found, "page": found.page})


@login_required
def page_create(request):
    profile = roles.require_profile(request.user)
    require_edit(request.user)
    form = PageForm(request.POST or None, institution=profile.institution)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.create_page(
                institution=profile.institution,
                slug=data["slug"],
                title=data["title"],
                summary=data["summary"],
                owner=data["owner"],
                body=data["body"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"“{created.title}” is published.")
            return redirect(created)
    return render(request, "guidance/form.html", {"form": form, "title": "New guidance page", "back": None})


@login_required
def version_create(request, slug):
    roles.require_profile(request.user)
    found = selectors.page(slug)
    require_edit(request.user, found)
    audience = request.GET.get("audience", "everyone")
    latest = found.versions.filter(audience=audience).order_by("-number").first()
    initial = {"effective_from": timezone.localdate(), "audience": audience, "body": latest.body if latest else ""}
    form = VersionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        created = services.publish_version(page=found, by=request.user, **form.cleaned_data)
        messages.success(request, f"Version {created.number} is published.")
        return redirect(found)
    return render(request, "guidance/form.html", {"form": form, "title": f"New version of {found}", "back": found})


@login_required
def review_create(request, slug):
    roles.require_profile(request.user)
    found = selectors.page(slug)
    require_edit(request.user, found)
    form = ReviewForm(request.POST or None, initial={"reviewed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_review(page=found, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The review is recorded.")
            return redirect(found)
    return render(request, "guidance/form.html", {"form": form, "title": f"Record a review of {found}", "back": found})
