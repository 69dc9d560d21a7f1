"""Promotions pages. Each view: access helper, form, service, redirect or render."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from core.access import allowed
from core.forms import add_service_errors
from mentoring.selectors import mentoring_scope, suggested_mentors
from people import roles
from programmes.selectors import cohorts_run_by, workshop_sessions

from . import facts, rules, selectors, services
from .equivalence import Requirement, decide
from .forms import (
    CriteriaForm,
    DeclarationForm,
    OutcomeForm,
    RoundForm,
    StatementForm,
    SupportForm,
    VacancyForm,
    WorkshopForm,
)
from .models import Application

PAGE_SIZE = 25
PROMOTION_PURPOSE = "promotion"  # mentoring's purpose value for promotion mentors
State = Application.State


def _my_check(person, criteria):
    """The criteria for the person's next grade and whether their records meet its qualification rule."""
    step = selectors.next_step_for(person, criteria)
    if step is None:
        return None, None
    found = facts.gather([person])[person.pk]
    return step, decide(Requirement.of(step), found)


@roles.staff_view
def home(request):
    person = request.user.profile
    today = timezone.localdate()
    criteria = selectors.criteria_in_force(person.institution)
    step, decision = _my_check(person, criteria)
    rounds = selectors.current_rounds(person.institution, today)
    return render(
        request,
        "promotions/home.html",
        {
            "step": step,
            "decision": decision,
            "rounds": rounds,
            "today": today,
            "mine": list(selectors.my_applications(person)),
            "team": list(selectors.team_applications(person)),
            "declaration": selectors.declaration_of(person),
            "summaries": list(selectors.published_summaries(person.institution)[:4]),
            "can_run": allowed(request.user, "promotions.run"),
        },
    )


@roles.staff_view
def criteria(request):
    person = request.user.profile
    in_force = selectors.criteria_in_force(person.institution)
    step, decision = _my_check(person, in_force)
    return render(
        request,
        "promotions/criteria.html",
        {
            "criteria": [(version, Requirement.of(version).in_words()) for version in in_force],
            "step": step,
            "decision": decision,
            "can_run": allowed(request.user, "promotions.run"),
            "guidelines": selectors.GUIDELINES_SLUG if selectors.has_guidance(selectors.GUIDELINES_SLUG) else "",
        },
    )


@roles.staff_view
def criteria_version(request, pk):
    version = selectors.get_criteria_for_user(request.user, pk)
    return render(
        request,
        "promotions/criteria_version.html",
        {
            "version": version,
            "rule": Requirement.of(version).in_words(),
            "history": list(selectors.criteria_history(version.target_grade)),
            "can_run": allowed(request.user, "promotions.run"),
        },
    )


@roles.staff_view
def criteria_new(request):
    rules.require_run(request.user)
    institution = request.user.profile.institution
    grades = selectors.grades_of(institution)
    initial = {}
    base = None
    if request.GET.get("from"):
        base = selectors.get_criteria_for_user(request.user, request.GET["from"])
        initial = {
            field: getattr(base, field)
            for field in [
                "expectations",
                "qualification_asked",
                "equivalent_years",
                "equivalent_registrations",
                "equivalent_programmes",
            ]
        } | {"target_grade": base.target_grade_id}
    form = CriteriaForm(request.POST or None, initial=initial, grades=grades)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.criteria_publish(institution=institution, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{version} is published and in force.")
            return redirect(version)
    return render(request, "promotions/form.html", {"form": form, "title": "Publish promotion criteria", "base": base})


@roles.staff_view
def declaration(request):
    person = request.user.profile
    form = DeclarationForm(request.POST or None, instance=selectors.declaration_of(person))
    if request.method == "POST" and form.is_valid():
        services.declaration_save(person=person, **form.cleaned_data)
        messages.success(request, "Saved. The criteria page now checks against it.")
        return redirect("promotions:home")
    return render(request, "promotions/form.html", {"form": form, "title": "My qualification and round alerts"})


# --- Rounds ------------------------------------------------------------------------------------


@roles.staff_view
def rounds(request):
    page = Paginator(selectors.rounds_of(request.user.profile.institution), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "promotions/rounds.html", {"page": page, "can_run": allowed(request.user, "promotions.run")})


@roles.staff_view
def round_edit(request, pk=None):
    rules.require_run(request.user)
    round = selectors.get_round_for_user(request.user, pk) if pk else None
    if round is not None:
        rules.require_run_round(request.user, round)
    form = RoundForm(request.POST or None, instance=round)
    if request.method == "POST" and form.is_valid():
        try:
            round = services.round_save(form=form, institution=request.user.profile.institution, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{round} is saved.")
            return redirect(round)
    title = f"Change {round}" if round else "New promotion round"
    return render(request, "promotions/form.html", {"form": form, "title": title})


@roles.staff_view
def round_detail(request, pk):
    round = selectors.get_round_for_user(request.user, pk)
    person = request.user.profile
    criteria = selectors.round_criteria(round)
    can_run = allowed(request.user, "promotions.run_round", round)
    mine = selectors.my_applications(person).filter(round=round).first()
    workshop = workshop_sessions([round.workshop_id]).get(round.workshop_id) if round.workshop_id else None
    context = {
        "round": round,
        "criteria": [(version, Requirement.of(version).in_words()) for version in criteria],
        "my_step": selectors.next_step_for(person, criteria),
        "mine": mine,
        "today": timezone.localdate(),
        "workshop": workshop,
        "can_run": can_run,
    }
    if can_run:
        state = request.GET.get("state", "")
        # A page at a time: a round at a large institution has hundreds of applicants (797 took
        # 0.16 s to render at national size).
        applicants = Paginator(selectors.round_applicants(round, state=state), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        context |= {
            "applicants": applicants,
            "page": applicants,
            "query": urlencode({"state": state}) if state else "",
            "states": State.choices,
            "state": state,
            "eligible_count": selectors.eligible_staff(round).count(),
            "managers_told": len(selectors.managers_told(round)),
        }
    return render(request, "promotions/round.html", context)


@require_POST
@roles.staff_view
def round_intend(request, pk):
    round = selectors.get_round_for_user(request.user, pk)
    try:
        application = services.application_intend(round=round, person=request.user.profile, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(round)
    messages.success(request, "Your intention is recorded and your line manager has been told.")
    return redirect(application)


@roles.staff_view
def round_workshop(request, pk):
    round = selectors.get_round_for_user(request.user, pk)
    rules.require_run_round(request.user, round)
    form = WorkshopForm(request.POST or None, cohorts=cohorts_run_by(request.user).select_related("programme"))
    if request.method == "POST" and form.is_valid():
        try:
            services.round_workshop_schedule(round=round, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The workshop is scheduled and shown on the round's page.")
            return redirect(round)
    return render(request, "promotions/form.html", {"form": form, "title": f"Workshop on the criteria: {round}"})


@roles.staff_view
def round_summary(request, pk):
    round = selectors.get_round_for_user(request.user, pk)
    can_run = allowed(request.user, "promotions.run_round", round)
    if round.summary_published_at is None and not can_run:
        rules.require_run_round(request.user, round)
    return render(
        request,
        "promotions/summary.html",
        {
            "round": round,
            "summary": selectors.round_summary(round),
            "can_publish": allowed(request.user, "promotions.publish_summary", round),
        },
    )


@require_POST
@roles.staff_view
def summary_publish(request, pk):
    round = selectors.get_round_for_user(request.user, pk)
    try:
        services.summary_publish(round=round, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The summary is published to all staff.")
    return redirect("promotions:summary", pk=round.pk)


# --- Applications ------------------------------------------------------------------------------


def _application_page(request, application, **forms):
    user = request.user
    is_applicant = application.applicant_id == user.profile.pk
    suggestions = []
    if is_applicant and application.is_open:
        with mentoring_scope(user.profile):
            suggestions = suggested_mentors(mentee=user.profile, purpose=PROMOTION_PURPOSE, limit=3)
    grades = selectors.grades_of(application.round.institution).filter(
        job_family_id=application.target_grade.job_family_id
    )
    context = {
        "application": application,
        "history": [(move, State(move.to_state).label) for move in selectors.application_history(application)],
        "is_applicant": is_applicant,
        "suggestions": suggestions,
        "mentoring_purpose": PROMOTION_PURPOSE,
        "can_submit": is_applicant and application.state == State.INTENDED,
        "can_withdraw": is_applicant and application.is_open,
        "can_support": allowed(user, "promotions.support", application),
        # A refused form is shown again with its message, even when the move is no longer open.
        "can_decide": allowed(user, "promotions.record_outcome", application) or "outcome_form" in forms,
        "statement_form": forms.get("statement_form") or StatementForm(initial={"statement": application.statement}),
        "support_form": forms.get("support_form")
        or SupportForm(initial={"manager_statement": application.manager_statement}),
        "outcome_form": forms.get("outcome_form")
        or OutcomeForm(grades=grades, initial={"new_grade": application.target_grade_id}),
    }
    return render(request, "promotions/application.html", context, status=400 if forms else 200)


@roles.staff_view
def application_detail(request, pk):
    return _application_page(request, selectors.get_application_for_user(request.user, pk))


@require_POST
@roles.staff_view
def application_submit(request, pk):
    application = selectors.get_application_for_user(request.user, pk)
    rules.require_submit(request.user, application)  # before the form: a refusal, not the form's errors
    form = StatementForm(request.POST)
    if form.is_valid():
        try:
            services.application_submit(application=application, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your application is submitted.")
            return redirect(application)
    return _application_page(request, application, statement_form=form)


@require_POST
@roles.staff_view
def application_support(request, pk):
    application = selectors.get_application_for_user(request.user, pk)
    rules.require_support(request.user, application)
    form = SupportForm(request.POST)
    if form.is_valid():
        try:
            services.application_support(
                application=application, by=request.user, statement=form.cleaned_data["manager_statement"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your supporting statement is saved.")
            return redirect(application)
    return _application_page(request, application, support_form=form)


@require_POST
@roles.staff_view
def application_outcome(request, pk):
    application = selectors.get_application_for_user(request.user, pk)
    rules.require_record_outcome(request.user, application)
    grades = selectors.grades_of(application.round.institution)
    form = OutcomeForm(request.POST, grades=grades)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.application_decide(
                application=application,
                by=request.user,
                promoted=data["outcome"] == "promoted",
                new_grade=data["new_grade"],
                effective_date=data["effective_date"],
                feedback=data["feedback"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The outcome is recorded and the applicant has been told.")
            return redirect(application)
    return _application_page(request, application, outcome_form=form)


@require_POST
@roles.staff_view
def application_withdraw(request, pk):
    application = selectors.get_application_for_user(request.user, pk)
    try:
        services.application_withdraw(application=application, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Your application is withdrawn.")
    return redirect(application)


# --- Vacancies ---------------------------------------------------------------------------------


@roles.staff_view
def vacancies(request):
    rules.require_record_vacancies(request.user)
    institution = request.user.profile.institution
    form = VacancyForm(request.POST or None, grades=selectors.grades_of(institution))
    if request.method == "POST" and form.is_valid():
        services.vacancy_save(form=form, institution=institution, by=request.user)
        messages.success(request, "The vacancy is recorded.")
        return redirect("promotions:vacancies")
    page = Paginator(selectors.vacancies_of(institution), PAGE_SIZE).get_page(request.GET.get("page"))
    counts = selectors.degree_check(institution)
    share = round(100 * counts["unjustified"] / counts["total"]) if counts["total"] else None
    checklist = selectors.CHECKLIST_SLUG if selectors.has_guidance(selectors.CHECKLIST_SLUG) else ""
    return render(
        request,
        "promotions/vacancies.html",
        {"form": form, "page": page, "counts": counts, "share": share, "checklist": checklist},
    )


@roles.staff_view
def vacancy_edit(request, pk):
    vacancy = selectors.get_vacancy_for_user(request.user, pk)
    rules.require_edit_vacancy(request.user, vacancy)
    institution = request.user.profile.institution
    form = VacancyForm(request.POST or None, instance=vacancy, grades=selectors.grades_of(institution))
    if request.method == "POST" and form.is_valid():
        services.vacancy_save(form=form, institution=institution, by=request.user)
        messages.success(request, "The vacancy is saved.")
        return redirect("promotions:vacancies")
    return render(request, "promotions/form.html", {"form": form, "title": f"Change {vacancy}"})
