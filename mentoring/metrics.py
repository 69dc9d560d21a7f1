"""Mentoring's success measures: people with an active mentor (in all and by purpose), and
mentors available. The action plan names no mentoring key yet (2F's "available mentorship",
3A's mentors and 1C's mentorship programme are described in words), so these are offered for
its items to use."""

from django.db.models import Count, F, Q
from django.utils import timezone

from core.metrics import MetricResult, metric

from .models import MentorProfile, Purpose, Relationship
from .selectors import mentee_counts_by_purpose

HOW_ACTIVE = (
    "Counts distinct members of staff who had an active mentor {what} at any time in the period: "
    "relationships accepted or paired on or before the period's end and not ended before its start "
    "(completed and ended-early ones count for the time they were active). None until the institution "
    "has recorded any mentoring."
)


def _has_mentoring(institution):
    return Relationship.objects.filter(institution=institution).exists()


@metric(
    key="mentoring.people_with_active_mentor",
    label="People with an active mentor",
    unit="people",
    how=HOW_ACTIVE.format(what="(for any purpose; someone with two mentors counts once)"),
)
def people_with_active_mentor(*, institution, start, end):
    if not _has_mentoring(institution):
        return None
    active = (
        Relationship.objects.filter(institution=institution, started_on__isnull=False, started_on__lte=end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
        .exclude(state__in=[Relationship.State.REQUESTED, Relationship.State.DECLINED, Relationship.State.WITHDRAWN])
    )
    people = active.aggregate(n=Count("mentee", distinct=True))["n"]
    by_purpose = mentee_counts_by_purpose(institution=institution, start=start, end=end)
    detail = "; ".join(f"{Purpose(p).label.lower()} {by_purpose[p]}" for p in Purpose.values if p in by_purpose)
    return MetricResult(value=people, numerator=people, detail=f"{people} people ({detail or 'none'})")


def _by_purpose(purpose):
    def compute(*, institution, start, end):
        if not _has_mentoring(institution):
            return None
        people = mentee_counts_by_purpose(institution=institution, start=start, end=end).get(purpose, 0)
        return MetricResult(value=people, numerator=people, detail=f"{people} people with a {purpose} mentor")

    return compute


for _purpose in Purpose:
    metric(
        key=f"mentoring.people_with_active_mentor.{_purpose.value}",
        label=f"People with an active mentor for {_purpose.label.lower()}",
        unit="people",
        how=HOW_ACTIVE.format(what=f"for {_purpose.label.lower()}"),
    )(_by_purpose(_purpose.value))


@metric(
    key="mentoring.mentors_available",
    label="Mentors available",
    unit="mentors",
    how="Counts, today (the period is not used: availability has no history), current members of staff "
    "whose mentor profile is marked as taking new mentees and who have at least one free place (fewer "
    "active mentees than the number they offered to take). None until anyone has a mentor profile.",
)
def mentors_available(*, institution, start, end):
    profiles = MentorProfile.objects.filter(person__institution=institution)
    if not profiles.exists():
        return None
    today = timezone.localdate()
    current = profiles.filter(Q(person__leaving_date__isnull=True) | Q(person__leaving_date__gt=today))
    rows = current.annotate(
        active=Count("person__mentees_had", filter=Q(person__mentees_had__state=Relationship.State.ACTIVE))
    )
    available = rows.filter(available=True, active__lt=F("capacity")).count()
    total = current.count()
    return MetricResult(
        value=available,
        numerator=available,
        denominator=total,
        detail=f"{available} of {total} mentors are taking new mentees and have a free place",
    )
