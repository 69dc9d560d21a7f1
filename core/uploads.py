"""Reading uploaded tables without trusting their size: checked before parsing, streamed, capped.

An XLSX file is a zip archive; a 3 MB one can expand to gigabytes (a "zip bomb"). Before
openpyxl sees it, `check_xlsx_archive` reads only the archive's directory (each member's
declared sizes) and refuses one that is too large uncompressed or compressed suspiciously
well. The rows are then streamed (openpyxl read-only) and the row cap is applied while
reading, so an over-long file stops at the first row past the cap. A CSV file must be UTF-8
text (Excel's "CSV UTF-8"); another encoding is refused with a message saying how to fix it.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any

# An honest sheet of 20,000 rows by a dozen columns is under 10 MB of XML.
XLSX_MAX_MEMBER_BYTES = 50 * 1024 * 1024
XLSX_MAX_TOTAL_BYTES = 100 * 1024 * 1024
XLSX_MAX_MEMBERS = 1000
# Real sheets compress 5 to 20 times; a bomb compresses hundreds or thousands of times.
XLSX_MAX_RATIO = 100


class UploadRefused(ValueError):
    """The file cannot be read safely; the message says why, in words the uploader can act on."""


class TooManyRows(UploadRefused):
    pass


def check_xlsx_archive(handle: IO[bytes]) -> None:
    """Refuse an XLSX whose members are too many, too large uncompressed or too compressed."""
    try:
        archive = zipfile.ZipFile(handle)
    except zipfile.BadZipFile as error:
        raise UploadRefused("The file could not be read: it is not an Excel .xlsx workbook.") from error
    members = archive.infolist()
    if len(members) > XLSX_MAX_MEMBERS:
        raise UploadRefused("The workbook has too many parts to be a plain sheet of rows.")
    total = 0
    for member in members:
        total += member.file_size
        if member.file_size > XLSX_MAX_MEMBER_BYTES or total > XLSX_MAX_TOTAL_BYTES:
            raise UploadRefused(
                f"The workbook is too large when uncompressed (over {XLSX_MAX_MEMBER_BYTES // 1024 // 1024} MB); "
                "split it or save it as CSV."
            )
        if member.file_size > 1024 * 1024 and member.file_size > XLSX_MAX_RATIO * max(member.compress_size, 1):
            raise UploadRefused(
                "The workbook expands to far more than its size (a compressed bomb?); it was not opened."
            )
    handle.seek(0)


def xlsx_rows(handle: IO[bytes], *, max_rows: int, formulas: bool = False) -> Iterator[tuple[Any, ...]]:
    """Yield the first sheet's rows (header first), checked and streamed; stop past `max_rows` data rows.

    With `formulas=True` a formula cell gives its formula ("=HYPERLINK(...)"), not the result
    Excel cached, so `open_table` can refuse it.
    """
    from openpyxl import load_workbook

    check_xlsx_archive(handle)
    workbook = load_workbook(handle, read_only=True, data_only=not formulas)
    try:
        sheet = workbook.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(values_only=True)):
            if number > max_rows:
                raise TooManyRows(f"More than {max_rows} rows; split the file.")
            yield row
    finally:
        workbook.close()


def csv_rows(handle: IO[bytes], *, max_rows: int) -> Iterator[list[str]]:
    """Yield a UTF-8 CSV file's rows (header first), decoded as they are read; stop past `max_rows`."""
    head = handle.read(4096)
    handle.seek(0)
    if b"\x00" in head:
        raise UploadRefused("The file is not text: save it as CSV (UTF-8) or upload the .xlsx file.")
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", errors="strict", newline="")
    try:
        for number, row in enumerate(csv.reader(text)):
            if number > max_rows:
                raise TooManyRows(f"More than {max_rows} rows; split the file.")
            yield row
    except UnicodeDecodeError as error:
        raise UploadRefused(
            "The file is not UTF-8 text. In Excel choose Save As › CSV UTF-8 (Comma delimited) and upload it again."
        ) from error
    finally:
        text.detach()


# --- One streaming reader for every import ------------------------------------------------------

# A cell a spreadsheet would run as a formula when the value is exported and opened again
# (OWASP's "CSV injection"): =, +, @, a tab or a carriage return first, or a minus sign not
# starting a plain number.
_FORMULA_START = ("=", "+", "@", "\t", "\r")
_NEGATIVE_NUMBER = re.compile(r"-\d[\d,]*(\.\d+)?")


def is_formula(value: Any) -> bool:
    if not isinstance(value, str) or not value:
        return False
    if value.startswith(_FORMULA_START):
        return True
    return value.startswith("-") and not _NEGATIVE_NUMBER.fullmatch(value.strip())


def neutralise(value: Any) -> Any:
    """The cell made inert for showing and exporting: a formula gets a leading apostrophe."""
    return f"'{value}" if is_formula(value) else value


def header_key(value: Any) -> str:
    """A column heading as a key: "Line manager's staff number" → "line_manager_s_staff_number"."""
    return re.sub(r"[^a-z0-9]+", "_", str(value or "").strip().lower()).strip("_")


@dataclass(frozen=True)
class TableRow:
    """One data row: its number in the sheet (the header is row 1), its cells by heading, and
    the headings of its formula cells (whose values are already neutralised)."""

    number: int
    values: dict[str, Any]
    formulas: tuple[str, ...] = ()


@dataclass
class Table:
    """An uploaded table opened for streaming: `headers`, then `rows()` one row at a time.

    Nothing is held but the row being read (openpyxl's read-only mode and the csv module both
    stream), so a file of any allowed length is read in bounded memory; the row cap stops
    reading at the first row past `max_rows`. Blank rows are skipped. Formula cells are never
    evaluated: an XLSX is opened with its formulas (not their cached results) and every formula,
    in either format, is neutralised and named in `TableRow.formulas` for the import to refuse.
    """

    headers: list[str]
    _rows: Iterator[tuple[Any, ...]]

    def rows(self) -> Iterator[TableRow]:
        for number, row in enumerate(self._rows, start=2):
            if not any(value not in (None, "") for value in row):
                continue
            values: dict[str, Any] = {}
            formulas = []
            for heading, value in zip(self.headers, row, strict=False):
                if isinstance(value, str):
                    value = value.strip() if not is_formula(value) else value
                if is_formula(value):
                    formulas.append(heading)
                    value = neutralise(value)
                values[heading] = value
            yield TableRow(number=number, values=values, formulas=tuple(formulas))


@contextmanager
def open_table(handle: IO[bytes], name: str, *, max_rows: int) -> Iterator[Table]:
    """Open an uploaded .csv or .xlsx for streaming (see `Table`); refuse another kind of file.

    with uploads.open_table(batch.file.open("rb"), batch.original_name, max_rows=N) as table:
        for row in table.rows(): ...
    """
    if name.lower().endswith(".xlsx"):
        rows: Iterator[Any] = xlsx_rows(handle, max_rows=max_rows, formulas=True)
    elif name.lower().endswith(".csv"):
        rows = csv_rows(handle, max_rows=max_rows)
    else:
        raise UploadRefused("Upload a .csv or .xlsx file.")
    try:
        header = next(rows, None) or ()
        yield Table(headers=[header_key(h) for h in header], _rows=rows)
    finally:
        close = getattr(rows, "close", None)
        if close:
            close()
