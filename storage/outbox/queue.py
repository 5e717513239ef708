"""The outbox's bookkeeping: enqueue once, find what is due, record each attempt's outcome.

The delivery loop (scheduler/outbox_sender.py) calls these in short transactions of its
own, never across a call to Telegram: mark a row as being sent, commit, send, record the
outcome. A crash between the two leaves the row "sending"; on the next start those few
are sent again (at most the requests in flight can repeat, nothing is lost).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.core import Person
from storage.models.outbox import OutboxMessage
from storage.upsert import insert_ignoring_conflict
from storage.uptime import down_at

PENDING, SENDING, SENT = "pending", "sending", "sent"
FAILED, BLOCKED, EXPIRED = "failed", "blocked", "expired"
STATES = (PENDING, SENDING, SENT, FAILED, BLOCKED, EXPIRED)

# A message is "late" (and says so) when it leaves this long after it was due and the bot
# was down at the moment it was due (storage/uptime.py): a message planned after its hour,
# held by quiet hours or paced behind a large fan-out is not late.
LATE_AFTER = timedelta(hours=1)
# Past this a reminder is no longer worth sending: it expires instead.
DEFAULT_CUTOFF = timedelta(days=2)
# Retries of server errors and timeouts before the row is given up as failed.
MAX_ATTEMPTS = 8
RETRY_BASE_SECONDS, MAX_BACKOFF_SECONDS = 5, 600
# Local hours: never before 09:00 or from 21:00 (students: from 20:00).
QUIET_UNTIL, QUIET_FROM, QUIET_FROM_STUDENTS = 9, 21, 20
DEFAULT_HOUR = 10


def local_moment(day: date, zone: str, hour: int = DEFAULT_HOUR) -> datetime:
    """`hour` o'clock on `day` in `zone`, as an aware datetime (stored as UTC)."""
    return datetime.combine(day, time(hour), tzinfo=ZoneInfo(zone))


def next_allowed(moment: datetime, zone: str, quiet_from: int, quiet_until: int) -> datetime:
    """`moment` itself outside the quiet hours, else the end of the quiet hours it falls in."""
    local = moment.astimezone(ZoneInfo(zone))
    if quiet_until <= local.hour < quiet_from:
        return moment
    day = local.date() if local.hour < quiet_until else local.date() + timedelta(days=1)
    return local_moment(day, zone, quiet_until)


async def enqueue(
    session: AsyncSession,
    *,
    kind: str,
    subject: str,
    person_id: int,
    due_at: datetime,
    timezone: str,
    now: datetime,
    org_id: int | None = None,
    params: dict[str, Any] | None = None,
    student: bool = False,
    cutoff: timedelta = DEFAULT_CUTOFF,
) -> bool:
    """Owe the person one message of this kind about this subject; False if already owed."""
    return await insert_ignoring_conflict(
        session,
        OutboxMessage,
        dedupe_key=f"{kind}:{subject}:{person_id}",
        kind=kind,
        subject=subject,
        person_id=person_id,
        org_id=org_id,
        params=params or {},
        state=PENDING,
        due_at=due_at,
        expires_at=due_at + cutoff,
        next_attempt_at=due_at,
        timezone=timezone,
        quiet_from=QUIET_FROM_STUDENTS if student else QUIET_FROM,
        quiet_until=QUIET_UNTIL,
        attempts=0,
        created_at=now,
    )


@dataclass(frozen=True)
class Item:
    id: int
    kind: str
    subject: str
    params: dict[str, Any]
    due_at: datetime
    late: bool = False  # due while the bot was down, and leaving over LATE_AFTER after


@dataclass
class Delivery:
    """Everything due to one person now: it goes as one message."""

    person_id: int
    chat_id: int
    locale: str | None
    items: list[Item] = field(default_factory=list)

    @property
    def ids(self) -> list[int]:
        return [item.id for item in self.items]

    @property
    def late(self) -> bool:
        return any(item.late for item in self.items)


async def due_deliveries(session: AsyncSession, now: datetime, limit: int = 100) -> list[Delivery]:
    """What can go now, grouped by person; expired, unreachable and quiet rows are dealt with
    on the way (expired or blocked, or moved to the end of the person's quiet hours). Each
    item knows whether it is late: long past due, and due while the bot was down."""
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.state == PENDING, OutboxMessage.expires_at < now)
        .values(state=EXPIRED, last_error="expired: not sent before its cutoff")
    )
    rows = (
        await session.execute(
            select(OutboxMessage, Person.telegram_id, Person.locale, Person.blocked_at)
            .join(Person, Person.id == OutboxMessage.person_id)
            .where(OutboxMessage.state == PENDING, OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(limit)
        )
    ).all()
    overdue = {row.due_at for row, *_rest in rows if now - row.due_at > LATE_AFTER}
    missed = await down_at(session, overdue, now)
    deliveries: dict[int, Delivery] = {}
    for row, chat_id, locale, blocked_at in rows:
        if blocked_at is not None:
            row.state, row.last_error = BLOCKED, "the person has blocked the bot"
            continue
        allowed = next_allowed(now, row.timezone, row.quiet_from, row.quiet_until)
        if allowed > now:
            row.next_attempt_at = allowed
            continue
        delivery = deliveries.setdefault(row.person_id, Delivery(row.person_id, chat_id, locale))
        delivery.items.append(
            Item(row.id, row.kind, row.subject, dict(row.params), row.due_at, row.due_at in missed)
        )
    await session.flush()
    return list(deliveries.values())


async def mark_sending(session: AsyncSession, ids: list[int]) -> bool:
    """Claim the rows right before the HTTP call; False if another sender took them first."""
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), OutboxMessage.state == PENDING)
        .values(state=SENDING, attempts=OutboxMessage.attempts + 1)
    )
    return result.rowcount == len(ids)


async def mark_sent(session: AsyncSession, ids: list[int], now: datetime, message_id: int) -> None:
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids))
        .values(state=SENT, sent_at=now, chat_message_id=message_id, last_error=None)
    )


async def mark_retry(
    session: AsyncSession, ids: list[int], now: datetime, error: str, after: float | None = None
) -> None:
    """Back to pending. With `after` (Telegram's retry_after on a 429) the attempt does not
    count and the rows wait exactly that long; otherwise the wait doubles with each attempt
    and a row that used up its attempts fails."""
    rows = await session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids)))
    for row in rows:
        if after is not None:
            row.attempts = max(row.attempts - 1, 0)
            delay = after
        elif row.attempts >= MAX_ATTEMPTS:
            row.state, row.last_error = FAILED, f"gave up after {row.attempts} attempts: {error}"
            continue
        else:
            delay = min(RETRY_BASE_SECONDS * 2 ** max(row.attempts - 1, 0), MAX_BACKOFF_SECONDS)
        row.state, row.last_error = PENDING, error[:500]
        row.next_attempt_at = now + timedelta(seconds=delay)


async def mark_failed(session: AsyncSession, ids: list[int], error: str) -> None:
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids))
        .values(state=FAILED, last_error=error[:500])
    )


async def mark_blocked(session: AsyncSession, person_id: int, now: datetime) -> None:
    """The person blocked the bot: remember it and stop everything owed to them."""
    await session.execute(
        update(Person)
        .where(Person.id == person_id, Person.blocked_at.is_(None))
        .values(blocked_at=now)
    )
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.person_id == person_id, OutboxMessage.state.in_([PENDING, SENDING]))
        .values(state=BLOCKED, last_error="the person has blocked the bot")
    )


async def mark_unblocked(session: AsyncSession, person_id: int) -> None:
    await session.execute(update(Person).where(Person.id == person_id).values(blocked_at=None))


async def release_in_flight(session: AsyncSession) -> int:
    """At start-up: rows left "sending" by a crash go again (they may or may not have left)."""
    result = await session.execute(
        update(OutboxMessage).where(OutboxMessage.state == SENDING).values(state=PENDING)
    )
    return result.rowcount or 0


async def next_due_at(session: AsyncSession) -> datetime | None:
    return await session.scalar(
        select(func.min(OutboxMessage.next_attempt_at)).where(OutboxMessage.state == PENDING)
    )


@dataclass(frozen=True)
class QueueView:
    counts: Counter[str]
    due_now: int
    failures: list[tuple[str, str, int]]  # (kind, reason, how many)


async def queue_view(session: AsyncSession, now: datetime, org_ids: set[int] | None) -> QueueView:
    """Counts by state, what is due now, and failures grouped by reason, for one scope
    (None: the whole installation)."""
    scope = [] if org_ids is None else [OutboxMessage.org_id.in_(org_ids)]
    counts: Counter[str] = Counter()
    for state, number in await session.execute(
        select(OutboxMessage.state, func.count()).where(*scope).group_by(OutboxMessage.state)
    ):
        counts[state] = number
    due_now = await session.scalar(
        select(func.count()).where(
            *scope, OutboxMessage.state == PENDING, OutboxMessage.next_attempt_at <= now
        )
    )
    failures = [
        (kind, reason or "", number)
        for kind, reason, number in await session.execute(
            select(OutboxMessage.kind, OutboxMessage.last_error, func.count())
            .where(*scope, OutboxMessage.state == FAILED)
            .group_by(OutboxMessage.kind, OutboxMessage.last_error)
            .order_by(func.count().desc())
            .limit(10)
        )
    ]
    return QueueView(counts, due_now or 0, failures)
