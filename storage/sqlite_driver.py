"""aiosqlite for SQLAlchemy with one trip to the connection's thread per statement.

aiosqlite runs each sqlite3 call in a worker thread of its connection, and every call is a
round trip: a queue put, a thread switch, and a wake-up of the event loop when the result
comes back. SQLAlchemy's adaptation makes four of them for a SELECT (open a cursor, execute,
fetch all rows, close the cursor) and three for an INSERT, and a transaction's BEGIN is one
more statement of its own. A bot update runs five statements, so the trips, not SQLite,
were most of its database time.

This adaptation does the same work in one job per statement: the worker thread opens a
cursor, executes, fetches every row, reads description, rowcount and lastrowid and closes
the cursor, then hands all of that back at once. The BEGIN that storage.db issues when a
transaction starts (IMMEDIATE or DEFERRED) is held back and sent in the same job as the
transaction's first statement, where SQLite would take the lock anyway; a transaction that
ends before running any statement never sends it. Nothing else changes: the same sqlite3
connection, the same dialect (the engine is created with `module=batched_aiosqlite()`),
the same exceptions, and server-side cursors (`stream()`) keep SQLAlchemy's own cursor.

Writers queue on the event loop. SQLite admits one write transaction at a time; a second
BEGIN IMMEDIATE waits in SQLite's busy handler, which sleeps and retries (1, 2, 5, 10 …
100 ms). With sixteen updates in flight that turned a bot that handles 500 updates a
second one after another into one that handled 120 together. So, before a connection of
this engine sends BEGIN IMMEDIATE, it takes the engine's asyncio lock (first come, first
served, handed over the moment the holder commits or rolls back); the busy timeout still
covers other processes on the same file (a backup, a migration, a second engine). A wait
for the lock is bounded by the same busy timeout and then fails like SQLite would, with
"database is locked".
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections import deque
from collections.abc import Sequence
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util.concurrency import await_only

# Statements held back until the transaction's first real statement (see storage.db).
DEFERRABLE_BEGINS = frozenset({"BEGIN", "BEGIN DEFERRED", "BEGIN IMMEDIATE", "BEGIN EXCLUSIVE"})


def _run(
    connection: sqlite3.Connection,
    begin: str | None,
    operation: str,
    parameters: Any,
) -> tuple[Any, list[Any], int, int | None]:
    """In the worker thread: everything SQLAlchemy will ask of the cursor, in one go."""
    if begin is not None:
        connection.execute(begin)
    cursor = connection.cursor()
    try:
        if parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else []
        return description, rows, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


def _run_many(
    connection: sqlite3.Connection, begin: str | None, operation: str, seq_of_parameters: Any
) -> tuple[int, int | None]:
    if begin is not None:
        connection.execute(begin)
    cursor = connection.cursor()
    try:
        cursor.executemany(operation, seq_of_parameters)
        return cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


class BatchedCursor:
    """A client-side cursor whose rows arrive together with the execution."""

    __slots__ = ("_adapt_connection", "_description", "_lastrowid", "_rowcount", "_rows")
    server_side = False
    arraysize = 1

    def __init__(self, adapt_connection: BatchedConnection) -> None:
        self._adapt_connection = adapt_connection
        self._description: Any = None
        self._rows: deque[Any] = deque()
        self._rowcount = -1
        self._lastrowid: int | None = None

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._lastrowid

    def execute(self, operation: str, parameters: Any = None) -> None:
        connection = self._adapt_connection
        if not parameters and operation.upper() in DEFERRABLE_BEGINS:
            connection._pending_begin = operation
            self._description, self._rowcount, self._lastrowid = None, -1, None
            self._rows.clear()
            return
        begin = connection._take_begin()
        if begin is not None:
            connection._queue_for_writing(begin)
        connection._may_be_in_transaction = True
        try:
            description, rows, rowcount, lastrowid = await_only(
                connection._connection._execute(
                    _run, connection._connection._conn, begin, operation, parameters
                )
            )
        except Exception as error:
            connection._handle_exception(error)
        self._description, self._rowcount, self._lastrowid = description, rowcount, lastrowid
        self._rows = deque(rows)

    def executemany(self, operation: str, seq_of_parameters: Sequence[Any]) -> None:
        connection = self._adapt_connection
        begin = connection._take_begin()
        if begin is not None:
            connection._queue_for_writing(begin)
        connection._may_be_in_transaction = True
        try:
            rowcount, lastrowid = await_only(
                connection._connection._execute(
                    _run_many, connection._connection._conn, begin, operation, seq_of_parameters
                )
            )
        except Exception as error:
            connection._handle_exception(error)
        self._description, self._rowcount, self._lastrowid = None, rowcount, lastrowid
        self._rows.clear()

    async def _async_soft_close(self) -> None:
        """Called by SQLAlchemy's asyncio results; the sqlite3 cursor is closed already."""

    def close(self) -> None:
        self._rows.clear()

    def setinputsizes(self, *inputsizes: Any) -> None:
        pass

    def setoutputsize(self, size: Any, column: Any = None) -> None:
        pass

    def fetchone(self) -> Any:
        return self._rows.popleft() if self._rows else None

    def fetchmany(self, size: int | None = None) -> list[Any]:
        rows = self._rows
        count = min(self.arraysize if size is None else size, len(rows))
        return [rows.popleft() for _ in range(count)]

    def fetchall(self) -> list[Any]:
        rows = list(self._rows)
        self._rows.clear()
        return rows

    def __iter__(self) -> Any:
        while self._rows:
            yield self._rows.popleft()

    def __enter__(self) -> BatchedCursor:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class WriterQueue:
    """One per engine: the asyncio lock its connections take before BEGIN IMMEDIATE."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self.waits = 0  # how often a writer found another one writing (diagnostics, tests)
        self._lock: asyncio.Lock | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def lock(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        if self._lock is None or self._loop is not loop:
            # An engine outlives an event loop in tests and CLI commands (asyncio.run twice);
            # a lock is bound to the loop it was first awaited in.
            self._lock, self._loop = asyncio.Lock(), loop
        return self._lock

    async def acquire(self) -> asyncio.Lock:
        lock = self.lock()
        if lock.locked():
            self.waits += 1
        try:
            await asyncio.wait_for(lock.acquire(), self.timeout)
        except TimeoutError:
            raise sqlite3.OperationalError("database is locked") from None
        return lock


class BatchedConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ("_held", "_may_be_in_transaction", "_pending_begin", "_writers")

    def __init__(self, dbapi: Any, connection: aiosqlite.Connection, writers: WriterQueue) -> None:
        super().__init__(dbapi, connection)
        self._writers = writers
        self._held: asyncio.Lock | None = None  # the writers' lock, while this one writes
        self._pending_begin: str | None = None
        # False only when no statement ran since the last COMMIT or ROLLBACK: then SQLite
        # is in autocommit mode (isolation_level None, see storage.db) and there is nothing
        # to end, as when the pool resets a connection coming back after a commit.
        self._may_be_in_transaction = True

    def cursor(self, server_side: bool = False) -> Any:
        if server_side:
            # A streamed result fetches in steps; SQLAlchemy's cursor does that. The pending
            # BEGIN goes first, on its own.
            self._send_pending_begin()
            self._may_be_in_transaction = True
            return super().cursor(server_side=True)
        return BatchedCursor(self)

    def _take_begin(self) -> str | None:
        begin, self._pending_begin = self._pending_begin, None
        return begin

    def _queue_for_writing(self, begin: str) -> None:
        """Wait for this engine's other writers before sending BEGIN IMMEDIATE/EXCLUSIVE."""
        if self._held is None and begin.upper() in ("BEGIN IMMEDIATE", "BEGIN EXCLUSIVE"):
            try:
                self._held = await_only(self._writers.acquire())
            except Exception as error:
                self._handle_exception(error)

    def _release_writers(self) -> None:
        held, self._held = self._held, None
        if held is not None and held.locked():
            held.release()

    def _send_pending_begin(self) -> None:
        begin = self._take_begin()
        if begin is not None:
            self._queue_for_writing(begin)
            try:
                await_only(self._connection._execute(self._connection._conn.execute, begin))
            except Exception as error:
                self._handle_exception(error)

    def commit(self) -> None:
        self._finish("commit")

    def rollback(self) -> None:
        self._finish("rollback")

    def _finish(self, finish: str) -> None:
        began = self._take_begin() is not None
        if began or not self._may_be_in_transaction or not self._connection._connection:
            # A transaction that ran no statement was never begun in SQLite: nothing to end.
            self._release_writers()
            return
        try:
            await_only(self._connection._execute(getattr(self._connection._conn, finish)))
        except Exception as error:
            if finish == "rollback" or not self._connection._conn.in_transaction:
                self._release_writers()
            self._handle_exception(error)
        self._may_be_in_transaction = False
        self._release_writers()

    def close(self) -> None:
        self._pending_begin = None
        try:
            super().close()
        finally:
            self._release_writers()

    def terminate(self) -> None:
        # An invalidated connection (a handler cancelled mid-transaction, say at shutdown)
        # is terminated, not closed: its place in the writers' queue goes with it.
        self._pending_begin = None
        try:
            super().terminate()
        finally:
            self._release_writers()


class BatchedAiosqliteDBAPI(AsyncAdapt_aiosqlite_dbapi):
    def __init__(self, aiosqlite: Any, sqlite: Any, busy_timeout: float) -> None:
        super().__init__(aiosqlite, sqlite)
        self.writers = WriterQueue(busy_timeout)

    def connect(self, *arg: Any, **kw: Any) -> BatchedConnection:
        adapted = super().connect(*arg, **kw)
        return BatchedConnection(self, adapted._connection, self.writers)


def batched_aiosqlite(busy_timeout: float = 15.0) -> BatchedAiosqliteDBAPI:
    """The DBAPI module to pass as `module=` to create_async_engine for sqlite+aiosqlite;
    one per engine (its connections share the writers' queue)."""
    return BatchedAiosqliteDBAPI(aiosqlite, sqlite3, busy_timeout)
