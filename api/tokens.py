"""A service token's secret: made, split and checked; no query.

`tc_<prefix>_<secret>`: the prefix (8 hex characters) finds the row, the SHA-256 of the whole
string is compared in constant time. 43 URL-safe characters of randomness make guessing
hopeless, so a fast hash is enough (a slow one would be paid on every call).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

PREFIX_LENGTH = 8


def secret_make() -> tuple[str, str]:
    """A new (secret, prefix)."""
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    return f"tc_{prefix}_{secrets.token_urlsafe(32)}", prefix


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def prefix_of(secret: str) -> str | None:
    """The prefix of something that looks like a token, or None."""
    parts = secret.split("_", 2)
    if len(parts) != 3 or parts[0] != "tc" or len(parts[1]) != PREFIX_LENGTH or not parts[2]:
        return None
    return parts[1]


def secret_matches(secret: str, stored_hash: str) -> bool:
    return hmac.compare_digest(secret_hash(secret), stored_hash)
