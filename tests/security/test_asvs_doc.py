"""docs/security.md: every ASVS row names tests, and every test it names exists."""

import ast
import re

from django.conf import settings

DOC = settings.BASE_DIR / "docs" / "security.md"


def _rows():
    for line in DOC.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 5 and re.fullmatch(r"\d+\.\d+\.\d+", cells[0]):
            yield cells[0], re.findall(r"`(tests/[^`:]+\.py)::(\w+)`", cells[4])


def _test_names(path):
    tree = ast.parse((settings.BASE_DIR / path).read_text(encoding="utf-8"))
    return {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}


def test_every_requirement_names_tests_that_exist():
    rows = list(_rows())
    assert len(rows) >= 15
    missing = []
    for requirement, tests in rows:
        if not tests:
            missing.append(f"{requirement}: names no test")
        for path, name in tests:
            if not (settings.BASE_DIR / path).exists() or name not in _test_names(path):
                missing.append(f"{requirement}: {path}::{name}")
    assert missing == []
