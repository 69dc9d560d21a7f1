"""CI's pip-audit step (issue 16, point 9): fails on a known vulnerability, and says "skipped"
rather than "passed" when the advisory database could not be reached."""

import importlib.util
from pathlib import Path

spec = importlib.util.spec_from_file_location(
    "audit_dependencies", Path(__file__).resolve().parents[2] / ".ci" / "audit_dependencies.py"
)
audit = importlib.util.module_from_spec(spec)
spec.loader.exec_module(audit)


def test_a_known_vulnerability_fails_ci():
    code, lines = audit.verdict(
        [
            {"name": "django", "version": "5.2.0", "vulns": [{"id": "PYSEC-2025-1"}, {"id": "GHSA-xxxx"}]},
            {"name": "celery", "version": "5.5.0", "vulns": []},
        ]
    )
    assert code == 1 and lines == ["pip-audit: django 5.2.0 has known vulnerabilities: PYSEC-2025-1, GHSA-xxxx"]


def test_an_unreachable_database_is_reported_as_skipped_not_passed():
    code, lines = audit.verdict([{"name": "amqp", "skip_reason": "Dependency not found on PyPI"}] * 3)
    assert code == 0 and "skipped" in lines[0] and "none of the 3 locked packages" in lines[0]


def test_a_clean_audit_says_how_many_were_checked():
    code, lines = audit.verdict([{"name": "amqp", "version": "5.4.2", "vulns": []}, {"name": "x", "skip_reason": "?"}])
    assert (code, lines) == (0, ["pip-audit: 1 of 2 locked packages checked, no known vulnerabilities."])
