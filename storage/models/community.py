"""What a municipality shares besides the registers: the bank of best practices,
announcements, and questions to the curator with the frequent ones kept as an FAQ."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


class Practice(Base):
    """A case for the bank of best practices (seeds 001–004)."""

    __tablename__ = "practices"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    form_id: Mapped[int | None] = mapped_column(ForeignKey("catalogue_entries.id"))
    programme_id: Mapped[int | None] = mapped_column(
        ForeignKey("programmes.id", ondelete="SET NULL")
    )
    # A code of handlers/practice_common.TOPICS (the questions of seed 001 §5.3).
    topic: Mapped[str | None] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text)
    links: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Telegram file ids: [{"file_id": …, "name": …, "kind": "document" | "photo"}]
    files: Mapped[list[dict]] = mapped_column(JSON, default=list)
    # submitted → school (approved by the curator) → municipal (promoted by the coordinator);
    # or returned (with a reason) to the author.
    status: Mapped[str] = mapped_column(String(16), index=True)
    review_note: Mapped[str | None] = mapped_column(Text)
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None]
    promoted_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    promoted_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class Announcement(Base):
    """A message from a curator or coordinator to chosen roles in their scope; delivered
    through the outbox (kind "announcement", subject "a<id>"), which holds the counts."""

    __tablename__ = "announcements"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Drawn when the author starts writing; confirming twice finds the same row.
    key: Mapped[str] = mapped_column(String(32), unique=True)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    org_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    text: Mapped[str] = mapped_column(Text)
    recipients: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]


class Question(Base):
    """A mentor's or mentee's question to the curator of their school."""

    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    asker_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    school_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))  # open | answered
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class FaqEntry(Base):
    """A frequent question with its answer, kept by a coordinator for their municipality or
    region; everyone below reads them with /faq."""

    __tablename__ = "faq_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    question: Mapped[str] = mapped_column(String(500))
    answer: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
