"""Reading a capability framework file: a pure function over its rows, no query.

The format (documented in README.md, "Capability frameworks"): a UTF-8 CSV file whose header is
exactly `kind,code,name,level,text,development`, then one row per thing:

    framework,,<framework name>,,<description>,
    band,,<band name>,<grade level>,,
    capability,<CODE>,<capability name>,,<what it covers>,<development that builds it, comma separated>
    indicator,<CODE>,,<grade level>,<what someone at that level does>,

A band maps to the institution's grades of the same `level` (grades are compared by level across
job families). An indicator names a capability declared in the file and a band's level. Any
mistake refuses the whole file: every problem is listed with its line number, and nothing is
loaded, so a half-read framework can never reach the self-assessments.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

HEADER = ["kind", "code", "name", "level", "text", "development"]
MAX_ROWS = 2000


class FrameworkRefused(ValueError):
    """The file was refused whole; `problems` are the lines to fix, in words."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class ParsedCapability:
    code: str
    name: str
    description: str
    development: str
    indicators: dict[int, str] = field(default_factory=dict)


@dataclass
class ParsedFramework:
    name: str
    description: str
    bands: dict[int, str]
    capabilities: list[ParsedCapability]
    checksum: str


def checksum_of(rows: list[list[str]]) -> str:
    """The content's fingerprint: the same rows give the same checksum whatever the line endings."""
    text = "\n".join("\x1f".join(cell.strip() for cell in row) for row in rows)
    return hashlib.sha256(text.encode()).hexdigest()


def parse(rows: Iterable[list[str]], *, grade_levels: set[int]) -> ParsedFramework:
    """Read the rows (header first) against the institution's grade levels, or raise FrameworkRefused."""
    rows = [list(row) for row in rows]
    rows = [row for row in rows if any(cell.strip() for cell in row)] if rows else []
    if not rows or [cell.strip().lower() for cell in rows[0]] != HEADER:
        raise FrameworkRefused([f"Line 1: the header must be exactly “{','.join(HEADER)}”."])
    problems: list[str] = []
    name = description = ""
    bands: dict[int, str] = {}
    capabilities: dict[str, ParsedCapability] = {}
    indicators: list[tuple[int, str, str, str]] = []  # (line, code, level text, indicator)
    band_lines: list[tuple[int, str]] = []
    for number, raw in enumerate(rows[1:], start=2):
        row = [cell.strip() for cell in raw] + [""] * (len(HEADER) - len(raw))
        if len(raw) > len(HEADER) and any(cell.strip() for cell in raw[len(HEADER) :]):
            problems.append(f"Line {number}: more than {len(HEADER)} columns.")
            continue
        kind, code, label, level, text, development = row[: len(HEADER)]
        if kind == "framework":
            if name:
                problems.append(f"Line {number}: a second framework row; a file holds one framework.")
            elif not label:
                problems.append(f"Line {number}: the framework has no name.")
            else:
                name, description = label, text
        elif kind == "band":
            band_level = _level(level)
            if band_level is None:
                problems.append(f"Line {number}: the band's level “{level}” is not a whole number.")
            elif band_level not in grade_levels:
                problems.append(
                    f"Line {number}: level {band_level} is not a grade level of this institution "
                    f"(its grades have levels {', '.join(str(v) for v in sorted(grade_levels)) or 'none yet'})."
                )
            elif band_level in bands:
                problems.append(f"Line {number}: level {band_level} has a band already.")
            elif not label:
                problems.append(f"Line {number}: the band has no name.")
            else:
                bands[band_level] = label
                band_lines.append((number, label))
        elif kind == "capability":
            if not code or not label:
                problems.append(f"Line {number}: a capability needs a code and a name.")
            elif code.upper() in capabilities:
                problems.append(f"Line {number}: the capability {code} is declared twice.")
            else:
                capabilities[code.upper()] = ParsedCapability(code.upper(), label, text, development)
        elif kind == "indicator":
            indicators.append((number, code.upper(), level, text))
        else:
            problems.append(f"Line {number}: “{kind}” is not a kind of row (framework, band, capability, indicator).")
    for number, code, level, text in indicators:
        capability = capabilities.get(code)
        band_level = _level(level)
        if capability is None:
            problems.append(f"Line {number}: the capability “{code}” is not declared in this file.")
        elif band_level is None or band_level not in bands:
            problems.append(
                f"Line {number}: level “{level}” is not one of the framework's bands "
                f"({', '.join(str(v) for v in sorted(bands)) or 'none declared'})."
            )
        elif band_level in capability.indicators:
            problems.append(f"Line {number}: {code} has an indicator for level {band_level} already.")
        elif not text:
            problems.append(f"Line {number}: the indicator has no text.")
        else:
            capability.indicators[band_level] = text
    if not name:
        problems.append("The file has no framework row naming the framework.")
    if not bands:
        problems.append("The file declares no band.")
    if not capabilities:
        problems.append("The file declares no capability.")
    if problems:
        raise FrameworkRefused(problems)
    return ParsedFramework(name, description, bands, list(capabilities.values()), checksum_of(rows))


def _level(text: str) -> int | None:
    return int(text) if text.isdigit() else None
