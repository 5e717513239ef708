"""Remembering handled update ids, so that Telegram's redeliveries are dropped."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ProcessedUpdate
from storage.upsert import insert_ignoring_conflict


async def claim_update(session: AsyncSession, bot_id: int, update_id: int, now: datetime) -> bool:
    """Mark the update as handled within the caller's transaction.

    False means it was handled before. Because the mark commits together with the
    handler's own writes, an update whose handler failed is not marked and may be retried.
    """
    return await insert_ignoring_conflict(
        session, ProcessedUpdate, bot_id=bot_id, update_id=update_id, processed_at=now
    )


async def forget_updates_before(session: AsyncSession, moment: datetime) -> int:
    result = await session.execute(
        delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < moment)
    )
    return result.rowcount or 0
