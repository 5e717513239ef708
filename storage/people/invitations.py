"""Invitations: deep-link codes bound to a role and an organisation."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.core import Person
from storage.models.enums import Role
from storage.models.orgs import Invitation, InvitationUse

DEFAULT_VALIDITY = timedelta(days=14)
CODE_BYTES = 12  # 16 URL-safe characters; Telegram allows up to 64 in a start parameter


class InvitationProblem(StrEnum):
    unknown = "unknown"
    expired = "expired"
    revoked = "revoked"
    used_up = "used_up"
    already_used_by_you = "already_used_by_you"


@dataclass(frozen=True)
class InvitationCheck:
    invitation: Invitation | None
    problem: InvitationProblem | None


async def create_invitation(
    session: AsyncSession,
    *,
    role: Role,
    organization_id: int,
    created_by: int | None,
    created_by_telegram_id: int,
    now: datetime,
    max_uses: int = 1,
    validity: timedelta = DEFAULT_VALIDITY,
) -> Invitation:
    invitation = Invitation(
        code=secrets.token_urlsafe(CODE_BYTES),
        role=role,
        organization_id=organization_id,
        created_by=created_by,
        created_by_telegram_id=created_by_telegram_id,
        max_uses=max_uses,
        uses=0,
        expires_at=now + validity,
        revoked_at=None,
        created_at=now,
    )
    session.add(invitation)
    await session.flush()
    return invitation


async def check_invitation(
    session: AsyncSession, code: str, person_id: int, now: datetime
) -> InvitationCheck:
    invitation = await session.scalar(select(Invitation).where(Invitation.code == code))
    if invitation is None:
        return InvitationCheck(None, InvitationProblem.unknown)
    used_by_you = await session.get(InvitationUse, (invitation.id, person_id))
    if used_by_you is not None:
        return InvitationCheck(invitation, InvitationProblem.already_used_by_you)
    if invitation.revoked_at is not None:
        return InvitationCheck(invitation, InvitationProblem.revoked)
    if invitation.expires_at <= now:
        return InvitationCheck(invitation, InvitationProblem.expired)
    if invitation.uses >= invitation.max_uses:
        return InvitationCheck(invitation, InvitationProblem.used_up)
    return InvitationCheck(invitation, None)


async def use_invitation(
    session: AsyncSession, invitation_id: int, person_id: int, now: datetime
) -> bool:
    """Count one use atomically; False if the last use was taken meanwhile."""
    result = await session.execute(
        update(Invitation)
        .where(
            Invitation.id == invitation_id,
            Invitation.uses < Invitation.max_uses,
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > now,
        )
        .values(uses=Invitation.uses + 1)
    )
    if not result.rowcount:
        return False
    session.add(InvitationUse(invitation_id=invitation_id, person_id=person_id, used_at=now))
    await session.flush()
    return True


async def revoke_invitation(session: AsyncSession, invitation_id: int, now: datetime) -> None:
    await session.execute(
        update(Invitation)
        .where(Invitation.id == invitation_id, Invitation.revoked_at.is_(None))
        .values(revoked_at=now)
    )


async def invitation_users(
    session: AsyncSession, invitation_id: int
) -> list[tuple[str | None, datetime]]:
    rows = await session.execute(
        select(Person.full_name, InvitationUse.used_at)
        .join(Person, Person.id == InvitationUse.person_id)
        .where(InvitationUse.invitation_id == invitation_id)
        .order_by(InvitationUse.used_at)
    )
    return [(name, used_at) for name, used_at in rows.all()]
