from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core import exports, portal, privacy
from core.access import allowed, require
from core.forms import add_service_errors
from core.reauth import reauthentication_required

from . import roles, selectors, services, services_privacy, services_staff_import
from .filters import AuditFilter, DirectoryFilter
from .forms import (
    ManagerAnswerForm,
    OnboardingForm,
    OwnProfileForm,
    StaffImportConfirmForm,
    StaffImportForm,
    StaffRecordForm,
)
from .models import CONFIRM_REFUSAL, Celebration
from .rules import require_edit_staff_record, require_export_staff_list, require_import_staff, require_subject_access
from .sections import sections_for

DIRECTORY_PAGE_SIZE = 25


@login_required
def home(request):
    profile = getattr(request.user, "profile", None)
    if profile is None:
        elsewhere = portal.home_for(request.user)
        if elsewhere:
            return redirect(elsewhere)
    return render(
        request,
        "people/home.html",
        {"profile": profile, "panels": portal.panels_for(request) if profile else []},
    )


@login_required
def directory(request):
    profile = roles.require_profile(request.user)
    queryset = selectors.staff_visible_to(request.user).current()
    staff_filter = DirectoryFilter(request.GET, queryset=queryset, institution=profile.institution)
    page = selectors.directory_page(staff_filter.qs, request.GET.get("page"), DIRECTORY_PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "people/directory.html",
        {
            "filter": staff_filter,
            "page": page,
            "query": query.urlencode(),
            "can_download": allowed(request.user, "people.export_staff_list"),
        },
    )


@login_required
@reauthentication_required
def staff_list_csv(request):
    """HR's staff list as the staff import reads it, streamed (the decorator puts the download in
    the audit log)."""
    profile = roles.require_profile(request.user)
    require_export_staff_list(request.user)
    return exports.csv_response(
        selectors.staff_list_rows(profile.institution),
        filename=f"staff-{profile.institution.slug}-{timezone.localdate():%Y-%m-%d}.csv",
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


# --- Importing the staff list (HR) ------------------------------------------------------------

IMPORT_BAD_ROWS_PAGE_SIZE = 100


@login_required
def import_upload(request):
    profile = roles.require_profile(request.user)
    require_import_staff(request.user)
    form = StaffImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services_staff_import.staff_import_start(
                institution=profile.institution, by=request.user, upload=form.cleaned_data["file"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(batch)
    recent = selectors.imports_of(profile.institution)[:10]
    return render(
        request,
        "people/import_upload.html",
        {"form": form, "recent": recent, "headings": services_staff_import.TEMPLATE_HEADINGS},
    )


@login_required
def import_detail(request, pk):
    require_import_staff(request.user)
    batch = selectors.get_import_for_user(request.user, pk)
    if batch.stage == batch.Stage.IMPORTING and not batch.has_failed:
        batch.progress = services_staff_import.written_progress(batch)
    bad = Paginator(selectors.bad_rows_of(batch), IMPORT_BAD_ROWS_PAGE_SIZE).get_page(request.GET.get("page"))
    template = "people/import_progress.html" if request.htmx else "people/import_detail.html"
    return render(request, template, {"batch": batch, "bad": bad, "form": StaffImportConfirmForm()})


@login_required
@require_POST
def import_confirm(request, pk):
    require_import_staff(request.user)
    batch = selectors.get_import_for_user(request.user, pk)
    form = StaffImportConfirmForm(request.POST)
    form.is_valid()
    try:
        services_staff_import.staff_import_confirm(
            batch=batch, by=request.user, invite=form.cleaned_data.get("invite", False)
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Writing the {batch.good_count} good rows; this page shows the progress.")
    return redirect(batch)


# --- Subject access and erasure (HR) ----------------------------------------------------------


@login_required
def personal_data(request):
    """Find a person to export or erase; the leavers whose retention period has ended."""
    profile = roles.require_profile(request.user)
    require_import_staff(request.user)  # HR only, like the import
    query = request.GET.get("q", "").strip()[:200]
    found = selectors.people_matching(profile.institution, query)[:20] if query else []
    due = selectors.erasure_due(profile.institution)
    page = Paginator(due, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "people/personal_data.html",
        {"query": query, "found": found, "due": page, "retention_days": settings.PERSONAL_DATA_RETENTION_DAYS},
    )


@login_required
def personal_data_person(request, pk):
    roles.require_profile(request.user)
    profile = selectors.get_profile_for_user(request.user, pk)
    require_subject_access(request.user, profile)
    return render(
        request,
        "people/personal_data_person.html",
        {
            "person": profile,
            "erasable_from": services_privacy.erasable_from(profile),
            "erased": services_privacy.is_erased(profile),
            "today": timezone.localdate(),
        },
    )


@login_required
@reauthentication_required
def personal_data_export(request, pk, fmt):
    """The person's data as JSON or CSV; confirm it is you first, and the export is audited."""
    roles.require_profile(request.user)
    profile = selectors.get_profile_for_user(request.user, pk)
    require_subject_access(request.user, profile)
    if fmt not in ("json", "csv"):
        raise Http404("Choose JSON or CSV.")
    subject = services_privacy.subject_of(profile)
    name = f"personal-data-{profile.pk}.{fmt}"
    if fmt == "json":
        response = HttpResponse(privacy.export_json(subject), content_type="application/json")
    else:
        response = StreamingHttpResponse(privacy.export_csv_lines(subject), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def personal_data_erase(request, pk):
    roles.require_profile(request.user)
    profile = selectors.get_profile_for_user(request.user, pk)
    require_subject_access(request.user, profile)
    try:
        services_privacy.person_erase(profile=profile, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The leaver's personal data was erased; their records still count in every report.")
    return redirect("people:personal_data_person", pk=profile.pk)
