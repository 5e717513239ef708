"""Leader election: one holder of the advisory lock at a time, handed over on stop and on a
lost connection; SQLite leads alone."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from scheduler.leader import Leadership, asyncpg_dsn, lock_key, migrations_lock

FAST = {"retry_seconds": 0.1, "check_seconds": 0.1}


class Jobs:
    """Stands in for the ticker and the outbox sender: counts what runs where."""

    def __init__(self, name: str, log: list[str]) -> None:
        self.name = name
        self.log = log
        self.running = False

    async def start(self) -> None:
        self.running = True
        self.log.append(f"{self.name} starts")

    async def stop(self) -> None:
        self.running = False
        self.log.append(f"{self.name} stops")


def elect(db_url: str, name: str, log: list[str], key: int) -> tuple[Leadership, Jobs]:
    jobs = Jobs(name, log)
    return Leadership(db_url, key, jobs.start, jobs.stop, **FAST), jobs


async def until(check, what: str) -> None:
    for _ in range(300):
        if check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"never happened: {what}")


def test_each_bot_has_its_own_key_and_the_dsn_drops_the_driver():
    assert lock_key(42) == lock_key(42) != lock_key(43)
    assert -(2**63) <= lock_key(42) < 2**63
    dsn = asyncpg_dsn("postgresql+asyncpg://bot:pa%40ss@db:5433/mentorship")
    assert dsn == "postgresql://bot:pa%40ss@db:5433/mentorship"
    assert asyncpg_dsn("sqlite+aiosqlite:///data/x.sqlite3") is None


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_on_sqlite_the_only_process_leads(db_url):
    log: list[str] = []
    leadership, jobs = elect(db_url, "a", log, lock_key(42))
    leadership.start()
    await until(lambda: jobs.running, "the jobs start")
    assert leadership.leading
    await leadership.stop()
    assert log == ["a starts", "a stops"] and not leadership.leading


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
async def test_one_leader_at_a_time_and_the_other_takes_over_on_stop(db_url):
    key = lock_key(1_000_001)
    log: list[str] = []
    first, _ = elect(db_url, "a", log, key)
    second, second_jobs = elect(db_url, "b", log, key)
    first.start()
    await until(lambda: first.leading, "the first instance leads")
    second.start()
    # The second keeps trying and failing while the first holds the lock.
    for _ in range(5):
        await asyncio.sleep(0.1)
        assert not second.leading and not second_jobs.running
    await first.stop()
    await until(lambda: second.leading, "the second instance takes over")
    await second.stop()
    assert log == ["a starts", "a stops", "b starts", "b stops"]


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
async def test_a_leader_that_loses_its_connection_steps_down(db_url):
    key = lock_key(1_000_002)
    log: list[str] = []
    first, first_jobs = elect(db_url, "a", log, key)
    second, second_jobs = elect(db_url, "b", log, key)
    first.start()
    await until(lambda: first.leading, "the first instance leads")
    second.start()
    # PostgreSQL ends the leader's session, as when its network or the server fails.
    admin = await asyncpg.connect(asyncpg_dsn(db_url))
    try:
        terminated = await admin.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_locks "
            "WHERE locktype = 'advisory' AND granted AND database = "
            "(SELECT oid FROM pg_database WHERE datname = current_database()) AND "
            "((classid::bigint << 32) | objid::bigint) = $1",
            key,
        )
    finally:
        await admin.close()
    assert terminated == 1
    await until(lambda: not first_jobs.running, "the old leader stops its jobs")
    await until(lambda: first.leading != second.leading, "exactly one leads again")
    assert not (first_jobs.running and second_jobs.running)
    # The follower stops first: stopping the leader first would hand the lock to the
    # follower on its way out, a third start this test is not about.
    leader, follower = (first, second) if first.leading else (second, first)
    await follower.stop()
    await leader.stop()
    # Either instance may lead next (the lock was free at once); each start had its stop.
    starts = [entry for entry in log if entry.endswith("starts")]
    assert log[0] == "a starts" and "a stops" in log and len(starts) == 2
    assert len(log) == 4


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
async def test_a_failing_start_hook_does_not_keep_the_lock(db_url):
    key = lock_key(1_000_003)

    async def broken() -> None:
        raise RuntimeError("the ticker could not start")

    stops: list[str] = []

    async def stop() -> None:
        stops.append("stopped")

    leadership = Leadership(db_url, key, broken, stop, **FAST)
    leadership.start()
    await until(lambda: len(stops) >= 2, "it keeps trying")
    await leadership.stop()
    connection = await asyncpg.connect(asyncpg_dsn(db_url))
    try:
        assert await connection.fetchval("SELECT pg_try_advisory_lock($1)", key)
    finally:
        await connection.close()


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
async def test_instances_starting_together_migrate_one_at_a_time(db_url):
    entered: list[str] = []

    async def migrate(name: str, hold: asyncio.Event) -> None:
        async with migrations_lock(db_url):
            entered.append(name)
            await hold.wait()

    first_done, second_done = asyncio.Event(), asyncio.Event()
    first = asyncio.create_task(migrate("a", first_done))
    await until(lambda: entered == ["a"], "the first migrates")
    second = asyncio.create_task(migrate("b", second_done))
    for _ in range(5):
        await asyncio.sleep(0.1)
        assert entered == ["a"]  # the second waits for the lock
    first_done.set()
    await first
    await until(lambda: entered == ["a", "b"], "the second migrates after the first")
    second_done.set()
    await second
