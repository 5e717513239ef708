"""Engine and sessions: SQLite tuned for a busy bot, PostgreSQL as is.

SQLite runs in WAL mode with foreign keys and a busy timeout, and a write transaction
takes the write lock at BEGIN (BEGIN IMMEDIATE). Otherwise two handlers that both read
and then write deadlock on the lock upgrade and one fails with "database is locked"
without waiting for the busy timeout.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from storage.sqlite_driver import batched_aiosqlite

# Execution option naming a read-only unit of work: on SQLite it begins DEFERRED,
# so reports never queue behind writers' lock.
READ_ONLY = "mentorship_read_only"
SQLITE_BUSY_TIMEOUT_MS = 15_000

# The session of the update being handled, for code that cannot take it as a parameter
# (the FSM storage, the guard that commits before each call to Telegram).
current_session: ContextVar[AsyncSession | None] = ContextVar("current_session", default=None)


def has_pending_work(session: AsyncSession) -> bool:
    """Whether committing `session` would do anything.

    Usually the update's transaction was committed already before a call to Telegram, and
    an empty commit still costs a trip through SQLAlchemy. Adding or deleting an object
    begins a transaction; changing an object loaded earlier does not, hence `dirty`.
    """
    return (
        session.in_transaction()
        or bool(session.new)
        or bool(session.deleted)
        or bool(session.dirty)
    )


def is_sqlite_url(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def create_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    if not is_sqlite_url(url):
        return create_async_engine(url, echo=echo, pool_pre_ping=True)

    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(
        url,
        echo=echo,
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        # One trip to aiosqlite's thread per statement instead of three or four.
        module=batched_aiosqlite(SQLITE_BUSY_TIMEOUT_MS / 1000),
    )
    _tune_sqlite(engine)
    return engine


def _tune_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        # Hand transaction control to SQLAlchemy's "begin" event below.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(connection) -> None:  # type: ignore[no-untyped-def]
        read_only = connection.get_execution_options().get(READ_ONLY, False)
        connection.exec_driver_sql("BEGIN DEFERRED" if read_only else "BEGIN IMMEDIATE")


class Database:
    """The engine plus session factories; one per process."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.engine = create_engine(url, echo=echo)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self._read_sessions = async_sessionmaker(
            self.engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False
        )

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A write unit of work: committed on success, rolled back on error."""
        async with self.sessions() as session, session.begin():
            yield session

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncSession]:
        """A read-only unit of work that never takes SQLite's write lock."""
        async with self._read_sessions() as session, session.begin():
            yield session

    async def dispose(self) -> None:
        await self.engine.dispose()
