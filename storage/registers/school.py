"""What an import compares the file with: the school's entries, its registered mentors and
mentees, its planned pairs and its programmes, and the municipality's forms of mentoring."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.catalogue.entries import EntryKind, entries
from storage.models.core import Person
from storage.models.enums import Role
from storage.models.orgs import Membership
from storage.models.profiles import MenteeProfile, MentorProfile
from storage.models.programmes import Programme, ProgrammeMember
from storage.models.registers import RegisterEntry, RegisterPair
from storage.pairing.people import municipality_of
from storage.registers.values import dash_folded, name_key


@dataclass
class Known:
    """Someone the school already has: an imported entry (pending or joined), or a person
    registered without an import (`entry_id` None until an import links them)."""

    role: Role
    name_key: str
    full_name: str
    birth_year: int | None
    workplace_key: str | None
    entry_id: int | None = None
    person_id: int | None = None
    fields: dict[str, Any] = field(default_factory=dict)  # the entry's last imported values

    @property
    def pending(self) -> bool:
        return self.person_id is None

    @property
    def handle(self) -> str:
        return f"e{self.entry_id}" if self.entry_id is not None else f"p{self.person_id}"


@dataclass
class School:
    school_id: int
    known: dict[Role, list[Known]]
    forms: dict[str, tuple[int, str]]  # folded name or code → (catalogue id, name)
    form_by_code: dict[str, tuple[int, str]]
    planned: set[str]  # member keys of the school's planned pairs
    # (form id, frozenset of (role, person id)) of every programme of the school
    programmes: set[tuple[int, frozenset[tuple[str, int]]]]

    def by_name(self, role: Role) -> dict[str, list[Known]]:
        found: dict[str, list[Known]] = defaultdict(list)
        for item in self.known[role]:
            found[item.name_key].append(item)
        return found


async def load_school(session: AsyncSession, school_id: int) -> School:
    known: dict[Role, list[Known]] = {Role.mentor: [], Role.mentee: []}
    linked: set[tuple[str, int]] = set()
    rows = await session.scalars(select(RegisterEntry).where(RegisterEntry.school_id == school_id))
    for entry in rows.all():
        role = Role(entry.role)
        workplace = (entry.fields or {}).get("workplace")
        known[role].append(
            Known(
                role,
                entry.name_key,
                entry.full_name,
                entry.birth_year,
                name_key(workplace) if workplace else None,
                entry.id,
                entry.person_id,
                dict(entry.fields or {}),
            )
        )
        if entry.person_id is not None:
            linked.add((role.value, entry.person_id))
    for role, person_id, full_name, year, place in await _registered(session, school_id):
        if (role.value, person_id) in linked:
            continue
        linked.add((role.value, person_id))
        place_key = name_key(place) if place else None
        known[role].append(
            Known(role, name_key(full_name), full_name, year, place_key, None, person_id)
        )
    municipality_id = await municipality_of(session, school_id)
    forms: dict[str, tuple[int, str]] = {}
    by_code: dict[str, tuple[int, str]] = {}
    for entry in await entries(session, municipality_id or 0, EntryKind.form):
        forms[form_key(entry.name)] = (entry.id, entry.name)
        forms[entry.code] = (entry.id, entry.name)
        by_code[entry.code] = (entry.id, entry.name)
    planned = set(
        (
            await session.scalars(
                select(RegisterPair.member_key).where(RegisterPair.school_id == school_id)
            )
        ).all()
    )
    members: dict[int, set[tuple[str, int]]] = defaultdict(set)
    form_of: dict[int, int] = {}
    for programme_id, form_id, role, person_id in await session.execute(
        select(Programme.id, Programme.form_id, ProgrammeMember.role, ProgrammeMember.person_id)
        .join(ProgrammeMember, ProgrammeMember.programme_id == Programme.id)
        .where(Programme.school_id == school_id)
    ):
        members[programme_id].add((role, person_id))
        form_of[programme_id] = form_id
    programmes = {(form_of[pid], frozenset(m)) for pid, m in members.items()}
    return School(school_id, known, forms, by_code, planned, programmes)


async def _registered(session: AsyncSession, school_id: int) -> list[tuple]:
    """(role, person id, name, year of birth, workplace) of the school's mentors and
    mentees who registered, whatever their status."""
    found = []
    for role, profile, workplace in (
        (Role.mentor, MentorProfile, MentorProfile.workplace),
        (Role.mentee, MenteeProfile, None),
    ):
        rows = await session.execute(
            select(
                Person.id,
                Person.full_name,
                profile.birth_year,
                workplace if workplace is not None else literal(None),
            )
            .join(Membership, Membership.person_id == Person.id)
            .outerjoin(profile, profile.person_id == Person.id)
            .where(
                Membership.organization_id == school_id,
                Membership.role == role.value,
                Person.full_name.is_not(None),
                Person.erased_at.is_(None),
            )
        )
        found += [(role, *row) for row in rows.all()]
    return found


_SYNONYMS = (
    (r"\bпедагог\w*", "учитель"),
    (r"\bобучающ\w*", "ученик"),
    (r"\bучащ\w*", "ученик"),
    (r"\bстудент\w*", "ученик"),
)


def form_key(text: str) -> str:
    key = dash_folded(text)
    for pattern, word in _SYNONYMS:
        key = re.sub(pattern, word, key)
    return key


def find_form(school: School, text: str) -> tuple[int, str] | None:
    key = form_key(text)
    if key in school.forms:
        return school.forms[key]
    if key.startswith(("работодатель", "социальный партнер", "партнер")):
        return school.form_by_code.get("partner_teacher")
    if key.startswith("руководитель"):
        return school.form_by_code.get("head_teacher")
    return None
