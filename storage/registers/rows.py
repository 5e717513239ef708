"""Each data row of a register to one person's fields and the names it links to, or to the
reasons it is refused. Values are held to the registration form's own bounds, so what the
person confirms later is what they could have typed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from storage.models.enums import MenteeCategory, MentorCategory, Role
from storage.registers.reading import Table
from storage.registers.values import (
    ValueProblem,
    a_date,
    birth_year,
    category,
    cell_text,
    hours_per_month,
    join_name_parts,
    linked_names,
    name_key,
    person_name,
    text_field,
    whole_number,
)

# (low, high) as the registration forms have them (handlers/registration/forms.py).
MENTOR_TEXTS = {
    "workplace": (2, 300),
    "position": (2, 200),
    "subjects": (2, 300),
    "competencies": (3, 1000),
    "achievements": (3, 1000),
    "interests": (3, 500),
    "desired_mentee_age": (2, 100),
}
MENTEE_TEXTS = {"request": (3, 1000)}
# Ages a year of birth may give, by role and category.
AGES = {
    (Role.mentor, MentorCategory.student): (13, 20),
    (Role.mentee, MenteeCategory.student): (6, 19),
    (Role.mentee, MenteeCategory.young_teacher): (18, 80),
    (Role.mentee, MenteeCategory.teacher): (18, 80),
}
ANY_AGE = (6, 80)
GRADES = {Role.mentor: (8, 11), Role.mentee: (1, 11)}
COLUMN_OF_FIELD = {
    "desired_mentee_age": "desired_age",
    "experience_years": "experience",
    "hours_per_month": "hours",
}
# Completion marks of a programme that is over (what /export writes, and the usual words).
CLOSED_MARKS = ("пройден", "не заверш", "заверш", "выбыл")


@dataclass(frozen=True)
class RowRef:
    sheet: str
    row: int
    role: Role


@dataclass
class PersonRow:
    ref: RowRef
    full_name: str
    name_key: str
    birth_year: int | None
    fields: dict[str, Any]  # keyed as the registration form keys them
    links: list[str] = field(default_factory=list)  # names of the other side
    link_workplace: str | None = None
    form: str | None = None
    started: date | None = None
    ended: date | None = None
    closed: bool = False  # the programme of this row is over

    @property
    def role(self) -> Role:
        return self.ref.role

    @property
    def workplace_key(self) -> str | None:
        workplace = self.fields.get("workplace")
        return name_key(workplace) if workplace else None


@dataclass(frozen=True)
class Refusal:
    ref: RowRef
    code: str
    params: dict[str, Any]


def read_rows(table: Table, today: date) -> tuple[list[PersonRow], list[Refusal]]:
    people, refused = [], []
    for number, cells in table.rows:
        ref = RowRef(table.sheet, number, table.role)
        found, problems = _row(table, ref, cells, today)
        if problems:
            refused.extend(problems)
        elif found is not None:
            people.append(found)
    return people, refused


def _cell(cells: list[Any], index: int | None) -> Any:
    if index is None or index >= len(cells):
        return None
    value = cells[index]
    return None if isinstance(value, str) and not value.strip() else value


def _row(
    table: Table, ref: RowRef, cells: list[Any], today: date
) -> tuple[PersonRow | None, list[Refusal]]:
    header = table.header
    problems: list[Refusal] = []

    def column(key: str) -> Any:
        return _cell(cells, header.columns.get(key))

    def parse(key: str, parser, *args: Any) -> Any:
        try:
            return parser(column(COLUMN_OF_FIELD.get(key, key)), *args)
        except ValueProblem as problem:
            title = header.titles.get(COLUMN_OF_FIELD.get(key, key), key)
            problems.append(Refusal(ref, problem.code, {**problem.params, "column": title}))
            return None

    parts = [_cell(cells, i) for i in header.name_columns]
    try:
        name = person_name(join_name_parts(*parts))
    except ValueProblem as problem:
        problems.append(Refusal(ref, problem.code, problem.params))
        name = ""
    role = table.role
    texts = MENTOR_TEXTS if role == Role.mentor else MENTEE_TEXTS
    fields: dict[str, Any] = {key: parse(key, text_field, *bounds) for key, bounds in texts.items()}
    year = parse("birth_year", birth_year)
    grade_text = cell_text(column("grade"))
    grade = parse("grade", whole_number, *GRADES[role])
    experience = parse("experience_years", whole_number, 0, 60)
    kind = parse("category", category, role) or _inferred(role, grade, year, experience, today)
    low, high = AGES.get((role, kind), ANY_AGE)
    if year is not None and not low <= today.year - year <= high:
        problems.append(Refusal(ref, "bad_year", {"value": str(year), "low": low, "high": high}))
    if kind == MenteeCategory.young_teacher and experience is not None and experience > 3:
        problems.append(Refusal(ref, "young_experience", {"value": experience}))
    fields.update(
        category=kind,
        birth_year=year,
        grade=grade if kind == "student" else None,
        experience_years=experience if kind in ("teacher", "young_teacher") else None,
    )
    if grade_text and kind == "student":
        fields["class_label"] = grade_text
    if role == Role.mentor:
        fields["hours_per_month"] = hours_per_month(column("hours"))
        fields["max_mentees"] = parse("max_mentees", whole_number, 1, 30)
    started = parse("started", a_date)
    ended = parse("ended", a_date)
    if started and ended and ended < started:
        problems.append(Refusal(ref, "dates_order", {"started": started, "ended": ended}))
    if problems:
        return None, problems
    mark = cell_text(column("mark")).casefold()
    if len(header.link_columns) == 1:
        links = linked_names(_cell(cells, header.link_columns[0]))
    else:  # the other side's name in three columns: one name
        joined = join_name_parts(*(_cell(cells, i) for i in header.link_columns))
        links = [joined] if joined else []
    return (
        PersonRow(
            ref=ref,
            full_name=name,
            name_key=name_key(name),
            birth_year=year,
            fields={k: v for k, v in fields.items() if v is not None},
            links=links,
            link_workplace=cell_text(column("link_workplace")) or None,
            form=cell_text(column("form")) or None,
            started=started,
            ended=ended,
            closed=any(word in mark for word in CLOSED_MARKS),
        ),
        [],
    )


def _inferred(
    role: Role, grade: int | None, year: int | None, experience: int | None, today: date
) -> str | None:
    """A category the file implies: a class or a pupil's age make a pupil; a young teacher's
    experience a young teacher. Anything less certain is left for the person to choose."""
    if grade is not None or (year is not None and today.year - year <= 17):
        return MentorCategory.student.value if role == Role.mentor else MenteeCategory.student.value
    if role == Role.mentee and experience is not None:
        return (
            MenteeCategory.young_teacher.value if experience <= 3 else MenteeCategory.teacher.value
        )
    if role == Role.mentor and experience is not None:
        return MentorCategory.teacher.value
    return None
