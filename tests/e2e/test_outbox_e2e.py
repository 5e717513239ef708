"""The real process delivers what the outbox owes: reminders reach people in their language,
a person who blocked the bot is marked, and a kill with messages owed loses none."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from storage.db import Database
from storage.models.core import Person
from storage.models.outbox import OutboxMessage
from storage.outbox.queue import enqueue
from storage.people.lookup import get_or_create_person

pytestmark = pytest.mark.e2e

READER, BLOCKER = 6101, 6102


async def owe(db_url: str, telegram_id: int, subject: str, locale: str = "ru") -> None:
    database = Database(db_url)
    now = datetime.now(UTC)
    try:
        async with database.transaction() as s:
            person = await get_or_create_person(s, telegram_id, now)
            person.locale = locale
            await enqueue(
                s,
                kind="announcement",
                subject=subject,
                person_id=person.id,
                due_at=now - timedelta(minutes=1),
                # The test must not depend on the hour it runs at: no quiet hours here.
                timezone="Etc/GMT-14",
                now=now,
                params={"text": f"Собрание наставников {subject}", "sender": "Куратор"},
            )
            row = await s.scalar(select(OutboxMessage).where(OutboxMessage.subject == subject))
            row.quiet_from, row.quiet_until = 24, 0
    finally:
        await database.dispose()


async def states(db_url: str) -> dict[str, str]:
    database = Database(db_url)
    try:
        async with database.reading() as s:
            rows = await s.execute(select(OutboxMessage.subject, OutboxMessage.state))
            blocked = await s.scalar(select(func.count()).where(Person.blocked_at.is_not(None)))
            return {**dict(rows.all()), "blocked people": str(blocked)}
    finally:
        await database.dispose()


async def test_the_process_delivers_the_outbox_and_marks_a_blocked_person(bot_process, tg, db_url):
    reader = tg.user(READER, first_name="Анна")
    blocker = tg.user(BLOCKER, first_name="Глеб")
    blocker.blocked = True
    await owe(db_url, READER, "one")
    await owe(db_url, READER, "two")
    await owe(db_url, BLOCKER, "three")
    await bot_process.start(tg)
    message = await tg.wait_for(READER, lambda m: "Собрание наставников" in (m.text or ""))
    # Both messages due to one person go as one.
    assert "Собрание наставников one" in message.text and "Собрание наставников two" in message.text
    assert message.text.startswith("📣 Объявление: Куратор")
    assert reader.blocked is False
    for _ in range(100):
        found = await states(db_url)
        if found.get("three") == "blocked":
            break
        await asyncio.sleep(0.1)  # the outcome of the 403 is written right after the answer
    assert found == {"one": "sent", "two": "sent", "three": "blocked", "blocked people": "1"}
    assert await bot_process.stop() == 0
