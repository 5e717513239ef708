"""Organisations (region → municipality → school), roles in them, and invitations."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


class Organization(Base):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[str] = mapped_column(String(16), index=True)
    name: Mapped[str] = mapped_column(String(300))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), index=True
    )
    # Schools only: school, kindergarten, college, additional education.
    school_kind: Mapped[str | None] = mapped_column(String(16))
    # IANA zone; a school without one uses its municipality's, then the installation default.
    timezone: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("parent_id", "name"),)


class Membership(Base):
    """One role of one person in one organisation; a person may hold many."""

    __tablename__ = "memberships"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), index=True
    )
    role: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(24))
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitations.id"))
    created_at: Mapped[datetime]
    status_changed_at: Mapped[datetime]
    status_changed_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))

    __table_args__ = (UniqueConstraint("person_id", "organization_id", "role"),)


class Invitation(Base):
    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), index=True
    )
    created_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    # Telegram id of an admin from ADMIN_IDS who may have no person row of their own yet.
    created_by_telegram_id: Mapped[int] = mapped_column(BigInteger)
    max_uses: Mapped[int] = mapped_column(Integer)
    uses: Mapped[int] = mapped_column(Integer, default=0)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class InvitationUse(Base):
    __tablename__ = "invitation_uses"

    invitation_id: Mapped[int] = mapped_column(
        ForeignKey("invitations.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    used_at: Mapped[datetime]


class OrganizationChange(Base):
    """The audit trail of an organisation: who renamed it or changed its kind or time zone."""

    __tablename__ = "organization_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    # {field: [old, new]}, e.g. {"timezone": ["Europe/Moscow", "Asia/Yekaterinburg"]}
    changes: Mapped[dict] = mapped_column(JSON, default=dict)
    changed_at: Mapped[datetime]


class MembershipChange(Base):
    """The audit trail of a role: each deactivation and activation by hand, and each
    invitation of a replacement, with who did it."""

    __tablename__ = "membership_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(
        ForeignKey("memberships.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(24))  # status | replacement_invited
    # {"status": [old, new]}, or {"invitation_id": [null, id]} for a replacement invited
    changes: Mapped[dict] = mapped_column(JSON, default=dict)
    changed_at: Mapped[datetime]
