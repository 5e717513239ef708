"""Memberships: who holds which role where."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.enums import MembershipStatus, Role
from storage.models.orgs import Membership, MembershipChange


async def find_membership(
    session: AsyncSession, person_id: int, organization_id: int, role: Role
) -> Membership | None:
    return await session.scalar(
        select(Membership).where(
            Membership.person_id == person_id,
            Membership.organization_id == organization_id,
            Membership.role == role,
        )
    )


async def grant_role(
    session: AsyncSession,
    *,
    person_id: int,
    organization_id: int,
    role: Role,
    status: MembershipStatus,
    now: datetime,
    invitation_id: int | None = None,
    granted_by: int | None = None,
) -> Membership:
    """Create the membership, or reactivate one that was deactivated."""
    membership = await find_membership(session, person_id, organization_id, role)
    if membership is None:
        membership = Membership(
            person_id=person_id,
            organization_id=organization_id,
            role=role,
            status=status,
            invitation_id=invitation_id,
            created_at=now,
            status_changed_at=now,
            status_changed_by=granted_by,
        )
        session.add(membership)
    else:
        membership.status = status
        membership.status_changed_at = now
        membership.status_changed_by = granted_by
        membership.invitation_id = invitation_id or membership.invitation_id
    await session.flush()
    return membership


STATUS_CHANGED = "status"


async def set_status(
    session: AsyncSession,
    membership_id: int,
    status: MembershipStatus,
    by: int,
    now: datetime,
    *,
    expected: MembershipStatus | None = None,
) -> bool:
    """Change the status by hand, kept in the role's audit trail (who, when, old → new).

    With `expected`, only from that status: False, and nothing written, when it is no longer
    that (a double tap, or someone else acting first). False too when nothing would change.
    """
    old = await session.scalar(select(Membership.status).where(Membership.id == membership_id))
    if old is None or old == status or (expected is not None and old != expected):
        return False
    result = await session.execute(
        update(Membership)
        .where(Membership.id == membership_id, Membership.status == old)
        .values(status=status, status_changed_at=now, status_changed_by=by)
    )
    if not result.rowcount:
        return False
    session.add(
        MembershipChange(
            membership_id=membership_id,
            person_id=by,
            action=STATUS_CHANGED,
            changes={"status": [old, str(status)]},
            changed_at=now,
        )
    )
    await session.flush()
    return True
