from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core import portal
from core.access import allowed, require
from core.forms import add_service_errors

from . import roles, selectors, services
from .filters import AuditFilter, DirectoryFilter
from .forms import ManagerAnswerForm, OnboardingForm, OwnProfileForm, StaffRecordForm
from .models import CONFIRM_REFUSAL, Celebration
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
    can_see_history = allowed(request.user, "people.see_career_history", profile)
    return render(
        request,
        "people/profile_detail.html",
        {
            "rows": selectors.career_history(profile) if can_see_history else None,
            "profile": profile,
            "reports": selectors.reports_of(profile),
            "sections": sections_for(profile),
            "can_edit_own": request.user.has_perm("people.edit_own_profile", profile),
            "can_edit_record": request.user.has_perm("people.edit_staff_record", profile),
            "can_see_history": can_see_history,
            "pending": selectors.pending_confirmation_of(profile) if profile.line_manager_id is None else None,
        },
    )


@login_required
def career_history(request, pk):
    roles.require_profile(request.user)
    profile = selectors.get_profile_for_user(request.user, pk)
    require(
        request.user,
        "people.see_career_history",
        profile,
        message="Only the person, their line manager and HR can see a career history.",
    )
    can_see_audit = allowed(request.user, "people.edit_staff_record", profile)
    return render(
        request,
        "people/career_history.html",
        {
            "profile": profile,
            "rows": selectors.career_history(profile),
            "audit": list(selectors.audit_of(profile)[:50]) if can_see_audit else None,
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
        try:
            services.staff_record_save(
                profile=profile,
                form=form,
                by=request.user,
                cause=form.cleaned_data["cause"],
                effective_date=form.cleaned_data["effective_date"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{profile}'s staff record is saved.")
            return redirect(profile)
    return render(request, "people/profile_edit.html", {"form": form, "profile": profile, "own": False})


# --- Onboarding and the line manager's confirmation -------------------------------------------


@login_required
def onboarding(request):
    """Ask for what the person's record lacks (job family, grade, division, line manager)."""
    profile = roles.require_profile(request.user)
    pending = selectors.pending_confirmation_of(profile) if profile.line_manager_id is None else None
    form = OnboardingForm(request.POST or None, profile=profile)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.onboarding_complete(
                profile=profile,
                by=request.user,
                job_family=data.get("job_family"),
                grade=data.get("grade"),
                division=data.get("division"),
                manager=data.get("manager"),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if data.get("manager"):
                messages.success(
                    request, f"Your record is saved. {data['manager']} is asked to confirm that you report to them."
                )
            else:
                messages.success(request, "Your record is saved.")
            return redirect("home")
    return render(request, "people/onboarding.html", {"form": form, "profile": profile, "pending": pending})


@login_required
@require_POST
def confirmation_answer(request, pk):
    """The named line manager (or HR) answers "Is Alex Morgan your report?"."""
    roles.require_profile(request.user)
    confirmation = selectors.get_confirmation_for_user(request.user, pk)
    require(request.user, "people.answer_manager_confirmation", confirmation, message=CONFIRM_REFUSAL)
    form = ManagerAnswerForm(request.POST)
    if form.is_valid():
        confirm = form.cleaned_data["answer"] == "confirm"
        try:
            services.manager_confirmation_answer(
                confirmation=confirmation, by=request.user, confirm=confirm, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if confirm:
                messages.success(request, f"Confirmed: {confirmation.person} reports to {confirmation.manager}.")
            else:
                messages.success(request, f"Declined: {confirmation.person} is asked to name their line manager again.")
    else:
        messages.error(request, "Choose whether this person reports to you.")
    # HR answering for someone else goes back to the list; the named manager, to their dashboard.
    answered_for_someone_else = confirmation.manager.user_id != request.user.pk
    return redirect("people:confirmations" if answered_for_someone_else else "home")


@login_required
def confirmations(request):
    """HR's list of line managers waiting to confirm, with the same answer buttons."""
    roles.require_profile(request.user)
    if not roles.is_hr(request.user):
        raise PermissionDenied("Only HR can see every confirmation waiting.")
    return render(
        request,
        "people/confirmations.html",
        {"confirmations": list(selectors.confirmations_for_hr(request.user)), "form": ManagerAnswerForm()},
    )


CELEBRATIONS_PAGE_SIZE = 20


@login_required
def celebrations(request):
    """The institution's celebrations that their people agreed to share."""
    roles.require_profile(request.user)
    kind = request.GET.get("kind") or None
    if kind not in Celebration.Kind.values:
        kind = None
    page = Paginator(selectors.celebrations(kind=kind), CELEBRATIONS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "people/celebrations.html",
        {"page": page, "kinds": Celebration.Kind.choices, "kind": kind, "query": f"kind={kind}" if kind else ""},
    )


@login_required
def celebrations_mine(request):
    """The viewer's own achievements: publish or not, and change their mind."""
    profile = roles.require_profile(request.user)
    return render(request, "people/celebrations_mine.html", {"celebrations": selectors.celebrations_of(profile)})


@login_required
@require_POST
def celebration_consent(request, pk):
    celebration = selectors.get_own_celebration(request.user, pk)
    publish = request.POST.get("publish") == "yes"
    services.celebration_consent_set(celebration=celebration, by=request.user, publish=publish)
    if publish:
        messages.success(request, f"“{celebration.title}” is shared with colleagues on the home page.")
    else:
        messages.success(request, f"“{celebration.title}” is not published.")
    return redirect("people:celebrations_mine")


AUDIT_PAGE_SIZE = 50


@login_required
def audit_log(request):
    """Decisions, role changes, exports of personal data, imports and record changes (16)."""
    roles.require_profile(request.user)
    require(request.user, "people.see_audit_log", message="Only institution administrators see the audit log.")
    events = selectors.audit_events()
    audit_filter = AuditFilter(request.GET, queryset=events)
    page = Paginator(audit_filter.qs, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "people/audit_log.html", {"filter": audit_filter, "page": page, "query": query.urlencode()})
