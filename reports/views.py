"""The report catalogue: the list, each report's page, its CSV and XLSX, and saved schedules."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from core import exports
from core.forms import add_service_errors
from core.reauth import reauthentication_required
from people import roles

from . import catalogue, rules, selectors, services
from .forms import ScheduleForm


def _report(request, key):
    report = catalogue.get(key)
    if report is None:
        raise Http404("No such report.")
    rules.require_report(request.user, report)
    return report


def _built(request, report, data):
    """(filters form, result or None when the filters are not valid)."""
    institution = request.user.profile.institution
    form = report.filters(data or None, institution=institution)
    if form.is_bound and not form.is_valid():
        return form, None
    return form, report.result(institution=institution, filters=form.values())


@login_required
def index(request):
    rules.require_catalogue(request.user)
    reports = [report for report in catalogue.all_reports() if rules.may_see(request.user, report)]
    schedules = list(selectors.schedules_of(request.user))
    titles = {report.key: report.title for report in catalogue.all_reports()}
    for schedule in schedules:
        schedule.title = titles.get(schedule.report_key, schedule.report_key)
    return render(request, "reports/index.html", {"reports": reports, "schedules": schedules})


@login_required
def report(request, key):
    report = _report(request, key)
    form, result = _built(request, report, request.GET)
    return _page(request, report, form, result)


def _page(request, report, form, result, schedule_form=None, status=200):
    people = selectors.possible_recipients(request.user.profile.institution)
    schedules = [s for s in selectors.schedules_of(request.user) if s.report_key == report.key]
    return render(
        request,
        "reports/report.html",
        {
            "report": report,
            "form": form,
            "result": result,
            "chart": result.chart.data() if result and result.chart else None,
            "query": urlencode(form.stored()),
            "schedule_form": schedule_form or ScheduleForm(people=people),
            "schedules": schedules,
        },
        status=status,
    )


def _export(request, key):
    report = _report(request, key)
    form, result = _built(request, report, request.GET)
    if result is None:
        messages.error(request, "The filters are not valid; choose them again.")
        return None, None
    return report, result


@login_required
@reauthentication_required
def report_csv(request, key):
    report, result = _export(request, key)
    if result is None:
        return redirect(reverse("reports:report", args=[key]) + "?" + request.GET.urlencode())
    return exports.csv_response(result.rows(), filename=f"{report.key}-report.csv")


@login_required
@reauthentication_required
def report_xlsx(request, key):
    report, result = _export(request, key)
    if result is None:
        return redirect(reverse("reports:report", args=[key]) + "?" + request.GET.urlencode())
    return exports.xlsx_response(result.rows(), filename=f"{report.key}-report.xlsx", title=report.title)


@login_required
@require_POST
def schedule_create(request, key):
    report = _report(request, key)
    roles.require_profile(request.user)
    filters = QueryDict(request.POST.get("filters", ""))
    people = selectors.possible_recipients(request.user.profile.institution)
    schedule_form = ScheduleForm(request.POST, people=people)
    if schedule_form.is_valid():
        try:
            services.schedule_save(
                by=request.user,
                report_key=report.key,
                filters=filters,
                frequency=schedule_form.cleaned_data["frequency"],
                recipients=schedule_form.cleaned_data["recipients"],
            )
        except ValidationError as error:
            add_service_errors(schedule_form, error)
        else:
            messages.success(request, f"“{report.title}” will be e-mailed {schedule_form.cleaned_data['frequency']}.")
            return redirect(
                reverse("reports:report", args=[key]) + ("?" + filters.urlencode() if filters else "") + "#schedules"
            )
    form, result = _built(request, report, filters)
    return _page(request, report, form, result, schedule_form=schedule_form, status=400)


@login_required
@require_POST
def schedule_stop(request, pk):
    rules.require_catalogue(request.user)
    schedule = selectors.get_schedule_for_user(request.user, pk)
    rules.require_change_schedule(request.user, schedule)
    services.schedule_stop(schedule=schedule, by=request.user)
    messages.success(request, "The schedule is stopped: nothing more will be sent.")
    return redirect(reverse("reports:index") + "#schedules")
