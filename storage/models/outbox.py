"""The durable outbox: every reminder and announcement is a row before it is a message."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


class OutboxMessage(Base):
    """One message owed to one person, rendered in their language when it is sent.

    `dedupe_key` (kind, subject, recipient) is unique, so whatever enqueues a reminder twice
    (a tick repeated after a crash, two instances) still owes it once.
    """

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(160), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(96))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    # The organisation the message is about, so a coordinator sees their own scope's queue.
    org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL"), index=True
    )
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    # pending → sending → sent | failed | blocked | expired (and back to pending on a retry)
    state: Mapped[str] = mapped_column(String(16))
    due_at: Mapped[datetime]
    # Past this moment the message is no longer worth sending (e.g. two days after it was due).
    expires_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime]
    # The recipient's local quiet hours: nothing is sent from quiet_from to quiet_until o'clock.
    timezone: Mapped[str] = mapped_column(String(64))
    quiet_from: Mapped[int] = mapped_column(Integer, default=21)
    quiet_until: Mapped[int] = mapped_column(Integer, default=9)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    chat_message_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]

    __table_args__ = (
        Index("ix_outbox_state_next_attempt_at", "state", "next_attempt_at"),
        Index("ix_outbox_kind_subject", "kind", "subject"),
    )
