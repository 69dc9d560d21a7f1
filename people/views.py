from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from core import portal

from . import roles, selectors, services
from .filters import DirectoryFilter
from .forms import OwnProfileForm, StaffRecordForm
from .rules import require_edit_staff_record
from .sections import sections_for

DIRECTORY_PAGE_SIZE = 25


@login_required
def home(request):
    profile = getattr(request.user, "profile", None)
    return render(
        request,
        "people/home.html",
        {"profile": profile, "panels": portal.panels_for(request) if profile else []},
    )


@login_required
def directory(request):
    profile = roles.require_profile(request.user)
    queryset = selectors.staff_visible_to(request.user).current().with_directory_details()
    staff_filter = DirectoryFilter(request.GET, queryset=queryset, institution=profile.institution)
    page = Paginator(staff_filter.qs, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "people/directory.html",
        {"filter": staff_filter, "page": page, "query": query.urlencode()},
    )


@login_required
def profile_detail(request, pk):
    roles.require_profile(request.user)
    profile = selectors.get_profile_for_user(request.user, pk)
    return render(
        request,
        "people/profile_detail.html",
        {
            "profile": profile,
            "reports": selectors.reports_of(profile),
            "sections": sections_for(profile),
            "can_edit_own": request.user.has_perm("people.edit_own_profile", profile),
            "can_edit_record": request.user.has_perm("people.edit_staff_record", profile),
        },
    )


@login_required
def profile_edit_own(request):
    profile = roles.require_profile(request.user)
    form = OwnProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        services.profile_update(profile=profile, form=form)
        messages.success(request, "Your profile is saved.")
        return redirect(profile)
    return render(request, "people/profile_edit.html", {"form": form, "profile": profile, "own": True})


@login_required
def staff_record_edit(request, pk):
    roles.require_profile(request.user)
    profile = selectors.get_profile_for_user(request.user, pk)
    require_edit_staff_record(request.user, profile)
    form = StaffRecordForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        services.profile_update(profile=profile, form=form)
        messages.success(request, f"{profile}'s staff record is saved.")
        return redirect(profile)
    return render(request, "people/profile_edit.html", {"form": form, "profile": profile, "own": False})
