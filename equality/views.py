from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from core import disclosure
from core.exports import csv_response
from core.forms import add_service_errors
from core.reauth import reauthentication_required
from people import roles

from . import characteristics as ch
from . import rules, selectors, services
from .forms import DeclarationForm, LookupForm, PipelineForm, SettingsForm
from .sources import SOURCES


@login_required
def mine(request):
    """The person's own answers: declare, change, or go on to withdraw them."""
    rules.require_declare(request.user)
    person = request.user.profile
    settings = selectors.settings_for(person.institution)
    enabled = settings.enabled()
    declaration = selectors.declaration_of(person)
    initial = {c.key: getattr(declaration, c.key) for c in enabled} if declaration else {}
    form = DeclarationForm(request.POST or None, enabled=enabled, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.declaration_save(person=person, answers=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your equality information is saved. Only you can see your answers here.")
            return redirect("equality:mine")
    can_see = list(settings.record_viewers.all()) if settings.pk else []
    return render(
        request,
        "equality/mine.html",
        {"form": form, "declaration": declaration, "record_viewers": can_see, "enabled": enabled},
    )


@login_required
def withdraw(request):
    """Confirm, then delete every answer the person gave."""
    rules.require_declare(request.user)
    person = request.user.profile
    if request.method == "POST":
        if services.declaration_withdraw(person=person):
            messages.success(request, "Your equality information is deleted. You count as “not declared” from now on.")
        else:
            messages.info(request, "You had no equality information to delete.")
        return redirect("equality:mine")
    return render(request, "equality/withdraw.html", {"declaration": selectors.declaration_of(person)})


@login_required
@reauthentication_required  # personal data leaves the portal: confirm it is you
def mine_csv(request):
    """The person's own answers as a CSV file: the one export that holds individual answers."""
    rules.require_declare(request.user)
    person = request.user.profile
    rows = selectors.own_export_rows(person, selectors.settings_for(person.institution))
    return csv_response(rows, filename="my-equality-information.csv")


@login_required
def settings_edit(request):
    rules.require_configure(request.user)
    institution = request.user.profile.institution
    settings = selectors.settings_for(institution)
    hr_staff = selectors.record_viewer_choices(institution)
    initial = {f"ask_{c.key}": getattr(settings, f"ask_{c.key}") for c in ch.OPTIONAL}
    initial["record_viewers"] = [p.pk for p in settings.record_viewers.all()] if settings.pk else []
    form = SettingsForm(request.POST or None, initial=initial, hr_staff=hr_staff)
    if request.method == "POST" and form.is_valid():
        by_pk = {p.pk: p for p in hr_staff}
        try:
            services.settings_save(
                institution=institution,
                ask={c.key: form.cleaned_data[f"ask_{c.key}"] for c in ch.OPTIONAL},
                record_viewers=[by_pk[pk] for pk in form.cleaned_data["record_viewers"] if pk in by_pk],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The equality settings are saved.")
            return redirect("equality:settings")
    return render(request, "equality/settings.html", {"form": form, "settings": settings})


@login_required
def lookup(request):
    """A named HR viewer looks up one person's answers; every look is in the audit log."""
    institution = request.user.profile.institution if roles.has_profile(request.user) else None
    settings = selectors.settings_for(institution) if institution else None
    rules.require_see_records(request.user, settings)
    # POST, not GET: each look writes to the audit log, and no one's e-mail address goes in a URL.
    form = LookupForm(request.POST or None)
    person = declaration = None
    looked = False
    if form.is_valid():
        person = selectors.staff_to_look_up(institution, form.cleaned_data["q"])
        if person is None:
            form.add_error("q", "No one at your institution has this staff number or e-mail address.")
        else:
            declaration = services.declaration_read_by_hr(settings=settings, person=person, by=request.user)
            looked = True
    answers = declaration.answers(settings.enabled()) if declaration else []
    return render(
        request,
        "equality/lookup.html",
        {"form": form, "person": person, "declaration": declaration, "answers": answers, "looked": looked},
    )


def _report_for(request):
    rules.require_see_pipeline(request.user)
    institution = request.user.profile.institution
    settings = selectors.settings_for(institution)
    form = PipelineForm.from_query(request.GET, breakdowns=selectors.breakdowns(settings))
    report = None
    if form.is_valid():
        data = form.cleaned_data
        report = selectors.pipeline_report(
            institution=institution,
            source=data["source"],
            start=data["start"],
            end=data["end"],
            breakdown=data["breakdown"],
        )
    return form, report, settings


@login_required
def report(request):
    form, report, settings = _report_for(request)
    return render(
        request,
        "equality/report.html",
        {
            "form": form,
            "report": report,
            "chart": report.chart() if report else None,
            "rules": disclosure.RULES_IN_WORDS,
            "sources": SOURCES.values(),
            "query": request.GET.urlencode(),
            "settings": settings,
        },
    )


@login_required
@reauthentication_required  # figures about staff leave the portal: confirm it is you
def report_csv(request):
    _, report, _ = _report_for(request)
    if report is None:
        messages.error(request, "Choose a valid period before downloading the figures.")
        return redirect("equality:report")
    rows = selectors.report_rows(report)
    header = report.header()
    filename = f"equality-{report.source.key}-{report.breakdown}-{report.start}-{report.end}.csv"
    note = [f"{report.source.label}, {report.start} to {report.end}. Eligible: {report.source.eligible}."]
    return csv_response(
        [header, *([row[column] for column in header] for row in rows), note, [disclosure.RULES_IN_WORDS]],
        filename=filename,
    )
