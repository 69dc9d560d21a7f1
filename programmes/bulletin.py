"""The opportunities bulletin (1F): programmes' own opportunity sources, and the bulletin's reads.

Programmes registers three sources in `core.opportunities`: open and upcoming cohorts (with
external programmes among them), upcoming events (partners' events opened to the viewer
included), and the bulletin posts of external programmes and jobs. Other apps register theirs
(prize deadlines, from recognition). Each source reads what the viewer may see in one query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count
from django.utils import timezone

from core.opportunities import Opportunity, opportunities_for, opportunity_source
from core.tenancy import across_institutions
from people import roles

from . import selectors
from .models import Application, BulletinClick, BulletinPost, Cohort, Programme, Registration

COHORT = "programmes.cohort"
EVENT = "programmes.event"
EXTERNAL = "programmes.programme"
POST = "programmes.post"


def key_of(source: str, pk: int) -> str:
    return f"{source}:{pk}"


def _audience(institution_id: int, viewer_institution_id: int, opened: bool) -> str:
    return "partners" if opened or institution_id != viewer_institution_id else "own"


@opportunity_source(COHORT)
def cohorts(*, user: Any, today: date) -> list[Opportunity]:
    """Cohorts open for applications or opening later, of programmes the user may see (one query)."""
    if not roles.has_profile(user):
        return []
    own = user.profile.institution_id
    with across_institutions():  # narrowed to the viewer's catalogue: partner sharing
        rows = (
            Cohort.objects.filter(programme__in=selectors.programmes_visible_to(user), closes_on__gte=today)
            .select_related("programme__institution")
            .annotate(applied=Count("applications", distinct=True))
            .order_by("closes_on", "pk")
        )
    found = []
    for cohort in rows:
        programme = cohort.programme
        found.append(
            Opportunity(
                key=key_of(COHORT, cohort.pk),
                kind="external" if programme.kind == Programme.Kind.EXTERNAL else "programme",
                title=f"{programme.title}: {cohort.name}",
                summary=programme.summary,
                url=cohort.get_absolute_url(),
                audience=_audience(programme.institution_id, own, programme.open_to_partners),
                deadline=cohort.closes_on,
                starts_on=cohort.starts_on,
                offered_by=programme.institution.short_name,
                uptake=cohort.applied,
                uptake_label="applications",
            )
        )
    return found


@opportunity_source(EXTERNAL)
def external_programmes(*, user: Any, today: date) -> list[Opportunity]:
    """External programmes (Herschel, Aurora, Future Leaders, Vivian Thomas) in the user's catalogue
    with no cohort run in the portal: read more and apply on their own sites (one query)."""
    if not roles.has_profile(user):
        return []
    own = user.profile.institution_id
    rows = (
        selectors.programmes_visible_to(user)
        .filter(kind=Programme.Kind.EXTERNAL)
        .exclude(cohorts__closes_on__gte=today)
        .select_related("institution")
        .order_by("title")
    )
    return [
        Opportunity(
            key=key_of(EXTERNAL, programme.pk),
            kind="external",
            title=programme.title,
            summary=programme.summary,
            url=programme.get_absolute_url(),
            audience=_audience(programme.institution_id, own, programme.open_to_partners),
            offered_by=programme.institution.short_name,
        )
        for programme in rows
    ]


@opportunity_source(EVENT)
def events(*, user: Any, today: date) -> list[Opportunity]:
    """Events not yet started that the user may see, partners' events opened to them included (one query)."""
    if not roles.has_profile(user):
        return []
    own = user.profile.institution_id
    rows = selectors.events_visible_to(user).with_counts().filter(starts_at__gte=timezone.now(), cancelled_at=None)
    found = []
    for event in rows.select_related("institution").order_by("starts_at", "pk"):
        found.append(
            Opportunity(
                key=key_of(EVENT, event.pk),
                kind="event",
                title=event.title,
                summary=f"{event.get_kind_display()}, {timezone.localtime(event.starts_at):%-d %B %Y, %H:%M}. "
                f"{event.summary}",
                url=event.get_absolute_url(),
                audience=_audience(event.institution_id, own, event.open_to_partners),
                deadline=timezone.localdate(event.starts_at),
                starts_on=timezone.localdate(event.starts_at),
                offered_by=event.institution.short_name,
                uptake=event.registered_count + event.waiting_count,
                uptake_label="registrations",
            )
        )
    return found


@opportunity_source(POST)
def posts(*, user: Any, today: date) -> list[Opportunity]:
    """External programmes, jobs and secondments posted on the user's institution's bulletin (one query)."""
    if not roles.has_profile(user):
        return []
    kinds = {BulletinPost.Kind.EXTERNAL_PROGRAMME: "external", BulletinPost.Kind.POST: "post"}
    return [
        Opportunity(
            key=key_of(POST, post.pk),
            kind=kinds.get(post.kind, "external"),
            title=post.title,
            summary=post.summary,
            url=post.url,
            audience="external",
            deadline=post.deadline,
            offered_by=post.provider,
        )
        for post in BulletinPost.objects.for_institution(user.profile.institution).current(today)
    ]


# --- The bulletin page's reads --------------------------------------------------------------------

DEADLINES = {"week": 7, "month": 31}


def bulletin(
    user: Any, *, kind: str = "", audience: str = "", deadline: str = "", today: date | None = None
) -> list[Opportunity]:
    """Every current opportunity for the user, filtered by kind, audience and deadline (within a week/month)."""
    today = today or timezone.localdate()
    found = opportunities_for(user, today=today)
    if kind:
        found = [o for o in found if o.kind == kind]
    if audience:
        found = [o for o in found if o.audience == audience]
    if deadline in DEADLINES:
        last = today + timedelta(days=DEADLINES[deadline])
        found = [o for o in found if o.deadline is not None and today <= o.deadline <= last]
    return found


@dataclass(frozen=True)
class _StaffProfileOf:
    institution: Any

    @property
    def institution_id(self) -> int:
        return self.institution.pk


@dataclass(frozen=True)
class _StaffMemberOf:
    """Any member of an institution's staff, as the opportunity sources see a viewer: they read
    only the viewer's institution (what it runs and what partners opened to it)."""

    institution: Any
    is_authenticated: bool = True
    pk: None = None

    @property
    def profile(self) -> _StaffProfileOf:
        return _StaffProfileOf(self.institution)


def bulletin_for_institution(institution: Any, *, today: date | None = None) -> list[Opportunity]:
    """The bulletin as every member of the institution's staff sees it (the intranet's, through the
    API). Call inside the institution's scope."""
    return bulletin(_StaffMemberOf(institution), today=today)


def clicks_by_opportunity(keys: list[str], *, since: date | None = None) -> dict[str, int]:
    """Clicks per opportunity key by the viewer's institution's staff (one query; the scope decides whose)."""
    queryset = BulletinClick.objects.filter(opportunity__in=keys)
    if since is not None:
        queryset = queryset.filter(day__gte=since)
    return dict(queryset.values_list("opportunity").annotate(n=Count("pk")).order_by())


def find(user: Any, key: str, *, today: date | None = None) -> Opportunity | None:
    """The opportunity with this key among those the user may see today, or None."""
    return next((o for o in opportunities_for(user, today=today or timezone.localdate()) if o.key == key), None)


def _clicks_and_uptake(*, institution: Any, start: date, end: date) -> tuple[int, set, set]:
    """(clicks, clicked pairs, pairs taken up) in [start, end], in three queries.

    A pair is (person, cohort or event opportunity key); it is taken up when the person applied
    to that cohort or registered for that event on or after their first click on it, within the
    period. Clicks are the institution's staff's; their applications are read wherever the
    programme runs (their own rows: partner sharing).
    """
    clicks = list(
        BulletinClick.objects.filter(person__institution=institution, day__gte=start, day__lte=end).values_list(
            "person_id", "opportunity", "day"
        )
    )
    first_click: dict[tuple[int, str], date] = {}
    for person_id, opportunity, day in clicks:
        if opportunity.startswith((COHORT + ":", EVENT + ":")):
            pair = (person_id, opportunity)
            first_click[pair] = min(day, first_click.get(pair, day))
    cohort_ids = {int(k.split(":")[1]) for _, k in first_click if k.startswith(COHORT + ":")}
    event_ids = {int(k.split(":")[1]) for _, k in first_click if k.startswith(EVENT + ":")}
    people = {p for p, _ in first_click}
    done: list[tuple[tuple[int, str], date]] = []
    with across_institutions():
        applications = Application.objects.filter(cohort_id__in=cohort_ids, applicant_id__in=people)
        registrations = Registration.objects.filter(event_id__in=event_ids, person_id__in=people)
    for person_id, cohort_id, at in applications.values_list("applicant_id", "cohort_id", "submitted_at"):
        done.append(((person_id, key_of(COHORT, cohort_id)), timezone.localdate(at)))
    for person_id, event_id, at in registrations.values_list("person_id", "event_id", "registered_at"):
        done.append(((person_id, key_of(EVENT, event_id)), timezone.localdate(at)))
    taken_up = {pair for pair, day in done if pair in first_click and first_click[pair] <= day <= end}
    return len(clicks), set(first_click), taken_up


def uptake_after_clicks(*, institution: Any, start: date, end: date) -> tuple[int, int]:
    """(clicks, pairs taken up) in [start, end]: the 1F metric's figures."""
    clicks, _, taken_up = _clicks_and_uptake(institution=institution, start=start, end=end)
    return clicks, len(taken_up)


def clicked_pairs_and_uptake(*, institution: Any, start: date, end: date) -> tuple[int, int]:
    """(cohort or event pairs clicked, pairs taken up) in [start, end]."""
    _, pairs, taken_up = _clicks_and_uptake(institution=institution, start=start, end=end)
    return len(pairs), len(taken_up)
