"""Reading register files: every tolerance of the header recognition and every refusal of
a broken or hostile file (no database: these are the parser's own rules)."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from bot.i18n import build_i18n
from handlers.forms.fields import FieldError
from handlers.forms.fields import person_name as form_person_name
from handlers.registers.sample import registers_workbook
from storage.models.enums import Role
from storage.registers.reading import MAX_ROWS, FileProblem, read_tables
from storage.registers.rows import read_rows
from storage.registers.values import (
    ValueProblem,
    a_date,
    birth_year,
    hours_per_month,
    linked_names,
    name_key,
    name_matches,
    person_name,
)

TODAY = date(2026, 11, 23)
MENTEE_HEADER = [
    "№ п/п", "ФИО наставляемого", "Год рождения наставляемого", "Основной запрос наставляемого",
    "Дата вхождения в программу", "ФИО наставника", "Форма наставничества",
]  # fmt: skip
MENTOR_HEADER = [
    "№ п/п", "Ф.И.О. наставника", "Место работы", "Основные компетенции наставника",
    "Ресурс времени на программу наставничества", "ФИО наставляемого (наставляемых)",
]  # fmt: skip


def xlsx(*sheets: tuple[str, list[list]], merge: list[str] = ()) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        for cells in merge:
            sheet.merge_cells(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def people(data: bytes, name: str = "r.xlsx"):
    found = []
    for table in read_tables(data, name):
        rows, refused = read_rows(table, TODAY)
        found.append((table.role, rows, refused))
    return found


def test_the_export_layout_is_read_with_both_registers():
    data, mentors, mentees = registers_workbook("Школа", 3, 4, today=TODAY, per_mentor=1)
    (mentor_role, mentor_rows, _), (mentee_role, mentee_rows, _) = people(data)
    assert (mentor_role, mentee_role) == (Role.mentor, Role.mentee)
    assert [r.full_name for r in mentor_rows] == [m.name for m in mentors]
    first = mentor_rows[0]
    assert first.fields["workplace"] == "Школа" and first.fields["hours_per_month"] == 5
    assert first.fields["category"] == "teacher" and first.fields["max_mentees"] == 3
    assert mentee_rows[0].birth_year == mentees[0].birth_year
    assert mentee_rows[0].links == [mentors[0].name]
    assert mentee_rows[0].fields["class_label"].endswith("А")


def test_column_order_titles_extra_rows_numbering_and_spaces():
    rows = [
        ["Приложение 3 к приказу № 140/2"],
        ["Форма 1. База наставляемых"],  # seed 001 swaps the titles: columns decide
        [
            "",
            "  ф.и.о.   НАСТАВНИКА ",
            "Основные  компетенции наставника",
            "Место работы",
            "Заметки",
        ],
        ["", "1", "2", "3", "4"],  # the row of column numbers under an official form's header
        ["", " Сёмина   Алёна Петровна ", "проекты", "МБОУ СОШ № 1", "что угодно"],
    ]
    ((role, found, refused),) = people(xlsx(("Лист1", rows)))
    assert role == Role.mentor and not refused
    assert found[0].full_name == "Сёмина Алёна Петровна"
    assert found[0].name_key == "семина алена петровна"
    assert found[0].ref.row == 5 and found[0].fields["competencies"] == "проекты"


def test_a_two_row_header_with_the_name_in_three_merged_columns():
    rows = [
        ["ФИО наставляемого", None, None, "Год рождения наставляемого", "Основной запрос"],
        ["Фамилия", "Имя", "Отчество", None, None],
        ["Орлова", "Мария", "Ивановна", 2012, "олимпиады"],
    ]  # fmt: skip
    data = xlsx(("База", rows), merge=["A1:C1", "D1:D2", "E1:E2"])
    ((role, found, refused),) = people(data)
    assert role == Role.mentee and not refused
    assert found[0].full_name == "Орлова Мария Ивановна" and found[0].birth_year == 2012


def test_a_two_row_header_left_unmerged():
    rows = [
        ["ФИО наставника", "", "", "Основные компетенции наставника", "Место работы"],
        ["Фамилия", "Имя", "Отчество", "", ""],
        ["Петров", "Пётр", "Петрович", "ЕГЭ", "Лицей"],
    ]
    ((role, found, _),) = people(xlsx(("Лист", rows)))
    assert role == Role.mentor and found[0].full_name == "Петров Пётр Петрович"
    assert found[0].fields["workplace"] == "Лицей"


def test_dates_as_text_dates_and_serial_numbers():
    assert a_date("01.09.2024") == a_date("1.9.24") == a_date("2024-09-01") == date(2024, 9, 1)
    assert a_date(45536) == a_date("45536") == date(2024, 9, 1)
    assert a_date(datetime(2024, 9, 1, 0, 0)) == date(2024, 9, 1)
    for bad in ("31.02.2025", "вчера", "12"):
        with pytest.raises(ValueProblem):
            a_date(bad)
    # A year typed into a date-formatted cell reads back as a day of 1905.
    assert birth_year(datetime(1905, 6, 7)) == 1985
    assert birth_year("1985 г.") == birth_year(1985.0) == birth_year("15.03.1985") == 1985


def test_hours_names_and_links():
    assert hours_per_month("8 ч в месяц") == 8
    assert hours_per_month("2 часа в неделю") == 8
    assert hours_per_month("по договорённости") is None
    assert linked_names("Иванова М.П., Петров И. И.; Сидоров Иван Иванович") == [
        "Иванова М.П",
        "Петров И. И",
        "Сидоров Иван Иванович",
    ]
    assert name_matches("Иванова М.П.", name_key("Иванова Мария Петровна"))
    assert name_matches("иванова мария петровна", name_key("Иванова Мария Петровна"))
    assert not name_matches("Иванова М.И.", name_key("Иванова Мария Петровна"))
    assert not name_matches("Иванова", name_key("Иванова Мария Петровна"))


@pytest.mark.parametrize(
    "name",
    ["Иванова Мария Петровна", "Анна-Мария О’Нил", "Ли", "Иванов2", "!!", "А", "Мария  Ивановна"],
)
def test_names_follow_the_registration_forms_rule(name):
    """The import refuses a name exactly when /start's form would."""
    i18n = build_i18n("en")
    try:
        with i18n.context():
            form_person_name(name, TODAY)
        accepted_by_form = True
    except FieldError:
        accepted_by_form = False
    try:
        person_name(name)
        accepted = True
    except ValueProblem:
        accepted = False
    assert accepted == accepted_by_form


def test_csv_in_windows_1251_with_semicolons():
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(MENTEE_HEADER)
    writer.writerow(["1", "Ёлкина Дарья", "2013", "выбор профессии", "01.09.2026", "", ""])
    ((role, found, _),) = people(buffer.getvalue().encode("cp1251"), "база.csv")
    assert role == Role.mentee and found[0].full_name == "Ёлкина Дарья"
    assert found[0].started == date(2026, 9, 1)


def test_rows_refused_with_reasons():
    rows = [
        [*MENTEE_HEADER, "Категория", "Класс"],
        [1, "", 2012, "запрос"],
        [2, "Иванов Иван", 1850, "запрос"],
        [3, "Петров Пётр", 2012, "запрос", "31.02.2025"],
        [4, "Сидоров Сидор", 2012, "запрос", None, None, None, "космонавт"],
        [5, "Орлов Глеб", 2012, "запрос", None, None, None, "ученик", "14"],
        [6, "Козлов Олег", 2012, "ок", "01.09.2026"],
        [7, "Волков Илья", 2012, "запрос", "01.09.2026"],
        [8, "Иванов2", 2012, "запрос"],
    ]
    ((_role, found, refused),) = people(xlsx(("Лист", rows)))
    reasons = {r.ref.row: r.code for r in refused}
    assert reasons == {
        2: "no_name",
        3: "bad_year",
        4: "bad_date",
        5: "bad_category",
        6: "bad_number",
        7: "bad_length",
        9: "bad_name",
    }
    assert [r.full_name for r in found] == ["Волков Илья"]


def test_a_young_teachers_experience_and_the_order_of_dates():
    header = [*MENTEE_HEADER, "Категория", "Стаж", "Дата завершения программы"]
    rows = [
        header,
        [1, "Юдина Вера", 1999, "запрос", "01.09.2026", None, None, "молодой специалист", 5],
        [2, "Зуев Олег", 1999, "запрос", "01.09.2026", None, None, "учитель", 5, "01.09.2025"],
        [3, "Ким Анна", 1999, "запрос", "01.09.2026", None, None, None, 2, "31.05.2027"],
    ]
    ((_role, found, refused),) = people(xlsx(("Лист", rows)))
    assert {r.ref.row: r.code for r in refused} == {2: "young_experience", 3: "dates_order"}
    (anna,) = found
    assert anna.fields["category"] == "young_teacher" and anna.ended == date(2027, 5, 31)


def test_other_sheets_of_the_export_are_not_registers():
    rows = [
        ["№ п/п", "Образовательная организация", "Пара или группа", "Наставник(и)", "Наставляемые"]
    ]
    with pytest.raises(FileProblem) as refused:
        read_tables(xlsx(("Пары и группы", rows)), "r.xlsx")
    assert refused.value.code == "no_register"


def _zip(members: dict[str, bytes], level=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", level) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _with_member(data: bytes, name: str, content: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    members = {info.filename: source.read(info) for info in source.infolist()}
    members[name] = content
    return _zip(members)


def _refusal(data: bytes, name: str = "r.xlsx") -> str:
    with pytest.raises(FileProblem) as refused:
        read_tables(data, name)
    return refused.value.code


def test_hostile_and_broken_files_are_refused():
    good, _m, _e = registers_workbook("Школа", 2, 2, today=TODAY)
    assert _refusal(b"%PDF-1.7 ...", "r.pdf") == "wrong_type"
    assert _refusal(good, "r.xlsm") == "wrong_type"
    assert _refusal(b"\0" * (50 * 1024 * 1024)) == "too_big"
    assert _refusal(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512) == "old_excel"
    assert _refusal(b"PK\x03\x04 and then nothing") == "not_xlsx"
    assert _refusal(b"just text") == "not_xlsx"
    assert _refusal(b"\x00\x01binary", "r.csv") == "not_csv"
    # Macros: a VBA project inside, as an .xlsm renamed to .xlsx has.
    assert _refusal(_with_member(good, "xl/vbaProject.bin", b"\0" * 100)) == "macros"
    # An entity declaration (the billion laughs) in any part.
    doctype = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'
    assert _refusal(_with_member(good, "xl/extra.xml", doctype)) == "hostile"


def test_a_zip_bomb_is_refused_from_its_directory():
    good, _m, _e = registers_workbook("Школа", 2, 2, today=TODAY)
    # 200 MB of zeros deflate to about 200 KB: refused before anything is inflated.
    bomb = _with_member(good, "xl/media/zeros.bin", b"\0" * (200 * 1024 * 1024))
    assert len(bomb) < 1024 * 1024
    assert _refusal(bomb) == "bomb"


def test_formulas_in_a_register_are_refused():
    rows = [MENTEE_HEADER, [1, "Иванов Иван", "=2026-14", "запрос"]]
    assert _refusal(xlsx(("База", rows))) == "formulas"
    buffer = io.StringIO()
    csv.writer(buffer).writerows([MENTEE_HEADER, ["1", '=HYPERLINK("x")', "2012", "запрос"]])
    assert _refusal(buffer.getvalue().encode(), "r.csv") == "formulas"


def test_a_hundred_thousand_rows_are_refused():
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(MENTEE_HEADER)
    writer.writerows([str(i), f"Иванов Иван {i}", "2012", "запрос"] for i in range(100_000))
    assert _refusal(buffer.getvalue().encode(), "r.csv") == "too_many_rows"
    rows = [MENTOR_HEADER] + [[i, "Петров Пётр", "Школа", "ЕГЭ"] for i in range(MAX_ROWS + 100)]
    assert _refusal(xlsx(("База", rows))) == "too_many_rows"
