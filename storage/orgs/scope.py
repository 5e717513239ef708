"""Organisations and who may see which: the scope rules in one place."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.enums import MembershipStatus, OrgLevel, Role, SchoolKind
from storage.models.orgs import Membership, Organization

# Which level may sit under which: the hierarchy is fixed by the national model.
PARENT_LEVEL = {OrgLevel.municipality: OrgLevel.region, OrgLevel.school: OrgLevel.municipality}


class OrgError(ValueError):
    """A rule of the hierarchy was broken; the message is a stable code for the handler."""


async def create_organization(
    session: AsyncSession,
    *,
    level: OrgLevel,
    name: str,
    now: datetime,
    parent_id: int | None = None,
    school_kind: SchoolKind | None = None,
    timezone: str | None = None,
) -> Organization:
    name = " ".join(name.split())
    if not 2 <= len(name) <= 300:
        raise OrgError("name_length")
    expected_parent = PARENT_LEVEL.get(level)
    if expected_parent is None:
        if parent_id is not None:
            raise OrgError("region_has_no_parent")
    else:
        parent = await session.get(Organization, parent_id) if parent_id else None
        if parent is None or parent.level != expected_parent:
            raise OrgError("wrong_parent")
    if (level == OrgLevel.school) != (school_kind is not None):
        raise OrgError("school_kind")
    duplicate = await session.scalar(
        select(Organization.id).where(
            Organization.parent_id.is_(None)
            if parent_id is None
            else Organization.parent_id == parent_id,
            Organization.name == name,
        )
    )
    if duplicate is not None:
        raise OrgError("duplicate")
    org = Organization(
        level=level,
        name=name,
        parent_id=parent_id,
        school_kind=school_kind,
        timezone=timezone,
        created_at=now,
    )
    session.add(org)
    await session.flush()
    return org


async def descendants(session: AsyncSession, org_ids: set[int]) -> set[int]:
    """The organisations themselves and everything below them."""
    if not org_ids:
        return set()
    tree = select(Organization.id).where(Organization.id.in_(org_ids)).cte(recursive=True)
    tree = tree.union(select(Organization.id).where(Organization.parent_id == tree.c.id))
    return set((await session.scalars(select(tree.c.id))).all())


async def managed_org_ids(session: AsyncSession, person_id: int) -> set[int]:
    """Organisations a coordinator or curator manages, with everything below them."""
    roots = await session.scalars(
        select(Membership.organization_id).where(
            Membership.person_id == person_id,
            Membership.role.in_([Role.coordinator, Role.curator]),
            Membership.status == MembershipStatus.active,
        )
    )
    return await descendants(session, set(roots.all()))


async def effective_timezone(session: AsyncSession, org_id: int, default: str) -> str:
    """The school's zone, else its municipality's, else its region's, else the default."""
    current: int | None = org_id
    while current is not None:
        org = await session.get(Organization, current)
        if org is None:
            break
        if org.timezone:
            return org.timezone
        current = org.parent_id
    return default
