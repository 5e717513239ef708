"""Conversation state kept in the project's own database, so conversations survive restarts
(bot/fsm_storage.py is the aiogram storage on top of this).

Inside an update the reads and writes join that update's transaction (see
bot.middlewares.database), so a handler that fails leaves the conversation where it was,
and the state commits together with whatever the handler saved. Core statements, not
ORM objects: this runs several times on every update.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, event, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from storage.db import Database
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


def remember_read(session: AsyncSession, key: str, state: str | None, data: Any) -> None:
    """Take a state read elsewhere in `session`'s transaction (see storage.people.actor) as
    the conversation's own read of `key` (a built key), so it is not read again."""
    session.info.setdefault(_CACHE, {})[key] = (state, dict(data or {}))


async def read_state(session: AsyncSession, key: str) -> tuple[str | None, dict[str, Any]]:
    """The conversation's state and data, read once per transaction."""
    cache = session.info.setdefault(_CACHE, {})
    if key not in cache:
        cache[key] = await _select(session, key)
    return cache[key]


async def read_state_alone(database: Database, key: str) -> tuple[str | None, dict[str, Any]]:
    """Outside an update's transaction: a short read of its own."""
    async with database.reading() as session:
        return await _select(session, key)


async def stage_write(
    session: AsyncSession, key: str, values: dict[str, Any], now: datetime
) -> None:
    """Change the state or data of `key` in this transaction; written when it commits."""
    state, data = await read_state(session, key)
    session.info[_CACHE][key] = (values.get("state", state), values.get("data", data))
    # Written once, when the update's transaction commits: a step usually sets both
    # state and data, and /cancel clears both, which would otherwise be two statements.
    session.info.setdefault(_DIRTY, {})[key] = now
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
