"""What the pair-forming conversation reads: the school's mentors and mentees, and names."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.models.core import Person
from storage.models.enums import MembershipStatus, Role
from storage.models.orgs import Membership, Organization
from storage.models.programmes import Programme, ProgrammeMember
from storage.pairing.forming import OPEN

# A minor awaiting the guardian's consent joins no pair yet: a pair would show their name
# to its other members, and until the consent only the curator may see it.
PAIRABLE = (MembershipStatus.active,)


@dataclass(frozen=True)
class Candidate:
    person_id: int
    name: str
    mentors: int = 0  # a mentee's mentors in open pairs and groups (mentee lists only)


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


async def school_mentees(session: AsyncSession, school_id: int) -> list[Candidate]:
    """The school's mentees, free ones first: then by how many mentors they already have
    in proposed or active programmes, each group by name."""
    people = await school_people(session, {school_id}, Role.mentee)
    mentee, mentor = aliased(ProgrammeMember), aliased(ProgrammeMember)
    rows = await session.execute(
        select(mentee.person_id, func.count(func.distinct(mentor.person_id)))
        .join(Programme, Programme.id == mentee.programme_id)
        .join(mentor, mentor.programme_id == mentee.programme_id)
        .join(
            Membership,
            (Membership.person_id == mentee.person_id)
            & (Membership.organization_id == school_id)
            & (Membership.role == Role.mentee),
        )
        .where(mentee.role == "mentee", mentor.role == "mentor", Programme.status.in_(OPEN))
        .group_by(mentee.person_id)
    )
    counts = dict(rows.all())
    found = [Candidate(p.person_id, p.name, counts.get(p.person_id, 0)) for p in people]
    return sorted(found, key=lambda c: c.mentors)  # stable: names stay in order


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
