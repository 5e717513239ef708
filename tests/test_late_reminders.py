"""«Sent late» only when the bot was down when the message was due.

The ticker's uptime job records when the bot runs (storage/uptime.py). A coordinator who
moves a campaign's opening to today at 14:00 makes everyone owe today's 10:00 reminder: the
bot was running at 10:00, so it is not late. A bot that was down across the due hour sends
it late, and says so. Waiting out quiet hours or a paced fan-out is not late either.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.runner import build_ticker
from handlers import outbox_renderers
from scheduler.heartbeat import record_uptime
from scheduler.outbox_sender import OutboxSender
from scheduler.pacing import Pacer
from storage import uptime
from storage.campaigns.core import ensure_campaign
from storage.models.enums import Role
from storage.models.outbox import OutboxMessage
from storage.outbox import queue as outbox
from storage.people.lookup import get_or_create_person
from tests.support.seed import add_person, build_tree, make_programme

MENTOR, MENTEE, CURATOR, COORDINATOR = 71, 72, 73, 74
LATE = "с опозданием"
# 23 November 2026 in Moscow (UTC+3), the school's zone.
MOSCOW_MIDNIGHT = datetime(2026, 11, 22, 21, 0, tzinfo=UTC)
TODAY = date(2026, 11, 23)


def local(hour: float) -> datetime:
    return MOSCOW_MIDNIGHT + timedelta(hours=hour)


async def run_bot(database, clock, until: datetime, step=timedelta(minutes=4)) -> None:
    """The bot is up from the clock's now until `until`: its ticker beats every `step`."""
    while clock.now() < until:
        await record_uptime(database, clock)
        clock.advance(step)
    clock.set(until)
    await record_uptime(database, clock)


@pytest.fixture
async def world(harness, clock):
    db = harness.app.database
    clock.set(local(6))
    now = clock.now()
    tree = await build_tree(db, now)
    ids = {
        "mentor": await add_person(db, MENTOR, "Петров Иван", Role.mentor, tree.school_id, now),
        "mentee": await add_person(db, MENTEE, "Иванова Анна", Role.mentee, tree.school_id, now),
        "curator": await add_person(
            db, CURATOR, "Куратор Ольга", Role.curator, tree.school_id, now
        ),
        "coordinator": await add_person(
            db, COORDINATOR, "Соболева Зинаида", Role.coordinator, tree.municipality_id, now
        ),
    }
    await make_programme(db, tree, now, ids["curator"], ids["mentor"], [ids["mentee"]])
    ids["tree"] = tree
    return ids


def sender_for(harness, clock) -> OutboxSender:
    return OutboxSender(
        harness.app.database,
        harness.bot,
        harness.app.i18n,
        clock,
        1000,
        "ru",
        renderers=outbox_renderers(),
        pacer=Pacer(1000, per_chat_interval=0),
    )


def survey_opened(harness) -> str:
    found = [
        m.text or ""
        for m in harness.tg.chats.get(MENTEE, [])
        if "/survey" in (m.text or "") and "20.12.2026" in (m.text or "")
    ]
    assert len(found) == 1, found
    return found[0]


async def test_an_opening_moved_to_today_at_14_is_not_late(harness, world, clock, settings):
    await run_bot(harness.app.database, clock, until=local(14))
    coordinator = harness.client.user(COORDINATOR)
    await coordinator.send("/campaign")
    await coordinator.click(coordinator.last, text="⚙ Кампания со сроком 20.12.2026")
    await coordinator.click(coordinator.last, text="Изменить дату начала")
    await coordinator.send("23.11.2026")
    assert "идёт приём ответов" in coordinator.last.text

    ticker = build_ticker(harness.app, settings)
    await ticker.tick()  # plans the reminders the new opening owes: due today at 10:00
    async with harness.app.database.reading() as s:
        row = await s.scalar(
            select(OutboxMessage).where(
                OutboxMessage.kind == "survey_open", OutboxMessage.person_id == world["mentee"]
            )
        )
    assert row.due_at == local(10) and clock.now() - row.due_at > outbox.LATE_AFTER
    await sender_for(harness, clock).drain_once()
    assert LATE not in survey_opened(harness)


async def test_a_bot_down_across_the_due_hour_says_it_is_late(harness, world, clock, settings):
    async with harness.app.database.transaction() as s:
        campaign = await ensure_campaign(s, world["tree"].municipality_id, TODAY, clock.now())
        campaign.opens_on = TODAY
    # Up from 06:00 (the reminder is planned then, due at 10:00), down from 09:30 to 12:00.
    ticker = build_ticker(harness.app, settings)
    await ticker.tick()
    await run_bot(harness.app.database, clock, until=local(9.5))
    clock.set(local(12))
    ticker = build_ticker(harness.app, settings)  # a new process
    await ticker.tick()
    await sender_for(harness, clock).drain_once()
    text = survey_opened(harness)
    assert text.startswith("⏰ Отправлено с опозданием")


async def test_quiet_hours_and_a_paced_fan_out_are_not_late(harness, database, clock):
    """An announcement made at 22:00 waits for 09:00 while the bot runs all night; a row due
    at 10:00 still queued at 12:00 behind a fan-out: neither was due while the bot was down."""
    harness.tg.user(MENTEE, first_name="Анна")
    clock.set(local(22))
    async with database.transaction() as s:
        person = (await get_or_create_person(s, MENTEE, clock.now())).id
        for subject, due in (("evening", local(22)), ("fan-out", local(24 + 10))):
            await outbox.enqueue(
                s,
                kind="announcement",
                subject=subject,
                person_id=person,
                due_at=due,
                timezone="Europe/Moscow",
                now=clock.now(),
                params={"text": f"text {subject}", "sender": "Куратор"},
            )
    sender = sender_for(harness, clock)
    await sender.drain_once()  # 22:00: quiet, moved to 09:00
    await run_bot(database, clock, until=local(24 + 12))
    await sender.drain_once()
    [message] = [m.text for m in harness.tg.chats[MENTEE]]
    assert "text evening" in message and "text fan-out" in message
    assert LATE not in message


async def test_uptime_intervals_and_what_they_cover(database):
    start = local(8)
    async with database.transaction() as s:
        for minutes in (0, 4, 8):  # three beats within GAP: one interval
            await uptime.beat(s, start + timedelta(minutes=minutes))
        await uptime.beat(s, start + timedelta(hours=2))  # after an outage: a new one
        await s.flush()
        at = [
            start + timedelta(minutes=6),  # between two beats: up
            start + timedelta(minutes=30),  # in the outage: down
            start + timedelta(hours=2),  # the first beat after it: up
            start + timedelta(hours=2, minutes=3),  # since the last beat, and now is soon: up
        ]
        now = start + timedelta(hours=2, minutes=4)
        assert await uptime.down_at(s, at, now) == {at[1]}
        # Much later with no beat since: the bot stopped after its last beat.
        later = start + timedelta(hours=5)
        assert await uptime.down_at(s, at, later) == {at[1], at[3]}
        assert await uptime.forget_before(s, start + timedelta(hours=1)) == 1
        assert await uptime.down_at(s, at, now) == {at[0], at[1]}
