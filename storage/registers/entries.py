"""Pending people of a school (imported, not joined yet) as its curators see and keep them:
the list, a card, deletion, the personal links, reminders, and erasure after expiry."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.core import Person
from storage.models.registers import RegisterEntry, RegisterPair, RegisterPairMember

NOTICE_BEFORE = timedelta(days=7)  # curators are told this long before an erasure

PENDING = RegisterEntry.person_id.is_(None)


@dataclass(frozen=True)
class PendingCounts:
    total: int
    opened: int  # opened the link, did not finish: a reminder reaches them
    expired: int


async def pending_counts(session: AsyncSession, school_id: int, now: datetime) -> PendingCounts:
    total, opened, expired = (
        await session.execute(
            select(
                func.count(),
                func.count(RegisterEntry.opened_by),
                func.sum(case((RegisterEntry.expires_at <= now, 1), else_=0)),
            ).where(RegisterEntry.school_id == school_id, PENDING)
        )
    ).one()
    return PendingCounts(total or 0, opened or 0, int(expired or 0))


async def pending_page(
    session: AsyncSession, school_id: int, page: int, size: int
) -> list[RegisterEntry]:
    rows = await session.scalars(
        select(RegisterEntry)
        .where(RegisterEntry.school_id == school_id, PENDING)
        .order_by(RegisterEntry.role, RegisterEntry.name_key, RegisterEntry.id)
        .offset(page * size)
        .limit(size)
    )
    return list(rows.all())


async def pending_entry(
    session: AsyncSession, entry_id: int, school_ids: set[int]
) -> RegisterEntry | None:
    """The pending entry if it belongs to one of `school_ids`: callback data is checked here."""
    entry = await session.get(RegisterEntry, entry_id)
    if entry is None or entry.school_id not in school_ids or entry.person_id is not None:
        return None
    return entry


async def valid_invitations(
    session: AsyncSession, school_id: int, now: datetime
) -> list[RegisterEntry]:
    """Pending entries whose link works, for the invitations list and the cards."""
    rows = await session.scalars(
        select(RegisterEntry)
        .where(RegisterEntry.school_id == school_id, PENDING, RegisterEntry.expires_at > now)
        .order_by(RegisterEntry.role, RegisterEntry.name_key, RegisterEntry.id)
    )
    return list(rows.all())


async def by_code(session: AsyncSession, code: str) -> RegisterEntry | None:
    return await session.scalar(select(RegisterEntry).where(RegisterEntry.code == code))


async def mark_opened(session: AsyncSession, entry_id: int, person_id: int) -> None:
    await session.execute(
        update(RegisterEntry)
        .where(RegisterEntry.id == entry_id, PENDING)
        .values(opened_by=person_id)
    )


async def delete_pending(session: AsyncSession, entry_id: int, school_id: int) -> bool:
    """Delete a pending entry and the pairs planned with it that were not formed."""
    pairs = select(RegisterPairMember.pair_id).where(RegisterPairMember.entry_id == entry_id)
    await session.execute(
        delete(RegisterPair).where(RegisterPair.id.in_(pairs), RegisterPair.programme_id.is_(None))
    )
    result = await session.execute(
        delete(RegisterEntry).where(
            RegisterEntry.id == entry_id, RegisterEntry.school_id == school_id, PENDING
        )
    )
    return bool(result.rowcount)


async def reminder_targets(
    session: AsyncSession, school_id: int, now: datetime
) -> list[tuple[RegisterEntry, int]]:
    """(entry, person id) of those who opened their link, did not finish, and can be
    written to: the link still works and they have not blocked the bot."""
    rows = await session.execute(
        select(RegisterEntry, Person.id)
        .join(Person, Person.id == RegisterEntry.opened_by)
        .where(
            RegisterEntry.school_id == school_id,
            PENDING,
            RegisterEntry.expires_at > now,
            Person.blocked_at.is_(None),
            Person.erased_at.is_(None),
            Person.telegram_id > 0,
        )
        .order_by(RegisterEntry.name_key)
    )
    return [(entry, person_id) for entry, person_id in rows.all()]


async def erase_expired(session: AsyncSession, now: datetime, retention: timedelta) -> int:
    """Erase entries whose invitation expired unused `retention` ago, with their unformed
    pairs."""
    ids = list(
        (
            await session.scalars(
                select(RegisterEntry.id).where(PENDING, RegisterEntry.expires_at <= now - retention)
            )
        ).all()
    )
    if not ids:
        return 0
    pairs = select(RegisterPairMember.pair_id).where(RegisterPairMember.entry_id.in_(ids))
    await session.execute(
        delete(RegisterPair).where(RegisterPair.id.in_(pairs), RegisterPair.programme_id.is_(None))
    )
    await session.execute(delete(RegisterEntry).where(RegisterEntry.id.in_(ids)))
    return len(ids)


@dataclass(frozen=True)
class ErasureSoon:
    school_id: int
    day: date  # the UTC day the entries go
    names: list[str]


async def erasure_soon(
    session: AsyncSession, now: datetime, retention: timedelta
) -> list[ErasureSoon]:
    """Pending entries to be erased within NOTICE_BEFORE, grouped by school and day."""
    rows = await session.execute(
        select(RegisterEntry.school_id, RegisterEntry.expires_at, RegisterEntry.full_name)
        .where(
            PENDING,
            and_(
                RegisterEntry.expires_at > now - retention,
                RegisterEntry.expires_at <= now - retention + NOTICE_BEFORE,
            ),
        )
        .order_by(RegisterEntry.school_id, RegisterEntry.name_key)
    )
    grouped: dict[tuple[int, date], list[str]] = defaultdict(list)
    for school_id, expires_at, name in rows.all():
        grouped[(school_id, (expires_at + retention).date())].append(name)
    return [ErasureSoon(s, d, names) for (s, d), names in sorted(grouped.items())]
