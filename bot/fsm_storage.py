"""aiogram's FSM storage over the project's database (storage/conversations.py).

Inside an update the reads and writes join that update's transaction (see
bot.middlewares.database), so a handler that fails leaves the conversation where it was,
and the state commits together with whatever the handler saved.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import (
    BaseStorage,
    DefaultKeyBuilder,
    KeyBuilder,
    StateType,
    StorageKey,
)
from sqlalchemy.ext.asyncio import AsyncSession

from storage.clock import Clock, SystemClock
from storage.conversations import read_state, read_state_alone, remember_read, stage_write
from storage.db import Database, current_session


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

    def build_key(self, key: StorageKey) -> str:
        return self.key_builder.build(key)

    def prime(self, session: AsyncSession, key: str, state: str | None, data: Any) -> None:
        """Take a state read elsewhere in `session`'s transaction (see storage.people.actor)
        as this storage's own read of `key` (a built key), so it is not read again."""
        remember_read(session, key, state, data)

    async def _read(self, key: StorageKey) -> tuple[str | None, dict[str, Any]]:
        built = self.key_builder.build(key)
        session = current_session.get()
        if session is None:
            return await read_state_alone(self.database, built)
        return await read_state(session, built)

    async def _write(self, key: StorageKey, **values: Any) -> None:
        built = self.key_builder.build(key)
        session = current_session.get()
        if session is not None:
            await stage_write(session, built, values, self.clock.now())
            return
        async with self.database.transaction() as session:
            await stage_write(session, built, values, self.clock.now())
