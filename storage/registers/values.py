"""Cell values of the registers as people type them: names, dates, years, numbers, labels.

Each parser takes a cell as read (text, a number, a date) and returns the value or raises
`ValueProblem` naming what was expected; `problems.py` turns the code into words.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from storage.models.enums import MenteeCategory, MentorCategory, Role

EXCEL_EPOCH = date(1899, 12, 30)  # day 0 of Excel's 1900 date system (from March 1900 on)
# Serial days an Excel date can plausibly carry in a register: 1925 … 2079.
SERIAL_DAYS = range(9133, 65000)

# The same rule as handlers/forms/fields.person_name (a test keeps the two in step).
NAME_PATTERN = re.compile(r"^[^\W\d_]+(?:[ \-'’.][^\W\d_]+)*\.?$")
NAME_LENGTH = (2, 100)


class ValueProblem(ValueError):
    """A cell that does not fit; `code` and `params` say why (see problems.py)."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def cell_text(value: Any) -> str:
    """A cell as text: whole numbers without «.0», dates as dd.mm.yyyy, spaces collapsed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    return " ".join(str(value).replace("\u00a0", " ").split())


def folded(text: str) -> str:
    """Text as compared: case, «ё» and runs of spaces do not matter."""
    return " ".join(text.replace("\u00a0", " ").split()).casefold().replace("ё", "е")


def name_key(name: str) -> str:
    return folded(name).replace("’", "'")


def person_name(value: Any) -> str:
    name = cell_text(value)
    letters = sum(ch.isalpha() for ch in name)
    low, high = NAME_LENGTH
    if not name:
        raise ValueProblem("no_name")
    if not (low <= len(name) <= high and letters >= 2 and NAME_PATTERN.match(name)):
        raise ValueProblem("bad_name", value=name[:60])
    return name


def join_name_parts(*parts: Any) -> str:
    """«ФИО» in three columns (surname, first name, patronymic) as one name."""
    return " ".join(text for text in (cell_text(p) for p in parts) if text)


_NAME_SEPARATORS = re.compile(r"[;\n]|,(?!\s*\d)")


def linked_names(value: Any) -> list[str]:
    """The names of a link column: «Иванова М.П., Петров И.И.» → two names."""
    text = "" if value is None else str(value)
    found = []
    for part in _NAME_SEPARATORS.split(text):
        name = " ".join(part.split()).strip(" .,")
        if sum(ch.isalpha() for ch in name) >= 2:
            found.append(name)
    return found


def name_matches(link: str, full_name_key: str) -> bool:
    """A name from a link column against a full name (folded): exact, or a surname with
    initials («Иванова М.П.», «Иванова М. П.», «Иванова Мария П.»)."""
    wanted = name_key(link)
    if wanted == full_name_key:
        return True
    parts = [p for p in re.split(r"[\s.]+", wanted) if p]
    full = full_name_key.split()
    if len(parts) < 2 or len(parts) > len(full) or parts[0] != full[0]:
        return False
    return all(
        full[i] == part or (len(part) == 1 and full[i].startswith(part))
        for i, part in enumerate(parts[1:], 1)
    ) and any(len(part) == 1 for part in parts[1:])


_DATE = re.compile(r"^(\d{1,2})[./\-](\d{1,2})[./\-](\d{2}|\d{4})(?:\s*г\.?)?$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")


def a_date(value: Any) -> date | None:
    """A date typed as text (01.09.2024, 1.9.24, 2024-09-01), kept by Excel as a date, or
    left as a serial day number (45536)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _serial(value)
    text = cell_text(value)
    if not text:
        return None
    if re.fullmatch(r"\d{4,5}(?:[.,]0+)?", text):
        return _serial(float(text.replace(",", ".")))
    found = _DATE.match(text)
    try:
        if found:
            day, month, year = (int(g) for g in found.groups())
            if year < 100:
                year += 2000
            return date(year, month, day)
        found = _ISO.match(text)
        if found:
            year, month, day = (int(g) for g in found.groups())
            return date(year, month, day)
    except ValueError:
        pass
    raise ValueProblem("bad_date", value=text[:30])


def _serial(number: float) -> date:
    if not float(number).is_integer() or int(number) not in SERIAL_DAYS:
        raise ValueProblem("bad_date", value=cell_text(number))
    return EXCEL_EPOCH + timedelta(days=int(number))


def birth_year(value: Any) -> int | None:
    """A year of birth: 1985, «1985 г.», a full date of birth, or a year that Excel showed
    as a date (1985 formatted as a date reads back as 07.06.1905)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        if value.year < 1925:  # a year typed into a date-formatted cell
            days = (value - EXCEL_EPOCH).days
            if 1900 <= days <= 2100:
                return days
        return value.year
    text = cell_text(value)
    found = re.fullmatch(r"(\d{4})(?:\s*(?:г\.?|год))?", text)
    if found:
        return int(found.group(1))
    try:
        day = a_date(text)
    except ValueProblem:
        raise ValueProblem("bad_year", value=text[:30]) from None
    if day is None:
        return None
    return day.year


def whole_number(value: Any, low: int, high: int, code: str = "bad_number") -> int | None:
    """A whole number in [low, high]; leading digits of «7Б» or «5 лет» count."""
    text = cell_text(value)
    if not text:
        return None
    found = re.match(r"^(\d{1,4})(?![\d.,]\d)", text)
    if not found or not low <= int(found.group(1)) <= high:
        raise ValueProblem(code, value=text[:30], low=low, high=high)
    return int(found.group(1))


_HOURS = re.compile(r"(\d{1,3})(?:[.,]\d+)?\s*(?:ч|час)")
_PER_WEEK = re.compile(r"недел|в нед|/\s*нед")


def hours_per_month(value: Any) -> int | None:
    """«Ресурс времени»: «8 ч в месяц» (what /export writes), «2 часа в неделю», «8»; None
    when the text names no hours (the person is asked)."""
    text = folded(cell_text(value))
    if not text:
        return None
    if re.fullmatch(r"\d{1,3}", text):
        hours = int(text)
    else:
        found = _HOURS.search(text)
        if not found:
            return None
        hours = int(found.group(1))
        if _PER_WEEK.search(text):
            hours *= 4
    return hours if 1 <= hours <= 100 else None


def text_field(value: Any, low: int, high: int) -> str | None:
    """A free-text field within the registration form's bounds; None when empty."""
    text = "" if value is None else " ".join(cell_text(value).split())
    if not text:
        return None
    if not low <= len(text) <= high:
        raise ValueProblem("bad_length", length=len(text), low=low, high=high)
    return text


MENTEE_CATEGORY_WORDS: dict[str, MenteeCategory] = {
    "молодой специалист": MenteeCategory.young_teacher,
    "молодой педагог": MenteeCategory.young_teacher,
    "молодой учитель": MenteeCategory.young_teacher,
    "педагог": MenteeCategory.teacher,
    "учитель": MenteeCategory.teacher,
    "ученик": MenteeCategory.student,
    "обучающийся": MenteeCategory.student,
    "учащийся": MenteeCategory.student,
    "студент": MenteeCategory.student,
}
MENTOR_CATEGORY_WORDS: dict[str, MentorCategory] = {
    "педагог": MentorCategory.teacher,
    "учитель": MentorCategory.teacher,
    "ученик": MentorCategory.student,
    "обучающийся": MentorCategory.student,
    "учащийся": MentorCategory.student,
    "студент": MentorCategory.student,
    "партнер": MentorCategory.partner,
    "социальный партнер": MentorCategory.partner,
    "работодатель": MentorCategory.partner,
}


def category(value: Any, role: Role) -> str | None:
    text = folded(cell_text(value)).strip(" .")
    if not text:
        return None
    words = MENTOR_CATEGORY_WORDS if role == Role.mentor else MENTEE_CATEGORY_WORDS
    known = {str(c.value) for c in (MentorCategory if role == Role.mentor else MenteeCategory)}
    if text in known:
        return text
    # Longest first: «молодой педагог» before «педагог».
    for word in sorted(words, key=len, reverse=True):
        if text == word or text.startswith(word):
            return str(words[word].value)
    raise ValueProblem("bad_category", value=text[:40], expected=", ".join(sorted(set(words))))


def dash_folded(text: str) -> str:
    """A form's name as compared: «Учитель – ученик», «учитель-ученик», «учитель — ученик»."""
    return re.sub(r"\s*[-–—]\s*", " - ", folded(text))
