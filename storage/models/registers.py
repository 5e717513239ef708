"""A school's registers brought in from its spreadsheets (issue 18): people who have no
Telegram account yet, each with a personal single-use invitation, and the pairs and groups
the file names, formed once their members have joined.

An entry stays after its person joins, linked to them: a later import of the same file
finds the row through it even when the person corrected their name, and only what changed
in the file since is applied. An entry that never joined is erased some time after its
invitation expired (scheduler/registers.py); /forget deletes the person's entries.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


class RegisterEntry(Base):
    __tablename__ = "register_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16))  # mentor | mentee
    full_name: Mapped[str] = mapped_column(String(100))
    # The name as compared: case and «ё» folded, spaces collapsed.
    name_key: Mapped[str] = mapped_column(String(100))
    birth_year: Mapped[int | None] = mapped_column(Integer)
    # Register fields as the file last gave them, keyed like the registration form.
    fields: Mapped[dict] = mapped_column(JSON, default=dict)
    # The personal invitation: single use, renewable (a new code, a new term).
    code: Mapped[str] = mapped_column(String(32), unique=True)
    expires_at: Mapped[datetime]
    # Who opened the link without finishing: the only pending people a reminder can reach.
    opened_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    joined_at: Mapped[datetime | None]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    __table_args__ = (
        Index("ix_register_entries_school_role_name", "school_id", "role", "name_key"),
    )


class RegisterPair(Base):
    """A pair or group named in the registers; formed (proposed, as with /pair) once every
    member has joined, then `programme_id` points at it."""

    __tablename__ = "register_pairs"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    # A digest of the members and the form: the same pair named again is not planned twice.
    member_key: Mapped[str] = mapped_column(String(64))
    is_group: Mapped[bool]
    form_id: Mapped[int] = mapped_column(ForeignKey("catalogue_entries.id"))
    starts_on: Mapped[date] = mapped_column(Date)
    planned_end_on: Mapped[date] = mapped_column(Date)
    goals: Mapped[str] = mapped_column(Text)
    programme_id: Mapped[int | None] = mapped_column(
        ForeignKey("programmes.id", ondelete="SET NULL")
    )
    # Why it could not be formed once every member joined (storage/programmes.Problem);
    # such a pair is not tried again. None while waiting or once formed.
    refused: Mapped[str | None] = mapped_column(String(32))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("school_id", "member_key"),)


class RegisterPairMember(Base):
    __tablename__ = "register_pair_members"

    pair_id: Mapped[int] = mapped_column(
        ForeignKey("register_pairs.id", ondelete="CASCADE"), primary_key=True
    )
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("register_entries.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(16))  # mentor | mentee
