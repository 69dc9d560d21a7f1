"""A cache that keeps working when its server (Redis) does not answer.

The sign-in rate limits live in the cache. When Redis is down, every call would raise and
every sign-in would answer 500; instead `FailoverCache` logs the fault once and serves from a
database table (`fallback` in CACHES, created by core's migration) until Redis answers again,
trying Redis again every `RETRY_AFTER` seconds so an outage costs one slow call, not one per
request. The database is shared by every web process, so the rate limits stay exact.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache

logger = logging.getLogger(__name__)

try:  # the Redis client is only there when a Redis cache or broker is configured
    from redis.exceptions import RedisError

    CACHE_ERRORS: tuple[type[BaseException], ...] = (RedisError, OSError)
except ImportError:  # pragma: no cover
    CACHE_ERRORS = (OSError,)

# alias -> monotonic time until which the primary is considered down (shared by threads)
_down_until: dict[str, float] = {}
_lock = threading.Lock()


class FailoverCache(BaseCache):
    def __init__(self, location: str, params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS", {}))
        self.primary_alias = options.pop("PRIMARY")
        self.fallback_alias = options.pop("FALLBACK")
        self.retry_after = float(options.pop("RETRY_AFTER", 30))
        super().__init__({**params, "OPTIONS": options})

    def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        if time.monotonic() >= _down_until.get(self.primary_alias, 0.0):
            try:
                return getattr(caches[self.primary_alias], method)(*args, **kwargs)
            except CACHE_ERRORS as error:
                with _lock:
                    _down_until[self.primary_alias] = time.monotonic() + self.retry_after
                logger.error(
                    "Cache %r unavailable (%s); using the database cache for %ss",
                    self.primary_alias,
                    error,
                    self.retry_after,
                )
        return getattr(caches[self.fallback_alias], method)(*args, **kwargs)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", key, value, timeout=timeout, version=version)

    def get(self, key, default=None, version=None):
        return self._call("get", key, default, version=version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", key, value, timeout=timeout, version=version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", key, timeout=timeout, version=version)

    def delete(self, key, version=None):
        return self._call("delete", key, version=version)

    def get_many(self, keys, version=None):
        return self._call("get_many", keys, version=version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", data, timeout=timeout, version=version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", keys, version=version)

    def has_key(self, key, version=None):
        return self._call("has_key", key, version=version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", key, delta, version=version)

    def clear(self):
        return self._call("clear")


def reset_failover_state() -> None:
    """Forget that a cache was down (tests start each case with Redis presumed up)."""
    with _lock:
        _down_until.clear()
