"""Two `python -m bot webhook` processes on one PostgreSQL database and one Redis.

Every update is posted to both instances at once (a proxy retrying on another instance),
and a campaign's reminders wait in the outbox. Each update must be handled once, each
reminder sent once, none lost; when the leader is killed the other instance takes over
the outbox.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta

import pytest
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy import func, select

from storage.db import Database
from storage.models import ProcessedUpdate
from storage.models.outbox import OutboxMessage
from storage.outbox.queue import enqueue
from storage.people.lookup import get_or_create_person
from tests.conftest import ADMIN_ID, in_ci
from tests.fakebot import FakeTelegram, WebhookDelivery
from tests.support.webhook_process import WebhookBotProcess

pytestmark = [
    pytest.mark.e2e,
    # Several processes share one database: PostgreSQL is the multi-instance backend.
    pytest.mark.parametrize("db_url", ["postgresql"], indirect=True),
]

# Apart from database 15 of tests/test_redis_fsm.py, which may run at the same time.
REDIS_URL = os.environ.get("TEST_REDIS_MULTI_URL", "redis://127.0.0.1:6379/14")
DEADLINE, SHOWN = "2026-12-20", "20.12.2026"  # as the reminder shows it


@pytest.fixture
async def redis_url() -> AsyncIterator[str]:
    client = Redis.from_url(REDIS_URL)
    try:
        await client.ping()
    except (RedisConnectionError, OSError) as exc:
        message = f"Redis is not reachable at {REDIS_URL} ({exc}); start redis-server"
        await client.aclose()
        if in_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    await client.flushdb()
    yield REDIS_URL
    await client.flushdb()
    await client.aclose()


@pytest.fixture
async def instances(
    fake_api, db_url, redis_url, tmp_path
) -> AsyncIterator[list[WebhookBotProcess]]:
    processes = []
    for name in ("a", "b"):
        workdir = tmp_path / name
        workdir.mkdir()
        processes.append(
            WebhookBotProcess(
                fake_api.url,
                db_url,
                workdir,
                REDIS_URL=redis_url,
                ADMIN_IDS=str(ADMIN_ID),
                # Slow enough that a kill lands in the middle of a batch.
                SEND_RATE="10",
            )
        )
    yield processes
    for process in processes:
        if process.process is not None and process.process.returncode is None:
            await process.kill()


async def owe_reminders(db_url: str, tg: FakeTelegram, telegram_ids: range, campaign: str) -> None:
    """The campaign's "monitoring has started" reminder, owed to each person, due now."""
    database = Database(db_url)
    now = datetime.now(UTC)
    try:
        async with database.transaction() as session:
            for telegram_id in telegram_ids:
                tg.user(telegram_id, first_name=f"Наставник {telegram_id}")
                person = await get_or_create_person(session, telegram_id, now)
                await enqueue(
                    session,
                    kind="survey_open",
                    subject=campaign,
                    person_id=person.id,
                    due_at=now - timedelta(minutes=1),
                    timezone="Etc/GMT-14",
                    now=now,
                    params={"deadline": DEADLINE, "count": 1},
                )
            await session.flush()
            # The test must not depend on the hour it runs at: no quiet hours here.
            for row in await session.scalars(
                select(OutboxMessage).where(OutboxMessage.subject == campaign)
            ):
                row.quiet_from, row.quiet_until = 24, 0
    finally:
        await database.dispose()


async def outbox_states(db_url: str, campaign: str) -> dict[str, int]:
    database = Database(db_url)
    try:
        async with database.reading() as session:
            rows = await session.execute(
                select(OutboxMessage.state, func.count())
                .where(OutboxMessage.subject == campaign)
                .group_by(OutboxMessage.state)
            )
            return dict(rows.all())
    finally:
        await database.dispose()


async def handled_updates(db_url: str) -> int:
    database = Database(db_url)
    try:
        async with database.reading() as session:
            return await session.scalar(select(func.count()).select_from(ProcessedUpdate))
    finally:
        await database.dispose()


def reminders_to(tg: FakeTelegram, telegram_id: int) -> int:
    return sum(SHOWN in m.text for m in tg.sent_to(telegram_id))


async def eventually(check: Callable[[], object], what: str, seconds: float = 60.0) -> None:
    for _ in range(int(seconds / 0.1)):
        if await _value(check):
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"not reached in {seconds} s: {what}")


async def _value(check: Callable[[], object]) -> object:
    result = check()
    return await result if asyncio.iscoroutine(result) else result


async def leaders(processes: list[WebhookBotProcess]) -> list[WebhookBotProcess]:
    found = []
    for process in processes:
        if process.process is not None and process.process.returncode is None:
            _, health = await process.health()
            if health["leader"]:
                found.append(process)
    return found


async def test_two_instances_handle_each_update_once_and_send_each_reminder_once(
    instances, tg, db_url
):
    first, second = instances
    await first.start(tg)
    await second.start(tg)
    delivery = WebhookDelivery(tg, [first.url, second.url], mode="fan-out")
    delivery.start()
    try:
        await eventually(lambda: _one_leader(instances), "one instance leads")
        (leader,) = await leaders(instances)
        (follower,) = [p for p in instances if p is not leader]

        # Updates, each posted to both instances at once.
        people = [tg.user(7300 + n, first_name=f"Участник {n}") for n in range(15)]
        for person in people:
            person.send("/start")
        for person in people:
            person.send("/help")
        posted = 2 * len(people)
        await eventually(lambda: len(delivery.delivered) == posted, "every update delivered")
        for person in people:
            await eventually(lambda p=person: len(tg.sent_to(p.id)) >= 2, f"replies to {person.id}")

        # A campaign's reminders through the outbox, while both instances run.
        batch_one = range(8100, 8130)
        await owe_reminders(db_url, tg, batch_one, "campaign-1")
        await eventually(
            lambda: all(reminders_to(tg, p) for p in batch_one), "the first batch is sent"
        )

        # The second batch: the leader is killed in the middle of it.
        batch_two = range(8200, 8240)
        await owe_reminders(db_url, tg, batch_two, "campaign-2")
        await eventually(
            lambda: sum(bool(reminders_to(tg, p)) for p in batch_two) >= 5,
            "the second batch has begun",
        )
        await leader.kill()
        await eventually(lambda: _leader_is(follower), "the other instance takes over")
        await eventually(
            lambda: all(reminders_to(tg, p) for p in batch_two), "the second batch is finished"
        )

        # After the takeover: new updates and a third batch, through the survivor alone.
        for person in people:
            person.send("/help")
        batch_three = range(8300, 8320)
        await owe_reminders(db_url, tg, batch_three, "campaign-3")
        await eventually(
            lambda: all(reminders_to(tg, p) for p in batch_three), "the third batch is sent"
        )
        await eventually(
            lambda: len(delivery.delivered) == posted + len(people), "the new updates delivered"
        )
        for person in people:
            await eventually(lambda p=person: len(tg.sent_to(p.id)) >= 3, f"replies to {person.id}")
        assert await follower.stop() == 0
    finally:
        await delivery.stop()

    # Every update was posted to both instances and handled once.
    assert await handled_updates(db_url) == posted + len(people)
    for person in people:
        texts = [m.text for m in tg.sent_to(person.id)]
        assert sum(t.startswith("Здравствуйте, Участник") for t in texts) == 1, texts
        assert sum(t.startswith("Что я умею") for t in texts) == 2, texts
        assert len(texts) == 3, texts
    early = [u for u in delivery.attempts if u.update_id in _first_ids(delivery, posted)]
    assert {a.status for a in early} == {200}
    assert len(early) == 2 * posted  # both instances answered 200 to every update

    # Every reminder was sent and none twice, except at most the one the killed leader had
    # in flight (it may or may not have left before the kill; it is sent again to be sure).
    assert [reminders_to(tg, p) for p in batch_one] == [1] * len(batch_one)
    assert [reminders_to(tg, p) for p in batch_three] == [1] * len(batch_three)
    sent_twice = [p for p in batch_two if reminders_to(tg, p) > 1]
    assert all(reminders_to(tg, p) >= 1 for p in batch_two)
    assert len(sent_twice) <= 1, sent_twice
    for campaign, size in (("campaign-1", 30), ("campaign-2", 40), ("campaign-3", 20)):
        assert await outbox_states(db_url, campaign) == {"sent": size}

    # The ticker and the outbox ran in one instance at a time.
    assert leader.log.count("now runs the ticker and the outbox") == 1
    assert follower.log.count("now runs the ticker and the outbox") == 1


async def _one_leader(processes: list[WebhookBotProcess]) -> bool:
    found = await leaders(processes)
    assert len(found) <= 1, "two instances lead at once"
    return len(found) == 1


async def _leader_is(process: WebhookBotProcess) -> bool:
    return (await process.health())[1]["leader"]


def _first_ids(delivery: WebhookDelivery, count: int) -> set[int]:
    return set(sorted({a.update_id for a in delivery.attempts})[:count])
