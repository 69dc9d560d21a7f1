"""Reads for mentoring.

Every model here is institution-scoped. A relationship belongs to the mentee's institution;
with partner mentoring switched on at both ends, mentors at partner institutions take part, so
mentoring pages read inside `mentoring_scope(profile)`: the viewer's institution and the
partners that share mentoring with it, said out loud.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, cast

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from core.access import allowed, get_visible_or_404
from core.dates import working_days_before
from core.tenancy import in_institutions
from people.models import Institution, StaffProfile

from .matching import Suggestion, attach_facts, rank
from .models import Feedback, Meeting, MentoringSettings, MentorProfile, Purpose, Relationship, RelationshipQuerySet

State = Relationship.State
REQUEST_WAITING_WORKING_DAYS = 5
CHECK_IN_AFTER = timedelta(weeks=8)
SUGGESTIONS = 10


# --- Institutions that share mentoring --------------------------------------------------------


def mentoring_institution_ids(institution: Institution | None) -> list[int]:
    """The institution and the partners it shares mentoring with (both switched on), in one query.

    Partner mentoring needs both sides: an institution's staff are offered as mentors to a
    partner's only if their own administrator switched it on too.
    """
    if institution is None:
        return []
    on = set(
        Institution.objects.filter(
            Q(pk=institution.pk) | Q(partners=institution), mentoring_settings__partner_mentoring=True
        ).values_list("pk", flat=True)
    )
    if institution.pk not in on:
        return [institution.pk]
    return [institution.pk, *sorted(on - {institution.pk})]


@contextmanager
def mentoring_scope(profile: StaffProfile | None) -> Iterator[list[int]]:
    """Read mentoring across the viewer's institution and the partners sharing mentoring with it."""
    ids = mentoring_institution_ids(profile.institution if profile is not None else None)
    with in_institutions(ids):
        yield ids


def settings_of(institution: Institution) -> MentoringSettings:
    """The institution's settings (an unsaved default row when none is saved yet)."""
    return MentoringSettings.objects.filter(institution=institution).first() or MentoringSettings(
        institution=institution
    )


# --- Mentors ----------------------------------------------------------------------------------


def mentor_profile_of(profile: StaffProfile) -> MentorProfile | None:
    return MentorProfile.objects.filter(person=profile).prefetch_related("purposes").first()


def _mentors() -> QuerySet[MentorProfile]:
    """Mentor profiles with what a list shows (one query, plus one for the purposes)."""
    return (
        MentorProfile.objects.select_related(
            "person__user", "person__grade", "person__job_family", "person__division", "person__institution"
        )
        .annotate(active_count=Count("person__mentees_had", filter=Q(person__mentees_had__state=State.ACTIVE)))
        .annotate(free_places=F("capacity") - F("active_count"))
        .prefetch_related("purposes")
    )


def mentors_offering(*, purpose: str | None, viewer: StaffProfile) -> QuerySet[MentorProfile]:
    """Current, available mentors in the active scope who offer `purpose` (any when None), without
    the viewer, by name. Call inside `mentoring_scope`."""
    mentors = _mentors().filter(available=True, person__user__is_active=True).exclude(person=viewer)
    today = timezone.localdate()
    mentors = mentors.filter(Q(person__leaving_date__isnull=True) | Q(person__leaving_date__gt=today))
    if purpose:
        mentors = mentors.filter(purposes__purpose=purpose)
    return mentors.order_by("person__user__last_name", "person__user__first_name", "pk")


def suggested_mentors(*, mentee: StaffProfile, purpose: str, limit: int = SUGGESTIONS) -> list[Suggestion]:
    """The best mentors for the mentee and purpose, ranked by `matching.rank` (two queries).

    Only mentors with a free place; never the mentee's own line manager; only one or more grade
    levels above the mentee when the mentee's grade is known (levels are comparable across job
    families and institutions). Call inside `mentoring_scope`: that decides whether partner
    institutions' mentors are included.
    """
    candidates = mentors_offering(purpose=purpose, viewer=mentee).filter(free_places__gt=0)  # type: ignore[misc]
    if mentee.line_manager_id:
        candidates = candidates.exclude(person_id=mentee.line_manager_id)
    if mentee.grade is not None:
        candidates = candidates.filter(person__grade__level__gt=mentee.grade.level)
    mentors = list(candidates)
    attach_facts(mentee, mentors)
    return rank(mentee, mentors)[:limit]


def get_mentor_for_user(user: Any, pk: Any) -> MentorProfile:
    """A mentor profile in the viewer's mentoring scope, else 404."""
    return get_visible_or_404(_mentors(), pk)


# --- Relationships ----------------------------------------------------------------------------


def relationships_visible_to(user: Any) -> QuerySet[Relationship]:
    """The viewer's own mentoring (as mentee or mentor), and for a programme manager or HR every
    relationship of their institution (without the meeting notes, which the page never shows them)."""
    profile = user.profile
    mine = Q(mentee=profile) | Q(mentor=profile)
    if allowed(user, "mentoring.oversee"):
        mine |= Q(institution_id=profile.institution_id)
    return Relationship.objects.filter(mine)


def get_relationship_for_user(user: Any, pk: Any) -> Relationship:
    """A relationship the viewer may see, or 404 (someone else's, another institution's)."""
    return get_visible_or_404(cast(RelationshipQuerySet, relationships_visible_to(user)).with_people(), pk)


def relationships_as_mentee(profile: StaffProfile) -> QuerySet[Relationship]:
    return Relationship.objects.filter(mentee=profile).with_people().order_by("-requested_on", "-pk")


def relationships_as_mentor(profile: StaffProfile) -> QuerySet[Relationship]:
    return Relationship.objects.filter(mentor=profile).with_people().order_by("-requested_on", "-pk")


def open_purposes_of(mentee: StaffProfile) -> set[str]:
    """Purposes for which the mentee has a mentor or a request waiting (one query)."""
    return set(
        Relationship.objects.filter(mentee=mentee, state__in=[State.REQUESTED, State.ACTIVE]).values_list(
            "purpose", flat=True
        )
    )


@dataclass(frozen=True)
class MenteesPanel:
    active: list[Relationship]
    waiting: list[Relationship]


def current_relationships_of(profile: StaffProfile) -> list[Relationship]:
    """The person's active and requested relationships, as mentor and as mentee (one query)."""
    return list(
        Relationship.objects.filter(Q(mentor=profile) | Q(mentee=profile), state__in=[State.ACTIVE, State.REQUESTED])
        .select_related("mentee__user", "mentee__grade", "mentor__user", "mentor__grade")
        .order_by("pk")
    )


def mentees_of(profile: StaffProfile, *, rows: list[Relationship] | None = None) -> MenteesPanel:
    """The mentor's active mentees and the requests waiting for their answer (one query, none
    when given the rows of `current_relationships_of`)."""
    rows = [row for row in (current_relationships_of(profile) if rows is None else rows) if row.mentor_id == profile.pk]
    rows.sort(key=lambda r: (r.mentee.user.last_name, r.mentee.user.first_name, r.pk))
    return MenteesPanel(
        active=[r for r in rows if r.state == State.ACTIVE], waiting=[r for r in rows if r.state == State.REQUESTED]
    )


def mentors_of(profile: StaffProfile, *, rows: list[Relationship] | None = None) -> list[Relationship]:
    """The mentee's current mentors and requests (one query, none when given the rows of
    `current_relationships_of`)."""
    rows = [row for row in (current_relationships_of(profile) if rows is None else rows) if row.mentee_id == profile.pk]
    return sorted(rows, key=lambda r: (r.purpose, r.pk))


def meetings_of(relationship: Relationship) -> QuerySet[Meeting]:
    return Meeting.objects.filter(relationship=relationship).select_related("logged_by__user")


def feedback_of(relationship: Relationship) -> QuerySet[Feedback]:
    return Feedback.objects.filter(relationship=relationship).select_related("author__user")


# --- The programme manager's overview ---------------------------------------------------------


def overview_counts(institution: Institution) -> dict[str, Any]:
    """Relationships of the institution by purpose and state, and its mentors (two queries)."""
    rows = (
        Relationship.objects.filter(institution=institution)
        .values("purpose", "state")
        .annotate(count=Count("pk"))
        .order_by()
    )
    table = {purpose.value: {state.value: 0 for state in State} for purpose in Purpose}
    for row in rows:
        table[row["purpose"]][row["state"]] = row["count"]
    mentors = MentorProfile.objects.filter(person__institution=institution).aggregate(
        total=Count("pk"), available=Count("pk", filter=Q(available=True))
    )
    return {
        "by_purpose": [(Purpose(p).label, [table[p][s.value] for s in State]) for p in table],
        "states": [s.label for s in State],
        "mentors": mentors,
    }


def relationships_of_institution(institution: Institution, *, state: str = "") -> QuerySet[Relationship]:
    rows = Relationship.objects.filter(institution=institution).with_people()
    if state:
        rows = rows.filter(state=state)
    return rows.annotate(meeting_count=Count("meetings")).order_by("-requested_on", "-pk")


def staff_to_pair(institution: Institution) -> QuerySet[StaffProfile]:
    return StaffProfile.objects.filter(institution=institution).current().select_related("user", "grade")


def mentors_to_pair(institution_ids: list[int]) -> QuerySet[MentorProfile]:
    return (
        MentorProfile.objects.filter(person__institution_id__in=institution_ids)
        .select_related("person__user", "person__institution")
        .order_by("person__user__last_name", "person__user__first_name")
    )


# --- Due work for the beat job ----------------------------------------------------------------


def requests_waiting_due(*, today: date | None = None) -> QuerySet[Relationship]:
    """Requests unanswered for 5 working days or more. For `mentoring.tasks.send_reminders`, run
    across institutions; served by the partial index `mentoring_request_waiting_idx`."""
    today = today or timezone.localdate()
    cutoff = working_days_before(today, REQUEST_WAITING_WORKING_DAYS)
    return Relationship.objects.filter(state=State.REQUESTED, requested_on__lte=cutoff).order_by("pk")


def check_ins_due(*, today: date | None = None) -> QuerySet[Relationship]:
    """Active relationships with no meeting for 8 weeks. For `mentoring.tasks.send_reminders`, run
    across institutions; served by the partial index `mentoring_check_in_due_idx`."""
    today = today or timezone.localdate()
    return Relationship.objects.filter(state=State.ACTIVE, last_contact_on__lte=today - CHECK_IN_AFTER).order_by("pk")


def mentee_counts_by_purpose(*, institution: Institution, start: date, end: date) -> dict[str, int]:
    """Distinct mentees with an active mentor at some time in [start, end], by purpose (one query)."""
    rows = (
        Relationship.objects.filter(institution=institution, started_on__isnull=False, started_on__lte=end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
        .filter(state__in=[State.ACTIVE, *Relationship.CLOSED_STATES])
        .values("purpose")
        .annotate(people=Count("mentee", distinct=True))
        .order_by()
    )
    return {row["purpose"]: row["people"] for row in rows}


def prefetch_feedback() -> Prefetch:
    return Prefetch("feedback", queryset=Feedback.objects.select_related("author__user"))
