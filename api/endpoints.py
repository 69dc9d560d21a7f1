"""The API's endpoints (/api/v1/): thin views over the owning apps' services and selectors.

Every endpoint runs inside the token's institution scope, checks the token's scope, and is
logged against the token (`TokenCall`); writes are also in the audit log (by the services).
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import renderers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from actionplan import selectors as plan_selectors
from core.audit import client_ip
from core.tenancy import in_institution
from development import services as development_services
from people import services_staff_import
from programmes import bulletin
from programmes.feeds import InstitutionBulletinFeed
from reports import catalogue

from . import serializers, services
from .models import Scope, ServiceToken
from .pagination import page_of
from .problems import PayloadTooLarge, problem

# The equality pipeline report is shown only to HR in the portal, each look audited: not over the API.
REPORTS_NOT_SERVED = {"equality-pipeline"}

PROBLEM = OpenApiResponse(serializers.ProblemSerializer, description="A refusal, in words (problem+json).")


def problems(*statuses: int) -> dict[Any, OpenApiResponse]:
    return {(status, "application/problem+json"): PROBLEM for status in statuses}


# Every endpoint may refuse: no or a revoked token, a missing scope, too large a body, too many calls.
REFUSALS = problems(401, 403, 413, 429)


class HasScope(BasePermission):
    """The token holds the endpoint's scope (`required_scope`)."""

    def has_permission(self, request: Any, view: Any) -> bool:
        scope = getattr(view, "required_scope", None)
        if scope is None or scope in request.auth.scopes:
            return True
        self.message = (
            f"This token may not {Scope(scope).label[0].lower()}{Scope(scope).label[1:]}. Its scopes: "
            f"{', '.join(request.auth.scopes) or 'none'}. An institution administrator can make a token that may."
        )
        return False


class TokenAPIView(APIView):
    """The base of every endpoint: body size checked before parsing, the token's institution
    entered for the handler, the call logged against the token."""

    permission_classes = [IsAuthenticated, HasScope]
    required_scope: str | None = None
    items_sent = 0

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            raise ValidationError({"Content-Length": ["Not a number."]}) from None
        if length > settings.API_MAX_BODY:
            raise PayloadTooLarge(
                f"The body is {length:,} bytes; the limit is {settings.API_MAX_BODY:,}. Send smaller batches "
                f"(at most {development_services.COMPLETIONS_MAX:,} items)."
            )
        super().initial(request, *args, **kwargs)
        self._scope = in_institution(request.auth.institution)
        self._scope.__enter__()

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().dispatch(request, *args, **kwargs)
        finally:  # also when the handler failed with an error DRF does not handle (a 500)
            scope = getattr(self, "_scope", None)
            if scope is not None:
                self._scope = None
                scope.__exit__(None, None, None)

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        token = getattr(request, "_auth", None)
        if isinstance(token, ServiceToken):
            services.token_call_record(
                token=token,
                method=request.method or "",
                path=request.get_full_path(),
                status=response.status_code,
                items=self.items_sent,
                ip=client_ip(request),
            )
        return response

    @property
    def token(self) -> ServiceToken:
        return self.request.auth

    def source(self, what: str) -> str:
        return f"{what} (API token “{self.token.name}”, {timezone.localtime():%d %b %Y %H:%M})"


def _batch(request: Request, serializer_class: type, field: str) -> list[Any]:
    envelope = serializer_class(data=request.data)
    envelope.is_valid(raise_exception=True)
    return list(envelope.validated_data[field])


class TokenInfo(TokenAPIView):
    """Which token this is: check a token works before using it."""

    @extend_schema(
        operation_id="token_info",
        summary="The token itself: its name, institution and scopes",
        responses={200: serializers.TokenSerializer, **REFUSALS},
    )
    def get(self, request: Request) -> Response:
        token = self.token
        return Response(
            {
                "name": token.name,
                "institution": token.institution.name,
                "scopes": token.scopes,
                "created_at": token.created_at,
            }
        )


class TrainingCompletions(TokenAPIView):
    """Training completions from a learning system."""

    required_scope = Scope.WRITE_TRAINING

    @extend_schema(
        operation_id="training_completions_send",
        summary="Record training completions from a learning system (up to 1,000)",
        description=(
            "Each item is checked like a row of the training import: the person by staff number or e-mail "
            "within the token's institution, the course, a date, hours above 0, and an `external_id`. An "
            "item whose external id is already recorded is `unchanged`, so re-sending a batch adds nothing. "
            "Refused items are named in `results` with their reasons; the others are written."
        ),
        request=serializers.CompletionBatchDocSerializer,
        responses={200: serializers.BatchResultSerializer, **problems(400), **REFUSALS},
    )
    def post(self, request: Request) -> Response:
        items = _batch(request, serializers.CompletionBatchSerializer, "completions")
        self.items_sent = len(items)
        results = development_services.training_completions_receive(
            institution=self.token.institution,
            items=items,
            by=self.token.created_by,
            source=self.source("Learning system"),
        )
        counts = {"created": 0, "unchanged": 0, "refused": 0}
        for result in results:
            counts[result.status] += 1
        return Response(
            {
                "counts": counts,
                "results": [
                    {
                        "index": r.index,
                        "external_id": r.external_id,
                        "status": r.status,
                        "record_id": r.record_id,
                        "errors": list(r.errors),
                    }
                    for r in results
                ],
            }
        )


def _staff_results(results: list[services_staff_import.StaffChangeResult]) -> list[dict[str, Any]]:
    return [
        {
            "index": r.index,
            "staff_number": r.staff_number,
            "status": r.status,
            "profile_id": r.profile_id,
            "errors": list(r.errors),
        }
        for r in results
    ]


class StaffChanges(TokenAPIView):
    """Staff records from an HR system, a batch at a time."""

    required_scope = Scope.WRITE_STAFF

    @extend_schema(
        operation_id="staff_changes_send",
        summary="Apply staff records from an HR system (up to 1,000 people)",
        description=(
            "Each person goes through the staff import's checks (known division, job family and grade; "
            "e-mail on the institution's domains; no duplicate; the line manager known; no management loop). "
            "Good rows are written at once: new people, and changes as career events with their history; "
            "a record already as sent changes nothing. Refused people are named in `results`."
        ),
        request=serializers.StaffBatchDocSerializer,
        responses={200: serializers.BatchResultSerializer, **problems(400), **REFUSALS},
    )
    def post(self, request: Request) -> Response:
        items = _batch(request, serializers.StaffBatchSerializer, "people")
        self.items_sent = len(items)
        results = services_staff_import.staff_changes_receive(
            institution=self.token.institution, items=items, by=self.token.created_by, source=self.source("HR system")
        )
        counts = {"new": 0, "change": 0, "same": 0, "refused": 0}
        for result in results:
            counts[result.status] += 1
        return Response({"counts": counts, "results": _staff_results(results)})


class StaffPerson(TokenAPIView):
    """One staff record from an HR system."""

    required_scope = Scope.WRITE_STAFF

    @extend_schema(
        operation_id="staff_person_put",
        summary="Apply one person's staff record from an HR system",
        description="The same checks and history as a batch; a refusal is a 422 problem naming the reasons.",
        request=serializers.StaffPersonSerializer,
        responses={200: serializers.ItemResultSerializer, **problems(422), **REFUSALS},
    )
    def put(self, request: Request, staff_number: str) -> Response:
        if not isinstance(request.data, dict):
            raise ValidationError({"detail": ["Send one person as a JSON object."]})
        item = {**request.data, "staff_number": staff_number}
        self.items_sent = 1
        [result] = services_staff_import.staff_changes_receive(
            institution=self.token.institution, items=[item], by=self.token.created_by, source=self.source("HR system")
        )
        if result.errors:
            return problem(422, " ".join(result.errors), errors={"person": list(result.errors)})
        return Response(_staff_results([result])[0])


def _opportunities(request: Request) -> list[Any]:
    found = bulletin.bulletin_for_institution(request.auth.institution)
    kind, audience = request.query_params.get("kind", ""), request.query_params.get("audience", "")
    return [o for o in found if (not kind or o.kind == kind) and (not audience or o.audience == audience)]


class Opportunities(TokenAPIView):
    """Every current opportunity as the bulletin lists it for the institution's staff, soonest deadline first."""

    required_scope = Scope.READ_FIGURES

    @extend_schema(
        operation_id="opportunities_list",
        summary="The open opportunities: the bulletin as the institution's staff see it",
        parameters=[
            OpenApiParameter("kind", str, enum=["programme", "event", "external", "prize", "post"]),
            OpenApiParameter("audience", str, enum=["own", "partners", "external"]),
            OpenApiParameter("cursor", str, description="From the previous page's `next`."),
            OpenApiParameter("page_size", int, description="1 to 200; 50 when not given."),
        ],
        responses={200: serializers.OpportunityPageSerializer, **problems(400), **REFUSALS},
    )
    def get(self, request: Request) -> Response:
        page, next_url = page_of(
            request,
            _opportunities(request),
            key=lambda o: [o.deadline.isoformat() if o.deadline else None, o.title.lower(), o.key],
        )
        return Response(
            {
                "next": next_url,
                "results": [
                    {
                        "key": o.key,
                        "kind": o.kind,
                        "kind_label": o.kind_label,
                        "title": o.title,
                        "summary": o.summary,
                        "link": request.build_absolute_uri(
                            reverse("programmes:bulletin_go", args=[o.key]) + "?via=intranet"
                        ),
                        "audience": o.audience,
                        "audience_label": o.audience_label,
                        "deadline": o.deadline,
                        "starts_on": o.starts_on,
                        "offered_by": o.offered_by,
                    }
                    for o in page
                ],
            }
        )


class AtomRenderer(renderers.BaseRenderer):
    """Lets a feed reader ask for Atom; a refusal is still written as JSON."""

    media_type = "application/atom+xml"
    format = "atom"

    def render(self, data: Any, accepted_media_type: Any = None, renderer_context: Any = None) -> bytes:
        return json.dumps(data, default=str).encode()


class OpportunitiesAtom(TokenAPIView):
    """The bulletin as Atom for the intranet; links go through the portal's click-counting redirect."""

    required_scope = Scope.READ_FIGURES
    renderer_classes = [renderers.JSONRenderer, AtomRenderer]

    @extend_schema(
        operation_id="opportunities_atom",
        summary="The open opportunities as an Atom feed, for the intranet",
        responses={(200, "application/atom+xml"): OpenApiTypes.STR, **REFUSALS},
    )
    def get(self, request: Request) -> Any:
        return InstitutionBulletinFeed()(request._request, institution=request.auth.institution)


class Plans(TokenAPIView):
    """The institution's published Technician Commitment action plans, newest first."""

    required_scope = Scope.READ_FIGURES

    @extend_schema(
        operation_id="plans_list",
        summary="The institution's published action plans",
        responses={200: serializers.PlanSerializer(many=True), **REFUSALS},
    )
    def get(self, request: Request) -> Response:
        return Response(
            [
                {
                    "id": plan.pk,
                    "title": plan.title,
                    "start": plan.start,
                    "end": plan.end,
                    "measures": request.build_absolute_uri(reverse("api:measures", args=[plan.pk])),
                }
                for plan in plan_selectors.published_plans(request.auth.institution)
            ]
        )


class Measures(TokenAPIView):
    """The success measures of a published plan."""

    required_scope = Scope.READ_FIGURES

    @extend_schema(
        operation_id="measures_list",
        summary="A published plan's success measures: value, status and how each is found",
        description="Values are as the plan's published summary shows them: a share of fewer than 22.5 people "
        "is hidden (null), with the reason in `detail`.",
        parameters=[OpenApiParameter("cursor", str), OpenApiParameter("page_size", int)],
        responses={200: serializers.MeasurePageSerializer, **problems(404), **REFUSALS},
    )
    def get(self, request: Request, pk: int) -> Response:
        plan = plan_selectors.get_published_plan(request.auth.institution, pk)
        measures = plan_selectors.measure_values(plan=plan, on=timezone.localdate())
        order = {measure.pk: position for position, measure in enumerate(measures)}
        page, next_url = page_of(request, measures, key=lambda m: [order[m.pk]])
        return Response(
            {
                "next": next_url,
                "results": [
                    {
                        "id": m.pk,
                        "action": m.item.code,
                        "action_title": m.item.title,
                        "wording": m.wording,
                        "target": m.target,
                        "unit": m.unit,
                        "value": m.current.public_value,
                        "status": m.current.status,
                        "status_label": m.current.status_label,
                        "method": m.current.how,
                        "detail": m.current.public_detail,
                        "computed": m.current.computed,
                        "as_of": m.current.as_of,
                    }
                    for m in page
                ],
            }
        )


def _served_reports() -> list[catalogue.Report]:
    return [report for report in catalogue.all_reports() if report.key not in REPORTS_NOT_SERVED]


class Reports(TokenAPIView):
    """The reports served over the API (the equality pipeline report is not: it stays with HR)."""

    required_scope = Scope.READ_FIGURES

    @extend_schema(
        operation_id="reports_list",
        summary="The report catalogue: each report and the filters it takes",
        responses={200: serializers.ReportSummarySerializer(many=True), **REFUSALS},
    )
    def get(self, request: Request) -> Response:
        institution = request.auth.institution
        return Response(
            [
                {
                    "key": report.key,
                    "title": report.title,
                    "description": report.description,
                    "actions": report.actions,
                    "filters": list(report.filters(institution=institution).fields),
                    "figures": request.build_absolute_uri(reverse("api:report", args=[report.key])),
                }
                for report in _served_reports()
            ]
        )


def figure_json(figure: Any) -> dict[str, Any]:
    return {"value": figure.value, "shown": figure.shown, "hidden": figure.hidden}


class ReportFigures(TokenAPIView):
    """One report's figures."""

    required_scope = Scope.READ_FIGURES

    @extend_schema(
        operation_id="report_figures",
        summary="A report's figures, as its page shows them (disclosure control applied)",
        description="Filters are the report's own (see the catalogue), as query parameters; empty means the "
        "latest period. Every figure has `shown`: the number, or why it is hidden, in words.",
        responses={200: serializers.ReportFiguresSerializer, **problems(400, 404), **REFUSALS},
    )
    def get(self, request: Request, key: str) -> Response:
        report = catalogue.get(key)
        if report is None or key in REPORTS_NOT_SERVED:
            raise NotFound(f"No report “{key}”: the catalogue lists the reports served.")
        institution = request.auth.institution
        form = report.filters(request.query_params or None, institution=institution)
        if form.is_bound and not form.is_valid():
            raise ValidationError(
                {name: [e["message"] for e in errors] for name, errors in form.errors.get_json_data().items()}
            )
        filters = form.values()
        result = report.result(institution=institution, filters=filters)
        return Response(
            {
                "key": report.key,
                "title": result.title,
                "summary": result.summary,
                "filters": {name: str(value) if value is not None else None for name, value in filters.items()},
                "tables": [
                    {
                        "caption": table.caption,
                        "group": table.group,
                        "columns": list(table.columns),
                        "rows": [
                            {"label": row.label, "note": row.note, "figures": [figure_json(f) for f in row.figures]}
                            for row in table.rows
                        ],
                    }
                    for table in result.tables
                ],
                "notes": list(result.notes),
                "rules": result.rules,
            }
        )
