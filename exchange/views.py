"""Pages of the exchange pilot. Each view: access helper, form, service, redirect or render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.access import allowed
from core.exports import csv_response
from core.forms import add_service_errors
from core.reauth import reauthentication_required
from people import roles

from . import rules, selectors, services
from .forms import ApplyForm, CancelForm, DeclineForm, FeedbackForm, OfferForm, RoundForm, ScheduleForm

OFFERS_PAGE_SIZE = 25


# --- Rounds and offers ------------------------------------------------------------------------


@login_required
def index(request):
    roles.require_profile(request.user)
    rounds = list(selectors.rounds_with_offer_counts(request.user))
    return render(
        request,
        "exchange/index.html",
        {
            "rounds": rounds,
            "today": timezone.localdate(),
            "can_manage_rounds": allowed(request.user, "exchange.manage_rounds"),
        },
    )


@login_required
def round_create(request):
    profile = roles.require_profile(request.user)
    rules.require_manage_rounds(request.user)
    form = RoundForm(request.POST or None, institution=profile.institution)
    if request.method == "POST" and form.is_valid():
        exchange_round = services.round_save(form=form, institution=profile.institution)
        messages.success(request, f"{exchange_round} is created.")
        return redirect(exchange_round)
    return render(request, "exchange/form.html", {"form": form, "title": "New exchange round"})


@login_required
def round_edit(request, pk):
    profile = roles.require_profile(request.user)
    exchange_round = selectors.get_round_for_user(request.user, pk)
    rules.require_manage_rounds(request.user)
    form = RoundForm(request.POST or None, instance=exchange_round, institution=profile.institution)
    if request.method == "POST" and form.is_valid():
        services.round_save(form=form, institution=profile.institution)
        messages.success(request, f"{exchange_round} is saved.")
        return redirect(exchange_round)
    return render(
        request, "exchange/form.html", {"form": form, "title": f"Edit {exchange_round}", "back": exchange_round}
    )


@login_required
def round_detail(request, pk):
    profile = roles.require_profile(request.user)
    exchange_round = selectors.get_round_for_user(request.user, pk)
    page = Paginator(selectors.offers_of_round(exchange_round), OFFERS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "exchange/round_detail.html",
        {
            "round": exchange_round,
            "page": page,
            "is_open": exchange_round.is_open(),
            "own_offer": selectors.own_offer(profile, exchange_round),
            "applied_to": selectors.offers_applied_to(profile, exchange_round),
            "profile": profile,
            "can_manage_rounds": allowed(request.user, "exchange.manage_rounds", exchange_round),
        },
    )


@login_required
def offer_create(request, pk):
    profile = roles.require_profile(request.user)
    exchange_round = selectors.get_round_for_user(request.user, pk)
    existing = selectors.own_offer(profile, exchange_round)
    if existing:
        return redirect("exchange:offer_edit", existing.pk)
    form = OfferForm(request.POST or None, round=exchange_round, host=profile)
    if request.method == "POST" and form.is_valid():
        try:
            offer = services.offer_save(form=form, round=exchange_round, host=profile)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your exchange offer is posted.")
            return redirect(offer)
    return render(
        request,
        "exchange/form.html",
        {"form": form, "title": f"Post an exchange offer: {exchange_round}", "back": exchange_round},
    )


@login_required
def offer_detail(request, pk):
    profile = roles.require_profile(request.user)
    offer = selectors.get_offer_for_user(request.user, pk)
    return render(
        request,
        "exchange/offer_detail.html",
        {
            "offer": offer,
            "refusal": services.visitor_refusal(offer=offer, visitor=profile) if offer.host_id != profile.pk else "",
            "is_host": offer.host_id == profile.pk,
            "can_edit_offer": allowed(request.user, "exchange.edit_offer", offer),
        },
    )


@login_required
def offer_edit(request, pk):
    roles.require_profile(request.user)
    offer = selectors.get_offer_for_user(request.user, pk)
    rules.require_edit_offer(request.user, offer)
    form = OfferForm(request.POST or None, instance=offer, round=offer.round, host=offer.host)
    if request.method == "POST" and form.is_valid():
        try:
            services.offer_save(form=form, round=offer.round, host=offer.host)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The offer is saved.")
            return redirect(offer)
    return render(request, "exchange/form.html", {"form": form, "title": f"Edit offer: {offer}", "back": offer})


@login_required
def offer_apply(request, pk):
    profile = roles.require_profile(request.user)
    offer = selectors.get_offer_for_user(request.user, pk)
    form = ApplyForm(request.POST or None, offer=offer, visitor=profile)
    if request.method == "POST" and form.is_valid():
        try:
            placement = services.placement_request(
                offer=offer, visitor=profile, hopes_to_learn=form.cleaned_data["hopes_to_learn"], by=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your request is sent to your line manager and the host's line manager.")
            return redirect(placement)
    refusal = "" if request.method == "POST" else services.visitor_refusal(offer=offer, visitor=profile)
    return render(request, "exchange/apply.html", {"form": form, "offer": offer, "refusal": refusal})


# --- Placements -------------------------------------------------------------------------------


@login_required
def my_exchanges(request):
    profile = roles.require_profile(request.user)
    placements = list(selectors.placements_of(profile))
    for placement in placements:
        placement.my_role = placement.role_of(profile)
        placement.my_feedback_given = any(f.author_id == profile.pk for f in placement.feedback.all())
    return render(
        request,
        "exchange/my_exchanges.html",
        {"placements": placements, "open_round": selectors.open_round(profile.institution)},
    )


@login_required
def approvals(request):
    roles.require_profile(request.user)
    placements = list(selectors.approvals_waiting_for(request.user))
    for placement in placements:
        placement.sides = rules.sides_to_approve(placement=placement, user=request.user)
    return render(request, "exchange/approvals.html", {"placements": placements})


@login_required
def placement_detail(request, pk):
    roles.require_profile(request.user)
    placement = selectors.get_placement_for_user(request.user, pk)
    return render(
        request,
        "exchange/placement_detail.html",
        {
            "placement": placement,
            "actions": selectors.actions_for(request.user, placement),
            "transitions": placement.transitions.select_related("by"),
            "feedback": placement.feedback.select_related("author__user"),
            "decline_form": DeclineForm(),
            "cancel_form": CancelForm(),
        },
    )


@login_required
@require_POST
def placement_approve(request, pk):
    roles.require_profile(request.user)
    placement = selectors.get_placement_for_user(request.user, pk)
    try:
        placement = services.placement_approve(placement=placement, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if placement.state == placement.State.APPROVED:
            messages.success(request, "Approved. Both managers have approved; the pair can now schedule their days.")
        else:
            messages.success(request, "Approved. The other line manager's approval is still needed.")
    if request.POST.get("next") == "approvals":
        return redirect("exchange:approvals")
    return redirect(placement)


@login_required
def placement_decline(request, pk):
    roles.require_profile(request.user)
    placement = selectors.get_placement_for_user(request.user, pk)
    rules.require_decline(request.user, placement)
    form = DeclineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.placement_decline(placement=placement, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The request is declined; the visitor is told why.")
            return redirect(placement)
    return render(request, "exchange/form.html", {"form": form, "title": f"Decline: {placement}", "back": placement})


@login_required
def placement_schedule(request, pk):
    roles.require_profile(request.user)
    placement = selectors.get_placement_for_user(request.user, pk)
    rules.require_schedule(request.user, placement)
    form = ScheduleForm(
        request.POST or None, initial={"host_day": placement.host_day, "visitor_day": placement.visitor_day}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.placement_schedule(placement=placement, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The exchange days are saved.")
            return redirect(placement)
    return render(
        request,
        "exchange/form.html",
        {
            "form": form,
            "title": f"Schedule the days: {placement}",
            "back": placement,
            "intro": placement.offer.possible_dates,
        },
    )


@login_required
@require_POST
def placement_record_day(request, pk, day):
    roles.require_profile(request.user)
    placement = selectors.get_placement_for_user(request.user, pk)
    if day not in services.DAYS:
        raise Http404("No such exchange day.")
    rules.require_record_day(request.user, placement)
    try:
        services.placement_record_day(placement=placement, day=day, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"The {services.DAYS[day]} is recorded as done.")
    return redirect(placement)


@login_required
def placement_feedback(request, pk):
    profile = roles.require_profile(request.user)
    placement = selectors.get_placement_for_user(request.user, pk)
    rules.require_give_feedback(request.user, placement)
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_give(placement=placement, author=profile, form=form)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Thank you: your feedback and reflection are saved.")
            return redirect(placement)
    return render(request, "exchange/feedback.html", {"form": form, "placement": placement})


@login_required
def placement_cancel(request, pk):
    roles.require_profile(request.user)
    placement = selectors.get_placement_for_user(request.user, pk)
    rules.require_cancel(request.user, placement)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.placement_cancel(placement=placement, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The exchange is cancelled.")
            return redirect(placement)
    return render(request, "exchange/form.html", {"form": form, "title": f"Cancel: {placement}", "back": placement})


# --- Feasibility report -----------------------------------------------------------------------


@login_required
def feasibility(request, pk):
    roles.require_profile(request.user)
    exchange_round = selectors.get_round_for_user(request.user, pk)
    rules.require_manage_rounds(request.user)
    return render(request, "exchange/feasibility.html", selectors.feasibility_summary(exchange_round))


FEASIBILITY_COLUMNS = [
    "placement",
    "state",
    "host",
    "host division",
    "facility or team",
    "visitor",
    "visitor division",
    "visit to the host",
    "return visit",
    "days done",
    "feedback from",
    "rating",
    "would recommend",
    "what went well",
    "what could be better",
    "reflection",
]


def _feasibility_rows(summary):
    yield FEASIBILITY_COLUMNS
    for placement in summary["placements"]:
        base = [
            placement.pk,
            placement.get_state_display(),
            placement.offer.host,
            placement.offer.host.division or "",
            placement.offer.facility_or_team,
            placement.visitor,
            placement.visitor.division or "",
            placement.host_day or "",
            placement.visitor_day or "",
            bool(placement.host_day_done_at) + bool(placement.visitor_day_done_at),
        ]
        feedback = list(placement.feedback.all())
        if not feedback:
            yield [*base, "", "", "", "", "", ""]
        for item in feedback:
            yield (
                [
                    *base,
                    item.get_role_display(),
                    item.rating,
                    "yes" if item.would_recommend else "no",
                    item.went_well,
                    item.to_improve,
                    item.reflection,
                ]
            )


@login_required
@reauthentication_required  # personal data leaves the portal: confirm it is you
def feasibility_csv(request, pk):
    roles.require_profile(request.user)
    exchange_round = selectors.get_round_for_user(request.user, pk)
    rules.require_manage_rounds(request.user)
    summary = selectors.feasibility_summary(exchange_round)
    return csv_response(_feasibility_rows(summary), filename=f"exchange-feasibility-{exchange_round.pk}.csv")
