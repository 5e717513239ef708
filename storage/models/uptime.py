"""When the bot was running, as the leader's heartbeat recorded it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


class UptimeInterval(Base):
    """A stretch of time during which the leader's ticker beat without a long gap.

    One row per stretch, not per beat: a beat extends the latest row, and a beat after a gap
    longer than storage.uptime.GAP starts a new one. Overlapping rows (two leaders for a
    moment) are harmless: what counts is whether any row covers a moment.
    """

    __tablename__ = "uptime"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime]
    last_seen_at: Mapped[datetime] = mapped_column(index=True)
