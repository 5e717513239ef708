"""aiogram FSM storage kept in the project's own database, so conversations survive restarts.

Inside an update the writes join that update's transaction (see bot.middlewares.database),
so a handler that fails leaves the conversation where it was, and the state commits
together with whatever the handler saved.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import (
    BaseStorage,
    DefaultKeyBuilder,
    KeyBuilder,
    StateType,
    StorageKey,
)
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock, SystemClock
from storage.db import Database, current_session
from storage.models import FsmState


class SqlStorage(BaseStorage):
    def __init__(
        self,
        database: Database,
        clock: Clock | None = None,
        key_builder: KeyBuilder | None = None,
    ) -> None:
        self.database = database
        self.clock = clock or SystemClock()
        self.key_builder = key_builder or DefaultKeyBuilder(with_destiny=True)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        await self._write(key, state=value)

    async def get_state(self, key: StorageKey) -> str | None:
        row = await self._read(key)
        return row.state if row else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await self._write(key, data=dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        row = await self._read(key)
        return dict(row.data) if row and row.data else {}

    async def close(self) -> None:
        """The database is owned and closed by the application, not by the storage."""

    async def _read(self, key: StorageKey) -> FsmState | None:
        session = current_session.get()
        if session is not None:
            return await session.get(FsmState, self.key_builder.build(key))
        async with self.database.reading() as session:
            return await session.get(FsmState, self.key_builder.build(key))

    async def _write(self, key: StorageKey, **values: Any) -> None:
        session = current_session.get()
        if session is not None:
            await self._upsert(session, self.key_builder.build(key), values)
            return
        async with self.database.transaction() as session:
            await self._upsert(session, self.key_builder.build(key), values)

    async def _upsert(self, session: AsyncSession, key: str, values: dict[str, Any]) -> None:
        row = await session.get(FsmState, key)
        if row is None:
            row = FsmState(key=key, state=None, data={}, updated_at=self.clock.now())
            session.add(row)
        for name, value in values.items():
            setattr(row, name, value)
        row.updated_at = self.clock.now()
        if row.state is None and not row.data:
            # An empty conversation is the same as none; keep the table small.
            if row in session.new:
                session.expunge(row)
            else:
                await session.delete(row)
        await session.flush()


async def purge_idle_states(session: AsyncSession, before: datetime) -> int:
    """Forget conversations nobody touched since `before` (abandoned half-way)."""
    result = await session.execute(delete(FsmState).where(FsmState.updated_at < before))
    return result.rowcount or 0
