"""A synthetic school's registers as a workbook in the /export layout (seed 001, appendix
3) with the optional columns the import also reads: for the benchmark, the tests and trying
/import by hand. Deterministic: the same arguments give the same people."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

import xlsxwriter

from storage.reports.registers import MENTEE_COLUMNS, MENTOR_COLUMNS

SURNAMES = (
    "Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов",
    "Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров",
    "Павлов", "Козлов", "Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин",
)  # fmt: skip
MALE = ("Александр", "Дмитрий", "Максим", "Сергей", "Андрей", "Алексей", "Артём", "Илья")
FEMALE = ("Анна", "Мария", "Елена", "Ольга", "Татьяна", "Наталья", "Ирина", "Светлана")
PATRONYMICS = ("Александров", "Сергеев", "Петров", "Иванов", "Николаев", "Андреев")
COMPETENCIES = (
    "подготовка к ЕГЭ по математике",
    "проектная деятельность",
    "работа с родителями",
    "классное руководство",
    "олимпиадная подготовка",
)
REQUESTS = (
    "дисциплина на уроках",
    "подготовка к олимпиаде",
    "выбор профессии",
    "успеваемость по математике",
    "адаптация в новом классе",
)
MENTOR_EXTRA = ("Категория", "Должность", "Стаж", "Наставляемых не более")
MENTEE_EXTRA = ("Категория", "Класс")


@dataclass(frozen=True)
class SamplePerson:
    name: str
    birth_year: int


def person_name(index: int, female: bool) -> str:
    surname = SURNAMES[index % len(SURNAMES)]
    first = (FEMALE if female else MALE)[(index // len(SURNAMES)) % 8]
    patronymic = PATRONYMICS[(index // (len(SURNAMES) * 8)) % len(PATRONYMICS)]
    if female:
        return f"{surname}а {first} {patronymic}на"
    return f"{surname} {first} {patronymic}ич"


def registers_workbook(
    school: str,
    mentors: int,
    mentees: int,
    *,
    today: date,
    bad_rows: int = 0,
    per_mentor: int = 0,
) -> tuple[bytes, list[SamplePerson], list[SamplePerson]]:
    """Mentors (teachers) and mentees (pupils of grades 5–11); each of the first
    `mentors * per_mentor` mentees is paired with a mentor, named in the mentee register.
    The first `bad_rows` mentee rows are broken in three ways: no name, an impossible
    year of birth, a date that does not exist."""
    mentor_people = [
        SamplePerson(person_name(i, i % 2 == 0), today.year - 30 - i % 25) for i in range(mentors)
    ]
    mentee_people = [
        SamplePerson(person_name(i + 7, i % 2 == 1), today.year - 11 - i % 7)
        for i in range(mentees)
    ]
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    dates = book.add_format({"num_format": "dd.mm.yyyy"})
    sheet = book.add_worksheet("База наставников")
    sheet.write_row(0, 0, [*MENTOR_COLUMNS, *MENTOR_EXTRA])
    start = date(today.year if today.month >= 9 else today.year - 1, 9, 1)
    for i, mentor in enumerate(mentor_people, 1):
        sheet.write_row(
            i,
            0,
            [
                i,
                mentor.name,
                school,
                COMPETENCIES[i % len(COMPETENCIES)],
                "",
                "",
                "",
                f"{4 + i % 8} ч в месяц",
            ],
        )
        sheet.write_datetime(i, 8, _datetime(start), dates)
        sheet.write_row(i, 15, ["учитель", "учитель", 5 + i % 20, max(per_mentor, 3)])
    sheet = book.add_worksheet("База наставляемых")
    sheet.write_row(0, 0, [*MENTEE_COLUMNS, *MENTEE_EXTRA])
    for i, mentee in enumerate(mentee_people, 1):
        paired = per_mentor and i <= mentors * per_mentor
        mentor = mentor_people[(i - 1) // per_mentor].name if paired else ""
        row = [i, mentee.name, mentee.birth_year, REQUESTS[i % len(REQUESTS)]]
        sheet.write_row(i, 0, row)
        sheet.write_datetime(i, 4, _datetime(start), dates)
        sheet.write_row(
            i, 5, [mentor, "Учитель – ученик" if mentor else "", school if mentor else ""]
        )
        grade = min(11, today.year - mentee.birth_year - 6)
        sheet.write_row(i, 12, ["ученик", f"{grade}А"])
    for n in range(bad_rows):
        row = 1 + n
        if n % 3 == 0:
            sheet.write_string(row, 1, "")
        elif n % 3 == 1:
            sheet.write_number(row, 2, 1850)
        else:
            sheet.write_string(row, 4, "31.02.2025")
    book.close()
    return buffer.getvalue(), mentor_people, mentee_people


def _datetime(day: date):
    from datetime import datetime

    return datetime(day.year, day.month, day.day)
