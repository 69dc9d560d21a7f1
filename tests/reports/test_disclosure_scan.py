"""No report, export or success measure bypasses `core.disclosure`.

A scan of the code that turns staff data into figures (every app's selectors, exports and
metrics, the action plan's reports and measures, and the report catalogue) fails on the signs of
a hand-rolled suppression rule: a threshold such as `< 5` or `count__lt=5`, a constant like
`SMALL_COUNT`, a helper of its own such as `def small(...)`, or a "<5" shown to people. And every
report registered in the catalogue, built on real data, returns nothing but disclosure Figures.
"""

import ast
import io
import re
import tokenize
from pathlib import Path

import pytest

from core import disclosure
from reports import catalogue

ROOT = Path(__file__).resolve().parents[2]
APPS = [p.parent.name for p in ROOT.glob("*/apps.py")]


def report_modules():
    """Every module that builds figures about staff, relative to the project root."""
    found = set()
    for app in APPS:
        for pattern in ("selectors.py", "selectors/*.py", "exports.py", "metrics.py", "reports.py", "measures.py"):
            found.update(ROOT.glob(f"{app}/{pattern}"))
    found.update(ROOT.glob("reports/**/*.py"))
    found.add(ROOT / "development/satisfaction.py")
    return sorted(
        p for p in found if "migrations" not in p.parts and p.name != "__init__.py" or p.parent.name == "library"
    )


def report_templates():
    return sorted(ROOT.glob("*/templates/**/*.html")) + sorted(ROOT.glob("templates/**/*.html"))


MODULES = report_modules()
FORBIDDEN_NAMES = re.compile(r"\b(SMALL(EST)?_(COUNT|GROUP)|MIN(IMUM)?_GROUP(_SIZE)?|SUPPRESS(ION)?_THRESHOLD)\b")
OWN_HELPERS = re.compile(r"^(small|is_small|too_small|suppress\w*|redact\w*)$")
LOOKUP_THRESHOLD = re.compile(r"__(lt|lte|gt|gte)\s*=\s*([2-9]|[12]\d|30)\b")
SHOWN_AS_SMALL = re.compile(r"(<|&lt;)\s*\d+\b")


def problems_in(source, name):
    """The hand-rolled disclosure rules in one module's source, each as 'file:line: why'."""
    found = []
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    for i, token in enumerate(tokens):
        line = f"{name}:{token.start[0]}"
        if token.type == tokenize.OP and token.string in ("<", "<=", ">", ">=") and i + 1 < len(tokens):
            following = tokens[i + 1]
            if following.type == tokenize.NUMBER and following.string.isdigit() and 2 <= int(following.string) <= 30:
                found.append(f"{line}: a threshold `{token.string} {following.string}` (use core.disclosure)")
        if token.type == tokenize.NAME and FORBIDDEN_NAMES.search(token.string):
            found.append(f"{line}: {token.string} (use core.disclosure)")
        if token.type == tokenize.STRING and re.fullmatch(
            r"[rbuf]*['\"]{1,3}\s*(<|&lt;)\s*\d+\s*['\"]{1,3}", token.string
        ):
            found.append(f"{line}: {token.string} shown for a small group (say why in words: Figure.shown)")
    for match in LOOKUP_THRESHOLD.finditer(source):
        found.append(f"{name}:{source[: match.start()].count(chr(10)) + 1}: a threshold `{match.group(0)}` in a query")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef) and OWN_HELPERS.match(node.name):
            found.append(f"{name}:{node.lineno}: a suppression helper of its own, {node.name}()")
    return found


def test_the_scan_covers_every_report_export_and_measure_module():
    names = {str(p.relative_to(ROOT)) for p in MODULES}
    for expected in (
        "development/selectors.py",
        "development/satisfaction.py",
        "surveys/selectors.py",
        "surveys/exports.py",
        "recognition/selectors.py",
        "promotions/selectors.py",
        "actionplan/reports.py",
        "reports/catalogue.py",
        "reports/library/training.py",
        "reports/library/leavers.py",
        "development/metrics.py",
    ):
        assert expected in names
    # Every module a registered report is built in is scanned.
    for report in catalogue.all_reports():
        module = report.build.__module__.replace(".", "/") + ".py"
        assert module in names, module


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(ROOT)) for p in MODULES])
def test_no_report_module_hand_rolls_its_own_suppression(path):
    assert problems_in(path.read_text(), str(path.relative_to(ROOT))) == []


def test_no_template_shows_a_small_group_as_less_than_a_number():
    shown = [
        f"{path.relative_to(ROOT)}: {match.group(0)!r}"
        for path in report_templates()
        for match in re.finditer(r"&lt;\s*\d+|[\"'>]\s*<\s*\d+\s*[\"'<]", path.read_text())
    ]
    assert shown == []


@pytest.mark.parametrize(
    "source",
    [
        "SMALL_COUNT = 5\n",
        "def f(n):\n    return n if n >= 5 else None\n",
        "def f(rows):\n    return rows.filter(n__lt=5)\n",
        "def small(n):\n    return 0 < n\n",
        "LABEL = '<5'\n",
        "from development.selectors import SMALL_COUNT\n",
    ],
)
def test_the_scan_catches_each_way_of_hand_rolling_it(source):
    assert problems_in(source, "example.py")


def test_the_scan_lets_core_disclosure_through():
    source = "from core import disclosure\n\ndef f(n, d):\n    return disclosure.percentage(n, d) if d > 0 else None\n"
    assert problems_in(source, "example.py") == []


@pytest.mark.django_db
def test_every_registered_report_returns_only_disclosure_figures(institution, hr, technician, so_family):
    """Built on real data (with the test people), every cell of every table and chart is a Figure."""
    from tests.development.conftest import make_record

    make_record(technician, on=technician.start_date or __import__("datetime").date(2026, 1, 5), value_rating=4)
    reports = catalogue.all_reports()
    assert {r.key for r in reports} >= {
        "training",
        "promotions",
        "registration",
        "apprenticeships",
        "authorships",
        "leavers",
    }
    for report in reports:
        result = report.result(institution=institution, filters=report.filters(institution=institution).values())
        assert result.rules == disclosure.RULES_IN_WORDS
        for table in result.tables:
            for row in table.rows:
                assert all(isinstance(figure, disclosure.Figure) for figure in row.figures), (report.key, row)
        if result.chart:
            for series in result.chart.series:
                assert all(isinstance(figure, disclosure.Figure) for figure in series.figures), report.key
