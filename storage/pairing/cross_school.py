"""Whether a municipality lets teacher–teacher pairs span its schools.

By default a pair is formed inside one school; the municipal coordinator may open the
whole municipality, e.g. when a small school has no experienced teacher of the subject.
A row in cross_school_permissions means "allowed"; turning it off deletes the row.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.enums import OrgLevel
from storage.models.orgs import Organization
from storage.models.programmes import CrossSchoolPermission
from storage.upsert import insert_ignoring_conflict


async def cross_school_allowed(session: AsyncSession, municipality_id: int) -> bool:
    found = await session.scalar(
        select(CrossSchoolPermission.municipality_id).where(
            CrossSchoolPermission.municipality_id == municipality_id
        )
    )
    return found is not None


async def set_cross_school(
    session: AsyncSession,
    municipality_id: int,
    allowed: bool,
    by_person_id: int | None,
    now: datetime,
) -> None:
    """Idempotent, so two coordinators pressing the toggle at once cannot collide."""
    if allowed:
        # The first one to allow it stays recorded as the one who did.
        await insert_ignoring_conflict(
            session,
            CrossSchoolPermission,
            municipality_id=municipality_id,
            allowed_by=by_person_id,
            allowed_at=now,
        )
    else:
        await session.execute(
            delete(CrossSchoolPermission).where(
                CrossSchoolPermission.municipality_id == municipality_id
            )
        )


async def schools_for_pairs(session: AsyncSession, school_id: int) -> set[int]:
    """Schools whose teachers may be paired with this school's teachers (itself included)."""
    school = await session.get(Organization, school_id)
    if school is None:
        return set()
    if (
        school.level != OrgLevel.school
        or school.parent_id is None
        or not await cross_school_allowed(session, school.parent_id)
    ):
        return {school_id}
    siblings = await session.scalars(
        select(Organization.id).where(
            Organization.parent_id == school.parent_id, Organization.level == OrgLevel.school
        )
    )
    return {school_id, *siblings.all()}
