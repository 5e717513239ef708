"""Frequent questions with answers, kept by coordinators for a municipality or a region
and read by everyone below (seed 002 plans such a list of answers for mentors)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.community import FaqEntry
from storage.models.orgs import Organization

QUESTION_LENGTH = (5, 500)
ANSWER_LENGTH = (2, 3000)


async def ancestors(session: AsyncSession, org_ids: set[int]) -> set[int]:
    """The organisations themselves and everything above them."""
    found: set[int] = set()
    current = set(org_ids)
    while current:
        found |= current
        rows = await session.scalars(
            select(Organization.parent_id).where(
                Organization.id.in_(current), Organization.parent_id.is_not(None)
            )
        )
        current = set(rows.all()) - found
    return found


async def entries(session: AsyncSession, org_ids: set[int]) -> list[FaqEntry]:
    """Entries of these organisations: the lower level first (a municipality's own answers
    before the region's), each in its order."""
    if not org_ids:
        return []
    levels = dict(
        (
            await session.execute(
                select(Organization.id, Organization.level).where(Organization.id.in_(org_ids))
            )
        ).all()
    )
    rows = await session.scalars(
        select(FaqEntry)
        .where(FaqEntry.org_id.in_(org_ids))
        .order_by(FaqEntry.org_id, FaqEntry.position, FaqEntry.id)
    )
    order = {"school": 0, "municipality": 1, "region": 2}
    return sorted(rows.all(), key=lambda e: (order.get(levels.get(e.org_id, ""), 3), e.org_id))


async def add(
    session: AsyncSession, org_id: int, question: str, answer: str, by: int, now: datetime
) -> FaqEntry:
    last = await session.scalar(
        select(func.max(FaqEntry.position)).where(FaqEntry.org_id == org_id)
    )
    entry = FaqEntry(
        org_id=org_id,
        question=question,
        answer=answer,
        position=(last or 0) + 1,
        created_by=by,
        created_at=now,
        updated_at=now,
    )
    session.add(entry)
    await session.flush()
    return entry


async def change(
    session: AsyncSession,
    entry: FaqEntry,
    now: datetime,
    *,
    question: str | None = None,
    answer: str | None = None,
) -> None:
    if question is not None:
        entry.question = question
    if answer is not None:
        entry.answer = answer
    entry.updated_at = now
    await session.flush()


async def remove(session: AsyncSession, entry_id: int) -> None:
    await session.execute(delete(FaqEntry).where(FaqEntry.id == entry_id))


async def move(session: AsyncSession, entry: FaqEntry, step: int, now: datetime) -> bool:
    """Swap the entry with its neighbour above (step −1) or below (+1); False at an end."""
    siblings = list(
        (
            await session.scalars(
                select(FaqEntry)
                .where(FaqEntry.org_id == entry.org_id)
                .order_by(FaqEntry.position, FaqEntry.id)
            )
        ).all()
    )
    index = next(i for i, e in enumerate(siblings) if e.id == entry.id)
    other = index + step
    if not 0 <= other < len(siblings):
        return False
    siblings[index], siblings[other] = siblings[other], siblings[index]
    # Renumbered 1…n, so equal positions left by concurrent additions are sorted out too.
    for position, sibling in enumerate(siblings, 1):
        sibling.position = position
    entry.updated_at = now
    await session.flush()
    return True
