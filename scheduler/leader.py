"""One leader among the bot's instances: only it runs the ticker and drains the outbox.

On PostgreSQL the leader holds a session-level advisory lock (pg_try_advisory_lock) on a
connection of its own, outside the SQLAlchemy pool, for as long as it leads. The lock goes
with the connection: a leader that stops releases it, one that dies or loses the database
loses it when PostgreSQL closes the session, and the other instances, which keep trying
every few seconds, take over. The leader checks its connection every few seconds too and
steps down (stops its jobs) as soon as the check fails.

SQLite is one process by nature, so there the lock is simply held.

When the leader's session ends under it (the server restarts, an administrator terminates
it), the lock is free at once and another instance may start before the old leader has
noticed: the old one learns it from the connection's termination callback or, when the
network is cut, from the next check (CHECK_SECONDS). For that moment both may run. It is
harmless: the outbox claims each row with a conditional UPDATE before sending it, and the
ticker's jobs are idempotent (reminders are enqueued under a dedupe key, campaigns are
upserted, maintenance deletes).

The connection must reach PostgreSQL itself or a pooler in session mode: in transaction
mode (PgBouncer's default) a session lock means nothing.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import asyncpg
from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)

Hook = Callable[[], Awaitable[None]]

RETRY_SECONDS = 2.0
CHECK_SECONDS = 2.0
CONNECT_TIMEOUT = 10.0


def _key(name: str) -> int:
    digest = hashlib.sha256(name.encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def lock_key(bot_id: int) -> int:
    """A signed 64-bit key of its own per bot, so two bots may share one database."""
    return _key(f"mentorship-bot/leader/{bot_id}")


MIGRATIONS_KEY = _key("mentorship-bot/migrations")


def asyncpg_dsn(database_url: str) -> str | None:
    """The plain libpq DSN of a PostgreSQL URL; None for SQLite."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        return None
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


@asynccontextmanager
async def migrations_lock(database_url: str) -> AsyncIterator[None]:
    """Instances starting together migrate one after the other (the later ones find nothing
    to do) instead of racing to create the same tables. Nothing to do on SQLite."""
    dsn = asyncpg_dsn(database_url)
    if dsn is None:
        yield
        return
    connection = await asyncpg.connect(dsn, timeout=CONNECT_TIMEOUT)
    try:
        await connection.execute("SELECT pg_advisory_lock($1)", MIGRATIONS_KEY)
        yield
    finally:
        await _close(connection)  # ends the session, and the lock with it


class Leadership:
    """Runs `on_elected` when this instance becomes the leader and `on_deposed` when it stops
    leading (stopped, or its lock connection failed); then it tries again until stopped."""

    def __init__(
        self,
        database_url: str,
        key: int,
        on_elected: Hook,
        on_deposed: Hook,
        *,
        retry_seconds: float = RETRY_SECONDS,
        check_seconds: float = CHECK_SECONDS,
    ) -> None:
        self.dsn = asyncpg_dsn(database_url)
        self.key = key
        self.on_elected = on_elected
        self.on_deposed = on_deposed
        self.retry_seconds = retry_seconds
        self.check_seconds = check_seconds
        self.leading = False
        self.changed = asyncio.Event()  # set at every change of `leading`, for tests
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="leadership")

    async def stop(self) -> None:
        """Stop leading (the hooks' stop runs first), release the lock, stop trying."""
        self._stopping.set()
        if self._task is not None:
            await self._task
            self._task = None

    async def _run(self) -> None:
        if self.dsn is None:
            await self._lead_alone()
            return
        while not self._stopping.is_set():
            try:
                await self._attempt()
            except Exception as exc:  # the database is unreachable: try again later
                log.warning("leadership: %s: %s", type(exc).__name__, exc)
            if not self._stopping.is_set():
                await self._sleep(self.retry_seconds)

    async def _lead_alone(self) -> None:
        await self._elected()
        try:
            await self._stopping.wait()
        finally:
            await self._deposed()

    async def _attempt(self) -> None:
        """Try the lock once; while held, lead until stopped or the connection fails."""
        connection = await asyncpg.connect(self.dsn, timeout=CONNECT_TIMEOUT)
        try:
            if not await connection.fetchval("SELECT pg_try_advisory_lock($1)", self.key):
                return
            lost = asyncio.Event()
            connection.add_termination_listener(lambda _connection: lost.set())
            try:
                await self._elected()
                while not self._stopping.is_set():
                    await self._sleep(self.check_seconds, lost)
                    if lost.is_set() or connection.is_closed():
                        raise ConnectionError("the lock connection was closed")
                    if not self._stopping.is_set():
                        await connection.fetchval("SELECT 1", timeout=self.check_seconds)
            finally:
                await self._deposed()
            await connection.fetchval("SELECT pg_advisory_unlock($1)", self.key)
        finally:
            # Closing the session releases the lock even if the unlock above never ran.
            await _close(connection)

    async def _elected(self) -> None:
        log.info("leadership: this instance now runs the ticker and the outbox")
        self.leading = True
        self.changed.set()
        await self.on_elected()

    async def _deposed(self) -> None:
        if not self.leading:
            return
        self.leading = False
        self.changed.set()
        if not self._stopping.is_set():
            log.warning("leadership: lost the lock connection; stopping the ticker and the outbox")
        try:
            await self.on_deposed()
        except Exception:
            log.exception("leadership: stopping the leader's jobs failed")

    async def _sleep(self, seconds: float, lost: asyncio.Event | None = None) -> None:
        """Wait `seconds`, or less if stopping (or the lock connection is lost)."""
        waits = [asyncio.ensure_future(self._stopping.wait())]
        if lost is not None:
            waits.append(asyncio.ensure_future(lost.wait()))
        try:
            await asyncio.wait(waits, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiting in waits:
                waiting.cancel()


async def _close(connection: asyncpg.Connection) -> None:
    try:
        await asyncio.wait_for(connection.close(), 5)
    except Exception:
        connection.terminate()
