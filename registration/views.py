"""Professional registration pages. Each view: access helper, form, service, redirect or render.

Reads run in the viewer's institution (the request's scope); registers and fees are sector data.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core import disclosure
from core.access import allowed
from core.forms import add_service_errors
from guidance import selectors as guidance
from people import roles
from programmes import selectors as programmes

from . import audit, guide, rules, selectors, services
from .forms import (
    CpdDeclarationForm,
    OutcomeForm,
    RenewalForm,
    SettingsForm,
    StartForm,
    StatementForm,
    SubmitForm,
    SupporterForm,
)
from .models import Journey, Register

State = Journey.State
JOURNEYS_PAGE_SIZE = 25


def _registers():
    return list(Register.objects.order_by("council", "level", "code"))


# --- The technician's own pages ----------------------------------------------------------------


@roles.staff_view
def mine(request):
    profile = request.user.profile
    today = timezone.localdate()
    return render(
        request,
        "registration/mine.html",
        {
            "journeys": list(selectors.journeys_of(profile)),
            "to_support": list(selectors.journeys_supported_by(profile)),
            "form": StartForm(registers=_registers()),
            "registers": selectors.registers_with_fees(today.year),
            "year": today.year,
            "can_see_figures": allowed(request.user, "registration.see_figures"),
            "guide_slug": guide.SLUG,
            "guide_exists": guidance.pages().filter(slug=guide.SLUG).exists(),
        },
    )


@roles.staff_view
def start(request):
    profile = request.user.profile
    form = StartForm(request.POST or None, registers=_registers())
    if request.method == "POST" and form.is_valid():
        try:
            journey = services.journey_start(person=profile, register_id=form.cleaned_data["register"], by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Your journey towards {journey.register.code} has started.")
            return redirect(journey)
    return render(request, "registration/form.html", {"form": form, "title": "Start a registration journey"})


@roles.staff_view
def journey_detail(request, pk):
    journey = selectors.get_journey_for_user(request.user, pk)
    user = request.user
    workflow = Journey.workflow
    statements = selectors.statements_of(journey)
    settings = selectors.settings_of(journey.institution)
    attended = programmes.sessions_attended_by([journey.person_id], selectors.programme_ids(settings)).get(
        journey.person_id, []
    )
    return render(
        request,
        "registration/journey.html",
        {
            "journey": journey,
            "areas": [(n, area, statements.get(area)) for n, area in enumerate(journey.register.competence_area_list)],
            "history": list(selectors.history_of(journey)),
            "attended": attended,
            "is_own": journey.person_id == user.profile.pk,
            "can_record_mentor": workflow.may(user, journey, State.MENTOR_FOUND),
            "can_prepare": workflow.may(user, journey, State.PREPARING),
            "can_edit_statements": allowed(user, "registration.edit_statements", journey),
            "can_name_supporter": workflow.may(user, journey, State.SUPPORTER_NAMED),
            "can_agree": allowed(user, "registration.agree_support", journey),
            "can_submit": workflow.may(user, journey, State.SUBMITTED) and journey.supporter_agreed_on is not None,
            "can_record_outcome": workflow.may(user, journey, State.REGISTERED),
            "can_withdraw": workflow.may(user, journey, State.WITHDRAWN),
            "can_renew": journey.state == State.REGISTERED and allowed(user, "registration.record_progress", journey),
        },
    )


def _post_move(request, pk, service, done, *, journey=None, check=None):
    if journey is None:
        journey = selectors.get_journey_for_user(request.user, pk)
    if check is not None:  # before the service reads anything: a refusal, not "no mentor found"
        check(request.user, journey)
    try:
        service(journey=journey, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect(journey)


@roles.staff_view
@require_POST
def journey_record_mentor(request, pk):
    return _post_move(
        request,
        pk,
        services.journey_record_mentor,
        "Your mentor is recorded on the journey.",
        check=rules.require_record_progress,
    )


@roles.staff_view
@require_POST
def journey_prepare(request, pk):
    return _post_move(
        request,
        pk,
        services.journey_start_preparing,
        "You are preparing your application.",
        check=rules.require_record_progress,
    )


@roles.staff_view
@require_POST
def journey_withdraw(request, pk):
    return _post_move(request, pk, services.journey_withdraw, "The journey is withdrawn.", check=rules.require_own)


@roles.staff_view
@require_POST
def journey_agree(request, pk):
    journey = selectors.get_journey_for_user(request.user, pk)
    rules.require_agree_support(request.user, journey)
    return _post_move(
        request,
        pk,
        services.journey_supporter_agree,
        f"Thank you: {journey.person} can now submit the application.",
        journey=journey,
    )


@roles.staff_view
def statement_edit(request, pk, area_index):
    journey = selectors.get_journey_for_user(request.user, pk)
    rules.require_edit_statements(request.user, journey)
    areas = journey.register.competence_area_list
    if not 0 <= area_index < len(areas):
        raise Http404("No such competence area.")
    area = areas[area_index]
    form = StatementForm(
        request.POST or None,
        instance=selectors.statements_of(journey).get(area),
        evidence_choices=selectors.evidence_choices(journey.person),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.statement_save(
                journey=journey,
                area=area,
                statement=form.cleaned_data["statement"],
                evidence_record_ids=form.cleaned_data["evidence_record_ids"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Your statement on “{area}” is saved.")
            return redirect(journey)
    return render(request, "registration/form.html", {"form": form, "title": area, "back": journey})


@roles.staff_view
def journey_supporter(request, pk):
    journey = selectors.get_journey_for_user(request.user, pk)
    rules.require_own(request.user, journey)
    form = SupporterForm(
        request.POST or None,
        supporters=selectors.supporters_for(journey.person),
        initial={"supporter": journey.person.line_manager_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.journey_name_supporter(journey=journey, supporter=form.cleaned_data["supporter"], by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{journey.supporter} is asked to support your application.")
            return redirect(journey)
    return render(request, "registration/form.html", {"form": form, "title": "Name your supporter", "back": journey})


@roles.staff_view
def journey_submit(request, pk):
    journey = selectors.get_journey_for_user(request.user, pk)
    rules.require_own(request.user, journey)
    form = SubmitForm(request.POST or None, journey=journey, bodies=journey.register.licensed_body_list)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.journey_submit(journey=journey, by=request.user, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your application is recorded as submitted. Good luck!")
            return redirect(journey)
    return render(request, "registration/form.html", {"form": form, "title": "Record your submission", "back": journey})


@roles.staff_view
def journey_outcome(request, pk):
    journey = selectors.get_journey_for_user(request.user, pk)
    rules.require_record_progress(request.user, journey)
    form = OutcomeForm(request.POST or None, journey=journey)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.journey_record_outcome(journey=journey, by=request.user, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The outcome is recorded.")
            return redirect(journey)
    return render(request, "registration/form.html", {"form": form, "title": "Record the outcome", "back": journey})


@roles.staff_view
def journey_renewal(request, pk):
    journey = selectors.get_journey_for_user(request.user, pk)
    rules.require_record_progress(request.user, journey)
    form = RenewalForm(request.POST or None, journey=journey)
    if request.method == "POST" and form.is_valid():
        try:
            services.journey_record_renewal(journey=journey, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The renewal is recorded.")
            return redirect(journey)
    return render(request, "registration/form.html", {"form": form, "title": "Record a renewal", "back": journey})


@roles.staff_view
def cpd(request):
    profile = request.user.profile
    record = selectors.cpd_record_of(profile)
    form = CpdDeclarationForm(request.POST or None, instance=record.declaration)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.cpd_declaration_save(person=profile, year=record.end.year, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your CPD record is saved." + (" It is declared." if data["declare"] else ""))
            return redirect("registration:cpd")
    return render(request, "registration/cpd.html", {"record": record, "form": form})


@roles.staff_view
def audit_pack(request):
    record = selectors.cpd_record_of(request.user.profile)
    response = HttpResponse(audit.audit_pack_pdf(record), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="cpd-audit-pack-{record.end:%Y-%m-%d}.pdf"'
    return response


# --- Programme managers and HR -----------------------------------------------------------------


@roles.staff_view
def journeys(request):
    rules.require_see_figures(request.user)
    institution = request.user.profile.institution
    state = request.GET.get("state", "")
    if state not in State.values:
        state = ""
    beyond_soa = request.GET.get("beyond_soa") == "1"
    text = request.GET.get("q", "")[:100]
    page = Paginator(
        selectors.journeys_list(institution, state=state, beyond_soa=beyond_soa, text=text), JOURNEYS_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    query = urlencode(
        {k: v for k, v in {"state": state, "beyond_soa": "1" if beyond_soa else "", "q": text}.items() if v}
    )
    return render(
        request,
        "registration/journeys.html",
        {
            "page": page,
            "state": state,
            "beyond_soa": beyond_soa,
            "q": text,
            "query": query,
            "state_choices": State.choices,
            "counts": [(State(value).label, n) for value, n in selectors.state_counts(institution).items()],
        },
    )


def _settings_or_prompt(request):
    settings = selectors.settings_of(request.user.profile.institution)
    if settings is None:
        messages.info(request, "Choose which programme is your registration programme first.")
    return settings


@roles.staff_view
def programme(request):
    rules.require_run_programme(request.user)
    settings = _settings_or_prompt(request)
    if settings is None:
        return redirect("registration:settings")
    return render(
        request,
        "registration/programme.html",
        {"settings": settings, "cohorts": programmes.cohorts_of(settings.programme)},
    )


@roles.staff_view
def cohort(request, pk):
    rules.require_run_programme(request.user)
    found = programmes.get_cohort_to_run(request.user, pk)
    settings = selectors.settings_of(request.user.profile.institution)
    if settings is None or found.programme_id != settings.programme_id:
        raise Http404("No such cohort of the registration programme.")
    return render(request, "registration/cohort.html", {"page": selectors.cohort_page(settings, found)})


@roles.staff_view
def leadership(request):
    rules.require_run_programme(request.user)
    return render(
        request,
        "registration/leadership.html",
        {"cohorts": list(programmes.leadership_cohorts(request.user.profile.institution))},
    )


@roles.staff_view
def leadership_cohort(request, pk):
    rules.require_run_programme(request.user)
    found = programmes.get_cohort_to_run(request.user, pk)
    if found.programme.kind != "leadership":
        raise Http404("No such leadership cohort.")
    rows = selectors.leadership_cohort_rows(found)
    pursuing = sum(1 for row in rows if row.pursuing)
    return render(request, "registration/leadership_cohort.html", {"cohort": found, "rows": rows, "pursuing": pursuing})


@roles.staff_view
def champion(request):
    rules.require_see_figures(request.user)
    institution = request.user.profile.institution
    figures = selectors.champion_figures(institution)
    # Figures about staff groups pass through disclosure control (rounded counts need no more).
    return render(
        request,
        "registration/champion.html",
        {
            "figures": figures,
            "rules_in_words": disclosure.RULES_IN_WORDS,
            "by_register": [(code, disclosure.count(n)) for code, n in figures.registered_by_register],
            "by_family": [(name, disclosure.count(n)) for name, n in figures.registered_by_family],
            "by_payer": [(label, disclosure.count(n)) for label, n in figures.support_by_payer],
            "total": disclosure.count(figures.registered_total),
            "open": disclosure.count(figures.journeys_open),
            "mentors": disclosure.count(figures.mentors),
        },
    )


@roles.staff_view
def settings_edit(request):
    rules.require_run_programme(request.user)
    institution = request.user.profile.institution
    form = SettingsForm(
        request.POST or None,
        instance=selectors.settings_of(institution),
        programmes=programmes.programmes_run_by(request.user).order_by("title"),
    )
    if request.method == "POST" and form.is_valid():
        services.programme_settings_save(institution=institution, **form.cleaned_data)
        messages.success(request, "The registration programme is saved.")
        return redirect("registration:programme")
    return render(request, "registration/form.html", {"form": form, "title": "Registration programme"})
