"""Calls per token, counted in the default cache: Redis, or the database while Redis is down
(core.cache.FailoverCache, as the sign-in rate limits), so the limit holds in an outage too."""

from typing import Any

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class TokenRateThrottle(SimpleRateThrottle):
    scope = "token"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        token = getattr(request, "auth", None)
        if token is None:
            return None  # refused before: no token, nothing to count
        return f"api.throttle:{token.pk}"

    def get_rate(self) -> str:
        # Read at each call, not when DRF loads (its class attribute), so the setting can change.
        return settings.API_RATE_LIMIT
