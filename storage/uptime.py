"""When the bot was running: what a message's «sent late» rests on.

The leader's ticker beats every tick (`beat`, every 30 s by default). Beats closer together
than GAP extend one interval; a longer silence (the process stopped, crashed or lost the
database, or no instance led) ends it. A message is late only if the bot was down at the
moment it was due (`down_at`). A reminder planned after its hour (a coordinator moving a
campaign's opening to today at 14:00 owes everyone the 10:00 reminder of today), a message
waiting out the recipient's quiet hours, and the tail of a large fan-out paced at
Telegram's rate were all due while the bot ran, so none of them says it is late.

Several instances: only the leader beats (scheduler/leader.py), and a new leader taking
over within GAP continues the same interval. Two leaders for a moment may both beat; at
worst they write two overlapping intervals, which cover the same moments.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.uptime import UptimeInterval

# Silence longer than this between two beats means the bot was down in between. Ten ticks:
# a slow tick or a leader's hand-over is not an outage.
GAP = timedelta(minutes=5)
# Nothing older is asked about: a message expires two days after it was due.
KEEP = timedelta(days=14)


async def beat(session: AsyncSession, now: datetime) -> None:
    """The bot is running now: extend the current interval, or start one after a gap."""
    latest = await session.scalar(
        select(UptimeInterval).order_by(UptimeInterval.last_seen_at.desc()).limit(1)
    )
    if latest is not None and latest.started_at <= now <= latest.last_seen_at + GAP:
        latest.last_seen_at = max(latest.last_seen_at, now)
        return
    session.add(UptimeInterval(started_at=now, last_seen_at=now))


async def down_at(
    session: AsyncSession, moments: Collection[datetime], now: datetime
) -> set[datetime]:
    """Those of the moments (none after `now`) at which no interval shows the bot running.

    The interval beaten last within GAP of `now` reaches up to `now`: the caller is the
    running bot, so it has been up since that beat."""
    if not moments:
        return set()
    since = min(min(moments), now - GAP)
    rows = (
        await session.execute(
            select(UptimeInterval.started_at, UptimeInterval.last_seen_at).where(
                UptimeInterval.last_seen_at >= since
            )
        )
    ).all()
    spans = [(start, now if now - end <= GAP else end) for start, end in rows]
    return {m for m in moments if not any(start <= m <= end for start, end in spans)}


async def forget_before(session: AsyncSession, moment: datetime) -> int:
    result = await session.execute(
        delete(UptimeInterval).where(UptimeInterval.last_seen_at < moment)
    )
    return result.rowcount or 0
