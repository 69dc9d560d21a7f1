"""Programme pages: the catalogue, applying, endorsing, selecting, sessions, timetable and the calendar feed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.access import allowed, get_visible_or_404
from core.forms import add_service_errors
from core.reauth import reauthentication_required
from core.tenancy import in_institution
from people import roles
from people.models import Institution
from surveys import selectors as survey_selectors

from . import bulletin, calendar, exports, feeds, rules, selectors, services
from .forms import (
    ApplicantFilterForm,
    ApplicationForm,
    AttendanceForm,
    BulkDecisionForm,
    BulletinFilterForm,
    BulletinPostForm,
    CatalogueFilterForm,
    CohortForm,
    DecisionForm,
    EndorsementForm,
    EventFilterForm,
    EventForm,
    ProgrammeForm,
    RegisterForm,
    RegistrationEndorsementForm,
    SessionForm,
)
from .models import Application, Registration

CATALOGUE_PAGE_SIZE = 20
APPLICANTS_PAGE_SIZE = 50


def _query_without_page(request):
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# --- Browsing ---------------------------------------------------------------------------------


@login_required
def catalogue(request):
    roles.require_profile(request.user)
    form = CatalogueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    programmes = selectors.catalogue(
        request.user,
        text=filters.get("q", ""),
        kind=filters.get("kind", ""),
        open_now=filters.get("open_now", False),
        eligible_only=filters.get("eligible_only", False),
    )
    page = Paginator(programmes, CATALOGUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "programmes/catalogue.html", {"form": form, "page": page, "query": _query_without_page(request)}
    )


@login_required
def programme_detail(request, pk):
    profile = roles.require_profile(request.user)
    programme = selectors.get_programme_for_user(request.user, pk)
    today = timezone.localdate()
    mine = selectors.my_applications_to(profile, programme)
    cohorts = []
    for cohort in selectors.cohorts_of(programme):
        cohorts.append(
            {
                "cohort": cohort,
                "problems": cohort.eligibility_problems(profile),
                "open": cohort.is_open(today),
                "upcoming": today < cohort.opens_on,
                "places_left": cohort.places_left(),
                "application": mine.get(cohort.pk),
            }
        )
    can_run = allowed(request.user, "programmes.run_programme", programme)
    return render(
        request,
        "programmes/programme_detail.html",
        {
            "programme": programme,
            "cohorts": cohorts,
            "can_run": can_run,
            "manager_problem": services.endorsement_problem(programme, profile) if cohorts else "",
        },
    )


# --- Applying ---------------------------------------------------------------------------------


@login_required
def apply(request, pk):
    profile = roles.require_profile(request.user)
    cohort = selectors.get_cohort_for_user(request.user, pk)
    form = ApplicationForm(request.POST or None, cohort=cohort)
    if request.method == "POST" and form.is_valid():
        try:
            with selectors.shared_with(request.user, cohort.programme):
                application = services.application_submit(
                    cohort=cohort, applicant=profile, statement=form.cleaned_data["statement"], answers=form.answers()
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if application.state == Application.State.AWAITING_ENDORSEMENT:
                messages.success(
                    request, f"Your application is saved and {application.line_manager} is asked to endorse it."
                )
            else:
                messages.success(request, f"Your application is saved: {application.get_state_display().lower()}.")
            return redirect(application)
    return render(
        request,
        "programmes/apply.html",
        {
            "form": form,
            "cohort": cohort,
            "problems": cohort.eligibility_problems(profile),
            "open": cohort.is_open(),
            "manager_problem": services.endorsement_problem(cohort.programme, profile),
        },
    )


@login_required
def my_applications(request):
    profile = roles.require_profile(request.user)
    applications = list(selectors.my_applications(profile))
    completed = [a for a in applications if a.state == Application.State.COMPLETED]
    return render(request, "programmes/my_applications.html", {"applications": applications, "completed": completed})


@login_required
def application_detail(request, pk):
    roles.require_profile(request.user)
    application = selectors.get_application_for_user(request.user, pk)
    user = request.user
    may = Application.workflow.may
    can_decide = any(may(user, application, s) for s in (Application.State.ACCEPTED, Application.State.DECLINED))
    with selectors.shared_with(user, application.cohort.programme):
        return render(
            request,
            "programmes/application_detail.html",
            {
                "application": application,
                "history": selectors.application_history(application),
                "is_applicant": rules.is_applicant(user, application),
                "can_withdraw": may(user, application, Application.State.WITHDRAWN),
                "endorsement_form": EndorsementForm() if may(user, application, Application.State.ENDORSED) else None,
                "decision_form": DecisionForm() if can_decide else None,
                # The programme evaluation (1B) is a survey: the participant and their line manager
                # are invited on completion and answer it among their surveys.
                "evaluates": application.state == Application.State.COMPLETED
                and (rules.is_applicant(user, application) or rules.is_applicants_line_manager(user, application)),
            },
        )


@login_required
@require_POST
def application_withdraw(request, pk):
    application = selectors.get_application_for_user(request.user, pk)
    try:
        with selectors.shared_with(request.user, application.cohort.programme):
            services.application_withdraw(
                application=application, by=request.user, reason=request.POST.get("reason", "")
            )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Your application is withdrawn.")
    return redirect(application)


@login_required
@require_POST
def application_endorse(request, pk):
    application = selectors.get_application_for_user(request.user, pk)
    rules.require_endorse(request.user, application)  # before the form: a refusal, not "choose a decision"
    form = EndorsementForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
        return redirect(application)
    try:
        with selectors.shared_with(request.user, application.cohort.programme):
            if form.cleaned_data["decision"] == "endorse":
                services.application_endorse(
                    application=application, by=request.user, reason=form.cleaned_data["reason"]
                )
                messages.success(request, f"You endorsed {application.applicant}'s application.")
            else:
                services.application_decline_endorsement(
                    application=application, by=request.user, reason=form.cleaned_data["reason"]
                )
                messages.success(request, f"You declined to endorse {application.applicant}'s application.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    if request.POST.get("next") == "team":
        return redirect("programmes:team")
    return redirect(application)


@login_required
@require_POST
def application_decide(request, pk):
    application = selectors.get_application_for_user(request.user, pk)
    rules.require_decide(request.user, application)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.DECISIONS[form.cleaned_data["decision"]](
                application=application, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            application.refresh_from_db()
            messages.success(request, f"{application.applicant}: {application.get_state_display()}.")
    return redirect(application)


@login_required
def team_applications(request):
    rules.require_see_team_applications(request.user)
    return render(
        request,
        "programmes/team.html",
        {"applications": selectors.team_applications(request.user.profile), "endorsement_form": EndorsementForm()},
    )


# --- Running programmes -----------------------------------------------------------------------


@login_required
def run_list(request):
    rules.require_run_programmes(request.user)
    cohorts = (
        selectors.cohorts_run_by(request.user)
        .with_accepted_count()
        .with_decision_count()
        .select_related("programme")
        .order_by("-opens_on", "pk")
    )
    page = Paginator(cohorts, 30).get_page(request.GET.get("page"))
    return render(request, "programmes/run_list.html", {"page": page, "today": timezone.localdate()})


@login_required
def cohort_run(request, pk):
    rules.require_run_programmes(request.user)
    cohort = selectors.get_cohort_to_run(request.user, pk)
    institutions = selectors.applicant_institutions(cohort)
    filters = ApplicantFilterForm(request.GET or None, institutions=institutions)
    data = filters.cleaned_data if filters.is_valid() else {}
    applicants = selectors.cohort_applicants(
        cohort, state=data.get("state", ""), institution_id=data.get("institution", ""), text=data.get("q", "")
    )
    page = Paginator(applicants, APPLICANTS_PAGE_SIZE).get_page(request.GET.get("page"))
    form = BulkDecisionForm(request.POST or None, cohort=cohort)
    if request.method == "POST" and form.is_valid():
        done, refused = services.applications_decide(
            applications=form.cleaned_data["applications"],
            decision=form.cleaned_data["decision"],
            by=request.user,
            reason=form.cleaned_data["reason"],
        )
        if done:
            messages.success(request, f"{len(done)} application(s) updated.")
        for application, message in refused:
            messages.error(request, f"{application.applicant}: {message}")
        return redirect(request.get_full_path())
    return render(
        request,
        "programmes/cohort_run.html",
        {
            "cohort": cohort,
            "page": page,
            "filters": filters,
            "form": form,
            "query": _query_without_page(request),
            "sessions": selectors.sessions_with_attendance(cohort),
        },
    )


@login_required
def run_programmes(request):
    rules.require_run_programmes(request.user)
    page = Paginator(selectors.programmes_to_run(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "programmes/run_programmes.html", {"page": page})


@login_required
def programme_edit(request, pk=None):
    rules.require_run_programmes(request.user)
    institution = request.user.profile.institution
    programme = None
    if pk is not None:
        programme = selectors.get_programme_to_run(request.user, pk)
    form = ProgrammeForm(request.POST or None, instance=programme, institution=institution)
    if request.method == "POST" and form.is_valid():
        saved = services.programme_save(form=form, institution=institution, by=request.user)
        messages.success(request, f"“{saved}” is saved.")
        return redirect(saved)
    return render(request, "programmes/programme_form.html", {"form": form, "programme": programme})


@login_required
def cohort_edit(request, programme_pk=None, pk=None):
    rules.require_run_programmes(request.user)
    institution = request.user.profile.institution
    if pk is not None:
        cohort = selectors.get_cohort_to_run(request.user, pk)
        programme = cohort.programme
    else:
        cohort = None
        programme = selectors.get_programme_to_run(request.user, programme_pk)
    form = CohortForm(request.POST or None, instance=cohort, institution=institution)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.cohort_save(form=form, programme=programme, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"“{saved.name}” is saved.")
            return redirect("programmes:cohort_run", pk=saved.pk)
    return render(request, "programmes/cohort_form.html", {"form": form, "cohort": cohort, "programme": programme})


@login_required
@reauthentication_required  # personal data leaves the portal: confirm it is you
def cohort_applicants_csv(request, pk):
    """Stream the cohort's applicants (with the page's filters) as CSV."""
    rules.require_run_programmes(request.user)
    cohort = selectors.get_cohort_to_run(request.user, pk)
    filters = ApplicantFilterForm(request.GET or None, institutions=Institution.objects.all())
    data = filters.cleaned_data if filters.is_valid() else {}
    applicants = selectors.cohort_applicants(
        cohort, state=data.get("state", ""), institution_id=data.get("institution", ""), text=data.get("q", "")
    )
    response = StreamingHttpResponse(exports.applicants_csv_lines(applicants), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="cohort-{cohort.pk}-applicants.csv"'
    return response


@login_required
def session_create(request, pk):
    rules.require_run_programmes(request.user)
    cohort = selectors.get_cohort_to_run(request.user, pk)
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        session = services.session_save(form=form, cohort=cohort, by=request.user)
        messages.success(request, f"Session “{session.title}” added.")
        return redirect("programmes:cohort_run", pk=cohort.pk)
    return render(request, "programmes/session_form.html", {"form": form, "cohort": cohort})


@login_required
def session_register(request, pk):
    rules.require_run_programmes(request.user)
    session = selectors.get_session_to_run(request.user, pk)
    participants = selectors.participants_of(session.cohort)
    present = selectors.present_at(session)
    form = RegisterForm(request.POST or None, participants=participants, initial={"present": list(present)})
    if request.method == "POST" and form.is_valid():
        try:
            completed = services.attendance_record(
                session=session,
                present_application_ids=[a.pk for a in form.cleaned_data["present"]],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The register is saved.")
            for application in completed:
                messages.info(request, f"{application.applicant} has completed the programme.")
            return redirect("programmes:cohort_run", pk=session.cohort_id)
    return render(
        request,
        "programmes/register.html",
        {"session": session, "form": form, "register": selectors.register_of(session)},
    )


# --- Timetable and calendar feed --------------------------------------------------------------


@login_required
def timetable(request):
    roles.require_profile(request.user)
    feed = services.calendar_feed_for(user=request.user)
    return render(
        request,
        "programmes/timetable.html",
        {
            "sessions": selectors.sessions_of_user(request.user, upcoming_only=True),
            "feed_url": request.build_absolute_uri(feed.get_absolute_url()),
        },
    )


@login_required
@require_POST
def calendar_feed_reset(request):
    roles.require_profile(request.user)
    services.calendar_feed_reset(user=request.user)
    messages.success(request, "Your calendar address is new; the old one no longer works.")
    return redirect("programmes:timetable")


def calendar_feed(request, token):
    """The private iCalendar feed; the token in the address is the only credential."""
    feed = selectors.get_calendar_feed(token)
    # Reached without a session: enter the feed owner's institution, as a request of theirs would.
    profile = getattr(feed.user, "profile", None)
    with in_institution(profile.institution_id if profile is not None else None):
        body = calendar.feed_for(feed.user, selectors.sessions_of_user(feed.user))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="techcareers-programmes.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


# --- Events (1D, 2I) ----------------------------------------------------------------------------

EVENTS_PAGE_SIZE = 20


@login_required
def events(request):
    roles.require_profile(request.user)
    form = EventFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    show = filters.get("show", "")
    listed = selectors.event_list(
        request.user, kind=filters.get("kind", ""), partners_only=show == "partners", past=show == "past"
    )
    page = Paginator(listed, EVENTS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "programmes/events.html",
        {
            "form": form,
            "page": page,
            "query": _query_without_page(request),
            "own_institution_id": request.user.profile.institution_id,
            "can_set_up": roles.is_programme_manager(request.user),
        },
    )


@login_required
def event_detail(request, pk):
    profile = roles.require_profile(request.user)
    event = selectors.get_event_for_user(request.user, pk)
    registration = selectors.registration_of(profile, event)
    with selectors.shared_with(request.user, event):
        problem = services.event_registration_problem(event, profile)
        waiting_for_me = list(selectors.team_registrations_waiting(profile, event))
    return render(
        request,
        "programmes/event_detail.html",
        {
            "event": event,
            "registration": registration,
            "active": registration is not None and registration.state in registration.ACTIVE,
            "problem": problem,
            "needs_endorsement": selectors.event_needs_endorsement(event),
            "can_run": allowed(request.user, "programmes.run_event", event),
            "waiting_for_me": waiting_for_me,
            "endorsement_form": RegistrationEndorsementForm() if waiting_for_me else None,
        },
    )


@login_required
@require_POST
def event_register(request, pk):
    profile = roles.require_profile(request.user)
    event = selectors.get_event_for_user(request.user, pk)
    try:
        with selectors.shared_with(request.user, event):
            registration = services.event_register(event=event, person=profile, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        state = Registration.State
        if registration.state == state.REGISTERED:
            messages.success(request, f"You have a place at {event}.")
        elif registration.state == state.WAITLISTED:
            messages.info(request, f"{event} is full: you are on the waiting list and get a place if one frees up.")
        else:
            messages.info(request, f"Your registration waits for {profile.line_manager}'s endorsement.")
    return redirect(event)


@login_required
@require_POST
def event_cancel(request, pk):
    profile = roles.require_profile(request.user)
    event = selectors.get_event_for_user(request.user, pk)
    registration = selectors.registration_of(profile, event)
    if registration is None:
        raise Http404("You are not registered for this event.")
    try:
        with selectors.shared_with(request.user, event):
            services.registration_cancel(registration=registration, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Your registration is cancelled.")
    return redirect(event)


@login_required
@require_POST
def registration_endorse(request, pk):
    profile = roles.require_profile(request.user)
    event = selectors.get_event_for_user(request.user, pk)
    registration = get_visible_or_404(
        selectors.team_registrations_waiting(profile, event), request.POST.get("registration")
    )
    form = RegistrationEndorsementForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose whether to endorse the registration.")
        return redirect(event)
    try:
        with selectors.shared_with(request.user, event):
            done = services.registration_endorse(
                registration=registration,
                by=request.user,
                endorse=form.cleaned_data["decision"] == "endorse",
                reason=form.cleaned_data["reason"],
            )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{done.person}: {done.get_state_display().lower()}.")
    return redirect(event)


@login_required
def event_ics(request, pk):
    """The event as an iCalendar file, to add to one's calendar."""
    event = selectors.get_event_for_user(request.user, pk)
    response = HttpResponse(calendar.event_file(event), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="event-{event.pk}.ics"'
    return response


@login_required
def event_edit(request, pk=None):
    rules.require_run_programmes(request.user)
    institution = request.user.profile.institution
    event = selectors.get_event_to_run(request.user, pk) if pk is not None else None
    form = EventForm(request.POST or None, instance=event, institution=institution)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.event_save(form=form, institution=institution, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"“{saved}” is saved.")
            return redirect("programmes:event_run", pk=saved.pk)
    return render(request, "programmes/event_form.html", {"form": form, "event": event})


@login_required
def event_run(request, pk):
    """The organisers' page: who registered (partners' staff too), the waiting list, attendance, feedback."""
    rules.require_run_programmes(request.user)
    event = selectors.get_event_to_run(request.user, pk)
    registrations = list(selectors.event_registrations(event))
    attendees = selectors.event_attendees(event)
    form = AttendanceForm(
        request.POST or None,
        registrations=attendees,
        initial={"present": [r.pk for r in registrations if r.attended]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            n = services.event_record_attendance(
                event=event, present_registration_ids=[r.pk for r in form.cleaned_data["present"]], by=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Attendance is saved: {n} attended. Their feedback is asked the day after.")
            return redirect("programmes:event_run", pk=event.pk)
    registered = [r for r in registrations if r.state == Registration.State.REGISTERED]
    return render(
        request,
        "programmes/event_run.html",
        {
            "event": event,
            "form": form,
            "registered": registered,
            "others": [r for r in registrations if r.state != Registration.State.REGISTERED],
            "started": event.has_started(),
            "feedback": survey_selectors.feedback_summary(audience="event_attendees", ref=event.pk),
        },
    )


@login_required
@require_POST
def event_call_off(request, pk):
    """The organisers cancel the event (with a reason every registrant reads)."""
    rules.require_run_programmes(request.user)
    event = selectors.get_event_to_run(request.user, pk)
    try:
        told = services.event_cancel(event=event, by=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"“{event}” is cancelled; {told} people registered or waiting are told.")
    return redirect("programmes:event_run", pk=event.pk)


# --- The opportunities bulletin (1F) --------------------------------------------------------------


@login_required
def bulletin_page(request):
    profile = roles.require_profile(request.user)
    form = BulletinFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    found = bulletin.bulletin(
        request.user,
        kind=filters.get("kind", ""),
        audience=filters.get("audience", ""),
        deadline=filters.get("deadline", ""),
    )
    is_manager = roles.is_programme_manager(request.user)
    clicks = bulletin.clicks_by_opportunity([o.key for o in found]) if is_manager else {}
    feed = services.calendar_feed_for(user=request.user)
    return render(
        request,
        "programmes/bulletin.html",
        {
            "form": form,
            "opportunities": [(o, clicks.get(o.key, 0)) for o in found],
            "is_manager": is_manager,
            "subscribed": selectors.digest_subscribed(profile),
            "feed_url": request.build_absolute_uri(reverse("programmes:bulletin_feed", args=[feed.token])),
        },
    )


@login_required
def bulletin_go(request, key):
    """Count the click (once a day per person and opportunity), then go to the opportunity."""
    profile = roles.require_profile(request.user)
    opportunity = bulletin.find(request.user, key)
    if opportunity is None:
        raise Http404("This opportunity is no longer on the bulletin.")
    services.bulletin_click_record(person=profile, opportunity=opportunity.key)
    if not (opportunity.url.startswith("/") or opportunity.url.split(":", 1)[0].lower() in ("http", "https")):
        raise Http404("This opportunity has no web address.")
    return HttpResponseRedirect(opportunity.url)


@login_required
@require_POST
def bulletin_digest(request):
    profile = roles.require_profile(request.user)
    weekly = request.POST.get("weekly") == "on"
    services.digest_subscribe(person=profile, weekly=weekly)
    if weekly:
        messages.success(request, "You will receive the bulletin's opportunities by e-mail every Monday.")
    else:
        messages.success(request, "You will no longer receive the weekly e-mail.")
    return redirect("programmes:bulletin")


@login_required
def bulletin_post_create(request):
    rules.require_run_programmes(request.user)
    institution = request.user.profile.institution
    form = BulletinPostForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            post = services.bulletin_post_save(form=form, institution=institution, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"“{post}” is on the bulletin.")
            return redirect("programmes:bulletin")
    return render(request, "programmes/bulletin_post_form.html", {"form": form})


bulletin_feed = feeds.BulletinFeed()
