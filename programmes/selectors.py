"""Reads of programme data, scoped to what the viewer may see."""

from django.db.models import Exists, OuterRef, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from people import roles
from people.models import Institution, StaffProfile

from .models import Application, Attendance, Cohort, Programme, Session


def programmes_visible_to(user):
    """The catalogue for this user: their institution's programmes and partners' opened to them."""
    if not roles.has_profile(user):
        return Programme.objects.none()
    return Programme.objects.visible_to(user.profile.institution)


def catalogue(user, *, text="", kind="", open_now=False, eligible_only=False, today=None):
    """The catalogue page's programmes, filtered, each with its open cohorts' count annotated."""
    today = today or timezone.localdate()
    queryset = programmes_visible_to(user).select_related("institution")
    for word in text.split():
        queryset = queryset.filter(Q(title__icontains=word) | Q(summary__icontains=word))
    if kind:
        queryset = queryset.filter(kind=kind)
    open_cohorts = Cohort.objects.filter(programme=OuterRef("pk")).open_on(today)
    if open_now:
        queryset = queryset.filter(Exists(open_cohorts))
    if eligible_only:
        queryset = queryset.filter(Exists(open_cohorts.eligible_for(user.profile)))
    return queryset.annotate(is_open=Exists(open_cohorts)).order_by("title")


def get_programme_for_user(user, pk):
    return get_object_or_404(programmes_visible_to(user).select_related("institution", "owner__user"), pk=pk)


def cohorts_of(programme):
    """A programme's cohorts with places taken, job families and sessions loaded in a fixed number of queries."""
    return (
        programme.cohorts.with_accepted_count()
        .select_related("programme__institution")
        .prefetch_related("job_families", "programme__institution__partners", "sessions")
        .order_by("-starts_on")
    )


def get_cohort_for_user(user, pk):
    """A cohort of a programme the user may see in the catalogue."""
    return get_object_or_404(
        Cohort.objects.filter(programme__in=programmes_visible_to(user))
        .with_accepted_count()
        .select_related("programme__institution")
        .prefetch_related("job_families", "programme__institution__partners"),
        pk=pk,
    )


def cohorts_run_by(user):
    """Cohorts of the user's own institution's programmes, for programme managers only."""
    if not roles.is_programme_manager(user) or not roles.has_profile(user):
        return Cohort.objects.none()
    return Cohort.objects.for_institution(user.profile.institution)


def get_cohort_to_run(user, pk):
    """A cohort the user runs as programme manager; 404 for anyone else and other institutions."""
    return get_object_or_404(cohorts_run_by(user).with_accepted_count().select_related("programme__institution"), pk=pk)


def applications_visible_to(user):
    """Applications the user may see: their own, their reports', and (programme managers) all to
    their institution's programmes, including partner staff's: the one cross-institution view."""
    if not roles.has_profile(user):
        return Application.objects.none()
    profile = user.profile
    condition = Q(applicant=profile) | Q(applicant__line_manager=profile)
    if roles.is_programme_manager(user):
        condition |= Q(cohort__programme__institution=profile.institution)
    return Application.objects.filter(condition)


def get_application_for_user(user, pk):
    return get_object_or_404(
        applications_visible_to(user).select_related(
            "cohort__programme__institution", "applicant__user", "applicant__line_manager__user", "applicant__grade"
        ),
        pk=pk,
    )


def application_history(application):
    return application.transitions.select_related("by")


def my_applications(profile):
    return Application.objects.filter(applicant=profile).select_related("cohort__programme").order_by("-submitted_at")


def team_applications(profile, *, waiting_only=False):
    queryset = Application.objects.filter(applicant__line_manager=profile)
    if waiting_only:
        queryset = queryset.filter(state=Application.State.AWAITING_ENDORSEMENT)
    return queryset.select_related("applicant__user", "applicant__grade", "cohort__programme").order_by("-submitted_at")


def cohort_applicants(cohort, *, state="", institution_id="", text=""):
    queryset = cohort.applications.select_related(
        "applicant__user", "applicant__grade", "applicant__job_family", "applicant__institution"
    ).order_by("submitted_at", "pk")
    if state:
        queryset = queryset.filter(state=state)
    if institution_id:
        queryset = queryset.filter(applicant__institution_id=institution_id)
    for word in text.split():
        queryset = queryset.filter(
            Q(applicant__user__first_name__icontains=word)
            | Q(applicant__user__last_name__icontains=word)
            | Q(applicant__user__email__icontains=word)
        )
    return queryset


def participants_of(cohort):
    return (
        cohort.applications.filter(state__in=Application.HOLDS_PLACE)
        .select_related("applicant__user", "applicant__institution")
        .order_by("applicant__user__last_name", "applicant__user__first_name")
    )


def get_session_to_run(user, pk):
    return get_object_or_404(
        Session.objects.filter(cohort__in=cohorts_run_by(user)).select_related("cohort__programme"), pk=pk
    )


def register_of(session):
    """The session's participants with whether each was marked present."""
    participants = list(participants_of(session.cohort))
    present = set(Attendance.objects.filter(session=session, present=True).values_list("application_id", flat=True))
    return [(participant, participant.pk in present) for participant in participants]


def sessions_of_user(user, *, upcoming_only=False, now=None):
    """Sessions of the cohorts where the user holds a place."""
    if not roles.has_profile(user):
        return Session.objects.none()
    queryset = Session.objects.filter(
        cohort__applications__applicant=user.profile, cohort__applications__state__in=Application.HOLDS_PLACE
    )
    if upcoming_only:
        queryset = queryset.filter(ends_at__gte=now or timezone.now())
    return queryset.select_related("cohort__programme").order_by("starts_at")


def staff_eligible_for(cohort):
    """Current staff whom the cohort's rules admit (the staff-side twin of `Cohort.eligible_for`)."""
    programme = cohort.programme
    institutions = Q(institution_id=programme.institution_id)
    if programme.open_to_partners:
        institutions |= Q(
            Exists(
                Institution.partners.through.objects.filter(
                    from_institution_id=programme.institution_id, to_institution=OuterRef("institution")
                )
            )
        )
    queryset = StaffProfile.objects.current().filter(institutions, user__is_active=True)
    if cohort.min_level is not None:
        queryset = queryset.filter(grade__level__gte=cohort.min_level)
    if cohort.max_level is not None:
        queryset = queryset.filter(grade__level__lte=cohort.max_level)
    names = [name.lower() for name in cohort.job_families.values_list("name", flat=True)]
    if names:
        family = Q()
        for name in names:
            family |= Q(job_family__name__iexact=name)
        queryset = queryset.filter(family)
    return queryset


def completed_programmes(profile):
    """The person's completed programmes, newest first, for their record (e.g. the staff profile page)."""
    return (
        Application.objects.filter(applicant=profile, state=Application.State.COMPLETED)
        .select_related("cohort__programme")
        .order_by("-cohort__ends_on")
    )
