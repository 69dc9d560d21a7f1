"""Writes for pathways. Each is one function, inside one transaction; workflow moves go through
`core.workflow.transition`, and their messages are written to the outbox in the same block."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core import audit
from core.access import require
from core.workflow import transition
from notifications.services import notification_enqueue
from people.models import Grade, Institution, JobFamily, StaffProfile

from . import selectors
from .frameworks import ParsedFramework, parse
from .models import (
    Band,
    Capability,
    Framework,
    FrameworkVersion,
    Goal,
    Indicator,
    Pathway,
    PathwayStep,
    PathwayVersion,
    Plan,
    Rating,
    SelfAssessment,
    SideRoute,
)
from .notifications import REVIEW_ASKED, REVIEWED
from .rules import EDIT_ONLY

# --- Capability frameworks --------------------------------------------------------------------


def grade_levels(institution: Institution) -> set[int]:
    return set(Grade.objects.filter(job_family__institution=institution).values_list("level", flat=True))


def framework_load(
    *, institution: Institution, rows: Iterable[list[str]], file_name: str, by: Any = None
) -> tuple[FrameworkVersion, bool]:
    """Load a framework file: a new version, or the newest one unchanged when the content is the same.

    Raises `frameworks.FrameworkRefused` (nothing written) when any line is wrong. Returns the
    version and whether it was created.
    """
    parsed = parse(rows, grade_levels=grade_levels(institution))
    with transaction.atomic():
        framework, _ = Framework.objects.select_for_update().get_or_create(institution=institution, name=parsed.name)
        newest = framework.versions.order_by("-number").first()
        if newest is not None and newest.checksum == parsed.checksum:
            return newest, False
        version = _framework_version(framework, parsed, newest.number + 1 if newest else 1, file_name, by)
        audit.record(kind="import", action=f"Capability framework loaded: {version}", obj=version, actor=by)
        return version, True


def _framework_version(
    framework: Framework, parsed: ParsedFramework, number: int, file_name: str, by: Any
) -> FrameworkVersion:
    version = FrameworkVersion.objects.create(
        framework=framework,
        number=number,
        description=parsed.description,
        checksum=parsed.checksum,
        file_name=file_name[:200],
        loaded_at=timezone.now(),
        loaded_by=by,
    )
    Band.objects.bulk_create([Band(version=version, level=level, name=name) for level, name in parsed.bands.items()])
    capabilities = Capability.objects.bulk_create(
        [
            Capability(version=version, code=c.code, name=c.name, description=c.description, development=c.development)
            for c in parsed.capabilities
        ]
    )
    Indicator.objects.bulk_create(
        [
            Indicator(capability=capability, level=level, text=text)
            for capability, parsed_capability in zip(capabilities, parsed.capabilities, strict=True)
            for level, text in parsed_capability.indicators.items()
        ]
    )
    return version


# --- Pathways ---------------------------------------------------------------------------------


def snapshot_of(pathway: Pathway) -> dict[str, Any]:
    """The whole pathway as plain values (two queries)."""
    return {
        "title": pathway.title,
        "introduction": pathway.introduction,
        "published": pathway.published,
        "steps": [
            {
                "grade": step.grade.short_name,
                "role_summary": step.role_summary,
                "asks": step.asks,
                "programmes": step.programmes,
                "registration_fit": step.registration_fit,
                "minimum_days": str(step.minimum_days),
            }
            for step in pathway.steps.select_related("grade")
        ],
        "side_routes": [
            {"from": route.from_grade.short_name, "title": route.title, "description": route.description}
            for route in pathway.side_routes.select_related("from_grade")
        ],
    }


def _new_version(pathway: Pathway, *, by: Any, note: str, first: bool = False) -> PathwayVersion:
    """Bump the version (unless it is the first) and keep the snapshot. Call inside the change's
    transaction, with the pathway row locked."""
    if not first:
        pathway.version += 1
        Pathway.objects.filter(pk=pathway.pk).update(version=pathway.version)
    return PathwayVersion.objects.create(
        pathway=pathway,
        number=pathway.version,
        snapshot=snapshot_of(pathway),
        note=note[:300],
        saved_at=timezone.now(),
        saved_by=by,
    )


def pathway_create(
    *,
    job_family: JobFamily,
    title: str,
    introduction: str = "",
    by: Any = None,
    steps: dict[str, dict[str, Any]] | None = None,
) -> Pathway:
    """A pathway for a job family, with one step per grade of its ladder (version 1)."""
    if by is not None:
        require(by, "pathways.edit", job_family, message=EDIT_ONLY)
    steps = steps or {}
    with transaction.atomic():
        if Pathway.objects.filter(job_family=job_family).exists():
            raise ValidationError({"job_family": "This job family has a pathway already."})
        pathway = Pathway.objects.create(
            institution_id=job_family.institution_id, job_family=job_family, title=title, introduction=introduction
        )
        for grade in Grade.objects.filter(job_family=job_family).order_by("level"):
            fields = steps.get(grade.short_name, {})
            PathwayStep.objects.create(
                pathway=pathway, grade=grade, role_summary=fields.pop("role_summary", grade.name), **fields
            )
        _new_version(pathway, by=by, note="First version.", first=True)
    return pathway


def pathway_update(*, pathway: Pathway, by: Any, note: str, **fields: Any) -> Pathway:
    """Change the title, introduction or published flag; a new version."""
    require(by, "pathways.edit", pathway, message=EDIT_ONLY)
    with transaction.atomic():
        pathway = Pathway.objects.select_for_update().get(pk=pathway.pk)
        for name, value in fields.items():
            setattr(pathway, name, value)
        pathway.full_clean()
        pathway.save()
        _new_version(pathway, by=by, note=note or "Pathway details changed.")
    return pathway


def step_update(*, step: PathwayStep, by: Any, note: str = "", **fields: Any) -> PathwayStep:
    """Change what a step is and asks; a new version of its pathway."""
    pathway = step.pathway
    require(by, "pathways.edit", pathway, message=EDIT_ONLY)
    with transaction.atomic():
        pathway = Pathway.objects.select_for_update().get(pk=pathway.pk)
        for name, value in fields.items():
            setattr(step, name, value)
        step.full_clean()
        step.save()
        _new_version(pathway, by=by, note=note or f"{step.grade.short_name} step changed.")
    return step


def side_route_add(*, pathway: Pathway, from_grade: Grade, title: str, description: str, by: Any) -> SideRoute:
    require(by, "pathways.edit", pathway, message=EDIT_ONLY)
    if from_grade.job_family_id != pathway.job_family_id:
        raise ValidationError({"from_grade": "Choose a grade of this pathway's job family."})
    with transaction.atomic():
        pathway = Pathway.objects.select_for_update().get(pk=pathway.pk)
        if SideRoute.objects.filter(pathway=pathway, from_grade=from_grade, title=title).exists():
            raise ValidationError({"title": "This route from this grade is on the pathway already."})
        route = SideRoute.objects.create(pathway=pathway, from_grade=from_grade, title=title, description=description)
        _new_version(pathway, by=by, note=f"Side route added: {title}.")
    return route


def side_route_remove(*, route: SideRoute, by: Any) -> None:
    pathway = route.pathway
    require(by, "pathways.edit", pathway, message=EDIT_ONLY)
    with transaction.atomic():
        pathway = Pathway.objects.select_for_update().get(pk=pathway.pk)
        route.delete()
        _new_version(pathway, by=by, note=f"Side route removed: {route.title}.")


# --- Self-assessment --------------------------------------------------------------------------


def _tell_manager(person: StaffProfile, *, what: str, link: str, key: str) -> None:
    manager = person.line_manager
    if manager is None:
        return
    notification_enqueue(
        recipient=manager.user,
        kind=REVIEW_ASKED.key,
        idempotency_key=key,
        context={"person": person.user.get_full_name(), "what": what},
        link=link,
    )


def _tell_person(person: StaffProfile, *, by: Any, what: str, outcome: str, link: str, key: str) -> None:
    notification_enqueue(
        recipient=person.user,
        kind=REVIEWED.key,
        idempotency_key=key,
        context={"manager": by.get_full_name(), "what": what, "outcome": outcome},
        link=link,
    )


def assessment_start(*, person: StaffProfile, version: FrameworkVersion, by: Any) -> SelfAssessment:
    """A new draft against the framework version, or the person's open one."""
    with transaction.atomic():
        open_one = (
            SelfAssessment.objects.filter(person=person)
            .exclude(state=SelfAssessment.State.REVIEWED)
            .order_by("-pk")
            .first()
        )
        if open_one is not None:
            return open_one
        assessment = SelfAssessment(person=person, version=version)
        transition(assessment, SelfAssessment.State.DRAFT, by=by)
    return assessment


def assessment_rate(
    *, assessment: SelfAssessment, by: Any, ratings: dict[int, tuple[int, str, list[str]]]
) -> list[Rating]:
    """Save the person's own ratings: {capability id: (level, evidence, records cited)}. Only while
    a draft; a record cited must be one of the person's own (`selectors.evidence_hints`)."""
    require(by, "pathways.assess_self", assessment, message="You can only rate yourself.")
    with transaction.atomic():
        assessment = SelfAssessment.objects.select_for_update().get(pk=assessment.pk)
        if assessment.state != SelfAssessment.State.DRAFT:
            raise ValidationError("This self-assessment is with your line manager; it cannot change now.")
        capabilities = {c.pk: c for c in assessment.version.capabilities.all()}
        levels = set(assessment.version.bands.values_list("level", flat=True))
        # The assessment's ratings in one read, then one UPDATE and one INSERT for the lot.
        existing = {rating.capability_id: rating for rating in Rating.objects.filter(assessment=assessment)}
        saved: list[Rating] = []
        new: list[Rating] = []
        own_records = set(selectors.evidence_hints(assessment.person)) if any(r[2] for r in ratings.values()) else set()
        for capability_id, (level, evidence, cited) in ratings.items():
            if set(cited) - own_records:
                raise ValidationError("A rating cites a record that is not one of yours.")
            if capability_id not in capabilities:
                raise ValidationError("A rating names a capability of another framework.")
            if level not in levels:
                raise ValidationError(f"Level {level} is not a band of this framework.")
            rating = existing.get(capability_id) or Rating(assessment=assessment, capability_id=capability_id)
            rating.level, rating.evidence, rating.manager_view, rating.manager_note = level, evidence[:2000], "", ""
            rating.cited = list(cited)
            (new if rating.pk is None else saved).append(rating)
        Rating.objects.bulk_update(saved, ["level", "evidence", "cited", "manager_view", "manager_note"])
        Rating.objects.bulk_create(new)
    return [*saved, *new]


def assessment_submit(*, assessment: SelfAssessment, by: Any) -> SelfAssessment:
    with transaction.atomic():
        missing = assessment.version.capabilities.exclude(ratings__assessment=assessment).count()
        if missing:
            raise ValidationError(f"Rate every capability before you submit ({missing} not rated yet).")
        moved = transition(assessment, SelfAssessment.State.SUBMITTED, by=by)
        link = reverse("pathways:review_assessment", args=[assessment.pk])
        _tell_manager(
            assessment.person, what="capability self-assessment", link=link, key=f"pathways.review_asked:a{moved.pk}"
        )
    return assessment


def assessment_review(*, assessment: SelfAssessment, by: Any, views: dict[int, tuple[str, str]]) -> SelfAssessment:
    """The line manager's view of each rating: {rating id: (agree|discuss, note)}.

    Every rating agreed: reviewed. Any to discuss: back to the person as a draft, with the notes.
    """
    with transaction.atomic():
        ratings = {r.pk: r for r in Rating.objects.select_for_update().filter(assessment=assessment)}
        if set(views) != set(ratings):
            raise ValidationError("Give your view of every rating.")
        for rating_id, (view, note) in views.items():
            if view not in Rating.View.values:
                raise ValidationError("Choose agree or discuss for every rating.")
            if view == Rating.View.DISCUSS and not note.strip():
                raise ValidationError("Say what you would like to discuss for each rating you mark to discuss.")
            rating = ratings[rating_id]
            rating.manager_view, rating.manager_note = view, note.strip()[:500]
            rating.save(update_fields=["manager_view", "manager_note"])
        agreed = all(view == Rating.View.AGREE for view, _ in views.values())
        target = SelfAssessment.State.REVIEWED if agreed else SelfAssessment.State.DRAFT
        assessment.reviewed_by, assessment.reviewed_at = by, timezone.now()
        moved = transition(assessment, target, by=by, update_fields=["reviewed_by", "reviewed_at"])
        _tell_person(
            assessment.person,
            by=by,
            what="capability self-assessment",
            outcome="every rating agreed" if agreed else "some ratings to discuss",
            link=reverse("pathways:assessment"),
            key=f"pathways.reviewed:a{moved.pk}",
        )
    return assessment


# --- Personal development plan ----------------------------------------------------------------


def plan_start(*, person: StaffProfile, year: int, by: Any) -> Plan:
    """The person's plan for the year (created as a draft the first time)."""
    with transaction.atomic():
        plan = Plan.objects.filter(person=person, year=year).first()
        if plan is None:
            plan = Plan(person=person, year=year)
            transition(plan, Plan.State.DRAFT, by=by)
    return plan


def goal_add(
    *,
    plan: Plan,
    by: Any,
    title: str,
    link: str = "",
    capability: Capability | None = None,
    due_on: Any = None,
    reference: str = "",
    reference_label: str = "",
) -> Goal:
    """A goal on a draft plan. `reference` ("kind:pk", one of `selectors.goal_options`) names what it serves."""
    require(by, "pathways.plan_own", plan, message="You can only add goals to your own plan.")
    with transaction.atomic():
        plan = Plan.objects.select_for_update().get(pk=plan.pk)
        if plan.state != Plan.State.DRAFT:
            raise ValidationError("The plan is with your line manager or agreed; reopen it to add a goal.")
        if link == Goal.Link.CAPABILITY and capability is None:
            raise ValidationError({"capability": "Choose the capability this goal closes the gap in."})
        if reference and reference.partition(":")[0] != link:
            raise ValidationError({"reference": "Choose one of the kind the goal is linked to."})
        goal = Goal(
            plan=plan,
            title=title,
            link=link,
            capability=capability,
            due_on=due_on,
            reference=reference,
            reference_label=reference_label[:200],
        )
        goal.full_clean()
        goal.save()
    return goal


def goal_remove(*, goal: Goal, by: Any) -> None:
    require(by, "pathways.plan_own", goal.plan, message="You can only change your own plan.")
    with transaction.atomic():
        plan = Plan.objects.select_for_update().get(pk=goal.plan_id)
        if plan.state != Plan.State.DRAFT:
            raise ValidationError("Reopen the plan to remove a goal.")
        goal.delete()


def plan_submit(*, plan: Plan, by: Any) -> Plan:
    with transaction.atomic():
        if not plan.goals.exists():
            raise ValidationError("Add at least one goal before you send the plan to your line manager.")
        moved = transition(plan, Plan.State.SUBMITTED, by=by)
        link = reverse("pathways:review_plan", args=[plan.pk])
        _tell_manager(
            plan.person, what=f"development plan for {plan.year}", link=link, key=f"pathways.review_asked:p{moved.pk}"
        )
    return plan


def plan_decide(*, plan: Plan, by: Any, agree: bool, reason: str = "") -> Plan:
    """The line manager agrees the plan, or returns it to the person with a reason."""
    if not agree and not reason.strip():
        raise ValidationError({"reason": "Say what you would like changed."})
    with transaction.atomic():
        if agree:
            plan.agreed_by, plan.agreed_at = by, timezone.now()
        moved = transition(
            plan,
            Plan.State.AGREED if agree else Plan.State.DRAFT,
            by=by,
            reason=reason,
            update_fields=["agreed_by", "agreed_at"] if agree else [],
        )
        _tell_person(
            plan.person,
            by=by,
            what=f"development plan for {plan.year}",
            outcome="agreed" if agree else f"returned: {reason}",
            link=reverse("pathways:plan"),
            key=f"pathways.reviewed:p{moved.pk}",
        )
    return plan


def plan_reopen(*, plan: Plan, by: Any, reason: str = "") -> Plan:
    with transaction.atomic():
        transition(plan, Plan.State.DRAFT, by=by, reason=reason)
    return plan


def goal_mark(*, goal: Goal, by: Any, progress: str, note: str = "") -> Goal:
    """Mark a goal's progress through the year (the plan must be agreed)."""
    require(by, "pathways.plan_own", goal.plan, message="You can only mark progress on your own plan.")
    if progress not in Goal.Progress.values:
        raise ValidationError({"progress": "Choose how far the goal has got."})
    with transaction.atomic():
        goal = Goal.objects.select_for_update().select_related("plan").get(pk=goal.pk)
        if goal.plan.state != Plan.State.AGREED:
            raise ValidationError("Progress is marked once your line manager has agreed the plan.")
        goal.progress, goal.progress_note, goal.progress_on = progress, note.strip()[:500], timezone.localdate()
        goal.save(update_fields=["progress", "progress_note", "progress_on"])
    return goal


ZERO = Decimal(0)
