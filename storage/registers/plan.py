"""The dry run: what importing the registers would do to the school as it is now.

People are matched by name and, beside it, the year of birth or the workplace: the same
name with the same year (or workplace) is the same person; with another, another person;
with one of them missing on either side, the same person when only one such exists. A
person named in several rows (one per programme, as /export writes them) is one person.
Pairs and groups come from the link columns: a mentor row naming several mentees in one
cell is a group; a mentee row names its mentor(s); both sides naming the same pair are one.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.enums import MenteeCategory, MentorCategory, Role
from storage.registers.reading import Table
from storage.registers.rows import PersonRow, Refusal, RowRef, read_rows
from storage.registers.school import Known, School, find_form, load_school
from storage.registers.values import name_key, name_matches

DEFAULT_LENGTH = timedelta(days=365)
# Register fields of a joined person the file may change; the category would need the
# whole form again (storage/register_fields.locked), so it is never changed from a file.
NEVER_FROM_FILE = frozenset({"category", "class_label"})


@dataclass(frozen=True)
class Note:
    """Something the curator should know that refuses no row."""

    ref: RowRef | None
    code: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class PlannedPerson:
    role: Role
    rows: list[PersonRow]
    match: Known | None = None
    changes: dict[str, Any] = field(default_factory=dict)  # what the import would write

    @property
    def first(self) -> PersonRow:
        return self.rows[0]

    @property
    def full_name(self) -> str:
        return self.first.full_name


@dataclass
class PlannedPair:
    mentors: list[PlannedPerson | Known]
    mentees: list[PlannedPerson | Known]
    form_id: int
    form_name: str
    starts_on: date
    planned_end_on: date
    goals: str
    ref: RowRef
    existing: bool = False

    @property
    def is_group(self) -> bool:
        return len(self.mentors) > 1 or len(self.mentees) > 1


@dataclass
class ImportPlan:
    school_id: int
    rows: int
    registers: list[tuple[str, Role, int]]  # (sheet, register, data rows)
    people: list[PlannedPerson]
    pairs: list[PlannedPair]
    refused: list[Refusal]
    notes: list[Note]
    link_entries: list[Known]  # registered people a pair names, to be linked

    @property
    def new(self) -> list[PlannedPerson]:
        return [p for p in self.people if p.match is None]

    @property
    def matched(self) -> list[PlannedPerson]:
        return [p for p in self.people if p.match is not None]

    @property
    def changed(self) -> list[PlannedPerson]:
        return [p for p in self.matched if p.changes]

    @property
    def new_pairs(self) -> list[PlannedPair]:
        return [p for p in self.pairs if not p.existing]

    @property
    def refused_rows(self) -> int:
        return len({(r.ref.sheet, r.ref.row) for r in self.refused})

    @property
    def changes_anything(self) -> bool:
        # Linking registered people to their rows alone is not worth an Apply: they are
        # found by name again next time; an apply with anything else links them too.
        return bool(self.new or self.changed or self.new_pairs)

    def digest(self) -> str:
        """What the curator was shown, so an apply that would do something else is caught."""
        parts = [
            *(f"n:{p.role}:{p.first.name_key}:{p.first.birth_year}" for p in self.new),
            *(f"m:{p.match.handle}:{sorted(p.changes.items())}" for p in self.matched if p.match),
            *(f"p:{p.form_id}:{_handles(p.mentors)}:{_handles(p.mentees)}" for p in self.new_pairs),
            *(f"r:{r.ref.sheet}:{r.ref.row}:{r.code}" for r in self.refused),
        ]
        return hashlib.sha256("\n".join(sorted(parts)).encode()).hexdigest()[:32]


def _handles(people: list[PlannedPerson | Known]) -> str:
    return ",".join(
        sorted(p.handle if isinstance(p, Known) else f"{p.role}:{p.first.name_key}" for p in people)
    )


async def make_plan(
    session: AsyncSession, school_id: int, tables: list[Table], today: date
) -> ImportPlan:
    school = await load_school(session, school_id)
    rows: list[PersonRow] = []
    refused: list[Refusal] = []
    for table in tables:
        found, bad = read_rows(table, today)
        rows += found
        refused += bad
    notes: list[Note] = []
    people = _merge(rows, notes)
    people = _match(people, school, refused, notes)
    links: dict[str, Known] = {}
    pairs = _pairs(people, school, today, notes, links)
    return ImportPlan(
        school_id=school_id,
        rows=sum(len(t.rows) for t in tables),
        registers=[(t.sheet, t.role, len(t.rows)) for t in tables],
        people=people,
        pairs=pairs,
        refused=sorted(refused, key=lambda r: (r.ref.sheet, r.ref.row)),
        notes=notes,
        link_entries=list(links.values()),
    )


def _compatible(a_year, a_place, b_year, b_place) -> int | None:
    """2: the second key agrees; 1: it is missing on a side; None: it differs."""
    if a_year is not None and b_year is not None:
        return 2 if a_year == b_year else None
    if a_place and b_place:
        return 2 if a_place == b_place else None
    return 1


def _merge(rows: list[PersonRow], notes: list[Note]) -> list[PlannedPerson]:
    """Rows of one person (one per programme) into one planned person."""
    people: list[PlannedPerson] = []
    by_name: dict[tuple[Role, str], list[PlannedPerson]] = defaultdict(list)
    for row in rows:
        same = None
        for person in by_name[(row.role, row.name_key)]:
            first = person.first
            if _compatible(
                row.birth_year, row.workplace_key, first.birth_year, first.workplace_key
            ):
                same = person
                break
        if same is None:
            person = PlannedPerson(row.role, [row])
            people.append(person)
            by_name[(row.role, row.name_key)].append(person)
            continue
        same.rows.append(row)
        first = same.first
        for key, value in row.fields.items():
            if key in first.fields and first.fields[key] != value:
                notes.append(Note(row.ref, "differs", {"row": first.ref.row, "field": key}))
            first.fields.setdefault(key, value)
    return people


def _match(
    people: list[PlannedPerson], school: School, refused: list[Refusal], notes: list[Note]
) -> list[PlannedPerson]:
    kept = []
    taken: dict[str, PlannedPerson] = {}
    by_name = {role: school.by_name(role) for role in (Role.mentor, Role.mentee)}
    for person in people:
        first = person.first
        levels = [
            (level, known)
            for known in by_name[person.role].get(first.name_key, [])
            if (
                level := _compatible(
                    first.birth_year, first.workplace_key, known.birth_year, known.workplace_key
                )
            )
        ]
        best = max((level for level, _ in levels), default=0)
        found = [known for level, known in levels if level == best]
        if len(found) > 1:
            refused.extend(
                Refusal(row.ref, "ambiguous", {"count": len(found)}) for row in person.rows
            )
            continue
        if found:
            known = found[0]
            if known.handle in taken:
                other = taken[known.handle].first.ref
                refused.extend(
                    Refusal(row.ref, "same_person", {"row": other.row}) for row in person.rows
                )
                continue
            taken[known.handle] = person
            person.match = known
            person.changes = _changes(first, known)
        kept.append(person)
    return kept


def _changes(row: PersonRow, known: Known) -> dict[str, Any]:
    """Pending: what differs from the entry. Joined: what changed in the file since the last
    import (the person's own corrections stay). Registered without an import: nothing."""
    if known.entry_id is None:
        return {}
    values = {**row.fields, "full_name": row.full_name}
    if known.pending:
        base = {**known.fields, "full_name": known.full_name}
        return {k: v for k, v in values.items() if base.get(k) != v}
    return {
        k: v
        for k, v in values.items()
        if k not in NEVER_FROM_FILE
        and k != "full_name"
        and k in known.fields
        and known.fields[k] != v
    }


class _Linker:
    """Finds the person a link cell names: someone in the file's other register, else
    someone the school has; disambiguated by the workplace beside the name. Indexed by
    surname once, so two thousand links do not each scan two thousand people."""

    def __init__(self, people: list[PlannedPerson], school: School) -> None:
        self.in_file: dict[tuple[Role, str], list[PlannedPerson]] = defaultdict(list)
        for person in people:
            self.in_file[(person.role, _surname(person.first.name_key))].append(person)
        claimed = {p.match.handle for p in people if p.match is not None}
        self.in_school: dict[tuple[Role, str], list[Known]] = defaultdict(list)
        for role, known in school.known.items():
            for item in known:
                if item.handle not in claimed:
                    self.in_school[(role, _surname(item.name_key))].append(item)

    def resolve(
        self, link: str, row: PersonRow, role: Role, notes: list[Note], links: dict[str, Known]
    ) -> PlannedPerson | Known | None:
        surname = _surname(name_key(link))
        found: list[PlannedPerson | Known] = [
            *(p for p in self.in_file[(role, surname)] if name_matches(link, p.first.name_key)),
            *(k for k in self.in_school[(role, surname)] if name_matches(link, k.name_key)),
        ]
        if len(found) > 1 and row.link_workplace:
            place = name_key(row.link_workplace)
            found = [
                f
                for f in found
                if (f.first.workplace_key if isinstance(f, PlannedPerson) else f.workplace_key)
                == place
            ] or found
        if len(found) != 1:
            code = "link_ambiguous" if found else "link_unknown"
            notes.append(Note(row.ref, code, {"name": link}))
            return None
        chosen = found[0]
        if isinstance(chosen, Known) and chosen.entry_id is None:
            links[chosen.handle] = chosen
        return chosen


def _surname(key: str) -> str:
    return re.split(r"[\s.]+", key, maxsplit=1)[0]


def _pairs(
    people: list[PlannedPerson],
    school: School,
    today: date,
    notes: list[Note],
    links: dict[str, Known],
) -> list[PlannedPair]:
    linker = _Linker(people, school)
    candidates: list[tuple[PersonRow, list, list]] = []
    for person in people:
        for row in person.rows:
            if not row.links:
                continue
            other = Role.mentee if person.role == Role.mentor else Role.mentor
            named = [linker.resolve(n, row, other, notes, links) for n in row.links]
            if any(n is None for n in named):
                continue
            own: list = [person]
            mentors, mentees = (own, named) if person.role == Role.mentor else (named, own)
            candidates.append((row, mentors, mentees))
    # A mentee row naming its mentor is the pair a mentor row may name too (or a group).
    groups: dict[int, list[tuple[list, list]]] = defaultdict(list)
    for row, mentors, mentees in candidates:
        if row.role == Role.mentor:
            groups[id(mentors[0])].append((mentors, mentees))
    kept: list[tuple[PersonRow, list, list]] = [c for c in candidates if c[0].role == Role.mentor]
    for row, mentors, mentees in candidates:
        if row.role == Role.mentor:
            continue
        covered = any(
            any(mentees[0] is y for y in g_mentees)
            for mentor in mentors
            for _g_mentors, g_mentees in groups.get(id(mentor), [])
        )
        if not covered:
            kept.append((row, mentors, mentees))
    pairs: list[PlannedPair] = []
    seen: set[str] = set()
    for row, mentors, mentees in kept:
        pair = _pair(row, mentors, mentees, school, today, notes)
        if pair is None:
            continue
        signature = f"{pair.form_id}|{_handles(pair.mentors)}|{_handles(pair.mentees)}"
        if signature in seen:
            continue
        seen.add(signature)
        pair.existing = _exists(pair, school)
        pairs.append(pair)
    return pairs


def _category(person: PlannedPerson | Known) -> str | None:
    if isinstance(person, PlannedPerson):
        fields = person.first.fields
    else:
        fields = person.fields
    return fields.get("category")


def _inferred_form(mentors: list, mentees: list) -> str | None:
    mentor = {_category(m) for m in mentors}
    mentee = {_category(m) for m in mentees}
    teachers = {MenteeCategory.teacher.value, MenteeCategory.young_teacher.value}
    if mentor == {MentorCategory.teacher.value} and mentee <= teachers and mentee:
        return "teacher_teacher"
    if mentor == {MentorCategory.teacher.value} and mentee == {MenteeCategory.student.value}:
        return "teacher_student"
    if mentor == {MentorCategory.student.value} and mentee == {MenteeCategory.student.value}:
        return "student_student"
    if mentor == {MentorCategory.partner.value} and mentee <= teachers and mentee:
        return "partner_teacher"
    return None


def _pair(
    row: PersonRow, mentors: list, mentees: list, school: School, today: date, notes: list[Note]
) -> PlannedPair | None:
    names = [_name(p) for p in (*mentors, *mentees)]
    if row.closed or (row.ended is not None and row.ended < today):
        notes.append(Note(row.ref, "pair_over", {"names": names}))
        return None
    form = find_form(school, row.form) if row.form else None
    if form is None:
        code = _inferred_form(mentors, mentees)
        form = school.form_by_code.get(code) if code else None
    if form is None:
        notes.append(Note(row.ref, "form_unknown", {"names": names, "form": row.form or ""}))
        return None
    starts_on = row.started or today
    planned_end_on = row.ended or starts_on + DEFAULT_LENGTH
    if planned_end_on <= today:
        planned_end_on = today + DEFAULT_LENGTH
    requests = [p.first.fields.get("request") for p in mentees if isinstance(p, PlannedPerson)] + [
        p.fields.get("request") for p in mentees if isinstance(p, Known)
    ]
    goals = "; ".join(dict.fromkeys(r for r in requests if r))[:2000] or form[1]
    return PlannedPair(
        mentors=list(mentors),
        mentees=list(mentees),
        form_id=form[0],
        form_name=form[1],
        starts_on=starts_on,
        planned_end_on=planned_end_on,
        goals=goals,
        ref=row.ref,
    )


def _name(person: PlannedPerson | Known) -> str:
    return person.full_name


def _exists(pair: PlannedPair, school: School) -> bool:
    """Planned already (every member known by an entry), or formed as a programme."""
    members = [*pair.mentors, *pair.mentees]
    known = [m.match if isinstance(m, PlannedPerson) else m for m in members]
    if any(k is None for k in known):
        return False
    if all(k.entry_id is not None for k in known):
        if member_key(pair.form_id, pair.mentors, pair.mentees) in school.planned:
            return True
    if all(k.person_id is not None for k in known):
        roles = [("mentor", k.person_id) for k in known[: len(pair.mentors)]] + [
            ("mentee", k.person_id) for k in known[len(pair.mentors) :]
        ]
        return (pair.form_id, frozenset(roles)) in school.programmes
    return False


def entry_of(person: PlannedPerson | Known) -> int | None:
    known = person.match if isinstance(person, PlannedPerson) else person
    return known.entry_id if known is not None else None


def member_key(form_id: int, mentors: list, mentees: list, ids: dict | None = None) -> str:
    """The digest planned pairs are unique by: the form and the members' entries."""

    def entry(person) -> int:
        if ids is not None and id(person) in ids:
            return ids[id(person)]
        found = entry_of(person)
        assert found is not None
        return found

    text = "|".join(
        [
            str(form_id),
            ",".join(str(i) for i in sorted(entry(m) for m in mentors)),
            ",".join(str(i) for i in sorted(entry(m) for m in mentees)),
        ]
    )
    return hashlib.sha256(text.encode()).hexdigest()
