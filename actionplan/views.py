from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from core.access import allowed
from people import roles

from . import reports, rules, selectors, services
from .filters import ItemFilter
from .forms import MeasureRecordForm, OwnerHoldersForm, PlanSettingsForm, ProgressUpdateForm, ReportForm
from .models import ReportRun, Status

RECENT_RUNS = 5


@login_required
def index(request):
    """Send each person to their institution's current plan, in the view they may have."""
    roles.require_profile(request.user)
    plan = selectors.plans_for(request.user).first()
    if plan is None:
        return render(request, "actionplan/no_plan.html", status=404)
    if selectors.sees_full_plan(request.user):
        return redirect(plan)
    if plan.published:
        return redirect("actionplan:summary", plan.pk)
    raise Http404("The action plan is not published.")


def _chart_data(measures):
    return [
        {
            "id": measure.pk,
            "labels": [f"{s.date:%Y-%m-%d}" for s in measure.trend],
            "values": [float(s.value) if s.value is not None else None for s in measure.trend],
            "target": float(measure.target) if measure.target is not None else None,
            "unit": measure.unit,
        }
        for measure in measures
        if measure.is_computed or measure.target is not None
    ]


@login_required
def dashboard(request, pk):
    """The plan's cockpit. A fixed number of queries however many items and measures it has."""
    roles.require_profile(request.user)
    plan = selectors.get_plan_for_user(request.user, pk)
    today = timezone.localdate()
    all_items = list(selectors.items_for_dashboard(plan))
    item_filter = ItemFilter(request.GET or None, queryset=selectors.items_for_dashboard(plan), plan=plan)
    filtered = item_filter.is_bound and any(request.GET.get(name) for name in item_filter.filters)
    items = list(item_filter.qs) if filtered else all_items
    measures = selectors.measure_values(plan=plan, on=today)
    counts = {key: 0 for key, _ in Status.choices}
    for item in all_items:
        counts[item.status] += 1
    may_manage = allowed(request.user, "actionplan.manage_plan", plan)
    return render(
        request,
        "actionplan/dashboard.html",
        {
            "plan": plan,
            "filter": item_filter,
            "items": items,
            "filtered": filtered,
            "total": len(all_items),
            "status_counts": [(key, label, counts[key]) for key, label in Status.choices],
            "pillars": selectors.pillar_progress(all_items),
            "overdue": [item for item in all_items if item.update_overdue(today)],
            "measures": measures,
            "charts": _chart_data(measures),
            "may_manage": may_manage,
            "report_form": ReportForm(plan=plan) if may_manage else None,
            "settings_form": PlanSettingsForm(instance=plan) if may_manage else None,
            "runs": list(plan.report_runs.all()[:RECENT_RUNS]) if may_manage else [],
            "today": today,
        },
    )


@login_required
def summary(request, pk):
    """The public summary technicians see once the plan is published: items, statuses and measures."""
    roles.require_profile(request.user)
    plan = selectors.get_published_plan_for_user(request.user, pk)
    items = list(selectors.items_for_dashboard(plan))
    measures = selectors.measure_values(plan=plan, on=timezone.localdate())
    by_item = {}
    for measure in measures:
        by_item.setdefault(measure.item_id, []).append(measure)
    for item in items:
        item.measure_list = by_item.get(item.pk, [])
    return render(
        request,
        "actionplan/summary.html",
        {"plan": plan, "pillars": selectors.pillar_progress(items), "items": items},
    )


@login_required
def item_detail(request, pk):
    roles.require_profile(request.user)
    item = selectors.get_item_for_user(request.user, pk)
    may_update = allowed(request.user, "actionplan.update_item", item)
    form = ProgressUpdateForm(plan=item.plan) if may_update else None
    return _render_item(request, item, form, may_update)


def _render_item(request, item, form, may_update, status=200):
    """The item page: its measures' values (two queries and the metrics', however many) and updates."""
    today = timezone.localdate()
    measures = selectors.measure_values(plan=item.plan, on=today, items=[item])
    return render(
        request,
        "actionplan/item.html",
        {
            "plan": item.plan,
            "item": item,
            "owners": list(item.owners.prefetch_related("holders__user")),
            "aims": list(item.aims.all()),
            "mits": list(item.mit_recommendations.all()),
            "measures": measures,
            "charts": _chart_data(measures),
            "updates": list(item.updates.select_related("author")),
            "form": form,
            "may_update": may_update,
            "may_manage": allowed(request.user, "actionplan.manage_plan", item.plan),
            "overdue": item.update_overdue(today),
        },
        status=status,
    )


def _add_update(request, pk, *, prefix, done_url):
    roles.require_profile(request.user)
    item = selectors.get_item_for_user(request.user, pk)
    rules.require_update_item(request.user, item)
    form = ProgressUpdateForm(request.POST, request.FILES, plan=item.plan, prefix=prefix)
    if not form.is_valid():
        return _render_item(request, item, form, True, status=400)
    services.progress_update_add(item=item, author=request.user, **form.cleaned_data)
    messages.success(request, f"Your update of {item.code} is saved.")
    return redirect(done_url or item)


@login_required
@require_POST
def item_update(request, pk):
    return _add_update(request, pk, prefix=None, done_url=None)


@login_required
def my_actions(request):
    """The actions of the owner roles the person holds, each with its update form."""
    roles.require_profile(request.user)
    today = timezone.localdate()
    items = list(selectors.items_of_owner(request.user.profile))
    for item in items:
        item.form = ProgressUpdateForm(plan=item.plan, prefix=f"item{item.pk}")
        item.overdue = item.update_overdue(today)
    roles_held = list(selectors.owner_roles_of(request.user.profile))
    return render(request, "actionplan/mine.html", {"items": items, "roles_held": roles_held})


@login_required
@require_POST
def my_action_update(request, pk):
    """The update form of 'my actions' (prefixed per item, as the page shows one per action)."""
    return _add_update(request, pk, prefix=f"item{pk}", done_url="actionplan:mine")


@login_required
def measure_record(request, pk):
    roles.require_profile(request.user)
    measure = selectors.get_manual_measure_for_user(request.user, pk)
    rules.require_record_measure(request.user, measure)
    form = MeasureRecordForm(request.POST or None, request.FILES or None, instance=measure)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.measure_record(
            measure=measure,
            by=request.user,
            value=data["recorded_value"],
            achieved=data["achieved"],
            evidence_note=data["evidence_note"],
            evidence_link=data["evidence_link"],
            evidence_file=data.get("evidence_file"),
        )
        messages.success(request, "The measure is recorded.")
        return redirect(measure.item)
    return render(request, "actionplan/measure_record.html", {"measure": measure, "form": form})


@login_required
@require_POST
def snapshots_record(request, pk):
    roles.require_profile(request.user)
    plan = selectors.get_plan_for_user(request.user, pk)
    rules.require_manage_plan(request.user, plan)
    count = services.snapshots_record(plan=plan)
    messages.success(request, f"Recorded today's value of {count} success measures.")
    return redirect(plan)


@login_required
@require_POST
def report_start(request, pk):
    roles.require_profile(request.user)
    plan = selectors.get_plan_for_user(request.user, pk)
    rules.require_manage_plan(request.user, plan)
    form = ReportForm(request.POST, plan=plan)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("__all__", [])) or "Check the report's format and dates.")
        if request.htmx:  # a whole page swapped into the runs list would nest a page in a page
            return HttpResponseClientRedirect(plan.get_absolute_url())
        return redirect(plan)
    run = services.report_run_start(plan=plan, by=request.user, **form.cleaned_data)
    if request.htmx:
        return render(request, "actionplan/_report_run.html", {"run": run})
    return redirect(run)


@login_required
def report_detail(request, pk):
    """The run's progress; htmx polls the fragment every second until it is done."""
    roles.require_profile(request.user)
    run = selectors.get_report_for_user(request.user, pk)
    if request.htmx:
        return render(request, "actionplan/_report_run.html", {"run": run})
    return render(request, "actionplan/report.html", {"run": run, "plan": run.plan})


@login_required
def report_download(request, pk):
    roles.require_profile(request.user)
    run = selectors.get_report_for_user(request.user, pk)
    if run.status != ReportRun.Status.DONE or not run.file:
        raise Http404("The report is not ready.")
    return FileResponse(run.file.open("rb"), as_attachment=True, filename=run.file.name.rsplit("/", 1)[-1])


@login_required
def submission(request, pk):
    """The plan arranged by the four TC aims, with progress, measures and evidence, to print."""
    roles.require_profile(request.user)
    plan = selectors.get_plan_for_user(request.user, pk)
    rules.require_manage_plan(request.user, plan)
    return render(
        request,
        "actionplan/submission.html",
        {
            "plan": plan,
            "sections": reports.submission_sections(plan),
            "report_form": ReportForm(plan=plan, initial={"format": ReportRun.Format.SUBMISSION}),
            "generated": timezone.localtime(),
        },
    )


@login_required
@require_POST
def plan_settings(request, pk):
    roles.require_profile(request.user)
    plan = selectors.get_plan_for_user(request.user, pk)
    rules.require_manage_plan(request.user, plan)
    form = PlanSettingsForm(request.POST, instance=plan)
    if form.is_valid():
        services.plan_settings_save(plan=plan, **form.cleaned_data)
        messages.success(request, "The plan's settings are saved.")
    else:
        messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
    return redirect(plan)


@login_required
def owners(request):
    """The owner roles named on the plan and who holds them."""
    roles.require_profile(request.user)
    rules.require_manage_owners(request.user)
    return render(
        request, "actionplan/owners.html", {"owners": list(selectors.owners_with_holders(request.user.institution))}
    )


@login_required
def owner_edit(request, pk):
    roles.require_profile(request.user)
    owner = selectors.get_owner_for_user(request.user, pk)
    rules.require_manage_owners(request.user, owner)
    form = OwnerHoldersForm(request.POST or None, owner=owner)
    if request.method == "POST" and form.is_valid():
        services.owner_holders_set(owner=owner, holders=list(form.cleaned_data["holders"]))
        messages.success(request, f"Saved who holds {owner.name}.")
        return redirect("actionplan:owners")
    return render(request, "actionplan/owner_edit.html", {"owner": owner, "form": form})


def _file_response(field):
    if not field:
        raise Http404("No evidence file.")
    return FileResponse(field.open("rb"), as_attachment=True, filename=field.name.rsplit("/", 1)[-1])


@login_required
def update_evidence(request, pk):
    """An update's evidence file, for those who may see its action (media files are not public)."""
    roles.require_profile(request.user)
    update = selectors.get_update_for_user(request.user, pk)
    return _file_response(update.evidence_file)


@login_required
def measure_evidence(request, pk):
    roles.require_profile(request.user)
    measure = selectors.get_measure_for_user(request.user, pk)
    return _file_response(measure.evidence_file)
