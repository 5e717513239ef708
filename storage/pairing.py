"""What the pair-forming conversation reads: the school's mentors and mentees, and names."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.core import Person
from storage.models.enums import MembershipStatus, Role
from storage.models.orgs import Membership, Organization

# A minor awaiting the guardian's consent joins no pair yet: a pair would show their name
# to its other members, and until the consent only the curator may see it.
PAIRABLE = (MembershipStatus.active,)


@dataclass(frozen=True)
class Candidate:
    person_id: int
    name: str


async def school_people(session: AsyncSession, school_ids: set[int], role: Role) -> list[Candidate]:
    rows = await session.execute(
        select(Person.id, Person.full_name)
        .join(Membership, Membership.person_id == Person.id)
        .where(
            Membership.organization_id.in_(school_ids),
            Membership.role == role,
            Membership.status.in_(PAIRABLE),
            Person.erased_at.is_(None),
            Person.full_name.is_not(None),
        )
        .order_by(Person.full_name, Person.id)
    )
    seen: dict[int, Candidate] = {}
    for person_id, name in rows.all():
        if person_id not in seen:
            seen[person_id] = Candidate(person_id, name)
    return list(seen.values())


async def names(session: AsyncSession, person_ids: list[int]) -> dict[int, str]:
    rows = await session.execute(
        select(Person.id, Person.full_name).where(Person.id.in_(person_ids))
    )
    return {person_id: name or "—" for person_id, name in rows.all()}


async def municipality_of(session: AsyncSession, school_id: int) -> int | None:
    return await session.scalar(select(Organization.parent_id).where(Organization.id == school_id))


async def recipients(
    session: AsyncSession, person_ids: list[int]
) -> list[tuple[int, int, str | None]]:
    """(person id, Telegram id, locale) of people who can still be written to."""
    rows = await session.execute(
        select(Person.id, Person.telegram_id, Person.locale).where(
            Person.id.in_(person_ids), Person.telegram_id > 0
        )
    )
    return [tuple(row) for row in rows.all()]
