"""Which table is which register, and which column is which field.

A register is found by its headers, not by its sheet's title (seed 001 swaps the two titles):
the mentor register has the mentor's competencies, interests, time; the mentee register the
year of birth, the request, the mark of completion. Tolerated: any column order, extra
columns, title and note rows above the header, a header over two rows (merged or not) with
«ФИО» split into «Фамилия», «Имя», «Отчество», a row of column numbers under the header,
«ё» for «е», stray spaces and dots («Ф.И.О.»).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from storage.models.enums import Role
from storage.registers.values import cell_text, folded

HEADER_SCAN = 15  # rows searched for the header
NAME_PARTS = ("surname", "first_name", "patronymic")
MENTOR_MARKS = frozenset(
    {
        "competencies",
        "achievements",
        "interests",
        "desired_age",
        "hours",
        "workplace",
        "mentee_workplace",
    }
)
MENTEE_MARKS = frozenset({"request", "mark", "mentor_workplace"})
PROGRAMME_KEYS = frozenset({"results", "case_link", "mark", "link_workplace"})


def _normal(text: str) -> str:
    text = folded(text)
    text = re.sub(r"ф\.?\s*и\.?\s*о\.?", "фио", text)
    text = re.sub(r"[.,:;()«»\"'*]", " ", text)
    return " ".join(text.split())


def classify(text: str) -> str | None:
    """The field a header cell names, or None."""
    h = _normal(text)
    if not h:
        return None
    if h.startswith("№") or h in ("n", "номер", "п/п", "n п/п", "нп/п"):
        return "number"
    if h == "фамилия":
        return "surname"
    if h == "имя":
        return "first_name"
    if h == "отчество":
        return "patronymic"
    if h.startswith("фио") or h.startswith("фамилия имя"):
        if "наставляем" in h:
            return "name_mentee"
        if "наставник" in h:
            return "name_mentor"
        return "name"
    if "рождени" in h:
        return "birth_year"
    if "запрос" in h:
        return "request"
    if h.startswith("дата"):
        if any(w in h for w in ("вхожд", "начал", "включ", "вступ")):
            return "started"
        if any(w in h for w in ("заверш", "оконч")):
            return "ended"
        return None
    if h.startswith("форма") and ("наставнич" in h or h == "форма"):
        return "form"
    if h.startswith("место работы") or h.startswith("место учеб"):
        if "наставляем" in h:
            return "mentee_workplace"
        if "наставник" in h:
            return "mentor_workplace"
        return "workplace"
    if "компетенц" in h:
        return "competencies"
    if "достижен" in h:
        return "achievements"
    if "интерес" in h:
        return "interests"
    if "возраст" in h:
        return "desired_age"
    if "ресурс времени" in h or "часов в месяц" in h or h.startswith("время на"):
        return "hours"
    if "результат" in h:
        return "results"
    if "ссылка" in h or "кейс" in h or "отзыв" in h:
        return "case_link"
    if h.startswith("отметка"):
        return "mark"
    if h.startswith("категори"):
        return "category"
    if h.startswith("должност"):
        return "position"
    if h.startswith("предмет"):
        return "subjects"
    if h.startswith("стаж"):
        return "experience"
    if h.startswith("класс"):
        return "grade"
    if "не более" in h or "максимум" in h or ("наставляемых" in h and "число" in h):
        return "max_mentees"
    return None


@dataclass(frozen=True)
class Header:
    """The header of one register: the kind and where each field is."""

    role: Role
    row: int  # the spreadsheet's number of the (last) header row
    columns: dict[str, int]  # field → column index
    name_columns: tuple[int, ...]  # one column, or surname, first name, patronymic
    link_columns: tuple[int, ...] = ()  # names of the other side
    # Columns recognised and ignored (programme results and the like), for the summary.
    ignored: tuple[str, ...] = field(default=())
    titles: dict[str, str] = field(default_factory=dict)  # field → the header as written


def _keys_of_row(
    row: Sequence[Any], parent: Sequence[Any] | None
) -> tuple[list[str | None], list[str | None]]:
    """(the field of each cell, whose name a name part belongs to)."""
    own = [classify(cell_text(v)) for v in row]
    parents = [classify(cell_text(v)) for v in parent] if parent is not None else []
    has_parts = any(k in NAME_PARTS for k in own)
    keys: list[str | None] = []
    owners: list[str | None] = []
    for index, key in enumerate(own):
        above = parents[index] if index < len(parents) else None
        if key is None and has_parts and not cell_text(row[index]):
            key = above  # a two-row header whose upper cell was not merged down
        owner = None
        if key in NAME_PARTS:
            owner = above if above in ("name", "name_mentor", "name_mentee") else "name"
        keys.append(key)
        owners.append(owner)
    return keys, owners


def _decide(keys: list[str | None], owners: list[str | None]) -> tuple[Role, int] | None:
    present = {k for k in keys if k}
    mentor_score = len(present & MENTOR_MARKS)
    mentee_score = len(present & MENTEE_MARKS) + ("birth_year" in present)
    if mentor_score == mentee_score == 0:
        return None
    if mentor_score != mentee_score:
        role = Role.mentor if mentor_score > mentee_score else Role.mentee
    else:
        first = next((k for k in keys if k in ("name_mentor", "name_mentee")), None)
        role = Role.mentee if first == "name_mentee" else Role.mentor
    return role, len(present)


def find_header(
    rows: Sequence[tuple[int, Sequence[Any]]], merged: dict[tuple[int, int], Any] | None = None
) -> Header | None:
    """The register header among the first rows, or None if the table is not a register.

    `merged` gives the value of every cell covered by a merged range (row, column) → the
    value of its top-left cell, so a title merged over the header reads everywhere it shows.
    """
    filled = [(n, _filled(n, values, merged or {})) for n, values in rows[:HEADER_SCAN]]
    best: tuple[int, Header] | None = None
    previous: Sequence[Any] | None = None
    for number, values in filled:
        header = _header_from(number, values, previous)
        previous = values
        if header is None:
            continue
        score = len(header.columns) + len(header.name_columns) + len(header.link_columns)
        if best is None or score >= best[0]:  # the deepest of equally good rows
            best = (score, header)
    return best[1] if best else None


def _filled(number: int, values: Sequence[Any], merged: dict[tuple[int, int], Any]) -> list[Any]:
    width = max([len(values)] + [c + 1 for (r, c) in merged if r == number])
    cells = list(values) + [None] * (width - len(values))
    for (r, c), value in merged.items():
        if r == number and cells[c] in (None, ""):
            cells[c] = value
    return cells


def _header_from(number: int, values: Sequence[Any], parent: Sequence[Any] | None) -> Header | None:
    keys, owners = _keys_of_row(values, parent)
    decided = _decide(keys, owners)
    if decided is None:
        return None
    role, recognised = decided
    own_name, other_name = (
        ("name_mentor", "name_mentee") if role == Role.mentor else ("name_mentee", "name_mentor")
    )
    columns: dict[str, int] = {}
    parts: dict[str, int] = {}
    link_parts: dict[str, int] = {}
    name_column = link_column = any_name = None
    for index, (key, owner) in enumerate(zip(keys, owners, strict=True)):
        if key is None or key == "number":
            continue
        if key in NAME_PARTS:
            target = link_parts if owner == other_name else parts
            target.setdefault(key, index)
        elif key == own_name and name_column is None:
            name_column = index
        elif key == other_name and link_column is None:
            link_column = index
        elif key == "name" and any_name is None:
            any_name = index
        elif key not in columns and key not in ("name_mentor", "name_mentee", "name"):
            columns[key] = index
    if name_column is None:
        name_column = any_name
    if "surname" in parts and ("first_name" in parts or name_column is None):
        name_columns = tuple(parts[k] for k in NAME_PARTS if k in parts)
    elif name_column is not None:
        name_columns = (name_column,)
    else:
        return None
    if link_column is not None:
        link_columns: tuple[int, ...] = (link_column,)
    else:
        link_columns = tuple(link_parts[k] for k in NAME_PARTS if k in link_parts)
    if recognised < 3:
        return None
    # The other side's workplace, under its own key whichever register this is.
    for key in ("mentor_workplace", "mentee_workplace"):
        if key in columns:
            columns["link_workplace"] = columns.pop(key)
    ignored = tuple(k for k in ("results", "case_link", "mark") if k in columns)
    titles = {key: cell_text(values[index]) for key, index in columns.items()}
    titles["name"] = " ".join(cell_text(values[i]) for i in name_columns)
    return Header(role, number, columns, name_columns, link_columns, ignored, titles)


def is_numbering_row(values: Sequence[Any]) -> bool:
    """The row of column numbers (1, 2, 3 …) printed under the header of official forms."""
    numbers = []
    for value in values:
        text = cell_text(value)
        if not text:
            continue
        if not text.isdigit():
            return False
        numbers.append(int(text))
    return len(numbers) >= 3 and numbers == list(range(numbers[0], numbers[0] + len(numbers)))
