"""Recognition pages. Each view: access helper, form, service, redirect or render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.access import allowed, require
from core.forms import add_service_errors
from core.reauth import export_recorded, require_reauthentication
from people import roles

from . import exports, rules, selectors, services
from .forms import (
    CaseFileForm,
    CaseForm,
    CelebrateForm,
    DoiImportForm,
    NominationForm,
    OrcidFileForm,
    OutcomeForm,
    OutputForm,
    PrizeForm,
    ReportYearForm,
)
from .models import AcknowledgementCase, Kind, Nomination, Part

OUTPUTS_PAGE_SIZE = 25


def _profile(request):
    return roles.require_profile(request.user)


# --- My outputs and imports -------------------------------------------------------------------


@login_required
def mine(request):
    profile = _profile(request)
    outputs = selectors.outputs_of(profile)
    return render(
        request,
        "recognition/mine.html",
        {
            "profile": profile,
            "outputs": list(outputs),
            "imports": selectors.imports_of(profile),
            "file_form": OrcidFileForm(),
            "doi_form": DoiImportForm(),
            "to_agree": list(
                selectors.nominations_visible_to(request.user).filter(
                    nominee=profile, state=Nomination.State.DRAFT, nominee_agreed_on__isnull=True
                )
            ),
            "guidelines": selectors.guidelines(),
        },
    )


@login_required
@require_POST
def import_orcid(request):
    profile = _profile(request)
    try:
        run = services.outputs_import_orcid(person=profile)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("recognition:mine")
    return redirect("recognition:import_run", pk=run.pk)


@login_required
def import_file(request):
    profile = _profile(request)
    form = OrcidFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = services.outputs_import_orcid_file(person=profile, upload=form.cleaned_data["file"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("recognition:import_run", pk=run.pk)
    return render(request, "recognition/import_file.html", {"form": form})


@login_required
def import_doi(request):
    profile = _profile(request)
    form = DoiImportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            output = services.output_import_doi(
                person=profile, doi=form.cleaned_data["doi"], part=form.cleaned_data["part"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"“{output.title}” is added to your outputs. Check your part and CRediT roles.")
            return redirect("recognition:output_edit", pk=output.pk)
    return render(request, "recognition/import_doi.html", {"form": form})


@login_required
def import_run(request, pk):
    _profile(request)
    run = selectors.get_import_for_user(request.user, pk)
    return render(request, "recognition/import_run.html", {"run": run})


# --- Outputs ----------------------------------------------------------------------------------


@login_required
def outputs(request):
    """The outputs the viewer may see (their own, their reports', or all for HR and the coordinator)."""
    _profile(request)
    visible = selectors.outputs_visible_to(request.user)
    kind, part, year = request.GET.get("kind", ""), request.GET.get("part", ""), request.GET.get("year", "")
    shown = visible
    if kind in Kind.values:
        shown = shown.filter(kind=kind)
    if part in Part.values:
        shown = shown.filter(part=part)
    if year.isdigit():
        shown = shown.filter(published_on__year=int(year))
    export = request.GET.get("format")
    if export in ("csv", "xlsx"):
        require_reauthentication(request)  # names and outputs of people leave the portal
        rows = exports.output_rows(shown.order_by("person__user__last_name", "-published_on"))
        if export == "csv":
            return export_recorded(request, exports.csv_download(rows, filename="outputs.csv"))
        return export_recorded(request, exports.xlsx_download(rows, filename="outputs.xlsx", title="Outputs"))
    page = Paginator(shown, OUTPUTS_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "recognition/outputs.html",
        {
            "page": page,
            "kind": kind,
            "part": part,
            "year": year,
            "kinds": Kind.choices,
            "parts": Part.choices,
            "years": selectors.output_years(visible),
            "query": query.urlencode(),
            "sees_all": allowed(request.user, "recognition.see_all_outputs"),
        },
    )


@login_required
def output_new(request):
    profile = _profile(request)
    form = OutputForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            output = services.output_save(person=profile, values=form.cleaned_data, project_names=form.project_list)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"“{output.title}” is added to your outputs.")
            return redirect(output)
    return render(
        request,
        "recognition/output_form.html",
        {"form": form, "title": "Add an output", "guidelines": selectors.guidelines()},
    )


@login_required
def output_detail(request, pk):
    _profile(request)
    output = selectors.get_output_for_user(request.user, pk)
    return render(
        request,
        "recognition/output_detail.html",
        {
            "output": output,
            "can_edit": allowed(request.user, "recognition.edit_output", output),
            "celebrate_form": CelebrateForm(),
        },
    )


@login_required
def output_edit(request, pk):
    _profile(request)
    output = selectors.get_output_for_user(request.user, pk)
    rules.require_edit_output(request.user, output)
    form = OutputForm(request.POST or None, instance=output)
    if request.method == "POST" and form.is_valid():
        try:
            services.output_save(
                person=output.person, values=form.cleaned_data, project_names=form.project_list, output=output
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your changes are saved.")
            return redirect(output)
    return render(
        request,
        "recognition/output_form.html",
        {"form": form, "title": "Change an output", "output": output, "guidelines": selectors.guidelines()},
    )


@login_required
@require_POST
def output_delete(request, pk):
    _profile(request)
    output = selectors.get_output_for_user(request.user, pk)
    rules.require_edit_output(request.user, output)
    services.output_delete(output=output, by=request.user)
    messages.success(request, f"“{output.title}” is removed from your outputs.")
    return redirect("recognition:mine")


@login_required
def output_celebrate(request, pk):
    _profile(request)
    output = selectors.get_output_for_user(request.user, pk)
    form = CelebrateForm(request.POST if request.method == "POST" else None)
    own = allowed(request.user, "recognition.edit_output", output)
    if request.method == "POST" and form.is_valid():
        try:
            services.output_celebrate(output=output, by=request.user, consent=form.cleaned_data["consent"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if own:
                messages.success(request, "Thank you: it will appear in the celebration feed.")
            else:
                messages.success(request, f"{output.person} is asked on their home page whether it may be celebrated.")
            return redirect(output)
    return render(request, "recognition/celebrate.html", {"output": output, "form": form, "own": own})


# --- Acknowledgement cases (2A) ---------------------------------------------------------------


@login_required
def cases(request):
    _profile(request)
    visible = selectors.cases_visible_to(request.user)
    counts = selectors.case_counts(visible)
    page = Paginator(visible, OUTPUTS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "recognition/cases.html",
        {
            "page": page,
            "is_coordinator": roles.is_programme_manager(request.user),
            "counts": [(label, counts.get(value, 0)) for value, label in AcknowledgementCase.Credit.choices],
            "guidelines": selectors.guidelines(),
        },
    )


@login_required
def case_new(request):
    profile = _profile(request)
    form = CaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_report(
                person=profile,
                work=form.cleaned_data["work"],
                credit=form.cleaned_data["credit"],
                account=form.cleaned_data["account"],
                may_use_anonymously=form.cleaned_data["may_use_anonymously"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Thank you. Only the coordinator can read this.")
            return redirect(case)
    return render(request, "recognition/case_form.html", {"form": form})


@login_required
def case_detail(request, pk):
    _profile(request)
    case = selectors.get_case_for_user(request.user, pk)
    can_file = allowed(request.user, "recognition.triage_case", case)
    form = CaseFileForm(request.POST or None, instance=case) if can_file else None
    if request.method == "POST":
        rules.require_triage_case(request.user, case)
        if form is not None and form.is_valid():
            try:
                services.case_file(
                    case=case,
                    by=request.user,
                    example=form.cleaned_data["example"],
                    note=form.cleaned_data["coordinator_note"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "The case is filed.")
                return redirect(case)
    return render(request, "recognition/case_detail.html", {"case": case, "form": form})


# --- Prizes and nominations (3D) --------------------------------------------------------------


def _year(request):
    value = request.GET.get("year", "")
    today = timezone.localdate()
    return int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else today.year


@login_required
def prizes(request):
    _profile(request)
    year = _year(request)
    overview = selectors.prize_overview(year=year)
    return render(
        request,
        "recognition/prizes.html",
        {
            "overview": overview,
            "year": year,
            "years": [year - 1, year, year + 1],
            "can_manage": allowed(request.user, "recognition.manage_prizes"),
            "can_nominate": allowed(request.user, "recognition.start_nomination"),
            "nominations": list(selectors.nominations_visible_to(request.user).filter(year=year)),
        },
    )


@login_required
def prize_form(request, pk=None):
    profile = _profile(request)
    rules.require_manage_prizes(request.user)
    prize = selectors.get_prize_for_user(request.user, pk) if pk else None
    form = PrizeForm(request.POST or None, instance=prize)
    if request.method == "POST" and form.is_valid():
        try:
            prize = services.prize_save(institution=profile.institution, values=form.cleaned_data, prize=prize)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"The {prize} is saved.")
            return redirect("recognition:prizes")
    return render(request, "recognition/prize_form.html", {"form": form, "prize": prize})


@login_required
def nomination_new(request):
    _profile(request)
    rules.require_start_nomination(request.user)
    form = NominationForm(
        request.POST or None,
        prizes=selectors.prizes(),
        nominees=selectors.nominees_for(request.user),
        by_address=roles.is_programme_manager(request.user),
        initial={"prize": request.GET.get("prize")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            nomination = services.nomination_draft(
                prize=data["prize"],
                year=data["year"],
                nominee=data["nominee"],
                category=data["category"].strip(),
                citation=data["citation"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"The draft is saved; {nomination.nominee} is asked to agree.")
            return redirect(nomination)
    return render(request, "recognition/nomination_form.html", {"form": form})


@login_required
def nomination_detail(request, pk):
    _profile(request)
    nomination = selectors.get_nomination_for_user(request.user, pk)
    user = request.user
    workflow = Nomination.workflow
    return render(
        request,
        "recognition/nomination_detail.html",
        {
            "nomination": nomination,
            "can_agree": nomination.state == Nomination.State.DRAFT
            and nomination.nominee_agreed_on is None
            and allowed(user, "recognition.agree_nomination", nomination),
            "can_submit": workflow.may(user, nomination, Nomination.State.SUBMITTED),
            "can_withdraw": workflow.may(user, nomination, Nomination.State.WITHDRAWN),
            "can_decide": workflow.may(user, nomination, Nomination.State.WON),
            "outcome_form": OutcomeForm(),
            "past_deadline": timezone.localdate() > nomination.deadline,
        },
    )


def _nomination_action(request, pk, action, done, *, perm, refusal=rules.NOMINATORS_ONLY, nomination=None):
    _profile(request)
    if nomination is None:
        nomination = selectors.get_nomination_for_user(request.user, pk)
    require(request.user, "recognition.see_nomination", nomination, message=rules.NOMINATORS_ONLY)
    # The move's own permission before the service's checks of dates and agreement: a refusal
    # rather than "the deadline has passed" to someone who may not make the move at all.
    require(request.user, perm, nomination, message=refusal)
    try:
        action(nomination)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect(nomination)


@login_required
@require_POST
def nomination_agree(request, pk):
    return _nomination_action(
        request,
        pk,
        lambda n: services.nomination_agree(nomination=n, by=request.user),
        "Thank you: you have agreed to the nomination.",
        perm="recognition.agree_nomination",
        refusal="Only the nominee can agree to their nomination.",
    )


@login_required
@require_POST
def nomination_submit(request, pk):
    return _nomination_action(
        request,
        pk,
        lambda n: services.nomination_submit(nomination=n, by=request.user),
        "The nomination is recorded as submitted.",
        perm="recognition.submit_nomination",
    )


@login_required
@require_POST
def nomination_withdraw(request, pk):
    return _nomination_action(
        request,
        pk,
        lambda n: services.nomination_withdraw(nomination=n, by=request.user),
        "The nomination is withdrawn.",
        perm="recognition.submit_nomination",
    )


@login_required
@require_POST
def nomination_decide(request, pk):
    _profile(request)
    nomination = selectors.get_nomination_for_user(request.user, pk)
    require(request.user, "recognition.record_outcome", nomination, message=rules.NOMINATORS_ONLY)
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose the outcome: won or not won.")
        return redirect(nomination)
    won = form.cleaned_data["outcome"] == "won"
    return _nomination_action(
        request,
        pk,
        lambda n: services.nomination_decide(nomination=n, won=won, by=request.user),
        "The outcome is recorded." + (" The nominee is asked whether the win may be celebrated." if won else ""),
        perm="recognition.record_outcome",
        nomination=nomination,
    )


# --- The annual report (2E) -------------------------------------------------------------------


# The annual report's page, CSV and XLSX moved to the report catalogue (reports/library/authorships.py),
# which calls `selectors.authorship_report` as it is; the old address leads there. Publishing stays here.
CATALOGUE_REPORT = "reports:report"


def _catalogue(year=None):
    url = reverse(CATALOGUE_REPORT, args=["authorships"])
    return f"{url}?year={year}" if year else url


@login_required
def report(request):
    _profile(request)
    rules.require_see_report(request.user)
    value = request.GET.get("year", "")
    return redirect(_catalogue(int(value) if value.isdigit() else None))


@login_required
@require_POST
def report_publish(request):
    profile = _profile(request)
    rules.require_see_report(request.user)
    form = ReportYearForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose the year to publish.")
        return redirect(_catalogue())
    try:
        published = services.report_publish(
            institution=profile.institution, year=form.cleaned_data["year"], by=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_catalogue())
    messages.success(request, f"The {published.year} report is published; its figures are kept as they are today.")
    return redirect(_catalogue(published.year))
