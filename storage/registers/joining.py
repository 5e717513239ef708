"""A pending person joins through their personal link: the entry is claimed once, and the
person gets the name, the register fields and the role, as registration would give them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.core import Person
from storage.models.enums import MembershipStatus, Role
from storage.models.registers import RegisterEntry
from storage.people.memberships import grant_role
from storage.people.registration import needs_guardian, save_mentee_profile, save_mentor_profile


@dataclass(frozen=True)
class Joined:
    entry_id: int
    school_id: int
    role: Role
    status: MembershipStatus
    created_by: int | None


async def join(
    session: AsyncSession, entry_id: int, person_id: int, answers: dict[str, Any], now: datetime
) -> Joined | None:
    """None when the link was used, renewed, deleted or expired meanwhile."""
    result = await session.execute(
        update(RegisterEntry)
        .where(
            RegisterEntry.id == entry_id,
            RegisterEntry.person_id.is_(None),
            RegisterEntry.expires_at > now,
        )
        .values(person_id=person_id, joined_at=now, opened_by=None, updated_at=now)
    )
    if not result.rowcount:
        return None
    entry = await session.get(RegisterEntry, entry_id, populate_existing=True)
    assert entry is not None
    role = Role(entry.role)
    await session.execute(
        update(Person).where(Person.id == person_id).values(full_name=answers["full_name"])
    )
    if role == Role.mentor:
        await save_mentor_profile(session, person_id, answers, now)
    else:
        await save_mentee_profile(session, person_id, answers, now)
    status = (
        MembershipStatus.awaiting_guardian
        if needs_guardian(role, answers, now.year)
        else MembershipStatus.active
    )
    await grant_role(
        session,
        person_id=person_id,
        organization_id=entry.school_id,
        role=role,
        status=status,
        now=now,
        granted_by=entry.created_by,
    )
    return Joined(entry.id, entry.school_id, role, status, entry.created_by)
