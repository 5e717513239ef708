"""An uploaded register file (.xlsx or .csv) to tables of cells, refusing hostile files.

Everything is checked before openpyxl parses anything: the size, what the bytes really are,
the zip's members and their uncompressed sizes (a zip bomb is refused from its directory,
and zipfile never inflates a member past the size it declares), macros, formulas, entity
declarations, and the number of rows of each register sheet. Sheets that are not registers
(the /export workbook has five more) are never read past their first rows.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import PurePosixPath
from typing import Any
from xml.etree import ElementTree

from storage.models.enums import Role
from storage.registers.headers import HEADER_SCAN, Header, find_header, is_numbering_row
from storage.registers.values import cell_text

MAX_BYTES = 10 * 1024 * 1024  # the file as uploaded
MAX_UNCOMPRESSED = 64 * 1024 * 1024  # all members of an .xlsx together
MAX_RATIO = 100  # a member larger than RATIO_FROM inflating more than this is a bomb
RATIO_FROM = 2 * 1024 * 1024
MAX_MEMBERS = 1000
MAX_ROWS = 5000  # data rows of the registers in one file
SUFFIXES = (".xlsx", ".csv")

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, or an encrypted .xlsx
_FORMULA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f(?:\s[^>]*)?/?>")
_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")
_MERGE = re.compile(
    rb'<(?:[A-Za-z_][\w.-]*:)?mergeCell\s+ref="([A-Z]{1,3})(\d+):([A-Z]{1,3})(\d+)"'
)
_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
_CHUNK = 1024 * 1024
_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


class FileProblem(ValueError):
    """The file as a whole is refused; `code` and `params` say why (see problems.py)."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(f"{code} {params}" if params else code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Table:
    """One register as found in the file: its header and its data rows."""

    sheet: str  # the sheet's title; empty for a .csv
    header: Header
    rows: list[tuple[int, list[Any]]]  # (row number as the spreadsheet shows it, cells)

    @property
    def role(self) -> Role:
        return self.header.role


def check_upload(file_name: str | None, size: int | None) -> None:
    """What can be refused before a byte is downloaded."""
    suffix = PurePosixPath(file_name or "").suffix.lower()
    if suffix not in SUFFIXES:
        raise FileProblem("wrong_type", suffix=suffix or "—")
    if size is not None and size > MAX_BYTES:
        raise FileProblem("too_big", size=size, limit=MAX_BYTES)


def read_tables(data: bytes, file_name: str) -> list[Table]:
    """Every register in the file; FileProblem when the file cannot or must not be read."""
    check_upload(file_name, len(data))
    suffix = PurePosixPath(file_name).suffix.lower()
    tables = _xlsx_tables(data) if suffix == ".xlsx" else _csv_tables(data)
    if not tables:
        raise FileProblem("no_register")
    rows = sum(len(t.rows) for t in tables)
    if rows > MAX_ROWS:
        raise FileProblem("too_many_rows", rows=rows, limit=MAX_ROWS)
    return tables


# .xlsx


@dataclass(frozen=True)
class _SheetScan:
    rows: int
    formulas: bool
    merged: dict[tuple[int, int], tuple[int, int]]  # covered cell → top-left cell (0-based col)


def _xlsx_tables(data: bytes) -> list[Table]:
    if data.startswith(_OLE_MAGIC):
        raise FileProblem("old_excel")
    if not data.startswith(_ZIP_MAGIC):
        raise FileProblem("not_xlsx")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        scans = _inspect(archive)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, ElementTree.ParseError):
        raise FileProblem("not_xlsx") from None
    except (RuntimeError, NotImplementedError):  # encrypted or an unknown compression
        raise FileProblem("not_xlsx") from None

    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged workbook
        raise FileProblem("not_xlsx") from None
    try:
        tables = []
        for sheet in book.worksheets:
            scan = scans.get(sheet.title)
            if scan is None:  # a chart sheet or a dialog sheet: no cells
                continue
            table = _sheet_table(sheet, scan)
            if table is not None:
                tables.append(table)
        return tables
    finally:
        book.close()


def _inspect(archive: zipfile.ZipFile) -> dict[str, _SheetScan]:
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise FileProblem("bomb")
    total = 0
    for member in members:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if total > MAX_UNCOMPRESSED or (member.file_size > RATIO_FROM and ratio > MAX_RATIO):
            raise FileProblem("bomb")
    names = {m.filename for m in members}
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise FileProblem("macros")
    types = archive.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
    if b"macroEnabled" in types:
        raise FileProblem("macros")
    for name in names:
        if name.lower().endswith((".xml", ".rels")) and _DOCTYPE.search(archive.read(name)[:4096]):
            raise FileProblem("hostile")
    return {title: _scan(archive, path) for title, path in _sheet_paths(archive).items()}


def _sheet_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet title → its part in the archive, from the workbook and its relationships."""
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {
        rel.get("Id"): rel.get("Target", "") for rel in rels.iter(f"{_NS_PKG_REL}Relationship")
    }
    paths = {}
    for sheet in book.iter(f"{_NS_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_NS_REL}id"), "")
        path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        paths[sheet.get("name", "")] = str(PurePosixPath(path))
    return paths


def _scan(archive: zipfile.ZipFile, path: str) -> _SheetScan:
    """Rows, formulas and merged ranges of a sheet, streamed through its XML once."""
    rows, formulas, tail = 0, False, b""
    merged: dict[tuple[int, int], tuple[int, int]] = {}
    try:
        stream = archive.open(path)
    except KeyError:
        return _SheetScan(0, False, {})
    with stream:
        while chunk := stream.read(_CHUNK):
            window = tail + chunk
            # Count in the new bytes only; the tail is kept so a tag cut in two is seen whole.
            rows += len(_ROW.findall(window)) - len(_ROW.findall(tail))
            formulas = formulas or bool(_FORMULA.search(window))
            for found in _MERGE.finditer(window):
                first_col, first_row, last_col, last_row = found.groups()
                top, left = int(first_row), _column(first_col)
                for r in range(top, min(int(last_row), top + HEADER_SCAN) + 1):
                    for c in range(left, min(_column(last_col), left + 200) + 1):
                        if (r, c) != (top, left):
                            merged[(r, c)] = (top, left)
            tail = window[-256:]
    return _SheetScan(rows, formulas, merged)


def _column(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number - 1


def _sheet_table(sheet: Any, scan: _SheetScan) -> Table | None:
    # The stored dimensions may be wrong, and read-only mode would stop at them.
    sheet.reset_dimensions()
    rows = enumerate(sheet.iter_rows(values_only=True), 1)
    first = [(number, list(values)) for number, values in islice(rows, HEADER_SCAN)]
    values = {(n, c): v for n, cells in first for c, v in enumerate(cells)}
    merged = {
        (r, c): values.get(origin)
        for (r, c), origin in scan.merged.items()
        if r <= HEADER_SCAN and values.get(origin) not in (None, "")
    }
    header = find_header(first, merged)
    if header is None:
        return None
    if scan.formulas:
        raise FileProblem("formulas", sheet=sheet.title)
    if scan.rows > MAX_ROWS + HEADER_SCAN:
        raise FileProblem("too_many_rows", rows=scan.rows, limit=MAX_ROWS)
    body = _body(
        header,
        [(n, cells) for n, cells in first if n > header.row]
        + [(n, list(cells)) for n, cells in rows],
    )
    return Table(sheet.title, header, list(body))


def _body(header: Header, rows: list[tuple[int, list[Any]]]) -> Iterator[tuple[int, list[Any]]]:
    wanted = [*header.columns.values(), *header.name_columns, *header.link_columns]
    for index, (number, cells) in enumerate(rows):
        if index == 0 and is_numbering_row(cells):
            continue
        if any(cell_text(cells[c]) for c in wanted if c < len(cells)):
            yield number, cells


# .csv


def _csv_tables(data: bytes) -> list[Table]:
    if b"\x00" in data[:8192] or data.startswith((_ZIP_MAGIC, _OLE_MAGIC)):
        raise FileProblem("not_csv")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1251")  # Russian Excel's plain «CSV»
        except UnicodeDecodeError:
            raise FileProblem("not_csv") from None
    lines = [line for line in text.splitlines()[:HEADER_SCAN] if line.strip()]
    delimiter = max((";", ",", "\t"), key=lambda d: sum(line.count(d) for line in lines))
    rows: list[tuple[int, list[Any]]] = []
    try:
        for number, cells in enumerate(
            csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), 1
        ):
            if number > MAX_ROWS + HEADER_SCAN:
                raise FileProblem("too_many_rows", rows=text.count("\n"), limit=MAX_ROWS)
            rows.append((number, cells))
    except csv.Error:
        raise FileProblem("not_csv") from None
    header = find_header(rows[:HEADER_SCAN])
    if header is None:
        return []
    if any(cell.startswith("=") and len(cell) > 1 for _n, cells in rows for cell in cells):
        raise FileProblem("formulas", sheet="")
    body = _body(header, [(n, cells) for n, cells in rows if n > header.row])
    return [Table("", header, list(body))]
