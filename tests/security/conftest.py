"""Fixtures of the security tests: real services on their own ports, and development's set-up."""

from tests.development.conftest import media_in_tmp, policy  # noqa: F401 (fixtures)
from tests.security.services import redis_server  # noqa: F401 (fixture)
