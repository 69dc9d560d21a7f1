"""Requests are bounded before they are read."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse, JsonResponse


class RequestSizeLimitMiddleware:
    """Refuse a request whose declared body is larger than MAX_REQUEST_SIZE, before reading it.

    Django bounds form fields (DATA_UPLOAD_MAX_MEMORY_SIZE) and spools uploads to disk
    (FILE_UPLOAD_MAX_MEMORY_SIZE), but would still stream a 10 GB upload to a temporary
    file; this answers 413 from the Content-Length header alone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return HttpResponse("The request's Content-Length is not a number.", status=400, content_type="text/plain")
        limit = settings.MAX_REQUEST_SIZE
        if length > limit:
            message = f"This upload is too large: the limit is {limit // (1024 * 1024)} MB."
            if _speaks_json(request):  # a system calling the API reads a problem (RFC 9457), not text
                return JsonResponse(
                    {"type": "about:blank", "title": "Payload too large", "status": 413, "detail": message},
                    status=413,
                    content_type="application/problem+json",
                )
            return HttpResponse(message, status=413, content_type="text/plain")
        return self.get_response(request)


def _speaks_json(request) -> bool:
    return "json" in request.META.get("CONTENT_TYPE", "") or "json" in request.META.get("HTTP_ACCEPT", "")
