"""Messages waiting in the outbox when their organisation's time zone changes.

A reminder is planned for a local hour (10:00 in the school's zone, scheduler/reminders.py),
so a reminder that waits keeps that local hour in the new zone: its due moment, expiry and
next attempt shift together. It never moves earlier than it already was due or than now, so
a reminder does not become "late" through the change alone. An announcement is owed from the
moment it was written, so it keeps its time. Both take the new zone's quiet hours. Messages
being sent or already sent are left alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.outbox import OutboxMessage
from storage.outbox.queue import PENDING

# Owed from the moment they were written, not at a local hour.
FIXED_MOMENT_KINDS = frozenset({"announcement"})

_TABLE = OutboxMessage.__table__
_MOVE = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("row_id"), _TABLE.c.state == PENDING)
    .values(
        due_at=bindparam("new_due"),
        expires_at=bindparam("new_expires"),
        next_attempt_at=bindparam("new_next"),
        timezone=bindparam("new_zone"),
    )
)


@dataclass(frozen=True)
class Rezoned:
    reminders: int  # moved to the same local hour in the new zone
    announcements: int  # kept their time; quiet hours now in the new zone


def _waiting(org_ids: frozenset[int] | set[int]):
    return (OutboxMessage.state == PENDING, OutboxMessage.org_id.in_(org_ids))


async def waiting_counts(session: AsyncSession, org_ids: frozenset[int]) -> tuple[int, int]:
    """(reminders, announcements) waiting in the outbox for these organisations."""
    if not org_ids:
        return 0, 0
    rows = await session.execute(
        select(OutboxMessage.kind, func.count())
        .where(*_waiting(org_ids))
        .group_by(OutboxMessage.kind)
    )
    reminders = announcements = 0
    for kind, number in rows.all():
        if kind in FIXED_MOMENT_KINDS:
            announcements += number
        else:
            reminders += number
    return reminders, announcements


def same_local_time(moment: datetime, old_zone: str, new_zone: str) -> datetime:
    """The moment showing the same wall-clock time in `new_zone` as `moment` does in `old_zone`."""
    local = moment.astimezone(ZoneInfo(old_zone)).replace(tzinfo=None)
    return local.replace(tzinfo=ZoneInfo(new_zone))


async def rezone_outbox(
    session: AsyncSession, org_ids: frozenset[int], new_zone: str, now: datetime
) -> Rezoned:
    if not org_ids:
        return Rezoned(0, 0)
    rows = (
        await session.execute(
            select(
                OutboxMessage.id,
                OutboxMessage.kind,
                OutboxMessage.timezone,
                OutboxMessage.due_at,
                OutboxMessage.expires_at,
                OutboxMessage.next_attempt_at,
            ).where(*_waiting(org_ids))
        )
    ).all()
    moves, reminders, announcements = [], 0, 0
    for row_id, kind, zone, due_at, expires_at, next_attempt_at in rows:
        if kind in FIXED_MOMENT_KINDS:
            shift = timedelta(0)
            announcements += 1
        else:
            # Never earlier than it was already due, nor in the past when it was not yet due.
            target = max(same_local_time(due_at, zone, new_zone), min(due_at, now))
            shift = target - due_at
            reminders += 1
        moves.append(
            {
                "row_id": row_id,
                "new_due": due_at + shift,
                "new_expires": expires_at + shift,
                "new_next": next_attempt_at + shift,
                "new_zone": new_zone,
            }
        )
    if moves:
        await session.execute(_MOVE, moves)
    return Rezoned(reminders, announcements)
