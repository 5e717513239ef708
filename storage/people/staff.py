"""Curators and coordinators as the level above keeps them: the list over one's scope, who
would be the last active one of their organisation, the history of a role, and an invitation
for a replacement.

Status changes themselves (and their audit rows) are storage/people/memberships.py's `set_status`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.core import Person
from storage.models.enums import MembershipStatus, Role
from storage.models.orgs import Invitation, Membership, MembershipChange, Organization
from storage.people.invitations import create_invitation

STAFF_ROLES = (Role.curator, Role.coordinator)
REPLACEMENT_INVITED = "replacement_invited"


@dataclass(frozen=True)
class StaffMember:
    """One curator's or coordinator's role in one organisation."""

    membership: Membership
    person: Person
    org: Organization
    parent: Organization | None


def _in_scope(scope: set[int] | None):
    conditions = [Membership.role.in_(STAFF_ROLES)]
    if scope is not None:
        conditions.append(Membership.organization_id.in_(scope))
    return conditions


async def staff_page(
    session: AsyncSession,
    scope: set[int] | None,
    status: MembershipStatus | None,
    search: str | None,
    page: int,
    size: int,
) -> tuple[list[StaffMember], int]:
    """One page of the roles in scope (None: all), by organisation and name. `search` keeps
    those whose name or organisation contains it, letter case aside (compared in Python:
    SQLite's lower() leaves Cyrillic alone; a region's staff is a few hundred rows)."""
    conditions = _in_scope(scope)
    if status is not None:
        conditions.append(Membership.status == status)
    rows = (
        await session.execute(
            select(Membership.id, Person.full_name, Organization.name)
            .join(Person, Person.id == Membership.person_id)
            .join(Organization, Organization.id == Membership.organization_id)
            .where(*conditions)
        )
    ).all()
    if search:
        wanted = search.casefold()
        rows = [r for r in rows if wanted in (r[1] or "").casefold() or wanted in r[2].casefold()]
    rows.sort(key=lambda r: (r[2].casefold(), r[1] is None, (r[1] or "").casefold(), r[0]))
    chosen = [r[0] for r in rows[page * size : (page + 1) * size]]
    members = {m.membership.id: m for m in await _members(session, chosen)}
    return [members[i] for i in chosen if i in members], len(rows)


async def _members(session: AsyncSession, membership_ids: list[int]) -> list[StaffMember]:
    if not membership_ids:
        return []
    rows = (
        await session.execute(
            select(Membership, Person, Organization)
            .join(Person, Person.id == Membership.person_id)
            .join(Organization, Organization.id == Membership.organization_id)
            .where(Membership.id.in_(membership_ids))
        )
    ).all()
    parent_ids = {org.parent_id for _m, _p, org in rows if org.parent_id is not None}
    parents = {
        org.id: org
        for org in (
            await session.scalars(select(Organization).where(Organization.id.in_(parent_ids)))
        ).all()
    }
    return [
        StaffMember(m, p, org, parents.get(org.parent_id) if org.parent_id else None)
        for m, p, org in rows
    ]


async def staff_member(
    session: AsyncSession, scope: set[int] | None, membership_id: int
) -> StaffMember | None:
    """The role if it is a curator's or coordinator's within the scope; None otherwise."""
    found = await _members(session, [membership_id])
    if not found:
        return None
    member = found[0]
    if member.membership.role not in STAFF_ROLES:
        return None
    if scope is not None and member.org.id not in scope:
        return None
    return member


async def other_active_holders(session: AsyncSession, membership: Membership) -> int:
    """How many others hold the same role in the same organisation, active."""
    count = await session.scalar(
        select(func.count()).where(
            Membership.organization_id == membership.organization_id,
            Membership.role == membership.role,
            Membership.status == MembershipStatus.active,
            Membership.id != membership.id,
        )
    )
    return count or 0


@dataclass(frozen=True)
class RoleChange:
    changed_at: datetime
    person_name: str | None  # who made the change
    action: str
    changes: dict


async def role_history(
    session: AsyncSession, membership_id: int, limit: int = 3
) -> list[RoleChange]:
    rows = await session.execute(
        select(MembershipChange, Person.full_name)
        .outerjoin(Person, Person.id == MembershipChange.person_id)
        .where(MembershipChange.membership_id == membership_id)
        .order_by(MembershipChange.id.desc())
        .limit(limit)
    )
    return [
        RoleChange(change.changed_at, name, change.action, dict(change.changes))
        for change, name in rows.all()
    ]


def _usable(invitation: Invitation | None, now: datetime) -> bool:
    return (
        invitation is not None
        and invitation.revoked_at is None
        and invitation.expires_at > now
        and invitation.uses < invitation.max_uses
    )


async def replacement_invitation(
    session: AsyncSession, membership: Membership, by: int, by_telegram_id: int, now: datetime
) -> Invitation:
    """A one-use invitation into the same role and organisation, kept in the role's history.

    Asked again while the one this person made is unused and valid (a double tap, or a
    second look), it is that invitation again, not a second link.
    """
    previous = await session.scalars(
        select(MembershipChange)
        .where(
            MembershipChange.membership_id == membership.id,
            MembershipChange.action == REPLACEMENT_INVITED,
            MembershipChange.person_id == by,
        )
        .order_by(MembershipChange.id.desc())
        .limit(1)
    )
    last = previous.first()
    if last is not None:
        invitation = await session.get(Invitation, last.changes["invitation_id"][1])
        if _usable(invitation, now):
            assert invitation is not None
            return invitation
    invitation = await create_invitation(
        session,
        role=Role(membership.role),
        organization_id=membership.organization_id,
        created_by=by,
        created_by_telegram_id=by_telegram_id,
        now=now,
        max_uses=1,
    )
    session.add(
        MembershipChange(
            membership_id=membership.id,
            person_id=by,
            action=REPLACEMENT_INVITED,
            changes={"invitation_id": [None, invitation.id]},
            changed_at=now,
        )
    )
    await session.flush()
    return invitation
