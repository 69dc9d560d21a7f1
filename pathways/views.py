"""Pathways pages. Each view: access helper, form, service, redirect or render."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core import disclosure
from core.access import allowed, require
from core.forms import add_service_errors
from core.tenancy import in_institution
from core.uploads import UploadRefused, csv_rows
from people import roles
from people.models import Institution

from . import pdf, rules, selectors, services
from .forms import (
    DecisionForm,
    FrameworkUploadForm,
    GoalForm,
    PathwayForm,
    ProgressForm,
    RatingForm,
    ReviewForm,
    SideRouteForm,
    StepForm,
)
from .frameworks import HEADER, MAX_ROWS, FrameworkRefused
from .models import Plan, SelfAssessment

# --- The public page and the map ---------------------------------------------------------------


def public(request, slug):
    """An institution's published pathways, for anyone (no sign-in); no personal data at all."""
    institution = get_object_or_404(Institution, slug=slug)
    with in_institution(institution):
        pathways = selectors.published_pathways(institution)
        maps = [selectors.map_of(pathway) for pathway in pathways]
    if not maps:
        raise Http404("This institution has not published a career pathway.")
    return render(request, "pathways/public.html", {"institution": institution, "maps": maps})


@roles.staff_view
def pathway_map(request):
    person = request.user.profile
    pathways = list(selectors.pathways_of(person.institution))
    chosen = request.GET.get("family")
    pathway = next((p for p in pathways if str(p.job_family_id) == chosen), None) or next(
        (p for p in pathways if p.job_family_id == person.job_family_id), None
    )
    the_map = selectors.map_of(pathway, grade=person.grade) if pathway else None
    return render(
        request,
        "pathways/map.html",
        {
            "map": the_map,
            "pathways": pathways,
            "own": pathway is not None and pathway.job_family_id == person.job_family_id,
        },
    )


@roles.staff_view
def next_step(request):
    result = selectors.next_step_of(request.user)
    return render(request, "pathways/next_step.html", {"result": result})


# --- Programme managers: pathways and frameworks ------------------------------------------------


@roles.staff_view
def manage(request):
    rules.require_edit(request.user, request.user.profile.institution)
    institution = request.user.profile.institution
    return render(
        request,
        "pathways/manage.html",
        {
            "pathways": list(selectors.pathways_of(institution)),
            "families": selectors.job_families_without_pathway(institution),
            "versions": list(selectors.framework_versions(institution).order_by("framework__name", "-number")),
        },
    )


@require_POST
@roles.staff_view
def pathway_create(request):
    institution = request.user.profile.institution
    rules.require_edit(request.user, institution)
    family = next(
        (f for f in selectors.job_families_without_pathway(institution) if str(f.pk) == request.POST.get("family")),
        None,
    )
    if family is None:
        raise Http404("No job family of yours without a pathway has this number.")
    pathway = services.pathway_create(job_family=family, title=f"{family.name} career pathway", by=request.user)
    messages.success(request, f"{pathway} is created with a step for each grade; describe each step, then publish it.")
    return redirect("pathways:manage")


@roles.staff_view
def pathway_edit(request, pk):
    pathway = selectors.get_pathway_for_user(request.user, pk)
    rules.require_edit(request.user, pathway)
    form = PathwayForm(request.POST or None, instance=pathway)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        note = data.pop("note")
        try:
            services.pathway_update(pathway=pathway, by=request.user, note=note, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{pathway} is saved as a new version.")
            return redirect("pathways:history", pathway.pk)
    return render(
        request, "pathways/form.html", {"form": form, "title": f"Edit {pathway}", "back": reverse("pathways:manage")}
    )


@roles.staff_view
def step_edit(request, pk):
    step = selectors.get_step_for_user(request.user, pk)
    rules.require_edit(request.user, step.pathway)
    form = StepForm(request.POST or None, instance=step)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        note = data.pop("note")
        try:
            services.step_update(step=step, by=request.user, note=note, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"The {step.grade.short_name} step is saved as a new version of the pathway.")
            return redirect("pathways:history", step.pathway_id)
    title = f"Edit the {step.grade} step"
    return render(request, "pathways/form.html", {"form": form, "title": title, "back": reverse("pathways:manage")})


@roles.staff_view
def route_add(request, pk):
    pathway = selectors.get_pathway_for_user(request.user, pk)
    rules.require_edit(request.user, pathway)
    grades = pathway.job_family.grades.order_by("level")
    form = SideRouteForm(request.POST or None, grades=grades)
    if request.method == "POST" and form.is_valid():
        try:
            services.side_route_add(pathway=pathway, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"The side route “{form.cleaned_data['title']}” is on the pathway.")
            return redirect("pathways:history", pathway.pk)
    return render(
        request,
        "pathways/form.html",
        {"form": form, "title": f"Add a side route to {pathway}", "back": reverse("pathways:manage")},
    )


@require_POST
@roles.staff_view
def route_remove(request, pk):
    route = selectors.get_side_route_for_user(request.user, pk)
    rules.require_edit(request.user, route.pathway)
    services.side_route_remove(route=route, by=request.user)
    messages.success(request, f"The side route “{route.title}” is removed; the earlier version stays in the history.")
    return redirect("pathways:history", route.pathway_id)


@roles.staff_view
def history(request, pk):
    pathway = selectors.get_pathway_for_user(request.user, pk)
    return render(
        request,
        "pathways/history.html",
        {
            "pathway": pathway,
            "versions": list(selectors.versions_of(pathway)),
            "can_edit": allowed(request.user, "pathways.edit", pathway),
        },
    )


@roles.staff_view
def framework_upload(request):
    institution = request.user.profile.institution
    rules.require_edit(request.user, institution)
    form = FrameworkUploadForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            version, created = services.framework_load(
                institution=institution,
                rows=list(csv_rows(upload.file, max_rows=MAX_ROWS)),
                file_name=upload.name,
                by=request.user,
            )
        except FrameworkRefused as refusal:
            problems = refusal.problems
            form.add_error("file", f"The file was refused whole: {len(problems)} line(s) to fix, listed below.")
        except UploadRefused as refusal:
            form.add_error("file", str(refusal))
        else:
            if created:
                messages.success(request, f"{version} is loaded.")
            else:
                messages.info(request, f"This file is the same as {version}; nothing changed.")
            return redirect("pathways:framework", version.pk)
    return render(
        request, "pathways/framework_upload.html", {"form": form, "problems": problems, "header": ",".join(HEADER)}
    )


@roles.staff_view
def framework(request, pk):
    version = selectors.get_framework_version_for_user(request.user, pk)
    return render(request, "pathways/framework.html", {"version": version})


# --- Self-assessment --------------------------------------------------------------------------


def _rating_forms(request, assessment, version, ratings, records):
    bands = list(version.bands.all())
    forms = []
    for capability in version.capabilities.all():
        rating = ratings.get(capability.pk)
        initial = {"level": rating.level, "evidence": rating.evidence, "cited": rating.cited} if rating else {}
        form = RatingForm(
            request.POST if request.method == "POST" else None,
            prefix=f"c{capability.pk}",
            initial=initial,
            bands=bands,
            records=records,
        )
        forms.append((capability, rating, form))
    return forms


@roles.staff_view
def assessment(request):
    person = request.user.profile
    version = selectors.framework_in_force(person.institution)
    if version is None:
        return render(request, "pathways/assessment.html", {"version": None})
    mine = selectors.latest_assessment(person)
    if request.method == "POST" and request.POST.get("action") == "start":
        services.assessment_start(person=person, version=version, by=request.user)
        return redirect("pathways:assessment")
    if mine is not None and mine.version_id != version.pk and mine.state != SelfAssessment.State.DRAFT:
        mine = None  # a new framework version: a new self-assessment
    ratings = selectors.ratings_of(mine) if mine else {}
    records = selectors.evidence_hints(person) if mine and mine.state == SelfAssessment.State.DRAFT else []
    forms = _rating_forms(request, mine, version, ratings, records) if mine else []
    drafting = request.method == "POST" and mine is not None and mine.state == SelfAssessment.State.DRAFT
    if drafting and all(form.is_valid() for _, _, form in forms):
        values = {
            c.pk: (f.cleaned_data["level"], f.cleaned_data["evidence"], f.cleaned_data.get("cited", []))
            for c, _, f in forms
        }
        try:
            services.assessment_rate(assessment=mine, by=request.user, ratings=values)
            if request.POST.get("action") == "submit":
                services.assessment_submit(assessment=mine, by=request.user)
                messages.success(request, "Your self-assessment is with your line manager.")
            else:
                messages.success(request, "Your ratings are saved.")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            return redirect("pathways:assessment")
    grade = person.grade
    target = selectors.map_for(person)
    next_grade = target.next.step.grade if target and target.next else None
    gaps = selectors.gaps_of(version, ratings, next_grade.level if next_grade else None) if mine else []
    return render(
        request,
        "pathways/assessment.html",
        {
            "version": version,
            "assessment": mine,
            "forms": forms,
            "gaps": gaps,
            "grade": grade,
            "next_grade": next_grade,
            "any_errors": any(form.errors for _, _, form in forms),
        },
    )


@roles.staff_view
def review_assessment(request, pk):
    assessment = selectors.get_assessment_for_user(request.user, pk)
    may_review = allowed(request.user, "pathways.review", assessment)
    ratings = selectors.ratings_of(assessment)
    version = selectors.get_framework_version_for_user(request.user, assessment.version_id)
    rows = []
    for capability in version.capabilities.all():
        rating = ratings.get(capability.pk)
        if rating is None:
            continue
        form = ReviewForm(request.POST or None, prefix=f"r{rating.pk}") if may_review else None
        rows.append((capability, rating, form))
    if request.method == "POST":
        if not may_review:
            raise PermissionDenied("Only the person's line manager can review this.")
        if all(form.is_valid() for _, _, form in rows):
            views = {rating.pk: (form.cleaned_data["view"], form.cleaned_data["note"]) for _, rating, form in rows}
            try:
                services.assessment_review(assessment=assessment, by=request.user, views=views)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, f"Your review of {assessment.person}'s self-assessment is sent.")
                return redirect("home")
    return render(
        request,
        "pathways/review_assessment.html",
        {
            "assessment": assessment,
            "rows": rows,
            "may_review": may_review and assessment.state == SelfAssessment.State.SUBMITTED,
            "any_errors": any(form is not None and form.errors for _, _, form in rows),
        },
    )


# --- The personal development plan ------------------------------------------------------------


def _capabilities(person):
    return selectors.capabilities_in_force(person.institution)


@roles.staff_view
def plan(request):
    person = request.user.profile
    year = timezone.localdate().year
    mine = selectors.plan_of(person, year)
    if request.method == "POST" and request.POST.get("action") == "start":
        services.plan_start(person=person, year=year, by=request.user)
        return redirect("pathways:plan")
    form = None
    if mine is not None and mine.state == Plan.State.DRAFT:
        options = selectors.goal_options(request.user)
        form = GoalForm(request.POST or None, capabilities=_capabilities(person), options=options)
    if request.method == "POST" and form is not None and request.POST.get("action") == "goal" and form.is_valid():
        try:
            services.goal_add(plan=mine, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The goal is on your plan.")
            return redirect("pathways:plan")
    return render(request, "pathways/plan.html", _plan_context(request, mine, form))


def _plan_context(request, mine, form=None):
    goals = selectors.goals_of(mine) if mine else []
    return {
        "plan": mine,
        "goals": [
            (goal, ProgressForm(prefix=f"g{goal.pk}", initial={"progress": goal.progress, "note": goal.progress_note}))
            for goal in goals
        ],
        "form": form,
        "history": list(selectors.plan_history(mine)) if mine else [],
        "year": timezone.localdate().year,
        "is_own": mine is not None and mine.person_id == request.user.profile.pk,
        "links": _goal_links(),
    }


def _goal_links():
    return {
        "capability": reverse("pathways:assessment"),
        "programme": reverse("programmes:catalogue"),
        "development": reverse("development:mine"),
        "registration": reverse("registration:mine"),
        "promotion": reverse("promotions:home"),
        "mentoring": reverse("mentoring:mine"),
    }


@require_POST
@roles.staff_view
def plan_submit(request, pk):
    mine = selectors.get_plan_for_user(request.user, pk)
    try:
        services.plan_submit(plan=mine, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Your plan is with your line manager.")
    return redirect("pathways:plan")


@require_POST
@roles.staff_view
def plan_reopen(request, pk):
    mine = selectors.get_plan_for_user(request.user, pk)
    services.plan_reopen(plan=mine, by=request.user, reason="Reopened to change the goals.")
    messages.success(request, "Your plan is a draft again; send it to your line manager when you are ready.")
    return redirect("pathways:plan")


@require_POST
@roles.staff_view
def goal_mark(request, pk):
    goal = selectors.get_goal_for_user(request.user, pk)
    # before the form: the line manager sees the plan but marks no progress on it
    require(request.user, "pathways.plan_own", goal.plan, message="You can only mark progress on your own plan.")
    form = ProgressForm(request.POST, prefix=f"g{goal.pk}")
    if form.is_valid():
        try:
            services.goal_mark(goal=goal, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Progress on “{goal}” is marked.")
    else:
        messages.error(request, "Choose how far the goal has got.")
    return redirect("pathways:plan")


@require_POST
@roles.staff_view
def goal_remove(request, pk):
    goal = selectors.get_goal_for_user(request.user, pk)
    try:
        services.goal_remove(goal=goal, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"“{goal}” is removed from your plan.")
    return redirect("pathways:plan")


@roles.staff_view
def review_plan(request, pk):
    the_plan = selectors.get_plan_for_user(request.user, pk)
    may_review = allowed(request.user, "pathways.review", the_plan) and the_plan.state == Plan.State.SUBMITTED
    form = DecisionForm(request.POST or None) if may_review else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("Only the person's line manager can agree their plan, once it is sent to them.")
        if form.is_valid():
            try:
                services.plan_decide(plan=the_plan, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Your decision on {the_plan} is sent.")
                return redirect("home")
    context = _plan_context(request, the_plan)
    context.update({"decision_form": form})
    return render(request, "pathways/review_plan.html", context)


@roles.staff_view
def plan_pdf(request, pk):
    the_plan = selectors.get_plan_for_user(request.user, pk)
    content = pdf.plan_pdf(
        the_plan,
        selectors.goals_of(the_plan),
        selectors.plan_history(the_plan),
        selectors.training_in_year(the_plan),
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="development-plan-{the_plan.year}.pdf"'
    return response


# --- Readiness --------------------------------------------------------------------------------


@roles.staff_view
def readiness(request):
    rules.require_readiness(request.user)
    return render(
        request,
        "pathways/readiness.html",
        {
            "readiness": selectors.readiness(request.user),
            "waiting": selectors.waiting_for_review(request.user.profile),
            "rules_in_words": disclosure.RULES_IN_WORDS,
        },
    )
