"""Reading an organisations file (.xlsx or .csv) into rows, before anything is imported.

Reading is a step of its own so the operator gets one clear line for an unreadable file,
and the database is not touched at all when the file is bad.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from storage.orgs.import_values import folded

# Keys of ImportRow fields → the header in the template and the English alias.
COLUMNS: dict[str, tuple[str, str]] = {
    "region": ("Регион", "region"),
    "municipality": ("Муниципалитет", "municipality"),
    "school": ("Образовательная организация", "school"),
    "kind": ("Тип", "kind"),
    "timezone": ("Часовой пояс", "timezone"),
}
# The zone may be left out of the file entirely: every school then inherits.
OPTIONAL_COLUMNS = frozenset({"timezone"})


class ImportFileError(ValueError):
    """The file as a whole cannot be read; the message is one line for the operator."""


@dataclass(frozen=True)
class ImportRow:
    row: int  # as the spreadsheet numbers it, header included, for messages
    region: str
    municipality: str
    school: str
    kind: str
    timezone: str = ""


def read_rows(path: str | Path) -> list[ImportRow]:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise ImportFileError(
            f"unsupported file type {path.suffix or '(none)'!r}: expected .xlsx or .csv"
        )
    if not path.is_file():
        raise ImportFileError(f"file not found: {path}")
    table = _xlsx_table(path) if suffix == ".xlsx" else _csv_table(path)
    return _rows_from_table(table)


def _xlsx_table(path: Path) -> list[tuple[int, list[str]]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        # Not read-only: that mode may skip blank rows and shift the row numbers we report.
        workbook = load_workbook(path, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise ImportFileError(f"cannot read {path.name} as an .xlsx workbook ({exc})") from None
    try:
        # The first sheet, not the active one: the file may have been saved on «Справка».
        sheet = workbook.worksheets[0]
        return [
            (number, [_cell_text(value) for value in values])
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
    finally:
        workbook.close()


def _csv_table(path: Path) -> list[tuple[int, list[str]]]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Russian Excel's plain "CSV" is saved in Windows-1251.
        try:
            text = data.decode("cp1251")
        except UnicodeDecodeError:
            raise ImportFileError(
                f"cannot read {path.name}: expected UTF-8 or Windows-1251 text"
            ) from None
    header_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max((";", ",", "\t"), key=header_line.count)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        # Numbered as records, not text lines: that is what a spreadsheet shows.
        return [(number, values) for number, values in enumerate(reader, start=1)]
    except csv.Error as exc:
        raise ImportFileError(f"cannot read {path.name} as CSV ({exc})") from None


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def _rows_from_table(table: Iterable[tuple[int, list[str]]]) -> list[ImportRow]:
    non_empty = ((number, values) for number, values in table if any(v.strip() for v in values))
    first = next(non_empty, None)
    if first is None:
        raise ImportFileError("the file is empty: expected a header row and rows below it")
    header_number, header = first
    positions = _header_positions(header, header_number)
    rows = [
        ImportRow(number, *(_pick(values, positions.get(key)) for key in COLUMNS))
        for number, values in non_empty
    ]
    # Rows whose known columns are all blank carry only notes in extra columns.
    return [r for r in rows if any((r.region, r.municipality, r.school, r.kind, r.timezone))]


def _pick(values: list[str], index: int | None) -> str:
    return values[index].strip() if index is not None and index < len(values) else ""


def _header_positions(header: Sequence[str], header_number: int) -> dict[str, int]:
    aliases = {folded(name): key for key, names in COLUMNS.items() for name in names}
    positions: dict[str, int] = {}
    for index, title in enumerate(header):
        key = aliases.get(folded(title))
        if key is None:
            continue
        if key in positions:
            raise ImportFileError(
                f"column «{COLUMNS[key][0]}» appears twice in the header (row {header_number})"
            )
        positions[key] = index
    missing = [COLUMNS[key][0] for key in COLUMNS if key not in positions.keys() | OPTIONAL_COLUMNS]
    if missing:
        names = ", ".join(f"«{name}»" for name in missing)
        raise ImportFileError(
            f"missing required column(s) {names} in the header (row {header_number}); "
            f"expected: {', '.join(f'«{names[0]}»' for names in COLUMNS.values())}"
        )
    return positions
