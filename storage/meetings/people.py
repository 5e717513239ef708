"""Who takes part in the meeting log: active mentees, the pair's mentees, the school's curators;
and the photos of the school's meetings for the curator."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.core import Person
from storage.models.enums import MembershipStatus, Role
from storage.models.meetings import Meeting, MeetingPhoto
from storage.models.orgs import Membership
from storage.models.programmes import Programme, ProgrammeMember


async def active_members(
    session: AsyncSession, person_ids: list[int], school_id: int, role: Role
) -> list[int]:
    """Those of `person_ids` whose role in the school is active (not awaiting the guardian's
    consent, not deactivated) and who have not erased their data."""
    rows = await session.scalars(
        select(Membership.person_id)
        .join(Person, Person.id == Membership.person_id)
        .where(
            Membership.person_id.in_(person_ids),
            Membership.organization_id == school_id,
            Membership.role == role,
            Membership.status == MembershipStatus.active,
            Person.erased_at.is_(None),
        )
    )
    return sorted(set(rows.all()))


async def programme_mentees(session: AsyncSession, programme_id: int) -> list[tuple[int, str]]:
    """(id, name) of the programme's mentees, by name."""
    rows = await session.execute(
        select(Person.id, Person.full_name)
        .join(ProgrammeMember, ProgrammeMember.person_id == Person.id)
        .where(ProgrammeMember.programme_id == programme_id, ProgrammeMember.role == "mentee")
        .order_by(Person.full_name, Person.id)
    )
    return [(pid, name or "—") for pid, name in rows.all()]


async def school_curators(session: AsyncSession, school_id: int) -> list[int]:
    rows = await session.scalars(
        select(Membership.person_id).where(
            Membership.organization_id == school_id,
            Membership.role == Role.curator,
            Membership.status == MembershipStatus.active,
        )
    )
    return sorted(set(rows.all()))


async def school_photos(
    session: AsyncSession, school_ids: set[int], *, limit: int = 10, offset: int = 0
) -> tuple[list[tuple[MeetingPhoto, date]], int]:
    """Photos of the schools' meetings (not deleted), newest meeting first, with its date."""
    query = (
        select(MeetingPhoto, Meeting.held_on)
        .join(Meeting, Meeting.id == MeetingPhoto.meeting_id)
        .join(Programme, Programme.id == Meeting.programme_id)
        .where(Programme.school_id.in_(school_ids or {0}), Meeting.deleted_at.is_(None))
    )
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    rows = await session.execute(
        query.order_by(Meeting.held_on.desc(), MeetingPhoto.id.desc()).limit(limit).offset(offset)
    )
    return [(photo, held_on) for photo, held_on in rows.all()], total or 0


async def photo_in_schools(
    session: AsyncSession, photo_id: int, school_ids: set[int]
) -> tuple[MeetingPhoto, date] | None:
    row = (
        await session.execute(
            select(MeetingPhoto, Meeting.held_on)
            .join(Meeting, Meeting.id == MeetingPhoto.meeting_id)
            .join(Programme, Programme.id == Meeting.programme_id)
            .where(
                MeetingPhoto.id == photo_id,
                Programme.school_id.in_(school_ids or {0}),
                Meeting.deleted_at.is_(None),
            )
        )
    ).first()
    return (row[0], row[1]) if row else None
