"""The SQLite adaptation that runs each statement in one trip to aiosqlite's thread.

It must behave like SQLAlchemy's own: rows, rowcounts and errors as before, write
transactions holding SQLite's lock from their first statement (BEGIN IMMEDIATE), read-only
units not taking it, and a rollback undoing everything since BEGIN.
"""

from __future__ import annotations

import asyncio
import sqlite3

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError

from storage.db import READ_ONLY, SQLITE_BUSY_TIMEOUT_MS, Database
from storage.sqlite_driver import BatchedConnection


@pytest.fixture
async def database(tmp_path):
    database = Database(f"sqlite+aiosqlite:///{tmp_path}/driver.sqlite3")
    async with database.transaction() as session:
        await session.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)"))
    yield database
    await database.dispose()


def try_write_lock(database: Database) -> bool:
    """Whether another connection can take the write lock right now (no waiting)."""
    other = sqlite3.connect(database.engine.url.database, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError as error:
        assert "locked" in str(error)
        return False
    finally:
        other.close()


async def test_the_engine_uses_the_batched_adaptation(database):
    async with database.engine.connect() as connection:
        raw = await connection.get_raw_connection()
        assert isinstance(raw.dbapi_connection, BatchedConnection)


async def test_rows_rowcounts_and_ids_come_back(database):
    async with database.transaction() as session:
        inserted = await session.execute(text("INSERT INTO t (name) VALUES ('a'), ('b')"))
        assert inserted.rowcount == 2
        result = await session.execute(text("INSERT INTO t (name) VALUES (:n)"), {"n": "c"})
        assert result.lastrowid == 3
        await session.execute(text("INSERT INTO t (name) VALUES (:n)"), [{"n": "d"}, {"n": "e"}])
    async with database.reading() as session:
        rows = (await session.execute(text("SELECT id, name FROM t ORDER BY id"))).all()
        assert [tuple(r) for r in rows] == [(1, "a"), (2, "b"), (3, "c"), (4, "d"), (5, "e")]
        assert await session.scalar(text("SELECT name FROM t WHERE id = 9")) is None
        streamed = await session.stream(text("SELECT name FROM t ORDER BY id"))
        assert [row[0] async for row in streamed] == ["a", "b", "c", "d", "e"]


async def test_a_write_transaction_holds_the_lock_from_its_first_statement(database):
    async with database.transaction() as session:
        assert try_write_lock(database), "nothing ran yet, so nothing is locked"
        await session.execute(text("SELECT count(*) FROM t"))
        assert not try_write_lock(database), "BEGIN IMMEDIATE went with the first statement"
    assert try_write_lock(database), "the commit released it"


async def test_a_read_only_unit_does_not_take_the_lock(database):
    async with database.reading() as session:
        await session.execute(text("SELECT count(*) FROM t"))
        assert try_write_lock(database)


async def test_a_rollback_undoes_the_transaction_and_errors_keep_their_type(database):
    with pytest.raises(IntegrityError):
        async with database.transaction() as session:
            await session.execute(text("INSERT INTO t (id, name) VALUES (1, 'kept?')"))
            await session.execute(text("INSERT INTO t (id, name) VALUES (1, 'twice')"))
    async with database.reading() as session:
        assert await session.scalar(text("SELECT count(*) FROM t")) == 0
    assert try_write_lock(database)


async def test_a_failed_begin_leaves_the_connection_usable(database):
    blocker = sqlite3.connect(database.engine.url.database, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    async with database.engine.connect() as connection:
        # Not the whole busy timeout of 15 s: the same BEGIN, failing sooner.
        await connection.execution_options(**{READ_ONLY: True})
        await connection.exec_driver_sql("PRAGMA busy_timeout = 50")
        await connection.commit()
        await connection.execution_options(**{READ_ONLY: False})
        with pytest.raises(OperationalError, match="locked"):
            await connection.execute(text("INSERT INTO t (name) VALUES ('x')"))
        await connection.rollback()
        blocker.execute("ROLLBACK")
        await connection.execute(text("INSERT INTO t (name) VALUES ('y')"))
        await connection.commit()
        await connection.execution_options(**{READ_ONLY: True})
        await connection.exec_driver_sql(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        await connection.commit()
    blocker.close()
    async with database.reading() as session:
        assert await session.scalar(text("SELECT group_concat(name) FROM t")) == "y"


async def test_writers_wait_for_each_other_on_the_event_loop(database):
    """Twelve handlers writing at once, each holding the lock across an await as a handler
    does: they queue for the engine's lock on the event loop (not in SQLite's sleeping
    busy handler) and every read-modify-write sees the one before it."""
    writers = database.engine.dialect.dbapi.writers
    finished: list[int] = []

    async def write(n: int) -> None:
        async with database.transaction() as session:
            count = await session.scalar(text("SELECT count(*) FROM t"))
            await asyncio.sleep(0.02)
            await session.execute(
                text("INSERT INTO t (id, name) VALUES (:id, :name)"), {"id": count + 1, "name": n}
            )
        finished.append(n)

    await asyncio.gather(*(write(n) for n in range(12)))
    # Most arrive while another holds the lock (all but the first, unless opening their
    # connection took longer than the writers before them).
    assert writers.waits >= 6
    async with database.reading() as session:
        names = (await session.execute(text("SELECT name FROM t ORDER BY id"))).scalars().all()
    assert names == [str(n) for n in finished]
    assert try_write_lock(database), "the last commit handed the lock back"


async def test_a_writer_waiting_for_itself_fails_like_sqlite_instead_of_hanging(database):
    writers = database.engine.dialect.dbapi.writers
    writers.timeout = 0.05
    async with database.transaction() as outer:
        await outer.execute(text("INSERT INTO t (name) VALUES ('outer')"))
        with pytest.raises(OperationalError, match="database is locked"):
            async with database.transaction() as inner:
                await inner.execute(text("INSERT INTO t (name) VALUES ('inner')"))
    async with database.transaction() as session:
        await session.execute(text("INSERT INTO t (name) VALUES ('after')"))
    async with database.reading() as session:
        assert await session.scalar(text("SELECT group_concat(name) FROM t")) == "outer,after"


async def test_a_writer_cancelled_mid_transaction_hands_the_lock_on(database):
    """A handler cancelled while it writes (a shutdown's deadline, a timeout) must not keep
    every later writer waiting."""
    writers = database.engine.dialect.dbapi.writers
    writers.timeout = 2
    holding = asyncio.Event()

    async def stuck() -> None:
        async with database.transaction() as session:
            await session.execute(text("INSERT INTO t (name) VALUES ('cancelled')"))
            holding.set()
            # Cancelled inside a statement: SQLAlchemy invalidates the connection.
            slow = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
            await session.execute(text(slow + "SELECT count(*) FROM (SELECT i FROM n LIMIT 4e6)"))

    task = asyncio.create_task(stuck())
    await holding.wait()
    await asyncio.sleep(0.1)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    async with database.transaction() as session:
        await session.execute(text("INSERT INTO t (name) VALUES ('next')"))
    async with database.reading() as session:
        assert await session.scalar(text("SELECT group_concat(name) FROM t")) == "next"
    assert try_write_lock(database)
