"""Apprenticeship pages. Each view: access helper, form, service, redirect or render.

A request is already inside the viewer's institution scope (the middleware); the mentoring
suggestions are read inside the apprentice's mentoring scope.
"""

from __future__ import annotations

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core import metrics as core_metrics
from core.access import allowed, require
from core.forms import add_service_errors
from core.tenancy import in_institution
from mentoring import selectors as mentoring_selectors
from people import roles
from people import selectors as people_selectors
from people.models import StaffProfile

from . import guidance, rules, selectors, services
from .forms import (
    ApprenticeshipForm,
    AssessmentForm,
    BreakEndForm,
    BreakStartForm,
    ContactInviteForm,
    DecideForm,
    DestinationForm,
    EnrolForm,
    GatewayForm,
    HoursForm,
    IntakeForm,
    InvitationAcceptForm,
    MentorForm,
    OfferToMentorForm,
    ProviderForm,
    ProviderReviewSignForm,
    ProviderSignForm,
    RecommendationForm,
    RequestEnrolForm,
    RequestForm,
    ReviewForm,
    StandardForm,
    WithdrawForm,
)
from .models import GATEWAY_CHECKS, NEW_OFF_THE_JOB_RULES_FROM, Apprenticeship, ApprenticeshipRequest

SEE_ALL = "This page is for programme managers and HR."
PAGE_SIZE = 50
MEASURES = ("apprenticeships.levy_in_progress", "apprenticeships.so_roles_within_3_months")


def _profile(request):
    return roles.require_profile(request.user)


def _staff(institution):
    return (
        StaffProfile.objects.for_institution(institution)
        .current()
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    )


def _form_page(request, form, *, title, intro="", back="", submit="Save"):
    return render(
        request,
        "apprenticeships/form.html",
        {"form": form, "title": title, "intro": intro, "back": back, "submit": submit},
    )


# --- Overview pages ---------------------------------------------------------------------------


@login_required
def home(request):
    """The viewer's own apprenticeship and requests, their apprentices and the requests waiting
    for them, and the guidance."""
    profile = _profile(request)
    rows = selectors.rows_for(selectors.apprenticeships_of_people(request.user))
    return render(
        request,
        "apprenticeships/home.html",
        {
            "mine": [row for row in rows if row.apprenticeship.apprentice_id == profile.pk],
            "managed": [row for row in rows if row.apprenticeship.apprentice_id != profile.pk],
            "my_requests": list(selectors.requests_of(profile)),
            "waiting": list(selectors.requests_waiting_for(profile)),
            "completed": selectors.completed_apprenticeship_of(profile),
            "guidance": guidance.quote("staff"),
            "can_run": allowed(request.user, "apprenticeships.run"),
        },
    )


@login_required
def programme(request):
    """The programme manager's view: open apprenticeships with RAG status, approved requests to
    enrol, outcomes by intake and the two success measures with their method."""
    profile = _profile(request)
    require(request.user, "apprenticeships.see_all", message=SEE_ALL)
    institution = profile.institution
    today = timezone.localdate()
    rows = selectors.rows_for(selectors.open_apprenticeships(institution), today=today)
    rag = request.GET.get("rag", "")
    shown = [row for row in rows if not rag or row.rag == rag]
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    selectors.with_people_on(page.object_list)
    # Counted over everything recorded so far (the action plan counts over its own period).
    since = selectors.first_start(institution) or today
    # Plain values: a template would call the Metric itself (it is callable), not read it.
    measures = [
        {"label": m.label, "unit": m.unit, "how": m.how, "result": m(institution=institution, start=since, end=today)}
        for m in (core_metrics.get(key) for key in MEASURES)
    ]
    return render(
        request,
        "apprenticeships/programme.html",
        {
            "page": page,
            "rag": rag,
            "rag_counts": {
                key: sum(1 for row in rows if row.rag == key) for key in ("red", "amber", "green", "paused")
            },
            "to_enrol": list(selectors.requests_to_enrol(institution)),
            "outcomes": selectors.outcomes_by_intake(institution, today=today),
            "measures": measures,
            "can_run": allowed(request.user, "apprenticeships.run"),
            "today": today,
        },
    )


# --- Reference data ---------------------------------------------------------------------------


@login_required
def reference(request):
    profile = _profile(request)
    return render(
        request,
        "apprenticeships/reference.html",
        {
            "standards": list(selectors.standards_of(profile.institution)),
            "providers": list(selectors.providers_of(profile.institution)),
            "intakes": list(selectors.intakes_of(profile.institution)),
            "can_run": allowed(request.user, "apprenticeships.run"),
        },
    )


def _save_reference(request, form_class, save, *, title, instance=None, back, **form_kwargs):
    profile = _profile(request)
    rules.require_run(request.user)
    form = form_class(request.POST or None, instance=instance, **form_kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(institution=profile.institution, by=request.user, instance=instance, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{saved} is saved.")
            return redirect(back(saved))
    return _form_page(request, form, title=title, back=reverse("apprenticeships:reference"))


@login_required
def standard_create(request):
    return _save_reference(
        request,
        StandardForm,
        services.standard_save,
        title="Add an apprenticeship standard",
        back=lambda _s: "apprenticeships:reference",
    )


@login_required
def standard_edit(request, pk):
    standard = selectors.get_standard_for_user(request.user, pk)
    return _save_reference(
        request,
        StandardForm,
        services.standard_save,
        title=f"Change {standard.reference}",
        instance=standard,
        back=lambda _s: "apprenticeships:reference",
    )


@login_required
def provider_create(request):
    return _save_reference(
        request, ProviderForm, services.provider_save, title="Add a training provider", back=lambda p: p
    )


@login_required
def provider_edit(request, pk):
    provider = selectors.get_provider_for_user(request.user, pk)
    return _save_reference(
        request, ProviderForm, services.provider_save, title=f"Change {provider}", instance=provider, back=lambda p: p
    )


def _provider_page(request, provider, *, form=None, invite_form=None, status=200):
    profile = _profile(request)
    can_run = allowed(request.user, "apprenticeships.run", provider)
    return render(
        request,
        "apprenticeships/provider.html",
        {
            "provider": provider,
            "recommendations": list(selectors.recommendations_of(provider)),
            "form": form or RecommendationForm(standards=selectors.standards_of(profile.institution)),
            "can_run": can_run,
            "contacts": list(selectors.contacts_of(provider)) if can_run else [],
            "invite_form": (invite_form or ContactInviteForm()) if can_run else None,
        },
        status=status,
    )


@login_required
def provider_detail(request, pk):
    """A provider, its staff recommendations, and a form for anyone to add theirs; for programme
    managers, the people who act for the provider here and the invitation of another."""
    profile = _profile(request)
    provider = selectors.get_provider_for_user(request.user, pk)
    form = RecommendationForm(request.POST or None, standards=selectors.standards_of(profile.institution))
    if request.method == "POST" and form.is_valid():
        try:
            services.recommendation_add(provider=provider, by=profile, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Thank you: your recommendation is saved for colleagues to read.")
            return redirect(provider)
    return _provider_page(request, provider, form=form)


@login_required
@require_POST
def provider_contact_invite(request, pk):
    """A programme manager invites a named person to act for the provider (the provider's page)."""
    _profile(request)
    provider = selectors.get_provider_for_user(request.user, pk)
    rules.require_run(request.user, provider)
    form = ContactInviteForm(request.POST)
    if form.is_valid():
        try:
            contact = services.provider_contact_invite(provider=provider, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"The invitation is on its way to {contact.name} at {contact.email}.")
            return redirect(provider)
    return _provider_page(request, provider, invite_form=form)


@login_required
@require_POST
def provider_contact_resend(request, pk):
    _profile(request)
    contact = selectors.get_contact_for_user(request.user, pk)
    try:
        services.provider_contact_resend(contact=contact, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, f"A new invitation is on its way to {contact.email}; the earlier link no longer works."
        )
    return redirect(contact.provider)


@login_required
@require_POST
def provider_contact_deactivate(request, pk):
    _profile(request)
    contact = selectors.get_contact_for_user(request.user, pk)
    try:
        services.provider_contact_deactivate(contact=contact, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{contact.name} no longer acts for {contact.provider}; their access has ended.")
    return redirect(contact.provider)


@login_required
def sector_recommendations(request):
    """Providers and courses recommended by technicians across the sector (1C), without names."""
    _profile(request)
    standard = request.GET.get("standard", "").strip()[:20]
    text = request.GET.get("q", "").strip()[:100]
    return render(
        request,
        "apprenticeships/sector.html",
        {
            "providers": selectors.sector_recommendations(standard_reference=standard, text=text),
            "standards": selectors.sector_standard_references(),
            "standard": standard,
            "q": text,
        },
    )


def _intake_form(request, profile, instance=None):
    return IntakeForm(
        request.POST or None,
        instance=instance,
        standards=selectors.standards_of(profile.institution),
        providers=selectors.providers_of(profile.institution),
    )


@login_required
def intake_create(request):
    profile = _profile(request)
    rules.require_run(request.user)
    form = _intake_form(request, profile)
    if request.method == "POST" and form.is_valid():
        try:
            intake = services.intake_save(institution=profile.institution, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"The intake {intake} is created.")
            return redirect(intake)
    return _form_page(request, form, title="Create an intake", back=reverse("apprenticeships:programme"))


@login_required
def intake_edit(request, pk):
    profile = _profile(request)
    intake = selectors.get_intake_for_user(request.user, pk)
    rules.require_run(request.user, intake)
    form = _intake_form(request, profile, instance=intake)
    if request.method == "POST" and form.is_valid():
        try:
            services.intake_save(institution=profile.institution, by=request.user, instance=intake, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The intake is saved.")
            return redirect(intake)
    return _form_page(request, form, title=f"Change {intake}", back=intake.get_absolute_url())


@login_required
def intake_detail(request, pk):
    _profile(request)
    intake = selectors.get_intake_for_user(request.user, pk)
    require(request.user, "apprenticeships.see_all", message=SEE_ALL)
    return render(
        request,
        "apprenticeships/intake.html",
        {
            "intake": intake,
            "rows": selectors.rows_for(selectors.apprenticeships_of_intake(intake)),
            "can_run": allowed(request.user, "apprenticeships.run", intake),
        },
    )


# --- Enrolment --------------------------------------------------------------------------------


@login_required
def enrol(request):
    """A programme manager enrols a new recruit or an existing member of staff directly."""
    profile = _profile(request)
    rules.require_run(request.user)
    institution = profile.institution
    form = EnrolForm(
        request.POST or None,
        staff=_staff(institution),
        standards=selectors.standards_of(institution),
        providers=selectors.providers_of(institution),
        intakes=selectors.intakes_of(institution),
        initial={"intake": request.GET.get("intake")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            apprenticeship = services.apprenticeship_enrol(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{apprenticeship.apprentice} is enrolled.")
            return redirect(apprenticeship)
    return _form_page(
        request,
        form,
        title="Enrol an apprentice",
        intro="Existing staff usually come through their own request, approved by their line manager.",
        back=reverse("apprenticeships:programme"),
        submit="Enrol",
    )


# --- One apprenticeship -----------------------------------------------------------------------


@login_required
def detail(request, pk):
    """Everything about one apprenticeship; the buttons follow the viewer's permissions."""
    profile = _profile(request)
    apprenticeship = selectors.get_apprenticeship_for_user(request.user, pk)
    today = timezone.localdate()
    hours = selectors.hours_of(apprenticeship, today=today)
    can_run = allowed(request.user, "apprenticeships.run", apprenticeship)
    suggestions = []
    if (
        apprenticeship.is_open
        and apprenticeship.workplace_mentor_id is None
        and (can_run or profile.pk == apprenticeship.apprentice_id)
    ):
        with mentoring_selectors.mentoring_scope(apprenticeship.apprentice):
            suggestions = mentoring_selectors.suggested_mentors(
                mentee=apprenticeship.apprentice, purpose=services.APPRENTICESHIP_PURPOSE, limit=3
            )
    reviews = list(selectors.reviews_of(apprenticeship))
    return render(
        request,
        "apprenticeships/detail.html",
        {
            "provider_contacts": list(selectors.active_contacts_of(apprenticeship.provider)) if reviews else [],
            "a": apprenticeship,
            "row": selectors.assess(apprenticeship, hours, today),
            "hours": hours,
            "records": list(selectors.hours_records_of(apprenticeship)[:10]),
            "breaks": selectors.breaks_of(apprenticeship),
            "reviews": reviews,
            "destination": selectors.destination_for(apprenticeship),
            "transitions": list(selectors.transitions_of(apprenticeship)),
            "suggestions": suggestions,
            "can_run": can_run,
            "can_log": allowed(request.user, "apprenticeships.log_hours", apprenticeship),
            "can_review": allowed(request.user, "apprenticeships.record_review", apprenticeship),
            "is_apprentice": profile.pk == apprenticeship.apprentice_id,
            "is_manager": profile.pk in (apprenticeship.line_manager_id, apprenticeship.apprentice.line_manager_id),
            "checklist": apprenticeship.gateway_checklist(),
            "State": Apprenticeship.State,
            "new_rules": apprenticeship.start_date >= NEW_OFF_THE_JOB_RULES_FROM,
        },
    )


def _apprenticeship_action(
    request, pk, form_class, action, *, title, done, initial=None, intro="", check=rules.require_run
):
    """A form about one apprenticeship: the access helper, the permission, the form, the service."""
    _profile(request)
    apprenticeship = selectors.get_apprenticeship_for_user(request.user, pk)
    check(request.user, apprenticeship)
    if callable(initial):
        initial = initial(apprenticeship)
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            action(apprenticeship, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect(apprenticeship)
    return _form_page(
        request,
        form,
        title=f"{title}: {apprenticeship.apprentice}",
        intro=intro,
        back=apprenticeship.get_absolute_url(),
    )


@login_required
def edit(request, pk):
    profile = _profile(request)
    apprenticeship = selectors.get_apprenticeship_for_user(request.user, pk)
    rules.require_run(request.user, apprenticeship)
    form = ApprenticeshipForm(request.POST or None, instance=apprenticeship, staff=_staff(profile.institution))
    if request.method == "POST" and form.is_valid():
        try:
            services.apprenticeship_update(apprenticeship=apprenticeship, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The apprenticeship is saved.")
            return redirect(apprenticeship)
    return _form_page(
        request, form, title=f"Change the plan: {apprenticeship.apprentice}", back=apprenticeship.get_absolute_url()
    )


@login_required
def mentor(request, pk):
    _profile(request)
    apprenticeship = selectors.get_apprenticeship_for_user(request.user, pk)
    rules.require_run(request.user, apprenticeship)
    with mentoring_selectors.mentoring_scope(apprenticeship.apprentice):
        mentors = mentoring_selectors.mentors_offering(
            purpose=services.APPRENTICESHIP_PURPOSE, viewer=apprenticeship.apprentice
        )
        form = MentorForm(request.POST or None, mentors=mentors)
        if request.method == "POST" and form.is_valid():
            try:
                services.workplace_mentor_assign(
                    apprenticeship=apprenticeship,
                    mentor_person_id=form.cleaned_data["mentor"].person_id,
                    by=request.user,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"{form.cleaned_data['mentor'].person} is the workplace mentor.")
                return redirect(apprenticeship)
        return _form_page(
            request,
            form,
            title=f"Workplace mentor: {apprenticeship.apprentice}",
            intro="Pairing records an apprenticeship mentoring in the mentoring app; both are told.",
            back=apprenticeship.get_absolute_url(),
        )


@login_required
def hours_log(request, pk):
    return _apprenticeship_action(
        request,
        pk,
        HoursForm,
        lambda a, data: services.hours_log(apprenticeship=a, by=request.user, **data),
        title="Log off-the-job hours",
        done="The hours are logged, and are part of the training record too.",
        intro="Off-the-job training is learning in paid working time, away from normal duties: teaching, practical "
        "training, shadowing, online learning, assignments. Log each day's hours once.",
        check=rules.require_log_hours,
    )


@login_required
def review_new(request, pk):
    _profile(request)
    apprenticeship = selectors.get_apprenticeship_for_user(request.user, pk)
    rules.require_record_review(request.user, apprenticeship)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_record(apprenticeship=apprenticeship, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The review is recorded; each party signs it on the apprenticeship's page.")
            return redirect(apprenticeship)
    return _form_page(
        request,
        form,
        title=f"Record a progress review: {apprenticeship.apprentice}",
        back=apprenticeship.get_absolute_url(),
    )


@login_required
@require_POST
def review_sign(request, pk, party):
    """One party signs a review (the provider's sign-off recorded by a programme manager)."""
    _profile(request)
    review = selectors.get_review_for_user(request.user, pk)
    apprenticeship = review.apprenticeship
    form = ProviderSignForm(request.POST) if party == "provider" else None
    if form is not None and not form.is_valid():
        messages.error(request, "Name who signed for the provider.")
        return redirect(apprenticeship)
    try:
        services.review_sign(
            review=review,
            by=request.user,
            party=party,
            provider_signatory=form.cleaned_data["provider_signatory"] if form is not None else "",
            reason=form.cleaned_data["reason"] if form is not None else "",
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The review is signed.")
    return redirect(apprenticeship)


@login_required
def break_start(request, pk):
    return _apprenticeship_action(
        request,
        pk,
        BreakStartForm,
        lambda a, data: services.break_start(apprenticeship=a, by=request.user, **data),
        title="Start a break in learning",
        done="The break is recorded: hours stop falling due and reviews pause until it ends.",
    )


@login_required
def break_end(request, pk):
    return _apprenticeship_action(
        request,
        pk,
        BreakEndForm,
        lambda a, data: services.break_end(apprenticeship=a, by=request.user, **data),
        title="End the break in learning",
        done="The apprentice is back from the break.",
    )


@login_required
def withdraw(request, pk):
    return _apprenticeship_action(
        request,
        pk,
        WithdrawForm,
        lambda a, data: services.apprenticeship_withdraw(apprenticeship=a, by=request.user, **data),
        title="Record a withdrawal",
        done="The withdrawal is recorded.",
    )


@login_required
def gateway(request, pk):
    return _apprenticeship_action(
        request,
        pk,
        GatewayForm,
        lambda a, data: services.gateway_save(
            apprenticeship=a,
            by=request.user,
            checks={name: data[name] for name, _ in GATEWAY_CHECKS},
            gateway_on=data["gateway_on"],
        ),
        title="Gateway",
        done="The gateway checklist is saved.",
        initial=lambda a: {name: getattr(a, name) for name, _ in GATEWAY_CHECKS},
        intro="The gateway is when the employer and the provider agree the apprentice is ready for the end-point "
        "assessment.",
    )


@login_required
def assessment(request, pk):
    return _apprenticeship_action(
        request,
        pk,
        AssessmentForm,
        lambda a, data: services.assessment_record(apprenticeship=a, by=request.user, **data),
        title="End-point assessment",
        done="The end-point assessment is recorded.",
    )


@login_required
def destination(request, pk):
    def save(apprenticeship, data):
        elsewhere = data["where"] == "elsewhere"
        services.destination_record(
            apprenticeship=apprenticeship,
            by=request.user,
            elsewhere=elsewhere,
            role=data["role"] if elsewhere else "",
            started_on=data["started_on"] if elsewhere else None,
            so_equivalent=data["so_equivalent"] if elsewhere else False,
        )

    return _apprenticeship_action(
        request,
        pk,
        DestinationForm,
        save,
        title="Destination after the apprenticeship",
        done="The destination is recorded.",
        intro="A role here is read from the person's career history (HR records the new grade). A role at another "
        "employer is recorded here.",
    )


# --- Mentoring apprentices --------------------------------------------------------------------


@login_required
def offer_to_mentor(request):
    profile = _profile(request)
    if selectors.completed_apprenticeship_of(profile) is None:
        messages.info(request, "Mentoring apprentices is offered by people who completed an apprenticeship.")
        return redirect("apprenticeships:home")
    form = OfferToMentorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.offer_to_mentor(person=profile, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Thank you: new apprentices will see you among their suggested mentors.")
            return redirect("apprenticeships:home")
    return _form_page(
        request,
        form,
        title="Offer to mentor apprentices",
        intro="Your mentor profile in the mentoring app will offer apprenticeship mentoring; you accept or decline "
        "each request.",
        back=reverse("apprenticeships:home"),
        submit="Offer to mentor",
    )


# --- Requests from existing staff (1C) --------------------------------------------------------


@login_required
def request_new(request):
    """The guided request: the guidance, who decides, then the form."""
    profile = _profile(request)
    institution = profile.institution
    problem = people_selectors.manager_problem(profile)
    form = RequestForm(
        request.POST or None,
        standards=selectors.standards_of(institution),
        providers=selectors.providers_of(institution),
    )
    if request.method == "POST" and not problem and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "read_guidance"}
        try:
            made = services.request_submit(person=profile, by=request.user, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Your request is sent to {profile.line_manager}.")
            return redirect(made)
    return render(
        request,
        "apprenticeships/request_form.html",
        {
            "form": form,
            "problem": problem,
            "manager": profile.line_manager,
            "already": selectors.has_open_apprenticeship(profile),
            "guidance": guidance.quote("staff"),
        },
    )


@login_required
def request_detail(request, pk):
    profile = _profile(request)
    made = selectors.get_request_for_user(request.user, pk)
    can_decide = (
        allowed(request.user, "apprenticeships.decide_request", made)
        and made.state == ApprenticeshipRequest.State.SUBMITTED
    )
    form = DecideForm(request.POST or None) if can_decide else None
    if request.method == "POST":
        rules.require_decide_request(request.user, made)
        if form is not None and form.is_valid():
            try:
                services.request_decide(
                    request=made,
                    by=request.user,
                    approve=form.cleaned_data["decision"] == "approve",
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Your decision is saved and sent.")
                return redirect(made)
    return render(
        request,
        "apprenticeships/request_detail.html",
        {
            "made": made,
            "form": form,
            "is_person": made.person_id == profile.pk,
            "can_withdraw": made.state == ApprenticeshipRequest.State.SUBMITTED and made.person_id == profile.pk,
            "can_enrol": made.state == ApprenticeshipRequest.State.APPROVED
            and allowed(request.user, "apprenticeships.run", made),
            "transitions": list(made.transitions.select_related("by").order_by("at", "pk")),
            "guidance": guidance.quote("managers") if form is not None else None,
        },
    )


@login_required
@require_POST
def request_withdraw(request, pk):
    _profile(request)
    made = selectors.get_request_for_user(request.user, pk)
    rules.require_withdraw_request(request.user, made)
    try:
        services.request_withdraw(request=made, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Your request is withdrawn.")
    return redirect(made)


@login_required
def request_enrol(request, pk):
    profile = _profile(request)
    made = selectors.get_request_for_user(request.user, pk)
    rules.require_run(request.user, made)
    institution = profile.institution
    form = RequestEnrolForm(
        request.POST or None,
        providers=selectors.providers_of(institution),
        intakes=selectors.intakes_of(institution),
        initial={"provider": made.provider_id, "start_date": made.preferred_start},
    )
    if request.method == "POST" and form.is_valid():
        try:
            apprenticeship = services.request_enrol(request=made, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{made.person} is enrolled on a levy-funded apprenticeship.")
            return redirect(apprenticeship)
    return _form_page(
        request,
        form,
        title=f"Enrol {made.person} on {made.standard.title}",
        intro=f"Approved by {made.decided_by} on {made.decided_at:%-d %B %Y}. Agree the provider and dates with "
        "the person first."
        if made.decided_at
        else "",
        back=made.get_absolute_url(),
        submit="Enrol",
    )


# --- The provider's view: someone who acts for a training provider ----------------------------


def provider_contact_view(view):
    """A page for someone who acts for a training provider: their account has no staff record, so
    the request has no institution scope; this finds their provider (a 403 for anyone else, the
    deactivated included) and enters its institution for the view."""

    @login_required
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        contact = selectors.provider_contact_of(request.user)
        if contact is None:
            raise PermissionDenied("This page is for people who act for a training provider.")
        with in_institution(contact.provider.institution_id):
            return view(request, contact, *args, **kwargs)

    return wrapped


@provider_contact_view
def provider_home(request, contact):
    """The provider's apprentices at the institution: status, next review, overdue, e-portfolio."""
    today = timezone.localdate()
    page = Paginator(selectors.provider_apprenticeships(contact), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "apprenticeships/provider_home.html",
        {"contact": contact, "provider": contact.provider, "page": page, "today": today, "State": Apprenticeship.State},
    )


@provider_contact_view
def provider_apprentice(request, contact, pk):
    """One of the provider's apprentices and their reviews, each signed here by the provider."""
    apprenticeship = selectors.get_provider_apprenticeship(contact, pk)
    return render(
        request,
        "apprenticeships/provider_apprentice.html",
        {
            "contact": contact,
            "a": apprenticeship,
            "reviews": list(selectors.reviews_of(apprenticeship)),
            "form": ProviderReviewSignForm(),
            "today": timezone.localdate(),
        },
    )


@provider_contact_view
@require_POST
def provider_review_sign(request, contact, pk):
    review = selectors.get_provider_review(contact, pk)
    form = ProviderReviewSignForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Your notes are too long: keep them under 3,000 characters.")
        return redirect("apprenticeships:provider_apprentice", review.apprenticeship_id)
    try:
        services.review_sign_as_provider(review=review, contact=contact, notes=form.cleaned_data["notes"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"You signed the review of {review.held_on:%-d %B %Y} for {contact.provider}.")
    return redirect("apprenticeships:provider_apprentice", review.apprenticeship_id)


def provider_invitation(request, token):
    """The invitation link: the invited person (not signed in) sets their name and password.

    Public on purpose; the token, of which only the hash is kept, is the proof. A used, withdrawn
    or expired link is a 404 with words saying so."""
    contact = services.provider_invitation_find(token)
    if contact is None:
        raise Http404("This invitation link has expired or was withdrawn: ask the programme manager for a new one.")
    if request.user.is_authenticated:
        messages.info(request, "Sign out first to accept an invitation for another address.")
        return redirect("home")
    first, _, last = contact.name.partition(" ")
    form = InvitationAcceptForm(request.POST or None, initial={"first_name": first, "last_name": last})
    if request.method == "POST" and form.is_valid():
        try:
            services.provider_invitation_accept(
                token=token,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                password=form.cleaned_data["password1"],
            )
        except ValidationError as error:
            # Password rules name no field; they belong beside the password.
            form.add_error("password1" if not hasattr(error, "error_dict") else None, error)
        else:
            messages.success(request, "Your account is ready: sign in with your e-mail address and new password.")
            return redirect("account_login")
    return render(request, "apprenticeships/provider_invitation.html", {"form": form, "contact": contact})
