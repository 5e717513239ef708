"""aiogram FSM storage kept in the project's own database, so conversations survive restarts.

Inside an update the reads and writes join that update's transaction (see
bot.middlewares.database), so a handler that fails leaves the conversation where it was,
and the state commits together with whatever the handler saved. Core statements, not
ORM objects: this runs several times on every update.
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
from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock, SystemClock
from storage.db import Database, current_session
from storage.models import FsmState

# Per-session cache of what was read or written, so state and data cost one query.
_CACHE = "fsm_rows"
_EMPTY: tuple[str | None, dict[str, Any]] = (None, {})


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
        return (await self._read(key))[0]

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await self._write(key, data=dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        return dict((await self._read(key))[1])

    async def close(self) -> None:
        """The database is owned and closed by the application, not by the storage."""

    async def _read(self, key: StorageKey) -> tuple[str | None, dict[str, Any]]:
        built = self.key_builder.build(key)
        session = current_session.get()
        if session is None:
            async with self.database.reading() as session:
                return await _select(session, built)
        cache = session.info.setdefault(_CACHE, {})
        if built not in cache:
            cache[built] = await _select(session, built)
        return cache[built]

    async def _write(self, key: StorageKey, **values: Any) -> None:
        built = self.key_builder.build(key)
        session = current_session.get()
        if session is not None:
            await self._store(session, built, values)
            return
        async with self.database.transaction() as session:
            await self._store(session, built, values)

    async def _store(self, session: AsyncSession, key: str, values: dict[str, Any]) -> None:
        cache = session.info.setdefault(_CACHE, {})
        if key not in cache:
            cache[key] = await _select(session, key)
        state, data = cache[key]
        state = values.get("state", state)
        data = values.get("data", data)
        cache[key] = (state, data)
        if state is None and not data:
            # An empty conversation is the same as none; keep the table small.
            await session.execute(delete(FsmState).where(FsmState.key == key))
            return
        dialect = sqlite if session.bind.dialect.name == "sqlite" else postgresql
        row = {"key": key, "state": state, "data": data, "updated_at": self.clock.now()}
        statement = dialect.insert(FsmState).values(**row)
        statement = statement.on_conflict_do_update(
            index_elements=[FsmState.key],
            set_={"state": state, "data": data, "updated_at": row["updated_at"]},
        )
        await session.execute(statement)


async def _select(session: AsyncSession, key: str) -> tuple[str | None, dict[str, Any]]:
    found = (
        await session.execute(select(FsmState.state, FsmState.data).where(FsmState.key == key))
    ).first()
    return (found[0], dict(found[1] or {})) if found else _EMPTY


async def purge_idle_states(session: AsyncSession, before: datetime) -> int:
    """Forget conversations nobody touched since `before` (abandoned half-way)."""
    result = await session.execute(delete(FsmState).where(FsmState.updated_at < before))
    return result.rowcount or 0
