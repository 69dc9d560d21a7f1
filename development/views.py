from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core import text
from core.access import allowed
from core.exports import csv_response
from core.forms import add_service_errors
from exchange.selectors import development_records_for
from people import roles
from people.selectors import manager_problem

from . import rules, selectors, services
from .forms import (
    CompleteForm,
    DecisionForm,
    DelegateForm,
    GuidanceForm,
    ImportChoiceForm,
    ImportForm,
    OverrideFormSet,
    PolicyForm,
    RecordForm,
    ReportYearForm,
    RequestForm,
)
from .models import AllowanceOverride, AllowancePolicy, DevelopmentRequest, GuidanceVersion

State = DevelopmentRequest.State
RECORDS_PAGE_SIZE = 25


# --- The technician's pages ------------------------------------------------------------------


@login_required
def mine(request):
    profile = roles.require_profile(request.user)
    policy = selectors.policy_for(profile.institution)
    today = timezone.localdate()
    requests = list(selectors.requests_of(profile))
    return render(
        request,
        "development/mine.html",
        {
            "allowance": selectors.allowance_for(profile, policy=policy, today=today),
            "cpd": selectors.cpd_hours_by_category(profile, start=today - timedelta(days=364)),
            "policy": policy,
            "upcoming": [r for r in requests if r.state == State.APPROVED and r.end_date >= today],
            "waiting": [r for r in requests if r.state in (State.SUBMITTED, State.CHANGES_REQUESTED)],
            "to_record": [r for r in requests if r.state == State.APPROVED and r.start_date <= today],
            "requests": requests,
            "records": Paginator(selectors.records_of(profile), RECORDS_PAGE_SIZE).get_page(request.GET.get("page")),
            # The exchange pilot's reflections count as development records too (4A).
            "exchange_records": development_records_for(profile),
        },
    )


@login_required
def request_create(request):
    profile = roles.require_profile(request.user)
    form = RequestForm(request.POST or None, person=profile)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.request_create(person=profile, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your request is sent to your line manager.")
            return redirect(created)
    return render(
        request,
        "development/request_form.html",
        {"form": form, "profile": profile, "manager_problem": manager_problem(profile)},
    )


@login_required
def request_edit(request, pk):
    roles.require_profile(request.user)
    development_request = selectors.get_request_for_user(request.user, pk)
    rules.require_change_request(request.user, development_request)
    if not development_request.is_editable:
        messages.error(request, "This request can no longer be changed.")
        return redirect(development_request)
    form = RequestForm(request.POST or None, instance=development_request, person=development_request.person)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_update(request=development_request, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your request is saved and sent to your line manager.")
            return redirect(development_request)
    return render(
        request,
        "development/request_form.html",
        {"form": form, "object": development_request, "manager_problem": manager_problem(development_request.person)},
    )


def _confirmed_if_past_allowance(form, development_request):
    """An approval past the person's minimum needs the manager's tick; say so beside the box."""
    if form.cleaned_data["decision"] != State.APPROVED or form.cleaned_data["past_allowance_confirmed"]:
        return True
    over = selectors.past_allowance([development_request])
    if not over:
        return True
    row = over[0]
    form.add_error(
        "past_allowance_confirmed",
        f"Approving this takes {row.person} to {text.days(row.after)} in {row.label}, past their minimum of "
        f"{text.days(row.minimum)}. Tick the box to approve anyway.",
    )
    return False


@login_required
def request_detail(request, pk):
    profile = roles.require_profile(request.user)
    development_request = selectors.get_request_for_user(request.user, pk)
    is_owner = development_request.person_id == profile.pk
    may_decide = allowed(request.user, "development.decide_request", development_request)
    form = DecisionForm(request.POST or None) if may_decide else None
    if request.method == "POST":
        if not may_decide:
            rules.require_decide_request(request.user, development_request)
        if form is not None and form.is_valid() and _confirmed_if_past_allowance(form, development_request):
            try:
                services.request_decide(
                    request=development_request,
                    by=request.user,
                    decision=form.cleaned_data["decision"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"The request is now {State(form.cleaned_data['decision']).label.lower()}.")
                return redirect(development_request)
    return render(
        request,
        "development/request_detail.html",
        {
            "object": development_request,
            "is_owner": is_owner,
            "form": form,
            "transitions": development_request.transitions.select_related("by"),
            "allowance": selectors.allowance_for(development_request.person) if may_decide else None,
            "record": getattr(development_request, "record", None)
            if development_request.state == State.COMPLETED
            else None,
            "can_complete": DevelopmentRequest.workflow.may(request.user, development_request, State.COMPLETED)
            and development_request.start_date <= timezone.localdate(),
        },
    )


@login_required
@require_POST
def request_cancel(request, pk):
    roles.require_profile(request.user)
    development_request = selectors.get_request_for_user(request.user, pk)
    try:
        services.request_cancel(request=development_request, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The request is cancelled; its days are free again.")
    return redirect(development_request)


@login_required
def request_complete(request, pk):
    roles.require_profile(request.user)
    development_request = selectors.get_request_for_user(request.user, pk)
    rules.require_complete_request(request.user, development_request)
    form = CompleteForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.request_complete(request=development_request, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Recorded: {record.days} days used.")
            return redirect(record)
    return render(request, "development/complete_form.html", {"form": form, "object": development_request})


@login_required
def record_create(request):
    profile = roles.require_profile(request.user)
    form = RecordForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.training_record_log(person=profile, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your training is recorded.")
            return redirect(record)
    return render(request, "development/record_form.html", {"form": form})


@login_required
def record_detail(request, pk):
    roles.require_profile(request.user)
    record = selectors.get_record_for_user(request.user, pk)
    return render(request, "development/record_detail.html", {"object": record})


@login_required
def record_edit(request, pk):
    roles.require_profile(request.user)
    record = selectors.get_record_for_user(request.user, pk)
    rules.require_change_record(request.user, record)
    form_class = RecordForm if record.source == record.Source.LOGGED else CompleteForm
    form = form_class(request.POST or None, request.FILES or None, instance=record)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        evidence = data.pop("evidence", None)
        # An unchanged file field hands back the stored file: only a new upload replaces it.
        evidence = evidence if isinstance(evidence, UploadedFile) else None
        try:
            services.training_record_update(record=record, by=request.user, evidence=evidence, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your record is saved.")
            return redirect(record)
    return render(request, "development/record_form.html", {"form": form, "object": record})


@login_required
@require_POST
def record_delete(request, pk):
    roles.require_profile(request.user)
    record = selectors.get_record_for_user(request.user, pk)
    services.training_record_delete(record=record, by=request.user)
    messages.success(request, f"“{record.title}” is deleted from your record.")
    return redirect("development:mine")


@login_required
def record_evidence(request, pk):
    """Send the evidence file; only to its owner, their manager and HR, never from a public URL."""
    roles.require_profile(request.user)
    record = selectors.get_record_for_user(request.user, pk)
    if not record.evidence:
        raise PermissionDenied("This record has no evidence.")
    extension = record.evidence.name.rsplit(".", 1)[-1]
    return FileResponse(
        record.evidence.open("rb"),
        content_type=record.evidence_type or "application/octet-stream",
        as_attachment=True,
        filename=f"evidence-{record.pk}.{extension}",
    )


@login_required
def records_export(request):
    profile = roles.require_profile(request.user)
    return csv_response(services.records_csv_rows(selectors.records_of(profile)), filename="my-training-records.csv")


# --- Managers ------------------------------------------------------------------------------


@login_required
def team(request):
    profile = roles.require_profile(request.user)
    waiting = list(selectors.waiting_for_decision(profile))
    rules.require_see_team(request.user, waiting=waiting)
    policy, year, reports = selectors.team_allowances(profile)
    return render(
        request,
        "development/team.html",
        {
            "reports": reports,
            "waiting": waiting,
            "year_label": policy.year_label(year),
            "below_pace": sum(1 for r in reports if r.allowance.below_pace),
        },
    )


@login_required
def person(request, pk):
    """One report's development, for their line manager or HR; the person themself sees their own page."""
    profile = roles.require_profile(request.user)
    someone = selectors.get_person_for_user(request.user, pk)
    if someone.pk == profile.pk:
        return redirect("development:mine")
    return render(
        request,
        "development/person.html",
        {
            "person": someone,
            "allowance": selectors.allowance_for(someone),
            "requests": list(selectors.requests_of(someone)),
            "records": Paginator(selectors.records_of(someone), RECORDS_PAGE_SIZE).get_page(request.GET.get("page")),
        },
    )


@login_required
@require_POST
def team_approve(request):
    roles.require_profile(request.user)
    ids = [int(pk) for pk in request.POST.getlist("request") if pk.isdigit()]
    if not ids:
        messages.error(request, "Tick the requests to approve.")
        return redirect("development:team")
    # Only the institution's requests can be named at all: another institution's id is a 404.
    if selectors.institution_requests(request.user.institution).filter(pk__in=ids).count() != len(set(ids)):
        raise Http404("Some of these requests do not exist.")
    if not request.POST.get("past_allowance_confirmed"):
        # Ask before approving past anyone's allowance: the manager may mean it, but must see it.
        chosen = [r for r in selectors.waiting_for_decision(request.user.profile) if r.pk in set(ids)]
        over = selectors.past_allowance(chosen)
        if over:
            return render(
                request,
                "development/team_confirm_past_allowance.html",
                {"over": over, "chosen": chosen},
            )
    try:
        approved = services.request_approve_many(request_ids=ids, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        detail = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        messages.error(request, f"{detail} Nothing was approved.")
    else:
        messages.success(request, f"Approved {len(approved)} request{'s' if len(approved) != 1 else ''}.")
    return redirect("development:team")


@login_required
def delegates(request):
    profile = roles.require_profile(request.user)
    rules.require_set_delegate(request.user)
    form = DelegateForm(request.POST or None, manager=profile)
    if request.method == "POST" and form.is_valid():
        try:
            services.delegate_set(manager=profile, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your delegate is set.")
            return redirect("development:delegates")
    given = profile.delegations_given.select_related("delegate__user").filter(ends_on__gte=timezone.localdate())
    return render(request, "development/delegates.html", {"form": form, "delegations": given})


@login_required
@require_POST
def delegate_remove(request, pk):
    roles.require_profile(request.user)
    delegation = selectors.get_delegation_for_user(request.user, pk)
    rules.require_end_delegation(request.user, delegation)
    services.delegate_end(delegation=delegation, by=request.user)
    messages.success(request, "The delegation is removed.")
    return redirect("development:delegates")


# --- The allowance policy ---


@login_required
def policy_edit(request):
    profile = roles.require_profile(request.user)
    rules.require_edit_policy(request.user)
    saved = AllowancePolicy.objects.filter(institution=profile.institution).first()
    policy = saved or AllowancePolicy(institution=profile.institution, minimum_days=5)
    form = PolicyForm(request.POST or None, instance=policy)
    overrides = OverrideFormSet(
        request.POST or None,
        instance=policy if saved else AllowancePolicy(),
        form_kwargs={"institution": profile.institution},
        queryset=AllowanceOverride.objects.filter(policy=saved) if saved else AllowanceOverride.objects.none(),
    )
    if request.method == "POST" and form.is_valid() and overrides.is_valid():
        services.policy_save(form=form, overrides=overrides)
        messages.success(request, "The development allowance policy is saved.")
        return redirect("development:policy")
    return render(request, "development/policy_form.html", {"form": form, "overrides": overrides})


# --- Guidance ------------------------------------------------------------------------------


@login_required
def guidance(request):
    profile = roles.require_profile(request.user)
    current = selectors.current_guidance(profile.institution)
    history = GuidanceVersion.objects.for_institution(profile.institution).select_related("created_by")
    return render(
        request,
        "development/guidance.html",
        {
            "staff_guidance": current["staff"],
            "manager_guidance": current["managers"],
            "history": history,
            "can_edit": allowed(request.user, "development.edit_guidance"),
            "policy": selectors.policy_for(profile.institution),
        },
    )


@login_required
def guidance_version(request, pk):
    roles.require_profile(request.user)
    version = selectors.get_guidance_for_user(request.user, pk)
    return render(request, "development/guidance_version.html", {"object": version})


@login_required
def guidance_create(request):
    profile = roles.require_profile(request.user)
    rules.require_edit_guidance(request.user)
    initial = {"effective_from": timezone.localdate(), "audience": request.GET.get("audience", "staff")}
    latest = GuidanceVersion.objects.for_institution(profile.institution).filter(audience=initial["audience"]).first()
    if latest:
        initial.update(title=latest.title, body=latest.body)
    form = GuidanceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        version = services.guidance_publish(institution=profile.institution, by=request.user, **form.cleaned_data)
        messages.success(request, "The new version is published.")
        return redirect(version)
    return render(request, "development/guidance_form.html", {"form": form})


# --- Importing internal training -------------------------------------------------------------


@login_required
def import_upload(request):
    profile = roles.require_profile(request.user)
    rules.require_see_reports(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.training_import_start(
                institution=profile.institution, by=request.user, upload=form.cleaned_data["file"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(batch)
    recent = selectors.imports_of(profile.institution)[:10]
    return render(request, "development/import_upload.html", {"form": form, "recent": recent})


@login_required
def import_detail(request, pk):
    rules.require_see_reports(request.user)
    batch = selectors.get_import_for_user(request.user, pk)
    template = "development/import_progress.html" if request.htmx else "development/import_detail.html"
    return render(request, template, {"batch": batch})


@login_required
@require_POST
def import_commit(request, pk):
    rules.require_see_reports(request.user)
    batch = selectors.get_import_for_user(request.user, pk)
    form = ImportChoiceForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose how to import.")
        return redirect(batch)
    try:
        batch = services.training_import_commit(batch=batch, by=request.user, mode=form.cleaned_data["mode"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Imported {batch.imported_count} training records.")
    return redirect(batch)


# --- The training report (1G) ----------------------------------------------------------------


def _report_for(request):
    profile = roles.require_profile(request.user)
    policy, years = selectors.report_years(profile.institution)
    form = ReportYearForm(request.GET or None, years=years, label=policy.year_label)
    year, margin = years[0], None
    if form.is_bound and form.is_valid():
        year, margin = form.cleaned_data["year"], form.cleaned_data["margin"]
    report = selectors.training_report(profile.institution, year, margin=margin)
    return form, report


# The training report's page and CSV moved to the report catalogue (reports/library/training.py),
# which calls `selectors.training_report` as it is; the old addresses lead there.
@login_required
def report(request):
    rules.require_see_reports(request.user)
    query = request.GET.urlencode()
    return redirect(reverse("reports:report", args=["training"]) + (f"?{query}" if query else ""))


@login_required
def report_csv(request):
    rules.require_see_reports(request.user)
    query = request.GET.urlencode()
    return redirect(reverse("reports:report_csv", args=["training"]) + (f"?{query}" if query else ""))
