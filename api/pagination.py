"""Cursor pagination over a list in a fixed order: the cursor names the last item seen (its sort
key, signed), so a page never repeats or skips an item when items before it come or go."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.core import signing
from rest_framework.exceptions import ValidationError

T = TypeVar("T")
PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
SALT = "api.cursor"


def page_of(
    request: Any, items: Sequence[T], *, key: Callable[[T], list[Any]], size: int = PAGE_SIZE
) -> tuple[list[T], str | None]:
    """(this page's items, the absolute address of the next page or None). `items` are sorted by
    `key` (a JSON-able list, unique per item)."""
    try:
        size = min(max(int(request.query_params.get("page_size", size)), 1), MAX_PAGE_SIZE)
    except ValueError:
        raise ValidationError({"page_size": [f"A whole number from 1 to {MAX_PAGE_SIZE}."]}) from None
    cursor = request.query_params.get("cursor")
    after: list[Any] | None = None
    if cursor:
        try:
            after = signing.loads(cursor, salt=SALT)
        except signing.BadSignature:
            raise ValidationError({"cursor": ["Not a cursor this API gave: follow the `next` address."]}) from None
    ordered = sorted(items, key=lambda item: _comparable(key(item)))
    if after is not None:
        start = _comparable(after)
        ordered = [item for item in ordered if _comparable(key(item)) > start]
    page = ordered[:size]
    if len(ordered) <= size:
        return page, None
    query = request.query_params.copy()
    query["cursor"] = signing.dumps(key(page[-1]), salt=SALT)
    return page, request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def _comparable(values: list[Any]) -> tuple[Any, ...]:
    # None sorts after every value of its column (an opportunity without a deadline comes last).
    return tuple((value is None, value if value is not None else "") for value in values)
