"""Remembering handled update ids, so that Telegram's redeliveries are dropped."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ProcessedUpdate

_TABLE = ProcessedUpdate.__table__


def _claim(dialect: Any) -> Any:
    # Built once with bound parameters: this runs on every update, and a prepared statement
    # is reused from SQLAlchemy's compiled cache instead of being built and hashed anew.
    return (
        dialect.insert(_TABLE)
        .values(
            bot_id=bindparam("bot_id"),
            update_id=bindparam("update_id"),
            processed_at=bindparam("processed_at"),
        )
        .on_conflict_do_nothing()
    )


_CLAIM = {"sqlite": _claim(sqlite), "postgresql": _claim(postgresql)}


async def claim_update(session: AsyncSession, bot_id: int, update_id: int, now: datetime) -> bool:
    """Mark the update as handled within the caller's transaction.

    False means it was handled before. Because the mark commits together with the
    handler's own writes, an update whose handler failed is not marked and may be retried.
    """
    statement = _CLAIM[session.bind.dialect.name]
    params = {"bot_id": bot_id, "update_id": update_id, "processed_at": now}
    result = await session.execute(statement, params)
    return bool(result.rowcount)


async def forget_updates_before(session: AsyncSession, moment: datetime) -> int:
    result = await session.execute(
        delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < moment)
    )
    return result.rowcount or 0
