"""The curator's invitation documents: a list (XLSX: name, class or workplace, link) and
printable cards (DOCX), one per person with the QR code of their personal link.

Documents are in Russian, the language of the school's papers, whatever the curator's
interface language (as /export and /report). Rendering is CPU work: call it in a thread.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import segno
import xlsxwriter
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.shared import Cm, Pt

ROLE_RU = {"mentor": "наставник", "mentee": "наставляемый"}
CARDS_PER_ROW = 2


@dataclass(frozen=True)
class Invitation:
    name: str
    role: str
    place: str  # the class of a pupil, the workplace of a teacher
    link: str
    expires: date


def invitations_xlsx(school: str, invitations: Sequence[Invitation]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_urls": False})
    bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    day = book.add_format({"num_format": "dd.mm.yyyy"})
    sheet = book.add_worksheet("Приглашения")
    headers = ("№", "ФИО", "Роль", "Класс или место работы", "Ссылка-приглашение", "Действует до")
    sheet.write_row(0, 0, headers, bold)
    sheet.freeze_panes(1, 0)
    for row, item in enumerate(invitations, 1):
        sheet.write_number(row, 0, row)
        sheet.write_string(row, 1, item.name)
        sheet.write_string(row, 2, ROLE_RU.get(item.role, item.role))
        sheet.write_string(row, 3, item.place)
        sheet.write_string(row, 4, item.link)
        sheet.write_datetime(row, 5, _midnight(item.expires), day)
    for column, width in enumerate((5, 36, 14, 30, 48, 13)):
        sheet.set_column(column, column, width)
    sheet.write_string(
        len(invitations) + 2,
        1,
        f"{school}: персональные приглашения; каждая ссылка действует для одного человека.",
    )
    book.close()
    return buffer.getvalue()


def registers_template() -> bytes:
    """Both registers with the columns of seed 001 (as /export writes them) and the optional
    ones that spare people typing when they join, one example row each and a help sheet."""
    from storage.reports.registers import MENTEE_COLUMNS, MENTOR_COLUMNS

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    optional = book.add_format(
        {"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#E8F0FE"}
    )
    for title, columns, extra, example in (
        (
            "База наставников",
            MENTOR_COLUMNS,
            ("Категория", "Должность", "Стаж", "Наставляемых не более"),
            (1, "Орлова Мария Ивановна", "МБОУ СОШ № 1", "подготовка к ЕГЭ", "", "", "",
             "8 ч в месяц", "01.09.2026", "Ким Анна Сергеевна", "Учитель – учитель", "", "",
             "", "", "учитель", "учитель математики", 12, 3),
        ),
        (
            "База наставляемых",
            MENTEE_COLUMNS,
            ("Категория", "Класс", "Стаж"),
            (1, "Ким Анна Сергеевна", 1999, "дисциплина на уроках", "01.09.2026",
             "Орлова Мария Ивановна", "Учитель – учитель", "МБОУ СОШ № 1", "", "", "", "",
             "молодой специалист", "", 1),
        ),
    ):  # fmt: skip
        sheet = book.add_worksheet(title)
        sheet.write_row(0, 0, columns, bold)
        sheet.write_row(0, len(columns), extra, optional)
        sheet.write_row(1, 0, example)
        sheet.freeze_panes(1, 0)
        sheet.set_column(0, len(columns) + len(extra), 18)
    help_sheet = book.add_worksheet("Справка")
    for row, line in enumerate(TEMPLATE_HELP):
        help_sheet.write_string(row, 0, line)
    help_sheet.set_column(0, 0, 110)
    book.close()
    return buffer.getvalue()


TEMPLATE_HELP = (
    "Базы наставников и наставляемых (приложение 3): заполните по строке на человека.",
    "Столбцы можно переставлять; ФИО — в одном столбце или в трёх (Фамилия, Имя, Отчество).",
    "Даты — 01.09.2026 или датой Excel. Формулы и макросы не принимаются: только значения.",
    "Голубые столбцы необязательны, но с ними людям не придётся ничего вводить при входе:",
    "  Категория: учитель, молодой специалист, ученик, партнёр; Класс: 7Б; Стаж: лет;",
    "  Должность; Наставляемых не более: число.",
    "«ФИО наставника» у наставляемого задаёт пару; несколько наставляемых в одной ячейке",
    "у наставника — группу. Пара предлагается участникам, когда все присоединятся.",
)


def _midnight(day: date):
    from datetime import datetime

    return datetime(day.year, day.month, day.day)


def qr_png(link: str) -> bytes:
    buffer = io.BytesIO()
    # A fixed mask: any mask gives a valid code, and choosing the best one is most of
    # segno's time (pure Python, eight trial masks a code).
    segno.make(link, error="m", mask=2, boost_error=False).save(
        buffer, kind="png", scale=5, border=2
    )
    return buffer.getvalue()


def invitation_cards(school: str, invitations: Sequence[Invitation]) -> bytes:
    """A table of cards, two a row, to print and cut: school, name, class or workplace, the
    QR code, the link in letters, the last day it works."""
    document = Document()
    section = document.sections[0]
    section.left_margin = section.right_margin = Cm(1.5)
    section.top_margin = section.bottom_margin = Cm(1.2)
    style = document.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(10)
    document.add_paragraph().add_run(
        f"{school}: персональные приглашения в бот наставничества"
    ).bold = True
    rows = -(-len(invitations) // CARDS_PER_ROW)
    table = document.add_table(rows=rows, cols=CARDS_PER_ROW)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    # Cells taken row by row: table.cell() walks the whole grid on every call.
    cells = [cell for row in table.rows for cell in row.cells]
    for item, cell in zip(invitations, cells, strict=False):
        first = cell.paragraphs[0]
        first.add_run(school).italic = True
        name = cell.add_paragraph().add_run(item.name)
        name.bold = True
        name.font.size = Pt(12)
        cell.add_paragraph(
            ", ".join(part for part in (ROLE_RU.get(item.role, item.role), item.place) if part)
        )
        cell.add_paragraph().add_run().add_picture(io.BytesIO(qr_png(item.link)), width=Cm(3.6))
        cell.add_paragraph(
            "Наведите камеру телефона на код или откройте ссылку, нажмите «Запустить» "
            "и подтвердите свои данные."
        ).runs[0].font.size = Pt(8)
        link = cell.add_paragraph().add_run(item.link)
        link.font.size = Pt(7)
        cell.add_paragraph(f"Действует до {item.expires.strftime('%d.%m.%Y')}").runs[
            0
        ].font.size = Pt(8)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
