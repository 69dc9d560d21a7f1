"""Confirm it is you before a sensitive action: exporting personal data, changing someone's roles.

`reauthentication_required` is allauth's decorator of the same name, reading only the session:
a password or second factor given again within ACCOUNT_REAUTHENTICATION_TIMEOUT (allauth's
authentication records) lets the request through; otherwise allauth's middleware sends the
person to confirm (password, authenticator code or passkey) and then back to the request.
allauth's own check asks the database which kinds of authenticator the person has on every
request; this one only does when it must ask them to confirm.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from allauth.account import app_settings
from allauth.account.authentication import get_authentication_records
from allauth.core.exceptions import ReauthenticationRequired

from . import audit


def recently_reauthenticated(request: Any) -> bool:
    records = [r for r in get_authentication_records(request, request.user) if r.get("reauthenticated")]
    return bool(records) and time.time() - records[-1]["at"] < app_settings.REAUTHENTICATION_TIMEOUT


def require_reauthentication(request: Any) -> None:
    """For a view that hands out personal data only in one branch (e.g. `?format=csv`)."""
    if not request.user.is_authenticated or not recently_reauthenticated(request):
        raise ReauthenticationRequired()


def export_recorded(request: Any, response: Any) -> Any:
    """Log a personal-data export in the audit log and return the response."""
    if response.status_code == 200:
        what = response.get("Content-Disposition", "").partition("filename=")[2].strip('"') or request.path
        audit.record(kind="export", action=f"Exported {what}", detail=request.get_full_path())
    return response


def reauthentication_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Every view behind this decorator hands out personal data: confirm it is you, then log it."""

    @wraps(view)
    def wrapper(request: Any, *args: Any, **kwargs: Any) -> Any:
        require_reauthentication(request)
        return export_recorded(request, view(request, *args, **kwargs))

    return wrapper
