"""Mentoring pages. Each view: access helper, form, service, redirect or render.

Every view reads inside the viewer's mentoring scope (their institution, and partners that share
mentoring with it when both switched it on), entered by `mentoring_view`.
"""

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core.access import allowed
from core.forms import add_service_errors
from core.tenancy import in_institutions
from people import roles

from . import rules, selectors, services
from .dashboard import scope_ids
from .forms import (
    CloseForm,
    DeclineForm,
    FeedbackForm,
    MeetingForm,
    MentorProfileForm,
    PairForm,
    PurposeChoiceForm,
    RequestForm,
    SettingsForm,
)
from .models import Purpose, Relationship

MENTORS_PAGE_SIZE = 20
RELATIONSHIPS_PAGE_SIZE = 25


def mentoring_view(view):
    """Signed in, with a staff record, reading inside the viewer's mentoring scope."""

    @login_required
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        roles.require_profile(request.user)
        with in_institutions(scope_ids(request)):
            return view(request, *args, **kwargs)

    return wrapped


@mentoring_view
def mine(request):
    profile = request.user.profile
    return render(
        request,
        "mentoring/mine.html",
        {
            "as_mentee": list(selectors.relationships_as_mentee(profile)),
            "as_mentor": list(selectors.relationships_as_mentor(profile)),
            "mentor_profile": selectors.mentor_profile_of(profile),
        },
    )


@mentoring_view
def find(request):
    profile = request.user.profile
    form = PurposeChoiceForm(request.GET or None)
    purpose = form.cleaned_data["purpose"] if form.is_valid() else ""
    suggestions, page = [], None
    if purpose:
        suggestions = selectors.suggested_mentors(mentee=profile, purpose=purpose)
    page = Paginator(selectors.mentors_offering(purpose=purpose or None, viewer=profile), MENTORS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "mentoring/find.html",
        {
            "form": form,
            "purpose": Purpose(purpose) if purpose else None,
            "suggestions": suggestions,
            "page": page,
            "open_purposes": selectors.open_purposes_of(profile),
            "partners_included": len(scope_ids(request)) > 1,
        },
    )


@mentoring_view
def mentor_detail(request, pk):
    profile = request.user.profile
    mentor = selectors.get_mentor_for_user(request.user, pk)
    is_self = mentor.person_id == profile.pk
    form = None
    if not is_self and mentor.available:
        form = RequestForm(
            request.POST or None, purposes=mentor.purpose_values, initial={"purpose": request.GET.get("purpose")}
        )
        if request.method == "POST" and form.is_valid():
            try:
                relationship = services.relationship_request(
                    mentee=profile,
                    mentor=mentor,
                    purpose=form.cleaned_data["purpose"],
                    hopes=form.cleaned_data["hopes"],
                    by=request.user,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Your request is sent to {mentor.person}.")
                return redirect(relationship)
    return render(request, "mentoring/mentor_detail.html", {"mentor": mentor, "form": form, "is_self": is_self})


@mentoring_view
def profile_edit(request):
    profile = request.user.profile
    instance = selectors.mentor_profile_of(profile)
    form = MentorProfileForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.mentor_profile_save(
                person=profile,
                available=form.cleaned_data["available"],
                capacity=form.cleaned_data["capacity"],
                bio=form.cleaned_data["bio"],
                purposes=form.cleaned_data["purposes"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your mentor profile is saved.")
            return redirect("mentoring:mine")
    return render(request, "mentoring/profile_edit.html", {"form": form, "is_new": instance is None})


# --- A relationship ---------------------------------------------------------------------------


@mentoring_view
def relationship_detail(request, pk):
    relationship = selectors.get_relationship_for_user(request.user, pk)
    user = request.user
    can_read_notes = allowed(user, "mentoring.read_notes", relationship)
    feedback = list(selectors.feedback_of(relationship))
    my_role = relationship.role_of(user.profile)
    return render(
        request,
        "mentoring/relationship_detail.html",
        {
            "relationship": relationship,
            "my_role": my_role,
            "meetings": list(selectors.meetings_of(relationship)),
            "can_read_notes": can_read_notes,
            "feedback": feedback,
            "transitions": relationship.transitions.select_related("by"),
            "can_decide": allowed(user, "mentoring.accept", relationship),
            "can_withdraw": allowed(user, "mentoring.withdraw_request", relationship),
            "can_log_meeting": allowed(user, "mentoring.log_meeting", relationship),
            "can_end": allowed(user, "mentoring.end", relationship),
            "can_give_feedback": allowed(user, "mentoring.give_feedback", relationship)
            and not any(f.role == my_role for f in feedback),
            "meeting_form": MeetingForm(),
        },
    )


@mentoring_view
@require_POST
def relationship_accept(request, pk):
    relationship = selectors.get_relationship_for_user(request.user, pk)
    rules.require_decide(request.user, relationship)
    try:
        services.relationship_accept(relationship=relationship, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"You are now {relationship.mentee}'s mentor. They have been told.")
    return redirect(relationship)


@mentoring_view
def relationship_decline(request, pk):
    relationship = selectors.get_relationship_for_user(request.user, pk)
    rules.require_decide(request.user, relationship)
    form = DeclineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.relationship_decline(
                relationship=relationship, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"The request is declined; {relationship.mentee} is told why.")
            return redirect(relationship)
    return render(
        request,
        "mentoring/form.html",
        {"form": form, "title": f"Decline {relationship.mentee}'s request", "back": relationship},
    )


@mentoring_view
@require_POST
def relationship_withdraw(request, pk):
    relationship = selectors.get_relationship_for_user(request.user, pk)
    rules.require_withdraw(request.user, relationship)
    try:
        services.relationship_withdraw(relationship=relationship, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Your request is withdrawn.")
    return redirect(relationship)


@mentoring_view
def meeting_log(request, pk):
    relationship = selectors.get_relationship_for_user(request.user, pk)
    rules.require_log_meeting(request.user, relationship)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_log(relationship=relationship, by=request.user.profile, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The meeting is logged.")
            return redirect(relationship)
    return render(request, "mentoring/form.html", {"form": form, "title": "Log a meeting", "back": relationship})


@mentoring_view
def relationship_close(request, pk):
    relationship = selectors.get_relationship_for_user(request.user, pk)
    rules.require_end(request.user, relationship)
    form = CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.relationship_close(
                relationship=relationship,
                outcome=data["outcome"],
                reason=data["reason"],
                rating=data["rating"],
                comments=data["comments"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The mentoring is recorded as ended, with your feedback. Thank you.")
            return redirect(relationship)
    return render(
        request,
        "mentoring/form.html",
        {"form": form, "title": "End the mentoring", "back": relationship},
    )


@mentoring_view
def feedback_give(request, pk):
    relationship = selectors.get_relationship_for_user(request.user, pk)
    rules.require_give_feedback(request.user, relationship)
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_give(relationship=relationship, author=request.user.profile, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Thank you: your feedback is saved.")
            return redirect(relationship)
    return render(
        request, "mentoring/form.html", {"form": form, "title": "Feedback on the mentoring", "back": relationship}
    )


# --- Programme managers and administrators ----------------------------------------------------


@mentoring_view
def overview(request):
    rules.require_manage(request.user)
    institution = request.user.profile.institution
    state = request.GET.get("state", "")
    if state not in Relationship.State.values:
        state = ""
    page = Paginator(
        selectors.relationships_of_institution(institution, state=state), RELATIONSHIPS_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "mentoring/overview.html",
        {
            **selectors.overview_counts(institution),
            "page": page,
            "state": state,
            "state_choices": Relationship.State.choices,
        },
    )


@mentoring_view
def pair(request):
    rules.require_manage(request.user)
    institution = request.user.profile.institution
    form = PairForm(
        request.POST or None,
        mentees=selectors.staff_to_pair(institution),
        mentors=selectors.mentors_to_pair(scope_ids(request)),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            relationship = services.relationship_pair(
                mentee=data["mentee"],
                mentor=data["mentor"],
                purpose=data["purpose"],
                hopes=data["hopes"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{relationship.mentee} and {relationship.mentor} are paired; both are told.")
            return redirect(relationship)
    return render(request, "mentoring/form.html", {"form": form, "title": "Pair a mentee with a mentor"})


@mentoring_view
def settings_edit(request):
    rules.require_edit_settings(request.user)
    institution = request.user.profile.institution
    form = SettingsForm(request.POST or None, instance=selectors.settings_of(institution))
    if request.method == "POST" and form.is_valid():
        services.mentoring_settings_save(
            institution=institution, partner_mentoring=form.cleaned_data["partner_mentoring"]
        )
        messages.success(request, "Mentoring settings are saved.")
        return redirect("mentoring:settings")
    return render(
        request,
        "mentoring/settings.html",
        {"form": form, "partners": list(institution.partners.order_by("name"))},
    )
