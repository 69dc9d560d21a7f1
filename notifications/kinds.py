"""The kinds of message the portal sends, each with its default text.

Apps register their kinds at import time (in their `notifications.py`). A kind's text is a
Django template; an institution's administrators may replace it (MessageTemplate).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    subject: str
    body: str
    optional: bool = False  # optional reminders can be switched off by each user
    description: str = ""


_kinds = {}


def register(kind):
    _kinds[kind.key] = kind
    return kind


def get(key):
    try:
        return _kinds[key]
    except KeyError:
        raise LookupError(f"No notification kind {key!r} is registered.") from None


def all_kinds():
    return sorted(_kinds.values(), key=lambda kind: kind.label)


def optional_kinds():
    return [kind for kind in all_kinds() if kind.optional]
