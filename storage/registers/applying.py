"""Writing an import plan: new entries with their invitations, changed fields, links to
registered people, planned pairs. All in the caller's transaction: it commits whole or not
at all."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.enums import Role
from storage.models.orgs import Organization
from storage.models.registers import RegisterEntry, RegisterPair, RegisterPairMember
from storage.people.register_fields import PROFILE_FIELDS, save_register_field
from storage.registers.plan import ImportPlan, PlannedPerson, member_key
from storage.registers.school import Known

INVITATION_TERM = timedelta(days=30)
CODE_BYTES = 16  # 22 URL-safe characters; Telegram allows 64 in a start parameter


def new_code() -> str:
    return secrets.token_urlsafe(CODE_BYTES)


async def lock_school(session: AsyncSession, school_id: int) -> None:
    """Serialise imports into one school: the plan is made again under the lock, so a second
    import that would add the same people sees the first one's entries. (On SQLite the write
    transaction already serialises them.)"""
    if session.bind.dialect.name != "sqlite":
        await session.execute(
            select(Organization.id).where(Organization.id == school_id).with_for_update()
        )


@dataclass(frozen=True)
class Applied:
    created: int
    updated: int
    linked: int
    pairs: int


async def apply_plan(
    session: AsyncSession, plan: ImportPlan, by: int | None, now: datetime
) -> Applied:
    ids: dict[int, int] = {}  # id() of a planned person or a known one → its entry's id
    created = [_entry(plan.school_id, p, by, now) for p in plan.new]
    linked_people = [p for p in plan.matched if p.match and p.match.entry_id is None]
    links = [_link(plan.school_id, p.match, p, by, now) for p in linked_people if p.match]
    links += [_link(plan.school_id, k, None, by, now) for k in plan.link_entries]
    session.add_all([*created, *links])
    await session.flush()
    for person, entry in zip(plan.new, created, strict=True):
        ids[id(person)] = entry.id
    for person, entry in zip(linked_people, links, strict=False):
        ids[id(person)] = entry.id
    for known, entry in zip(plan.link_entries, links[len(linked_people) :], strict=True):
        ids[id(known)] = entry.id
        known.entry_id = entry.id
    updated = 0
    for person in plan.changed:
        await _update(session, person, now)
        updated += 1
    pairs = []
    for pair in plan.new_pairs:
        key = member_key(pair.form_id, pair.mentors, pair.mentees, ids)
        pairs.append(
            (
                RegisterPair(
                    school_id=plan.school_id,
                    member_key=key,
                    is_group=pair.is_group,
                    form_id=pair.form_id,
                    starts_on=pair.starts_on,
                    planned_end_on=pair.planned_end_on,
                    goals=pair.goals,
                    created_by=by,
                    created_at=now,
                ),
                pair,
            )
        )
    session.add_all([row for row, _pair in pairs])
    await session.flush()
    members = []
    for row, pair in pairs:
        for role, people in (("mentor", pair.mentors), ("mentee", pair.mentees)):
            for person in people:
                entry_id = ids.get(id(person)) or _entry_id(person)
                members.append(RegisterPairMember(pair_id=row.id, entry_id=entry_id, role=role))
    session.add_all(members)
    await session.flush()
    return Applied(len(created), updated, len(links), len(pairs))


def _entry_id(person: PlannedPerson | Known) -> int:
    known = person.match if isinstance(person, PlannedPerson) else person
    assert known is not None and known.entry_id is not None
    return known.entry_id


def _entry(school_id: int, person: PlannedPerson, by: int | None, now: datetime) -> RegisterEntry:
    first = person.first
    return RegisterEntry(
        school_id=school_id,
        role=person.role.value,
        full_name=first.full_name,
        name_key=first.name_key,
        birth_year=first.birth_year,
        fields=dict(first.fields),
        code=new_code(),
        expires_at=now + INVITATION_TERM,
        created_by=by,
        created_at=now,
        updated_at=now,
    )


def _link(
    school_id: int, known: Known, person: PlannedPerson | None, by: int | None, now: datetime
) -> RegisterEntry:
    """A registered person the registers name, linked so the next import finds them; the
    file's values become the baseline, the person's own stay as they are."""
    fields: dict[str, Any] = dict(person.first.fields) if person else {}
    return RegisterEntry(
        school_id=school_id,
        role=known.role.value,
        full_name=known.full_name,
        name_key=known.name_key,
        birth_year=known.birth_year,
        fields=fields,
        code=new_code(),
        expires_at=now,
        person_id=known.person_id,
        joined_at=now,
        created_by=by,
        created_at=now,
        updated_at=now,
    )


async def _update(session: AsyncSession, person: PlannedPerson, now: datetime) -> None:
    known = person.match
    assert known is not None and known.entry_id is not None
    first = person.first
    entry = await session.get(RegisterEntry, known.entry_id)
    assert entry is not None
    entry.fields = {**(entry.fields or {}), **first.fields}
    entry.updated_at = now
    if known.pending:
        entry.full_name = first.full_name
        entry.birth_year = first.birth_year
        return
    role = Role(entry.role)
    for key, value in person.changes.items():
        if key in PROFILE_FIELDS[role]:
            await save_register_field(session, known.person_id, role, key, value, now)


async def renew(session: AsyncSession, entry_id: int, now: datetime) -> RegisterEntry | None:
    """A fresh link for a pending entry: the old one stops working."""
    result = await session.execute(
        update(RegisterEntry)
        .where(RegisterEntry.id == entry_id, RegisterEntry.person_id.is_(None))
        .values(code=new_code(), expires_at=now + INVITATION_TERM, updated_at=now)
    )
    if not result.rowcount:
        return None
    return await session.scalar(
        select(RegisterEntry)
        .where(RegisterEntry.id == entry_id)
        .execution_options(populate_existing=True)
    )
