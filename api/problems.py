"""Every refusal of the API as application/problem+json (RFC 9457): a type, a title, the status
and a detail in words, plus `errors` (field → messages) for bad input."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

PROBLEM_TYPE = "application/problem+json"
DOCS = "/api/docs/#problem"

# status -> (a stable slug for `type`, the title)
TITLES = {
    400: ("bad-request", "The request is not valid"),
    401: ("not-authenticated", "A valid service token is needed"),
    403: ("forbidden", "The token may not do this"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    406: ("not-acceptable", "Not acceptable"),
    413: ("payload-too-large", "The request body is too large"),
    415: ("unsupported-media-type", "Send JSON"),
    422: ("unprocessable", "The request cannot be processed"),
    429: ("rate-limited", "Too many calls"),
}


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "payload_too_large"


def problem(status_code: int, detail: str, *, errors: Any = None, headers: dict[str, str] | None = None) -> Response:
    slug, title = TITLES.get(status_code, ("error", "Error"))
    body: dict[str, Any] = {"type": f"{DOCS}-{slug}", "title": title, "status": status_code, "detail": detail}
    if errors:
        body["errors"] = errors
    return Response(body, status=status_code, headers=headers, content_type=PROBLEM_TYPE)


def _words(data: Any) -> str:
    if isinstance(data, dict):
        return str(data.get("detail", "")) or "; ".join(f"{k}: {_words(v)}" for k, v in data.items())
    if isinstance(data, list):
        return " ".join(_words(item) for item in data)
    return str(data)


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, then the body rewritten as a problem; a service's ValidationError is a 400
    naming its fields, a PermissionDenied a 403, Http404 a 404."""
    if isinstance(exc, DjangoValidationError):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return problem(400, " ".join(m for ms in errors.values() for m in ms), errors=errors)
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or None)
    response = exception_handler(exc, context)
    if response is None:
        return None
    errors = response.data if isinstance(exc, exceptions.ValidationError) else None
    detail = "Some fields are not valid: see errors." if errors else _words(response.data)
    headers = {name: value for name, value in response.items() if name.lower() != "content-type"}
    return problem(response.status_code, detail, errors=errors, headers=headers)
