"""The fill-in templates of the organisations import, as .xlsx (with a help sheet) or .csv.

The shipped templates in `templates/` are produced by `write_template`:
    python -c "from handlers.orgs.template import write_template as w; \
w('templates/organizations.xlsx'); w('templates/organizations.csv')"
"""

from __future__ import annotations

import csv
from pathlib import Path

from storage.orgs.import_file import COLUMNS
from storage.orgs.import_values import KIND_LABELS

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
