"""Reads of staff data, always scoped to the viewer's institution."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from core.access import get_visible_or_404
from core.dates import working_days_before
from core.models import AuditEvent

from .models import (
    CareerEvent,
    Celebration,
    Grade,
    ManagerConfirmation,
    StaffImport,
    StaffImportRow,
    StaffProfile,
    StaffProfileQuerySet,
)
from .services_staff_import import TEMPLATE_HEADINGS

WELCOME_WINDOW_DAYS = 61  # "within 2 months of starting" (2H)


def staff_visible_to(user: Any) -> StaffProfileQuerySet:
    """Staff the user may see: their own institution's, nobody else's."""
    return StaffProfile.objects.for_institution(user.institution)


def get_profile_for_user(user: Any, pk: Any) -> StaffProfile:
    """Return the profile, or 404 if it belongs to another institution."""
    return get_visible_or_404(staff_visible_to(user).with_directory_details(), pk)


def directory_page(queryset: StaffProfileQuerySet, number: Any, size: int) -> Page:
    """One page of the directory, ids first.

    Counting and sorting a whole institution's staff joined to their user, manager and
    manager's user is what made the directory slow at national size: sort ids by name (a join
    to the user alone), then load the page's 25 rows with their details.
    """
    ids = queryset.order_by("user__last_name", "user__first_name", "pk").values_list("pk", flat=True)
    page = Paginator(ids, size).get_page(number)
    rows = {row.pk: row for row in queryset.with_directory_details().filter(pk__in=list(page.object_list))}
    page.object_list = [rows[pk] for pk in page.object_list if pk in rows]
    return page


def staff_list_rows(institution: Any) -> Iterator[list[Any]]:
    """HR's staff list: the staff import's headings, then everyone in post, by name, in the
    import's own terms (grade by short name, the line manager by staff number), so HR can edit the
    file and import it back. One query, read from a server-side cursor in chunks: 30,000 rows
    never sit in memory at once."""
    yield list(TEMPLATE_HEADINGS)
    rows = (
        StaffProfile.objects.filter(institution=institution)
        .current()
        .order_by("user__last_name", "user__first_name", "pk")
        .values_list(
            "staff_number",
            "user__first_name",
            "user__last_name",
            "user__email",
            "division__name",
            "job_family__name",
            "grade__short_name",
            "line_manager__staff_number",
            "start_date",
            "leaving_date",
            "contract_type",
        )
    )
    for number, first, last, email, division, family, grade, manager, start, leaving, contract in rows.iterator(
        chunk_size=2000
    ):
        yield [
            number,
            f"{first} {last}".strip(),
            email,
            division or "",
            family or "",
            grade or "",
            manager or "",
            start.isoformat() if start else "",
            leaving.isoformat() if leaving else "",
            contract,
        ]


def directory_search(queryset: StaffProfileQuerySet, text: str) -> StaffProfileQuerySet:
    for word in text.split():
        queryset = queryset.filter(
            Q(user__first_name__icontains=word)
            | Q(user__last_name__icontains=word)
            | Q(user__email__icontains=word)
            | Q(job_title__icontains=word)
        )
    return queryset


def reports_of(profile: StaffProfile) -> StaffProfileQuerySet:
    return StaffProfile.objects.filter(line_manager=profile).current().with_directory_details()


def welcome_due(*, today: date | None = None) -> StaffProfileQuerySet:
    """Staff who started on a welcomed grade in the last two months and have not left.

    The due work of `people.tasks.send_welcome_messages` (daily), read across institutions;
    the partial index `staffprofile_start_date_idx` finds the recent starters by start date.
    Includes people who already got the message; the outbox key makes a repeat a no-op.
    """
    today = today or timezone.localdate()
    return (
        StaffProfile.objects.current()
        .filter(
            grade__welcome_new_starters=True,
            start_date__lte=today,
            start_date__gt=today - timedelta(days=WELCOME_WINDOW_DAYS),
            user__is_active=True,
        )
        .select_related("user", "grade", "institution")
    )


# --- Line managers and their confirmation -----------------------------------------------------

CONFIRMATION_WAITING_WORKING_DAYS = 5


def manager_problem(profile: StaffProfile) -> str:
    """Why nothing that needs a line manager can be sent for this person now ("" when it can).

    Other apps show this before a form is submitted and refuse with it, so a request is never
    sent to nobody. One query when no manager is recorded (the pending confirmation).
    """
    if profile.line_manager_id is not None:
        return ""
    waiting = ManagerConfirmation.objects.filter(person=profile).pending().select_related("manager__user").first()
    if waiting is not None:
        return (
            f"{waiting.manager} has not yet confirmed that you report to them (asked on "
            f"{timezone.localtime(waiting.requested_at):%-d %B %Y}). This needs a confirmed line manager: "
            "you can send it once they confirm, or ask HR to confirm it for you."
        )
    return (
        "No line manager is confirmed for you in TechCareers, so nobody could approve this. "
        "Name your line manager on the “Complete your record” page; you can send it once they confirm."
    )


def pending_confirmation_of(profile: StaffProfile) -> ManagerConfirmation | None:
    return ManagerConfirmation.objects.filter(person=profile).pending().select_related("manager__user").first()


def confirmations_waiting_for(profile: StaffProfile) -> QuerySet[ManagerConfirmation]:
    """Requests naming this person as line manager that they have not answered (one query)."""
    return (
        ManagerConfirmation.objects.filter(manager=profile)
        .pending()
        .select_related("person__user", "person__grade", "person__job_family", "person__division")
        .order_by("requested_at", "pk")
    )


def confirmations_for_hr(user: Any) -> QuerySet[ManagerConfirmation]:
    """Every request waiting in the HR member's institution, oldest first (one query)."""
    return (
        ManagerConfirmation.objects.for_institution(user.institution)
        .pending()
        .select_related("person__user", "person__grade", "person__division", "manager__user")
        .order_by("requested_at", "pk")
    )


def get_confirmation_for_user(user: Any, pk: Any) -> ManagerConfirmation:
    """The confirmation, if the user is its person, its named manager or HR there; else 404."""
    from . import roles

    profile = roles.require_profile(user)
    visible = ManagerConfirmation.objects.filter(person__institution=profile.institution)
    if not roles.is_hr(user):
        visible = visible.filter(Q(person=profile) | Q(manager=profile))
    return get_visible_or_404(visible.select_related("person__user", "manager__user"), pk)


def manager_confirmation_reminders_due(*, today: date | None = None) -> QuerySet[ManagerConfirmation]:
    """Confirmations waiting for more than 5 working days: the work of
    `people.tasks.remind_manager_confirmations` (daily), read across institutions through the
    partial index `managerconfirm_pending_idx`. Includes ones already reminded; the outbox key
    makes a repeat a no-op."""
    today = today or timezone.localdate()
    cutoff = working_days_before(today, CONFIRMATION_WAITING_WORKING_DAYS)
    return (
        ManagerConfirmation.objects.pending()
        .filter(requested_at__date__lt=cutoff)
        .select_related("person__user", "person__institution", "manager__user")
        .order_by("requested_at", "pk")
    )


# --- Career history ---------------------------------------------------------------------------


@dataclass
class HistoryRow:
    event: CareerEvent
    changes: list[tuple[str, str, str]]  # (what, before, after)


_HISTORY_FIELDS = (
    ("grade", "Grade"),
    ("job_family", "Job family"),
    ("division", "Division"),
    ("line_manager", "Line manager"),
    ("contract_type", "Contract"),
)


def _shown(event: CareerEvent | None, field: str) -> str:
    if event is None:
        return ""
    if field == "contract_type":
        return event.get_contract_type_display() if event.contract_type else ""
    value = getattr(event, field)
    return str(value) if value is not None else ""


def career_history(profile: StaffProfile) -> list[HistoryRow]:
    """The person's career events, newest first, each with what changed from the one before.

    One query whatever the length of the history (every related row is joined).
    """
    events = list(
        CareerEvent.objects.filter(person=profile).select_related(
            "grade", "job_family", "division", "line_manager__user", "recorded_by"
        )
    )
    rows = []
    previous: CareerEvent | None = None
    for event in events:
        changes = [
            (label, _shown(previous, field), _shown(event, field))
            for field, label in _HISTORY_FIELDS
            if _shown(previous, field) != _shown(event, field)
        ]
        rows.append(HistoryRow(event=event, changes=changes))
        previous = event
    return list(reversed(rows))


def audit_of(profile: StaffProfile) -> QuerySet:
    """The audit of every edit of the staff record (simple-history), newest first (one query)."""
    history: Any = profile.history
    return history.select_related("history_user", "grade").order_by("-history_date", "-history_id")


def events_on(people: Iterable[Any], on: date) -> dict[int, CareerEvent]:
    """Each person's record as it stood on `on`: their latest career event on or before it.

    One query for any number of people (a correlated subquery picks each person's event,
    through `careerevent_person_date_idx`). People with no event by then are absent.
    """
    ids = [getattr(person, "pk", person) for person in people]
    latest = (
        CareerEvent.objects.filter(person=OuterRef("person"), effective_date__lte=on)
        .order_by("-effective_date", "-recorded_at", "-pk")
        .values("pk")[:1]
    )
    events = CareerEvent.objects.filter(person__in=ids, pk=Subquery(latest)).select_related("grade__job_family")
    return {event.person_id: event for event in events}


def grades_on(people: Iterable[Any], on: date) -> dict[int, Grade | None]:
    """What grade each person held on `on` (None: not yet recorded, or left by then). One query."""
    return {
        person_id: (None if event.cause == CareerEvent.Cause.LEFT else event.grade)
        for person_id, event in events_on(people, on).items()
    }


def celebrations(*, year: int | None = None, kind: str | None = None) -> QuerySet[Celebration]:
    """Published celebrations of the institution in scope, newest first, with the person loaded."""
    queryset = Celebration.objects.published().select_related(
        "person__user", "person__grade", "person__job_family", "person__division"
    )
    if year is not None:
        queryset = queryset.filter(occurred_on__year=year)
    if kind is not None:
        queryset = queryset.filter(kind=kind)
    return queryset


def celebrations_of(person: StaffProfile) -> QuerySet[Celebration]:
    """Every celebration proposed for `person`, whatever they decided (their own page)."""
    return Celebration.objects.filter(person=person).order_by("consent", "-occurred_on", "-pk")


def get_own_celebration(user: Any, pk: Any) -> Celebration:
    """One of the viewer's own celebrations; anyone else's is a 404."""
    return get_visible_or_404(Celebration.objects.filter(person__user=user), pk=pk)


def holders_of(institution: Any, *role_names: str) -> list[StaffProfile]:
    """Current, active staff of `institution` holding any of the roles (e.g. roles.PROGRAMME_MANAGER),
    with their groups (two queries): checking each one's roles asks nothing more."""
    return list(
        StaffProfile.objects.filter(institution=institution)
        .current()
        .filter(user__is_active=True, user__groups__name__in=role_names)
        .select_related("user")
        .prefetch_related("user__groups")
        .distinct()
        .order_by("pk")
    )


def audit_events() -> QuerySet[AuditEvent]:
    """The audit log of the institution in scope, newest first (one query a page)."""
    return AuditEvent.objects.order_by("-at", "-pk")


def in_post_between(institution: Any, start: date, end: date) -> StaffProfileQuerySet:
    """Staff (see `StaffProfileQuerySet.staff`) employed at some time from `start` to `end` inclusive:
    started by `end` (or no start date known) and not left before `start`. Lazy: no query until read."""
    return (
        StaffProfile.objects.filter(institution=institution)
        .staff()
        .filter(Q(start_date__isnull=True) | Q(start_date__lte=end))
        .filter(Q(leaving_date__isnull=True) | Q(leaving_date__gte=start))
    )


# --- Staff imports ----------------------------------------------------------------------------


def imports_of(institution: Any) -> QuerySet[StaffImport]:
    return StaffImport.objects.filter(institution=institution).select_related("uploaded_by")


def get_import_for_user(user: Any, pk: Any) -> StaffImport:
    """One of the viewer's institution's staff imports (the request is scoped), else 404."""
    return get_visible_or_404(StaffImport.objects.select_related("institution"), pk)


def bad_rows_of(batch: StaffImport) -> QuerySet[StaffImportRow]:
    return StaffImportRow.objects.filter(batch=batch).bad().order_by("number")


# --- Subject access and erasure ---------------------------------------------------------------


def people_matching(institution: Any, text: str) -> StaffProfileQuerySet:
    """Everyone with a staff record here (leavers included) matching a name, e-mail or staff number."""
    queryset = StaffProfile.objects.filter(institution=institution).select_related("user")
    for word in text.split():
        queryset = queryset.filter(
            Q(user__first_name__icontains=word)
            | Q(user__last_name__icontains=word)
            | Q(user__email__icontains=word)
            | Q(staff_number__iexact=word)
        )
    return queryset.order_by("user__last_name", "user__first_name", "pk")


def erasure_due(institution: Any, *, today: date | None = None) -> StaffProfileQuerySet:
    """Leavers whose retention period (`PERSONAL_DATA_RETENTION_DAYS`) has ended, not yet erased."""
    from django.conf import settings

    today = today or timezone.localdate()
    cutoff = today - timedelta(days=settings.PERSONAL_DATA_RETENTION_DAYS)
    return (
        StaffProfile.objects.filter(institution=institution, leaving_date__lte=cutoff)
        .exclude(user__email__endswith="@erased.invalid")
        .select_related("user")
        .order_by("leaving_date", "pk")
    )
