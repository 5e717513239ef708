"""Tables of the foundation: people, remembered updates and conversation state."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


class Person(Base):
    """Someone who has written to the bot; roles and register fields hang off this row."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    locale: Mapped[str | None] = mapped_column(String(8))
    # Filled at registration, after consent; cleared again by /forget.
    full_name: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime]
    erased_at: Mapped[datetime | None]
    # Set when Telegram says the person blocked the bot; nothing is sent to them until they
    # come back (a my_chat_member update clears it).
    blocked_at: Mapped[datetime | None]


class ProcessedUpdate(Base):
    """Update ids already handled, so a redelivered update is dropped (ids can jump)."""

    __tablename__ = "processed_updates"

    bot_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    processed_at: Mapped[datetime] = mapped_column(index=True)


class FsmState(Base):
    """Conversation state per aiogram storage key; survives restarts."""

    __tablename__ = "fsm_states"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    state: Mapped[str | None] = mapped_column(String(255))
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime]

    __table_args__ = (Index("ix_fsm_states_updated_at", "updated_at"),)


class Feedback(Base):
    """A message to the installation's administrators written with /feedback."""

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    topic: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
