"""The storage layer on both backends: migrations, SQLite tuning, update claims, FSM storage."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta, timezone

import pytest
from aiogram.fsm.storage.base import StorageKey
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select, text

from bot.fsm_storage import SqlStorage
from storage.base import Base
from storage.conversations import purge_idle_states
from storage.db import Database, current_session
from storage.migrate import pending_revisions, upgrade_to_head
from storage.models import FsmState, Person, ProcessedUpdate
from storage.people.lookup import get_or_create_person
from storage.updates import claim_update, forget_updates_before

NOW = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)


async def test_migrations_leave_nothing_pending_and_match_the_models(database: Database):
    assert await pending_revisions(database.engine) == []
    assert await upgrade_to_head(database.engine) == []

    def diff(connection):
        return compare_metadata(MigrationContext.configure(connection), Base.metadata)

    async with database.engine.connect() as connection:
        assert await connection.run_sync(diff) == []


async def test_a_fresh_sqlite_file_is_created_and_migrated(tmp_path):
    path = tmp_path / "nested" / "dir" / "bot.sqlite3"
    database = Database(f"sqlite+aiosqlite:///{path}")
    try:
        applied = await upgrade_to_head(database.engine)
        assert applied and applied[0] == "0001"
        assert path.exists()
        async with database.reading() as session:
            assert (await session.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
            assert (await session.execute(text("PRAGMA foreign_keys"))).scalar() == 1
            assert (await session.execute(text("PRAGMA busy_timeout"))).scalar() >= 5000
    finally:
        await database.dispose()


async def test_concurrent_read_then_write_transactions_never_fail_with_locked(database: Database):
    async with database.transaction() as session:
        await get_or_create_person(session, 1, NOW)

    async def bump(i: int) -> None:
        async with database.transaction() as session:
            # Read first, then write: the pattern that deadlocks SQLite under BEGIN DEFERRED.
            person = await session.scalar(select(Person).where(Person.telegram_id == 1))
            await asyncio.sleep(0)
            person.locale = "ru" if i % 2 else "en"
            session.add(Person(telegram_id=1000 + i, created_at=NOW))

    await asyncio.gather(*(bump(i) for i in range(40)))
    async with database.reading() as session:
        count = len((await session.execute(select(Person.id))).all())
    assert count == 41


async def test_an_update_is_claimed_once(database: Database):
    async with database.transaction() as session:
        assert await claim_update(session, 42, 10**12, NOW)
        assert not await claim_update(session, 42, 10**12, NOW)
        assert await claim_update(session, 43, 10**12, NOW), "another bot's update is its own"


async def test_a_claim_rolled_back_with_a_failed_handler_can_be_claimed_again(database: Database):
    with pytest.raises(RuntimeError):
        async with database.transaction() as session:
            await claim_update(session, 42, 7, NOW)
            raise RuntimeError("handler failed")
    async with database.transaction() as session:
        assert await claim_update(session, 42, 7, NOW)


async def test_old_update_ids_are_forgotten(database: Database):
    async with database.transaction() as session:
        await claim_update(session, 42, 1, NOW - timedelta(days=4))
        await claim_update(session, 42, 2, NOW)
        assert await forget_updates_before(session, NOW - timedelta(days=3)) == 1
        remaining = (await session.execute(select(ProcessedUpdate.update_id))).scalars().all()
    assert remaining == [2]


async def test_datetimes_come_back_aware_in_utc(database: Database):
    moment = datetime(2026, 12, 20, 10, 0, tzinfo=timezone(timedelta(hours=5)))
    async with database.transaction() as session:
        session.add(Person(telegram_id=5, created_at=moment))
    async with database.reading() as session:
        stored = await session.scalar(select(Person.created_at).where(Person.telegram_id == 5))
    assert stored == moment and stored.tzinfo == UTC


async def test_naive_datetimes_are_refused(database: Database):
    with pytest.raises(Exception, match="naive datetime"):
        async with database.transaction() as session:
            session.add(Person(telegram_id=6, created_at=datetime(2026, 1, 1)))
            await session.flush()


KEY = StorageKey(bot_id=42, chat_id=5, user_id=5)


async def test_fsm_state_and_data_survive_a_new_process(db_url: str):
    first = Database(db_url)
    await SqlStorage(first).set_state(KEY, "Form:text")
    await SqlStorage(first).set_data(KEY, {"topic": "idea", "text": "Привет"})
    await first.dispose()

    second = Database(db_url)
    storage = SqlStorage(second)
    try:
        assert await storage.get_state(KEY) == "Form:text"
        assert await storage.get_data(KEY) == {"topic": "idea", "text": "Привет"}
        await storage.set_state(KEY, None)
        await storage.set_data(KEY, {})
        async with second.reading() as session:
            assert await session.get(FsmState, storage.key_builder.build(KEY)) is None
    finally:
        await second.dispose()


async def test_fsm_writes_join_the_update_transaction(database: Database):
    storage = SqlStorage(database)
    await storage.set_state(KEY, "Form:topic")
    with pytest.raises(RuntimeError):
        async with database.transaction() as session:
            token = current_session.set(session)
            try:
                await storage.set_state(KEY, "Form:text")
                assert await storage.get_state(KEY) == "Form:text"
                raise RuntimeError("the handler failed after moving on")
            finally:
                current_session.reset(token)
    assert await storage.get_state(KEY) == "Form:topic", "a failed step leaves the state as it was"


async def test_idle_conversations_are_purged(database: Database):
    from storage.clock import FrozenClock

    clock = FrozenClock(NOW - timedelta(days=100))
    await SqlStorage(database, clock).set_state(KEY, "Form:text")
    async with database.transaction() as session:
        assert await purge_idle_states(session, NOW - timedelta(days=90)) == 1
