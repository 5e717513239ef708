"""Bulk import of organisations (region → municipality → school) from .xlsx or .csv.

Reading a file and importing its rows are separate steps so the operator gets one clear
line for an unreadable file and a per-row list of problems for a readable one. Nothing
here prints; `bot/import_orgs.py` is the command-line front.

The shipped templates in `templates/` are produced by `write_template`:
    python -c "from storage.org_import import write_template as w; \
w('templates/organizations.xlsx'); w('templates/organizations.csv')"
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.enums import OrgLevel, SchoolKind
from storage.models.orgs import Organization
from storage.orgs import OrgError, create_organization

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

KIND_LABELS: dict[SchoolKind, str] = {
    SchoolKind.school: "школа",
    SchoolKind.kindergarten: "детский сад",
    SchoolKind.college: "колледж",
    SchoolKind.additional: "дополнительное образование",
}

# One zone per whole-hour offset used in Russia, so "UTC+5" becomes a real IANA zone and
# keeps following the law if an offset is ever changed again.
RUSSIAN_ZONES_BY_OFFSET: dict[int, str] = {
    2: "Europe/Kaliningrad",
    3: "Europe/Moscow",
    4: "Europe/Samara",
    5: "Asia/Yekaterinburg",
    6: "Asia/Omsk",
    7: "Asia/Krasnoyarsk",
    8: "Asia/Irkutsk",
    9: "Asia/Yakutsk",
    10: "Asia/Vladivostok",
    11: "Asia/Magadan",
    12: "Asia/Kamchatka",
}

NAME_MIN, NAME_MAX = 2, 300  # as enforced by create_organization and the column size

LEVELS = (OrgLevel.region, OrgLevel.municipality, OrgLevel.school)  # top down
LEVEL_LABELS = {
    OrgLevel.region: "region",
    OrgLevel.municipality: "municipality",
    OrgLevel.school: "school",
}

# Excel turns a typed "+5" into the number 5, so a bare number counts as an offset too.
_OFFSET = re.compile(
    r"^(?:(?:utc|gmt)\s*)?(?P<sign>[+\-−])?\s*(?P<hours>\d{1,2})(?::?(?P<minutes>\d{2}))?$",
    re.IGNORECASE,
)

EXAMPLE_ROWS: tuple[tuple[str, str, str, str, str], ...] = (
    ("Ростовская область", "Сальский район", "МБОУ лицей № 9 г. Сальска", "школа", "Europe/Moscow"),
    (
        "Ростовская область",
        "Сальский район",
        "ГБПОУ РО «Сальский индустриальный техникум»",
        "колледж",
        "UTC+3",
    ),
    (
        "Ханты-Мансийский автономный округ — Югра",
        "город Сургут",
        "МБОУ СОШ № 1",
        "школа",
        "Asia/Yekaterinburg",
    ),
    (
        "Ханты-Мансийский автономный округ — Югра",
        "город Сургут",
        "МБДОУ детский сад № 5 «Берёзка»",
        "детский сад",
        "",
    ),
)


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


@dataclass(frozen=True)
class RowProblem:
    row: int
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.reason}"


@dataclass
class ImportReport:
    rows: int = 0
    dry_run: bool = False
    created: dict[OrgLevel, int] = field(default_factory=lambda: dict.fromkeys(OrgLevel, 0))
    reused: dict[OrgLevel, int] = field(default_factory=lambda: dict.fromkeys(OrgLevel, 0))
    errors: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def failed_rows(self) -> int:
        return len({problem.row for problem in self.errors})


# ---------------------------------------------------------------------------- reading


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


def _header_key(text: str) -> str:
    return " ".join(text.split()).casefold().replace("ё", "е")


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
    aliases = {_header_key(name): key for key, names in COLUMNS.items() for name in names}
    positions: dict[str, int] = {}
    for index, title in enumerate(header):
        key = aliases.get(_header_key(title))
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


# ---------------------------------------------------------------------------- values


def parse_kind(text: str) -> SchoolKind | None:
    wanted = _header_key(text)
    for kind, label in KIND_LABELS.items():
        if wanted in (label, kind.value):
            return kind
    return None


@cache
def _zones_by_folded_name() -> dict[str, str]:
    return {name.casefold(): name for name in available_timezones()}


def parse_timezone(text: str) -> str | None:
    """An IANA zone for `text`; None for an empty cell; ValueError with the reason."""
    text = text.strip()
    if not text:
        return None
    offset = _OFFSET.match(text)
    if offset is not None:
        hours = int(offset["hours"])
        minutes = int(offset["minutes"] or 0)
        sign = -1 if offset["sign"] in ("-", "−") else 1
        zone = RUSSIAN_ZONES_BY_OFFSET.get(sign * hours) if minutes == 0 else None
        if zone is None:
            shown = f"UTC{'-' if sign < 0 else '+'}{hours}" + (f":{minutes:02}" if minutes else "")
            raise ValueError(
                f"no Russian time zone has the offset {shown}: expected UTC+2 … UTC+12"
            )
        return zone
    # Case-insensitive so "asia/yekaterinburg" works; stored in the canonical spelling.
    name = _zones_by_folded_name().get(text.casefold())
    if name is not None:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            name = None
    if name is None:
        raise ValueError(
            f"unknown time zone {text!r}: expected an IANA name such as Asia/Yekaterinburg "
            "or an offset such as UTC+5"
        )
    return name


def _normal_name(text: str) -> str:
    return " ".join(text.split())


# ---------------------------------------------------------------------------- importing


@dataclass(frozen=True)
class _Known:
    id: int
    name: str
    school_kind: str | None
    timezone: str | None
    first_row: int | None  # the row that created it in this run; None if it existed before


@dataclass(frozen=True)
class _Checked:
    row: int
    names: tuple[str, str, str]
    kind: SchoolKind
    timezone: str | None


def check_row(row: ImportRow) -> tuple[_Checked | None, list[RowProblem]]:
    """The row's values ready to import, or every reason it cannot be."""
    problems: list[str] = []
    names = []
    for key, level in (
        ("region", OrgLevel.region),
        ("municipality", OrgLevel.municipality),
        ("school", OrgLevel.school),
    ):
        name = _normal_name(getattr(row, key))
        column = f"column «{COLUMNS[key][0]}»"
        if not name:
            problems.append(f"{column} is empty: the {LEVEL_LABELS[level]} name is required")
        elif len(name) < NAME_MIN:
            problems.append(f"{column}: the {LEVEL_LABELS[level]} name {name!r} is too short")
        elif len(name) > NAME_MAX:
            problems.append(
                f"{column}: the {LEVEL_LABELS[level]} name is too long "
                f"({len(name)} characters, at most {NAME_MAX})"
            )
        names.append(name)
    kind = parse_kind(row.kind)
    if kind is None:
        expected = ", ".join(KIND_LABELS.values())
        if row.kind.strip():
            problems.append(
                f"column «Тип»: unknown type {row.kind.strip()!r}; expected: {expected}"
            )
        else:
            problems.append(f"column «Тип» is empty; expected: {expected}")
    timezone = None
    try:
        timezone = parse_timezone(row.timezone)
    except ValueError as exc:
        problems.append(f"column «Часовой пояс»: {exc}")
    if problems or kind is None:
        return None, [RowProblem(row.row, reason) for reason in problems]
    return _Checked(row.row, (names[0], names[1], names[2]), kind, timezone), []


class _Importer:
    def __init__(self, session: AsyncSession, now: datetime, report: ImportReport) -> None:
        self.session = session
        self.now = now
        self.report = report
        # parent id (None for regions) → casefolded name → organisation.
        self.children: dict[int | None, dict[str, _Known]] = {}
        self.reused_ids: set[int] = set()

    async def known_children(self, parent_id: int | None) -> dict[str, _Known]:
        if parent_id not in self.children:
            where = (
                Organization.parent_id.is_(None)
                if parent_id is None
                else Organization.parent_id == parent_id
            )
            found = await self.session.scalars(select(Organization).where(where))
            self.children[parent_id] = {
                org.name.casefold(): _Known(org.id, org.name, org.school_kind, org.timezone, None)
                for org in found
            }
        return self.children[parent_id]

    async def import_row(self, checked: _Checked) -> None:
        # The cache and the counters change only once the row's savepoint is released, so a
        # row that fails half-way leaves no trace in either.
        additions: list[tuple[int | None, _Known, OrgLevel]] = []
        reused: list[tuple[_Known, OrgLevel]] = []
        try:
            async with self.session.begin_nested():
                parent_id: int | None = None
                for level, name in zip(LEVELS, checked.names, strict=True):
                    is_school = level == OrgLevel.school
                    siblings = await self.known_children(parent_id)
                    known = siblings.get(name.casefold())
                    if known is None:
                        org = await create_organization(
                            self.session,
                            level=level,
                            name=name,
                            now=self.now,
                            parent_id=parent_id,
                            school_kind=checked.kind if is_school else None,
                            timezone=checked.timezone if is_school else None,
                        )
                        known = _Known(org.id, org.name, org.school_kind, org.timezone, checked.row)
                        additions.append((parent_id, known, level))
                    else:
                        reused.append((known, level))
                    parent_id = known.id
        except (OrgError, IntegrityError) as exc:
            # Children cached under an organisation that was just rolled back are void.
            for _, known, _ in additions:
                self.children.pop(known.id, None)
            reason = str(exc) if isinstance(exc, OrgError) else "conflicts with a concurrent change"
            self.report.errors.append(RowProblem(checked.row, f"not imported: {reason}"))
            return
        for parent_id, known, level in additions:
            self.children[parent_id][known.name.casefold()] = known
            self.report.created[level] += 1
        for known, level in reused:
            if known.first_row is None and known.id not in self.reused_ids:
                self.reused_ids.add(known.id)
                self.report.reused[level] += 1
            if level == OrgLevel.school:
                self.warn_about_differences(checked, known)

    def warn_about_differences(self, checked: _Checked, known: _Known) -> None:
        where = f"row {known.first_row}" if known.first_row else "the database"
        name = f"«{known.name}»"
        if known.first_row is not None:
            self.report.warnings.append(
                RowProblem(checked.row, f"{name} repeats row {known.first_row}; skipped")
            )
        if known.school_kind != checked.kind:
            labels = {kind.value: label for kind, label in KIND_LABELS.items()}
            stored = labels.get(str(known.school_kind), str(known.school_kind))
            self.report.warnings.append(
                RowProblem(
                    checked.row,
                    f"{name} is already «{stored}» in {where}; "
                    f"type «{KIND_LABELS[checked.kind]}» ignored",
                )
            )
        if checked.timezone is not None and known.timezone != checked.timezone:
            self.report.warnings.append(
                RowProblem(
                    checked.row,
                    f"{name} already has time zone {known.timezone or '(inherited)'} in {where}; "
                    f"{checked.timezone} ignored",
                )
            )


async def import_organizations(
    session: AsyncSession,
    rows: Iterable[ImportRow],
    now: datetime,
    *,
    dry_run: bool = False,
) -> ImportReport:
    """Create what is missing, reuse what exists, report every row that cannot be imported.

    Runs inside the caller's transaction. With `dry_run` everything is done in a savepoint
    that is rolled back, so the report is exactly what a real run would produce.
    """
    report = ImportReport(dry_run=dry_run)
    importer = _Importer(session, now, report)
    outer = await session.begin_nested() if dry_run else None
    try:
        for row in rows:
            report.rows += 1
            checked, problems = check_row(row)
            report.errors.extend(problems)
            if checked is not None:
                await importer.import_row(checked)
    finally:
        if outer is not None:
            await outer.rollback()
    return report


# ---------------------------------------------------------------------------- templates

_HELP_ROWS: tuple[tuple[str, str, str], ...] = (
    ("Колонка", "Обязательно", "Что писать"),
    ("Регион", "да", "Субъект РФ, например «Ростовская область»."),
    (
        "Муниципалитет",
        "да",
        "Муниципальный район, городской или муниципальный округ, например «город Сургут».",
    ),
    (
        "Образовательная организация",
        "да",
        "Название организации (от 2 до 300 символов), например «МБОУ СОШ № 1».",
    ),
    ("Тип", "да", "Одно из: " + ", ".join(KIND_LABELS.values()) + "."),
    (
        "Часовой пояс",
        "нет",
        "Название из базы IANA (например, Asia/Yekaterinburg) или смещение от UTC "
        "(UTC+5, GMT+5, +5). Пусто — пояс берётся у муниципалитета, региона или по умолчанию.",
    ),
)
_HELP_NOTES: tuple[str, ...] = (
    "Одна строка — одна образовательная организация; регион и муниципалитет повторяются "
    "в каждой строке.",
    "Регионы и муниципалитеты создаются автоматически. Если организация с таким названием "
    "у того же родителя уже есть, она используется повторно: повторный импорт ничего "
    "не дублирует и не меняет.",
    "Пустые строки пропускаются. Строки с ошибками не импортируются; об остальных "
    "строках сообщается с номером строки.",
    "Файл можно сохранить как .xlsx или как CSV (UTF-8, разделитель — запятая "
    "или точка с запятой).",
    "Проверка без сохранения: python -m bot import-orgs ФАЙЛ --dry-run",
)


def template_rows() -> list[tuple[str, ...]]:
    header = tuple(names[0] for names in COLUMNS.values())
    return [header, *EXAMPLE_ROWS]


def write_template(path: str | Path) -> None:
    """Write the fill-in template as .xlsx (with a help sheet) or .csv, by the suffix."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        _write_csv_template(path)
    elif suffix == ".xlsx":
        _write_xlsx_template(path)
    else:
        raise ValueError(f"expected a .xlsx or .csv path, got {path}")


def _write_csv_template(path: Path) -> None:
    # The BOM makes Excel read UTF-8; the semicolon is the list separator of Russian
    # Windows, so a double-click opens the file in columns rather than in one.
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        csv.writer(stream, delimiter=";", lineterminator="\r\n").writerows(template_rows())


def _write_xlsx_template(path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Организации"
    for values in template_rows():
        sheet.append(values)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in sheet[1]:
        cell.font = bold
        cell.fill = fill
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDE", (44, 28, 48, 28, 22), strict=True):
        sheet.column_dimensions[letter].width = width
    # Text cells: otherwise Excel turns a typed "+5" into the number 5.
    for row in sheet.iter_rows(min_row=2, max_row=500, min_col=5, max_col=5):
        for cell in row:
            cell.number_format = "@"

    help_sheet = workbook.create_sheet("Справка")
    for values in _HELP_ROWS:
        help_sheet.append(values)
    help_sheet.append(())
    for note in _HELP_NOTES:
        help_sheet.append((note,))
    for cell in help_sheet[1]:
        cell.font = bold
        cell.fill = fill
    # Only the table wraps; the notes below overflow into the empty cells to their right.
    for row in help_sheet.iter_rows(min_row=2, max_row=len(_HELP_ROWS), max_col=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABC", (30, 14, 90), strict=True):
        help_sheet.column_dimensions[letter].width = width
    workbook.save(path)
