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
from sqlalchemy import bindparam, delete, event, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from storage.clock import Clock, SystemClock
from storage.db import Database, current_session
from storage.models import FsmState

# Per-session cache of what was read or written, so state and data cost one query.
_CACHE = "fsm_rows"
_DIRTY = "fsm_dirty"
_EMPTY: tuple[str | None, dict[str, Any]] = (None, {})

# Built once with bound parameters, so each execution reuses SQLAlchemy's compiled form
# instead of building and hashing a new statement (this runs on every update).
_TABLE = FsmState.__table__
_SELECT = select(_TABLE.c.state, _TABLE.c.data).where(_TABLE.c.key == bindparam("key"))
_DELETE = delete(_TABLE).where(_TABLE.c.key == bindparam("key"))


def _upsert(dialect: Any) -> Any:
    statement = dialect.insert(_TABLE).values(
        key=bindparam("key"),
        state=bindparam("state"),
        data=bindparam("data", type_=_TABLE.c.data.type),
        updated_at=bindparam("updated_at"),
    )
    return statement.on_conflict_do_update(
        index_elements=[_TABLE.c.key],
        set_={
            "state": statement.excluded.state,
            "data": statement.excluded.data,
            "updated_at": statement.excluded.updated_at,
        },
    )


_UPSERT = {"sqlite": _upsert(sqlite), "postgresql": _upsert(postgresql)}


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
        """Take a state read elsewhere in `session`'s transaction (see storage.people.actor) as this
        storage's own read of `key` (a built key), so it is not read again."""
        session.info.setdefault(_CACHE, {})[key] = (state, dict(data or {}))

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
        cache[key] = (values.get("state", state), values.get("data", data))
        # Written once, when the update's transaction commits: a step usually sets both
        # state and data, and /cancel clears both, which would otherwise be two statements.
        dirty = session.info.setdefault(_DIRTY, {})
        dirty[key] = self.clock.now()
        _flush_on_commit(session)


async def write_pending(session: AsyncSession) -> None:
    """Write the conversation state changed in this session now (within its transaction).

    Called before anything leaves for Telegram and before the update releases the
    person's lock, so the next update of the same person always reads what this one set.
    """
    if session.info.get(_DIRTY):
        await session.run_sync(_write_dirty)


def _flush_on_commit(session: AsyncSession) -> None:
    sync_session = session.sync_session
    if not event.contains(sync_session, "before_commit", _write_dirty):
        event.listen(sync_session, "before_commit", _write_dirty)


def _write_dirty(sync_session: Session) -> None:
    """Runs inside the commit (sync, in SQLAlchemy's greenlet), so it joins the transaction."""
    dirty = sync_session.info.pop(_DIRTY, {})
    cache = sync_session.info.get(_CACHE, {})
    upsert = _UPSERT[sync_session.bind.dialect.name]
    for key, updated_at in dirty.items():
        state, data = cache[key]
        if state is None and not data:
            # An empty conversation is the same as none; keep the table small.
            sync_session.execute(_DELETE, {"key": key})
            continue
        row = {"key": key, "state": state, "data": data, "updated_at": updated_at}
        sync_session.execute(upsert, row)


async def _select(session: AsyncSession, key: str) -> tuple[str | None, dict[str, Any]]:
    found = (await session.execute(_SELECT, {"key": key})).first()
    return (found[0], dict(found[1] or {})) if found else _EMPTY


async def purge_idle_states(session: AsyncSession, before: datetime) -> int:
    """Forget conversations nobody touched since `before` (abandoned half-way)."""
    result = await session.execute(delete(FsmState).where(FsmState.updated_at < before))
    return result.rowcount or 0
