"""The meeting log of a pair or group: what the mentor logged and what the mentees confirmed."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


class Meeting(Base):
    """One meeting logged by the mentor; a group meeting is one row for everyone present."""

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    logged_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    held_on: Mapped[date] = mapped_column(Date)
    format: Mapped[str] = mapped_column(String(16))  # in_person | online
    duration_minutes: Mapped[int] = mapped_column(Integer)
    activity: Mapped[str] = mapped_column(String(32))
    topic: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    plan_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_items.id", ondelete="SET NULL")
    )
    # The conversation that logged it: a double tap on "save" or a redelivered update finds
    # this row instead of writing a second meeting.
    request_key: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # Deleted logs stay for the audit trail; every report leaves them out.
    deleted_at: Mapped[datetime | None]
    # Bumped on every change, so an edit made from a stale screen is refused.
    version: Mapped[int] = mapped_column(Integer, default=1)

    # deleted_at too, so the reports count meetings from the index alone (migration 0009)
    __table_args__ = (
        Index("ix_meetings_programme_held_deleted", "programme_id", "held_on", "deleted_at"),
    )


class MeetingAttendee(Base):
    """A mentee who was present, and their answer to "did the meeting take place?"."""

    __tablename__ = "meeting_attendees"

    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    # pending → confirmed | disputed; pending for more than three days reads as unconfirmed.
    confirmation: Mapped[str] = mapped_column(String(16))
    rating: Mapped[int | None] = mapped_column(Integer)  # usefulness 1–5, optional
    answered_at: Mapped[datetime | None]


class MeetingPhoto(Base):
    """A photo of the meeting, kept as Telegram's file id, with consent to publish it."""

    __tablename__ = "meeting_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    file_id: Mapped[str] = mapped_column(String(255))
    file_unique_id: Mapped[str] = mapped_column(String(64))
    publish_allowed: Mapped[bool]
    added_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    added_at: Mapped[datetime]


class MeetingChange(Base):
    """The audit trail: every creation, edit and deletion of a meeting log, with old values."""

    __tablename__ = "meeting_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(16))  # created | edited | deleted
    # {field: [old, new]} for edits; the full record for creation and deletion.
    changes: Mapped[dict] = mapped_column(JSON, default=dict)
    changed_at: Mapped[datetime]
